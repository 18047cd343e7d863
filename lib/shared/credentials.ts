/**
 * Resolution of Alibaba Cloud credentials at call time. Nothing here is captured into the
 * serialized dynamic provider or written to the state, and no lookup sends traffic anywhere the
 * user did not configure.
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Credential, {
  CLIProfileCredentialsProvider,
  Config,
  type CredentialsProvider,
  ECSRAMRoleCredentialsProvider,
  OIDCRoleArnCredentialsProvider,
  ProfileCredentialsProvider,
  URICredentialsProvider,
} from "@alicloud/credentials";

/** A read-only view of stack configuration, as the dynamic provider's `configure` receives it. */
export interface StackConfigReader {
  /** The value of a fully qualified key such as `"alicloud:accessKey"`, or `undefined`. */
  get(key: string): string | undefined;
  /**
   * The stack config key through which the user sets the runtime's key `key` on this reader's path,
   * for messages: the provider plugin reads `alicloud-ims-callback:secretKey` where the runtime
   * reads `alicloud:secretKey`; `undefined` when the path has no key for it (only the environment
   * sets it there). Absent: the runtime's keys are the user's (the dynamic provider reads the
   * whole stack config).
   */
  readonly userKey?: (key: string) => string | undefined;
}

/**
 * The stack config key a message names for the runtime's key `key` on the path of `config` (see
 * {@link StackConfigReader.userKey}); `undefined` when that path has none.
 */
export function userConfigKey(
  config: StackConfigReader | undefined,
  key: string,
): string | undefined {
  return config?.userKey ? config.userKey(key) : key;
}

/** Where the credentials in use came from (for messages; never the values). */
export type CredentialSource =
  "stack-config" | "stack-config-profile" | "environment" | "credentials-chain";

/** A credential and a description of its origin. */
export interface ResolvedCredential {
  /** The `@alicloud/credentials` credential, ready for the OpenAPI runtime. */
  readonly credential: Credential;
  /** Where it came from, e.g. `"environment"`. */
  readonly source: CredentialSource;
}

/** Credentials could not be found or used; the message names sources and settings, never values. */
export class CredentialsError extends Error {
  /** `"CredentialsError"` */
  override readonly name: string = "CredentialsError";
}

/** An AccessKey pair configured by halves: names what is set and what is missing. */
export class IncompleteCredentialsError extends CredentialsError {
  /** `"IncompleteCredentialsError"` */
  override readonly name = "IncompleteCredentialsError";
}

/** No credential source is configured: names every place that was looked at. */
export class CredentialsNotFoundError extends CredentialsError {
  /** `"CredentialsNotFoundError"` */
  override readonly name = "CredentialsNotFoundError";
}

/** One place an AccessKey pair (and optional STS token) can be configured. */
interface KeyPairSource {
  readonly label: string;
  readonly id: string;
  readonly secret: string;
  readonly token: string;
  readonly read: (name: string) => string | undefined;
  /** The name messages give `name` (the user's key on the config's path). */
  readonly display: (name: string) => string;
}

/** Where one credential setting is read from, for the resolution below and the reference. */
export interface CredentialSetting {
  /** Stack config key, when the stack config can set it. */
  readonly configKey?: string;
  /** Environment variables, in the order they are tried. */
  readonly envVars: readonly string[];
  /** What it gives, one sentence for the reference. */
  readonly description: string;
}

/** Every credential setting, in the order of {@link resolveCredential}. */
export const CREDENTIAL_SETTINGS = {
  accessKey: {
    configKey: "alicloud:accessKey",
    envVars: ["ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_ACCESS_KEY_ID"],
    description: "AccessKey id; stack config first, then each variable with its pair's secret.",
  },
  secretKey: {
    configKey: "alicloud:secretKey",
    envVars: ["ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
    description: "AccessKey secret of the same pair (set it with `pulumi config set --secret`).",
  },
  securityToken: {
    configKey: "alicloud:securityToken",
    envVars: ["ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN"],
    description: "STS token, when the pair is temporary.",
  },
  profile: {
    configKey: "alicloud:profile",
    envVars: [],
    description: "A profile of the Alibaba Cloud CLI config (`~/.aliyun/config.json`).",
  },
  oidcRole: {
    envVars: [
      "ALIBABA_CLOUD_ROLE_ARN",
      "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
      "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    ],
    description: "OIDC role, used when all three are set.",
  },
  cliProfileDisabled: {
    envVars: ["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"],
    description: "`true` skips the Alibaba Cloud CLI config in the chain.",
  },
  credentialsFile: {
    envVars: ["ALIBABA_CLOUD_CREDENTIALS_FILE"],
    description: "Credentials file, used when it exists (default `~/.alibabacloud/credentials`).",
  },
  ecsRoleName: {
    configKey: "alicloud:ecsRoleName",
    envVars: ["ALIBABA_CLOUD_ECS_METADATA"],
    description: "ECS RAM role; the metadata service is asked only when one is named.",
  },
  ecsMetadataDisabled: {
    envVars: ["ALIBABA_CLOUD_ECS_METADATA_DISABLED"],
    description: "`true` never asks the ECS metadata service.",
  },
  credentialsUri: {
    envVars: ["ALIBABA_CLOUD_CREDENTIALS_URI"],
    description: "A credentials URI, asked only when set.",
  },
} as const satisfies Record<string, CredentialSetting>;

const { accessKey, secretKey, securityToken } = CREDENTIAL_SETTINGS;

/**
 * Where credentials come from, one paragraph for a resource's documentation, naming the stack config
 * keys as the reader's path does (`configKey` maps the runtime's key to it): the dynamic provider's
 * `EventCallback` says it with `alicloud:*` (its `@remarks`), the plugin's schema with its own keys.
 */
export function credentialSourcesText(
  configKey: (runtimeKey: string) => string | undefined = (key) => key,
): string {
  const [id, secret, profile] = [accessKey, secretKey, CREDENTIAL_SETTINGS.profile].map(
    (setting) => `\`${configKey(setting.configKey) ?? setting.configKey}\``,
  );
  return (
    `Credentials come from stack config ${id}/${secret} (or ${profile}), then the usual environment variables, ` +
    "then the configured sources of the Alibaba Cloud default chain (never the ECS metadata service unless configured); " +
    "see docs/configuration.md."
  );
}
const ENV_PAIRS = accessKey.envVars.map(
  (id, i) => [id, secretKey.envVars[i], securityToken.envVars[i]] as const,
);

/** The environment variables that hold an AccessKey secret or an STS token. */
export const CREDENTIAL_SECRET_VARIABLES: readonly string[] = ENV_PAIRS.flatMap(
  ([, secret, token]) => [secret, token],
);

/** The environment variables that switch on a source of the credentials chain that calls a service. */
const OIDC_VARIABLES = CREDENTIAL_SETTINGS.oidcRole.envVars;

/**
 * Finds the credentials to call IMS with, in this order:
 * 1. stack config `alicloud:accessKey` / `alicloud:secretKey` / `alicloud:securityToken`, then
 *    `alicloud:profile` (a profile of the Alibaba Cloud CLI config);
 * 2. the environment variables the alicloud provider and Alibaba SDKs use
 *    (`ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`/`ALICLOUD_SECURITY_TOKEN`, then
 *    `ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`/`ALIBABA_CLOUD_SECURITY_TOKEN`);
 * 3. a chain of the sources the user configured, tried at call time: OIDC role
 *    (`ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`),
 *    the Alibaba Cloud CLI config (`~/.aliyun/config.json`), the credentials file
 *    (`ALIBABA_CLOUD_CREDENTIALS_FILE` or `~/.alibabacloud/credentials`), the ECS RAM role named by
 *    `alicloud:ecsRoleName` or `ALIBABA_CLOUD_ECS_METADATA`, and `ALIBABA_CLOUD_CREDENTIALS_URI`.
 *    Unlike the `@alicloud/credentials` default chain, it never asks the ECS metadata service or a
 *    credentials URI unless one is configured.
 *
 * A pair set by halves (an id without its secret, a secret or token without the id) is an error
 * naming the incomplete configuration; when no source yields credentials the first call fails with
 * a {@link CredentialsNotFoundError} naming every place looked at.
 *
 * @example
 * ```ts
 * const { credential, source } = resolveCredential(config, process.env);
 * ```
 * @param env - defaults to process.env
 * @throws {@link IncompleteCredentialsError} when a pair is set by halves.
 */
export function resolveCredential(
  config: StackConfigReader | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedCredential {
  const readConfig = (name: string) => config?.get(name) || undefined;
  const readEnv = (name: string) => env[name] || undefined;
  const fromConfig = keyPair({
    label: "stack config",
    id: accessKey.configKey,
    secret: secretKey.configKey,
    token: securityToken.configKey,
    read: readConfig,
    display: (name) => userConfigKey(config, name) ?? name,
  });
  if (fromConfig) return { credential: fromConfig, source: "stack-config" };
  const profile = readConfig(CREDENTIAL_SETTINGS.profile.configKey);
  if (profile) {
    const provider = CLIProfileCredentialsProvider.builder().withProfileName(profile).build();
    return { credential: new Credential(null, provider), source: "stack-config-profile" };
  }
  for (const [id, secret, token] of ENV_PAIRS) {
    const fromEnv = keyPair({
      label: "environment",
      id,
      secret,
      token,
      read: readEnv,
      display: (name) => name,
    });
    if (fromEnv) return { credential: fromEnv, source: "environment" };
  }
  return {
    credential: new Credential(null, new ConfiguredSourcesChain(config, env)),
    source: "credentials-chain",
  };
}

function keyPair(source: KeyPairSource): Credential | undefined {
  const id = source.read(source.id);
  const secret = source.read(source.secret);
  const token = source.read(source.token);
  if (!id && !secret && !token) return undefined;
  if (!id || !secret) {
    const set = [source.id, source.secret, source.token]
      .filter((name) => source.read(name))
      .map(source.display);
    const missingSecret = !secret;
    const missing = [source.id, source.secret]
      .filter((name) => !source.read(name))
      .map(source.display);
    const how =
      source.label === "stack config"
        ? `pulumi config set${missingSecret && missing.length === 1 ? " --secret" : ""} ${missing[0]} ...`
        : `export ${missing[0]}=...`;
    throw new IncompleteCredentialsError(
      `Incomplete Alibaba Cloud credentials in the ${source.label}: ${set.join(" and ")} ${set.length > 1 ? "are" : "is"} set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not. ` +
        `Set ${missing.join(" and ")} (${how}), or remove ${set.join(" and ")} to use another credential source.`,
    );
  }
  return new Credential(
    new Config(
      token
        ? { type: "sts", accessKeyId: id, accessKeySecret: secret, securityToken: token }
        : { type: "access_key", accessKeyId: id, accessKeySecret: secret },
    ),
  );
}

type Credentials = Awaited<ReturnType<CredentialsProvider["getCredentials"]>>;

/**
 * The sources of the `@alicloud/credentials` default chain that the user configured, in its order.
 * Sources that call a service (STS for OIDC, the ECS metadata service, a credentials URI) join
 * only when configured; the two files are read only when they exist.
 */
class ConfiguredSourcesChain {
  private chosen: CredentialsProvider | undefined;

  constructor(
    private readonly config: StackConfigReader | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  getProviderName(): string {
    return "configured-sources";
  }

  async getCredentials(): Promise<Credentials> {
    if (this.chosen) return this.chosen.getCredentials();
    const [id, secret, profile] = [accessKey, secretKey, CREDENTIAL_SETTINGS.profile].map(
      (setting) => userConfigKey(this.config, setting.configKey) ?? setting.configKey,
    );
    const looked: string[] = [
      `stack config ${id}/${secret} and ${profile}`,
      `environment ${ENV_PAIRS.map(([id, secret]) => `${id}/${secret}`).join(", ")}`,
    ];
    const failures: string[] = [];
    for (const candidate of this.candidates(looked)) {
      try {
        const credentials = await candidate.provider.getCredentials();
        this.chosen = candidate.provider;
        return credentials;
      } catch (e) {
        failures.push(`${candidate.label}: ${safeReason(e)}`);
      }
    }
    if (failures.length > 0) {
      throw new CredentialsError(
        `No configured Alibaba Cloud credential source gave credentials (${failures.join("; ")}). Also looked at: ${looked.join("; ")}.`,
      );
    }
    throw new CredentialsNotFoundError(
      `No Alibaba Cloud credentials found. Looked at: ${looked.join("; ")}. ` +
        `Set them with "pulumi config set ${id} <id>" and "pulumi config set --secret ${secret} <secret>", ` +
        "or the ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET variables, or configure one of the sources above.",
    );
  }

  /** The configured sources, in the default chain's order; `looked` collects what was checked. */
  private candidates(looked: string[]): CredentialCandidate[] {
    const out: CredentialCandidate[] = [];
    for (const source of CHAIN_SOURCES) {
      const found = source(this.env, this.config);
      if (typeof found === "string") looked.push(found);
      else out.push(found);
    }
    return out;
  }
}

/** A configured source of credentials, and its name in messages. */
interface CredentialCandidate {
  readonly label: string;
  readonly provider: CredentialsProvider;
}

/** One source of the default chain: its provider when configured, or what was looked at. */
type ChainSource = (
  env: NodeJS.ProcessEnv,
  config: StackConfigReader | undefined,
) => CredentialCandidate | string;

const oidcRoleSource: ChainSource = (env) => {
  const set = OIDC_VARIABLES.filter((name) => env[name]);
  if (set.length < OIDC_VARIABLES.length)
    return `OIDC role (${OIDC_VARIABLES.join(", ")}: ${set.length === 0 ? "not set" : `only ${set.join(", ")} set`})`;
  const [roleArn, oidcProviderArn, oidcTokenFile] = OIDC_VARIABLES;
  return {
    label: "OIDC role",
    provider: OIDCRoleArnCredentialsProvider.builder()
      .withRoleArn(env[roleArn] as string)
      .withOIDCProviderArn(env[oidcProviderArn] as string)
      .withOIDCTokenFilePath(env[oidcTokenFile] as string)
      .build(),
  };
};

// The library's own providers read the two files from the home directory it sees.
const cliConfigSource: ChainSource = (env) => {
  const [disabledBy] = CREDENTIAL_SETTINGS.cliProfileDisabled.envVars;
  const cliConfig = path.join(os.homedir(), ".aliyun", "config.json");
  if (env[disabledBy]?.toLowerCase() === "true")
    return `Alibaba Cloud CLI config (disabled by ${disabledBy})`;
  if (!fs.existsSync(cliConfig)) return `Alibaba Cloud CLI config ${cliConfig} (absent)`;
  return {
    label: `Alibaba Cloud CLI config ${cliConfig}`,
    provider: CLIProfileCredentialsProvider.builder().build(),
  };
};

const credentialsFileSource: ChainSource = (env) => {
  const [movedBy] = CREDENTIAL_SETTINGS.credentialsFile.envVars;
  const file = env[movedBy] || path.join(os.homedir(), ".alibabacloud", "credentials");
  if (!fs.existsSync(file)) return `credentials file ${file} (absent)`;
  return {
    label: `credentials file ${file}`,
    provider: ProfileCredentialsProvider.builder().build(),
  };
};

const ecsRoleSource: ChainSource = (env, config) => {
  const { configKey, envVars } = CREDENTIAL_SETTINGS.ecsRoleName;
  const [metadataDisabledBy] = CREDENTIAL_SETTINGS.ecsMetadataDisabled.envVars;
  const roleName = config?.get(configKey) || env[envVars[0]];
  if (roleName && env[metadataDisabledBy]?.toLowerCase() !== "true") {
    return {
      label: `ECS RAM role ${roleName}`,
      provider: ECSRAMRoleCredentialsProvider.builder().withRoleName(roleName).build(),
    };
  }
  // The key the path reads, if any (the provider plugin has none: only the variable).
  const names = [userConfigKey(config, configKey), envVars[0]].filter(Boolean);
  return `ECS RAM role (${names.join(" / ")}: not set; the metadata service is not asked otherwise)`;
};

const credentialsUriSource: ChainSource = (env) => {
  const [variable] = CREDENTIAL_SETTINGS.credentialsUri.envVars;
  const uri = env[variable];
  if (!uri) return `credentials URI (${variable}: not set)`;
  return {
    label: "credentials URI",
    provider: URICredentialsProvider.builder().withCredentialsURI(uri).build(),
  };
};

/** The sources after the static keys, in the `@alicloud/credentials` default chain's order. */
const CHAIN_SOURCES: readonly ChainSource[] = [
  oidcRoleSource,
  cliConfigSource,
  credentialsFileSource,
  ecsRoleSource,
  credentialsUriSource,
];

/** A source's failure without the details that may quote a file's or a response's content. */
function safeReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\b(failed|error)\b[^.:]*:.*$/is, "$1").slice(0, 300);
}
