/**
 * The provider plugin's configuration (`alicloud-ims-callback:*` in the stack, or the arguments of
 * an explicit provider), mapped onto the keys the runtime reads: the dynamic provider's host hands
 * the runtime the whole stack configuration, where the credentials are `alicloud:*` and the
 * settings `ims-callback:*`; a plugin receives only its own package's configuration.
 *
 * @internal
 * @packageDocumentation
 */
import type { ConfigureRequest } from "@pulumi/pulumi/proto/provider_pb";
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
   * How long a create waits after its write before reading it back (to detect a racing writer), in milliseconds.
   *
   * @default 2000
   */
  readonly raceCheckDelayMs?: number;
}

/**
 * Which namespace the runtime reads each key from: the credentials under `alicloud:` (as the
 * alicloud provider's), the settings under `ims-callback:`; the key itself is the same.
 */
const RUNTIME_NAMESPACE: Readonly<Record<keyof PluginConfig, "alicloud" | "ims-callback">> = {
  accessKey: "alicloud",
  secretKey: "alicloud",
  securityToken: "alicloud",
  profile: "alicloud",
  endpoints: "ims-callback",
  endpointType: "ims-callback",
  timeoutMs: "ims-callback",
  maxAttempts: "ims-callback",
  raceCheckDelayMs: "ims-callback",
};

/** The plugin's config keys. */
export const PLUGIN_CONFIG_KEYS = Object.keys(RUNTIME_NAMESPACE) as (keyof PluginConfig)[];

/**
 * The configuration a `Configure` request carries, as the runtime reads it: from the `variables`
 * (`<package>:<key>` or `<package>:config:<key>`, every value a string), else from the arguments.
 */
export function configFromRequest(request: ConfigureRequest): StackConfigReader {
  const values = new Map<string, string>();
  const put = (key: string, value: unknown) => {
    const namespace = Object.hasOwn(RUNTIME_NAMESPACE, key)
      ? RUNTIME_NAMESPACE[key as keyof PluginConfig]
      : undefined;
    if (!namespace || value === undefined || value === null || value === "") return;
    values.set(`${namespace}:${key}`, typeof value === "string" ? value : JSON.stringify(value));
  };
  const args = request.getArgs()?.toJavaScript();
  if (args) {
    for (const [key, value] of Object.entries(unwrapSecrets(args).value)) put(key, value);
  }
  for (const [key, value] of request.getVariablesMap().entries()) {
    put(key.slice(key.lastIndexOf(":") + 1), value);
  }
  return { get: (key) => values.get(key) };
}
