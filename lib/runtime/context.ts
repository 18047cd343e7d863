/**
 * The runtime's one context: the stack configuration `configure()` was given (the dynamic provider's
 * or the plugin's), and what every operation builds from it at call time: the provider settings,
 * the RPC clients (IMS, Mns-open) and the credential secrets no message may hold. Nothing is cached:
 * an environment variable changed between two calls counts from the second.
 *
 * @packageDocumentation
 */
import {
  CREDENTIAL_SECRET_VARIABLES,
  resolveCredential,
  userConfigKey,
  type StackConfigReader,
} from "../shared/credentials";
import { DEFAULT_RETRY_POLICY, ImsClient } from "./imsClient";
import { PROVIDER_SETTINGS, readSetting, type ProviderSetting } from "./providerSettings";
import { MNS_OPEN_API_VERSION, mnsOpenEndpoint, QUEUE_COUNT_RETRY_POLICY } from "./queueCounts";
import { RpcClient } from "./rpcClient";

/** The configuration of one provider instance and the clients built from it. */
export class RuntimeContext {
  /** The stack configuration; `undefined` before `configure()` (the environment only). */
  readonly config: StackConfigReader | undefined;

  constructor(config: StackConfigReader | undefined) {
    this.config = config;
  }

  /** A provider setting from the stack config, else its environment variable, else its default. */
  setting<T>(setting: ProviderSetting<T>, env: NodeJS.ProcessEnv = process.env): T {
    return readSetting(setting, this.config, env);
  }

  /** The IMS client of `region`, with the credential chain, endpoint, timeout and retries configured. */
  imsClient(region: string, env: NodeJS.ProcessEnv = process.env): ImsClient {
    const { credential } = resolveCredential(this.config, env);
    return new ImsClient({
      configKeys: (key) => userConfigKey(this.config, key),
      region,
      credential,
      endpoint: this.setting(PROVIDER_SETTINGS.endpoints, env).get(region),
      endpointType: this.setting(PROVIDER_SETTINGS.endpointType, env),
      timeoutMs: this.setting(PROVIDER_SETTINGS.timeoutMs, env),
      retry: {
        ...DEFAULT_RETRY_POLICY,
        maxAttempts: this.setting(PROVIDER_SETTINGS.maxAttempts, env),
      },
    });
  }

  /** The Mns-open client of `region` the queue guard counts messages with (see ./queueCounts). */
  mnsOpenClient(region: string, env: NodeJS.ProcessEnv = process.env): RpcClient {
    const { credential } = resolveCredential(this.config, env);
    return new RpcClient({
      region,
      apiVersion: MNS_OPEN_API_VERSION,
      credential,
      endpoint: mnsOpenEndpoint(
        region,
        this.config,
        this.setting(PROVIDER_SETTINGS.mnsOpenEndpoint, env),
      ),
      timeoutMs: this.setting(PROVIDER_SETTINGS.timeoutMs, env),
      retry: QUEUE_COUNT_RETRY_POLICY,
    });
  }

  /** The configured credential secrets and tokens (stack config and environment): never in a message. */
  credentialSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
    const values = [
      this.config?.get("alicloud:secretKey"),
      this.config?.get("alicloud:securityToken"),
      ...CREDENTIAL_SECRET_VARIABLES.map((name) => env[name]),
    ];
    return values.filter((v): v is string => typeof v === "string" && v !== "");
  }
}

let current = new RuntimeContext(undefined);

/** Builds the context from the stack configuration (the provider's `configure`); values are never logged. */
export function configure(config: StackConfigReader | undefined): void {
  current = new RuntimeContext(config);
}

/** Forgets the configuration given to {@link configure} (for tests). */
export function resetConfiguration(): void {
  current = new RuntimeContext(undefined);
}

/** The context of the operation being served. */
export function runtimeContext(): RuntimeContext {
  return current;
}
