/**
 * The provider plugin's configuration (`alicloud-ims-callback:*` in the stack, or the arguments of
 * an explicit provider), mapped onto the keys the runtime reads: the dynamic provider's host hands
 * the runtime the whole stack configuration, where the credentials are `alicloud:*` and the
 * settings `ims-callback:*`; a plugin receives only its own package's configuration.
 *
 * @packageDocumentation
 */
import type { ConfigureRequest } from "@pulumi/pulumi/proto/provider_pb";
import { PLUGIN_PACKAGE } from "../shared/contract";
import type { StackConfigReader } from "../shared/credentials";
import { unwrapSecrets } from "./secrets";

/**
 * The configuration of the `alicloud-ims-callback` provider. Every value can also come from the
 * environment, as for the dynamic provider (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `IMS_CALLBACK_ENDPOINTS`,
 * ...); stack config wins.
 */
export interface PluginConfig {
  /** The AccessKey id of the account whose IMS settings are managed. */
  readonly accessKey?: string;
  /** The AccessKey secret that goes with `accessKey`. */
  readonly secretKey?: string;
  /** The STS security token, when `accessKey` and `secretKey` are temporary credentials. */
  readonly securityToken?: string;
  /** A profile of the Alibaba Cloud CLI configuration (`~/.aliyun/config.json`) to take credentials from. */
  readonly profile?: string;
  /**
   * IMS endpoints by region, as a JSON object, for a local emulator or a private endpoint.
   *
   * @example "{\"cn-shanghai\":\"http://127.0.0.1:4101\"}"
   */
  readonly endpoints?: string;
  /**
   * Call IMS through its public or its VPC endpoints.
   *
   * @default "public"
   */
  readonly endpointType?: "public" | "vpc";
  /**
   * Timeout of one IMS API request, in milliseconds.
   *
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Attempts per IMS API call, the first one included, when the service answers with a retryable error.
   *
   * @default 5
   */
  readonly maxAttempts?: number;
  /**
   * The Mns-open endpoint (host, or URL with its scheme) through which a queue's messages are
   * counted before the queue may be deleted; as the alicloud provider's `endpoints[].mnsOpen`. A
   * destroy configures the plugin from the inputs recorded at the last `pulumi up`: to change it
   * for a destroy, set `IMS_CALLBACK_MNS_OPEN_ENDPOINT` in the environment (it wins over this).
   *
   * @default "mns-open.<region>.aliyuncs.com"
   */
  readonly mnsOpenEndpoint?: string;
  /**
   * The protocol of `mnsOpenEndpoint` when it has no scheme; as the alicloud provider's `protocol`.
   *
   * @default "HTTPS"
   */
  readonly protocol?: "HTTP" | "HTTPS";
  /**
   * How long a create waits after its write before reading it back (to detect a racing writer), in milliseconds.
   *
   * @default 2000
   */
  readonly raceCheckDelayMs?: number;
}

/**
 * The runtime's key for each plugin key, and how the value is written there. The credentials live
 * under `alicloud:` (as the alicloud provider's), the settings under `ims-callback:`; the queue
 * guard reads the Mns-open endpoint from the alicloud provider's `endpoints` list.
 */
const RUNTIME_KEYS: Readonly<
  Record<keyof PluginConfig, readonly [string, (value: string) => string]>
> = {
  accessKey: ["alicloud:accessKey", same],
  secretKey: ["alicloud:secretKey", same],
  securityToken: ["alicloud:securityToken", same],
  profile: ["alicloud:profile", same],
  endpoints: ["ims-callback:endpoints", same],
  endpointType: ["ims-callback:endpointType", same],
  timeoutMs: ["ims-callback:timeoutMs", same],
  maxAttempts: ["ims-callback:maxAttempts", same],
  mnsOpenEndpoint: ["alicloud:endpoints", (host) => JSON.stringify([{ mnsOpen: host }])],
  protocol: ["alicloud:protocol", same],
  raceCheckDelayMs: ["ims-callback:raceCheckDelayMs", same],
};

function same(value: string): string {
  return value;
}

/** The config keys whose values are secrets (marked so in the schema). */
export const SECRET_CONFIG_KEYS: readonly (keyof PluginConfig)[] = ["secretKey", "securityToken"];

/** The plugin's config keys. */
export const PLUGIN_CONFIG_KEYS = Object.keys(RUNTIME_KEYS) as (keyof PluginConfig)[];

/**
 * The configuration a `Configure` request carries, as the runtime reads it: from the `variables`
 * (`<package>:<key>` or `<package>:config:<key>`, every value a string), else from the arguments.
 */
export function configFromRequest(request: ConfigureRequest): StackConfigReader {
  const values = new Map<string, string>();
  const put = (key: string, value: unknown) => {
    const target = Object.hasOwn(RUNTIME_KEYS, key)
      ? RUNTIME_KEYS[key as keyof PluginConfig]
      : undefined;
    if (!target || value === undefined || value === null || value === "") return;
    const [runtimeKey, write] = target;
    values.set(runtimeKey, write(typeof value === "string" ? value : JSON.stringify(value)));
  };
  const args = request.getArgs()?.toJavaScript();
  if (args) {
    for (const [key, value] of Object.entries(unwrapSecrets(args).value)) put(key, value);
  }
  for (const [key, value] of request.getVariablesMap().entries()) {
    put(key.slice(key.lastIndexOf(":") + 1), value);
  }
  return { get: (key) => values.get(key), userKey: pluginConfigKey };
}

/**
 * The plugin's stack config key (`alicloud-ims-callback:<key>`) that sets the runtime's key
 * `runtimeKey`, or `undefined` when the plugin has none: what messages name on the plugin's path.
 */
export function pluginConfigKey(runtimeKey: string): string | undefined {
  const key = PLUGIN_CONFIG_KEYS.find((k) => RUNTIME_KEYS[k][0] === runtimeKey);
  return key === undefined ? undefined : `${PLUGIN_PACKAGE}:${key}`;
}
