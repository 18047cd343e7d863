/**
 * Resolution of Alibaba Cloud credentials at call time. Nothing here is captured into the
 * serialized dynamic provider or written to the state.
 *
 * @packageDocumentation
 */
import Credential, { CLIProfileCredentialsProvider, Config } from "@alicloud/credentials";

/** A read-only view of stack configuration, as the dynamic provider's `configure` receives it. */
export interface StackConfigReader {
  /** The value of a fully qualified key such as `"alicloud:accessKey"`, or `undefined`. */
  get(key: string): string | undefined;
}

/** Where the credentials in use came from (for messages; never the values). */
export type CredentialSource = "stack-config" | "stack-config-profile" | "environment" | "default-chain";

/** A credential and a description of its origin. */
export interface ResolvedCredential {
  /** The `@alicloud/credentials` credential, ready for the OpenAPI runtime. */
  readonly credential: Credential;
  /** Where it came from, e.g. `"environment"`. */
  readonly source: CredentialSource;
}

const ENV_PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"],
  ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"],
];

/**
 * Finds the credentials to call IMS with, in this order:
 * 1. stack config `alicloud:accessKey` / `alicloud:secretKey` / `alicloud:securityToken`, then
 *    `alicloud:profile` (a profile of the Alibaba Cloud CLI config);
 * 2. the environment variables the alicloud provider and Alibaba SDKs use
 *    (`ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`/`ALICLOUD_SECURITY_TOKEN`, then
 *    `ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`/`ALIBABA_CLOUD_SECURITY_TOKEN`);
 * 3. the `@alicloud/credentials` default chain (profile files, ECS RAM role, OIDC, ...).
 *
 * @example
 * ```ts
 * const { credential, source } = resolveCredential(config, process.env);
 * ```
 * @param env - `@default process.env`
 */
export function resolveCredential(
  config: StackConfigReader | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedCredential {
  const fromPair = (id: string, secret: string, token: string | undefined) =>
    new Credential(
      new Config(
        token
          ? { type: "sts", accessKeyId: id, accessKeySecret: secret, securityToken: token }
          : { type: "access_key", accessKeyId: id, accessKeySecret: secret },
      ),
    );

  const configId = config?.get("alicloud:accessKey");
  const configSecret = config?.get("alicloud:secretKey");
  if (configId && configSecret) {
    return {
      credential: fromPair(configId, configSecret, config?.get("alicloud:securityToken")),
      source: "stack-config",
    };
  }
  const profile = config?.get("alicloud:profile");
  if (profile) {
    const provider = CLIProfileCredentialsProvider.builder().withProfileName(profile).build();
    return { credential: new Credential(null, provider), source: "stack-config-profile" };
  }
  for (const [idVar, secretVar, tokenVar] of ENV_PAIRS) {
    const id = env[idVar];
    const secret = env[secretVar];
    if (id && secret) {
      return { credential: fromPair(id, secret, env[tokenVar] || undefined), source: "environment" };
    }
  }
  return { credential: new Credential(), source: "default-chain" };
}
