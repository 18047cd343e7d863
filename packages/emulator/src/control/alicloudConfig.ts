/**
 * How to point the alicloud resource plugin (`@pulumi/alicloud`) at the emulator: the provider
 * settings for one region, as stack configuration or as `alicloud.Provider` arguments.
 *
 * Checked by running the plugin built from `../shared/tools/pulumi-resource-alicloud` (3.108.0
 * stamp, Terraform provider v1.285.0) through the engine: `endpoints` entries take `host:port`
 * (keys `ram`, `sts`, `mnsOpen`), `protocol: "HTTP"` makes the plugin use plain HTTP, and with
 * `accountId` and `accountType` set it calls neither STS nor BssOpenApi while configuring.
 * `message.ServiceQueue` goes to the `mnsOpen` endpoint of its provider's region, so a provider
 * for another region needs that region's endpoint.
 *
 * @packageDocumentation
 */
import type { EmulatorAccount } from "../ground/accounts";

/** What the settings are derived from: a running emulator's handle or its discovery file. */
export interface EmulatorEndpoints {
  /** Region → endpoint URL, e.g. `{ "cn-shanghai": "http://127.0.0.1:40123" }`. */
  readonly endpoints: Readonly<Record<string, string>>;
}

/** The `endpoints` entry of the alicloud provider for one region: RAM and STS are global, Mns-open regional. */
export interface AlicloudEndpointOverrides {
  /** RAM's endpoint, `host:port`. */
  readonly ram: string;
  /** STS's endpoint, `host:port`. */
  readonly sts: string;
  /** Mns-open's endpoint of the region, `host:port`. */
  readonly mnsOpen: string;
}

/** Arguments of `new alicloud.Provider(name, args)` for the emulator. */
export interface AlicloudProviderSettings {
  /** The provider's region, one of the emulator's. */
  readonly region: string;
  /** The account's first AccessKey ID. */
  readonly accessKey: string;
  /** That AccessKey's secret. */
  readonly secretKey: string;
  /** The account's ID, so the plugin does not call STS to find out. */
  readonly accountId: string;
  /** `"Domestic"`: set so the plugin does not call BssOpenApi to find out. */
  readonly accountType: string;
  /** `"HTTP"`: the emulator speaks plain HTTP. */
  readonly protocol: string;
  /** The emulator's endpoints for RAM, STS and Mns-open (one entry). */
  readonly endpoints: readonly AlicloudEndpointOverrides[];
}

function hostOf(emulator: EmulatorEndpoints, region: string): string {
  const url = emulator.endpoints[region];
  if (!url)
    throw new Error(
      `The emulator has no endpoint for region '${region}'; served: ${Object.keys(emulator.endpoints).join(", ")}.`,
    );
  return new URL(url).host;
}

/**
 * The endpoint overrides for a provider of `region`.
 *
 * @example
 * ```ts
 * alicloudEndpoints(emulator, "cn-shanghai"); // { ram: "127.0.0.1:40125", sts: "127.0.0.1:40125", mnsOpen: "127.0.0.1:40125" }
 * ```
 */
export function alicloudEndpoints(
  emulator: EmulatorEndpoints,
  region: string,
): AlicloudEndpointOverrides {
  const host = hostOf(emulator, region);
  return { ram: host, sts: host, mnsOpen: host };
}

/**
 * `alicloud.Provider` arguments that point the plugin at the emulator for `region`, with the
 * account's first AccessKey.
 *
 * @example
 * ```ts
 * const provider = new alicloud.Provider("sh", alicloudProviderSettings(emulator, DEFAULT_TEST_ACCOUNT, "cn-shanghai"));
 * ```
 */
export function alicloudProviderSettings(
  emulator: EmulatorEndpoints,
  account: EmulatorAccount,
  region: string,
): AlicloudProviderSettings {
  const key = account.accessKeys[0];
  if (!key) throw new Error(`Account ${account.accountId} has no AccessKey.`);
  return {
    region,
    accessKey: key.id,
    secretKey: key.secret,
    accountId: account.accountId,
    accountType: "Domestic",
    protocol: "HTTP",
    endpoints: [alicloudEndpoints(emulator, region)],
  };
}

/**
 * The same settings as stack configuration of the default alicloud provider (for
 * `stack.setAllConfig`); the secret key is marked secret, `endpoints` is JSON.
 *
 * @example
 * ```ts
 * await stack.setAllConfig(alicloudStackConfig(emulator, DEFAULT_TEST_ACCOUNT, "cn-shanghai"));
 * ```
 */
export function alicloudStackConfig(
  emulator: EmulatorEndpoints,
  account: EmulatorAccount,
  region: string,
): Record<string, { value: string; secret?: boolean }> {
  const settings = alicloudProviderSettings(emulator, account, region);
  return {
    "alicloud:region": { value: settings.region },
    "alicloud:accessKey": { value: settings.accessKey },
    "alicloud:secretKey": { value: settings.secretKey, secret: true },
    "alicloud:accountId": { value: settings.accountId },
    "alicloud:accountType": { value: settings.accountType },
    "alicloud:protocol": { value: settings.protocol },
    "alicloud:endpoints": { value: JSON.stringify(settings.endpoints) },
  };
}
