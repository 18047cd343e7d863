/**
 * `EventCallback`: the IMS event callback setting of one account in one region, as a Pulumi
 * dynamic resource (type `pulumi-nodejs:dynamic/ims:EventCallback`).
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import type { CallbackSetting, CallbackType } from "../shared/setting";
import {
  validateCallbackInputs,
  withCallbackDefaults,
  type DeletionPolicy,
} from "../shared/validation";
import {
  DYNAMIC_MODULE,
  SECRET_SETTING_OUTPUTS,
  SETTING_TYPE_NAME,
  settingResourceInputs,
} from "../shared/contract";

/** The runtime the forwarder calls; a type only, so nothing of it is serialized. */
type Runtime = typeof import("../runtime");

/**
 * The provider serialized into the state. Each method only forwards to the runtime module, loaded
 * by package name in the dynamic-provider host, so the serialized code stays a few hundred bytes and
 * captures nothing (no credentials, no module state). Do not reference anything from this file in
 * these bodies: whatever they capture is serialized by value. The `as Runtime` casts are erased at
 * compile time and tie each call to the runtime's exported signature.
 */
const eventCallbackProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    (require("pulumi-alicloud-ims-callback/runtime") as Runtime).configure(req.config);
  },
  async check(olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).check(olds, news);
  },
  async diff(id, olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).diff(id, olds, news);
  },
  async create(inputs) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).create(inputs);
  },
  async read(id, props) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).read(id, props);
  },
  async update(id, olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).update(id, olds, news);
  },
  async delete(id, props) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).remove(id, props);
  },
};

/** Arguments of {@link EventCallback}. */
export interface EventCallbackArgs {
  /**
   * The IMS region whose setting this resource owns; also the resource id. Changing it replaces
   * the resource (the new region is set first, then the old one is handled by `deletionPolicy`).
   *
   * @example "cn-shanghai"
   */
  readonly region: pulumi.Input<string>;
  /** `"HTTP"` (POST to `callbackUrl`) or `"MNS"` (write to the queue `queueName`). */
  readonly callbackType: pulumi.Input<CallbackType>;
  /**
   * HTTP method only: the one http(s) URL that receives events, at most 256 bytes.
   *
   * @example "https://media.example.com/ims/events"
   */
  readonly callbackUrl?: pulumi.Input<string>;
  /**
   * MNS method only: a queue in the same region whose name starts with `ice-callback-`.
   *
   * @example "ice-callback-orders"
   */
  readonly queueName?: pulumi.Input<string>;
  /**
   * The event types to send, case-sensitive. Order and duplicates do not matter. Names missing from
   * the catalogue are sent as given, with a warning.
   *
   * @example ["ProduceMediaComplete", "MediaConvertComplete"]
   */
  readonly eventTypes: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * HTTP method only: turns on callback authentication (`AuthSwitch=on`) with this key; at most 32
   * characters with upper-case letters, lower-case letters and digits. Stored as a secret.
   *
   * @default undefined (authentication off)
   */
  readonly authKey?: pulumi.Input<string>;
  /**
   * HTTP method only, instead of `authKey`: keep the authentication the region has, without
   * declaring the key (what `pulumi import` generates for a region with authentication on). The key
   * found when this resource took the region over is stored as a secret and written back with
   * every change; a refresh takes a key changed in the console without showing drift. Set `authKey`
   * instead to choose the key.
   *
   * @default false
   */
  readonly keepExistingAuthKey?: pulumi.Input<boolean>;
  /**
   * Take over a setting that already exists in the region. Without it, creating this resource in a
   * region with a different setting fails and shows what is there.
   *
   * @default false
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
  /**
   * What destroying the resource does to the region (IMS has no delete operation):
   * `"restore"` writes back the setting found when this stack took over (or clears it when there was
   * none); `"clear"` sends an empty setting; `"retain"` leaves the setting as it is.
   *
   * @default "restore"
   */
  readonly deletionPolicy?: pulumi.Input<DeletionPolicy>;
  /**
   * Accept a region missing from {@link IMS_REGIONS}, for regions IMS launched after this release.
   *
   * @default false
   */
  readonly allowUndocumentedRegion?: pulumi.Input<boolean>;
}

/**
 * The event callback setting of one Alibaba Cloud account in one IMS region, applied through
 * SetEventCallback and read back through GetEventCallback, so `pulumi preview --refresh` shows
 * changes made in the console.
 *
 * @remarks
 * Credentials come from stack config `alicloud:accessKey`/`alicloud:secretKey` (or
 * `alicloud:profile`), then the usual environment variables, then the configured sources of the
 * Alibaba Cloud default chain (never the ECS metadata service unless configured); see docs/configuration.md.
 *
 * @example
 * ```ts
 * const callback = new EventCallback("shanghai", {
 *   region: "cn-shanghai",
 *   callbackType: "HTTP",
 *   callbackUrl: "https://media.example.com/ims/events",
 *   eventTypes: ["ProduceMediaComplete"],
 *   authKey: config.requireSecret("imsAuthKey"),
 * });
 * ```
 */
export class EventCallback extends pulumi.dynamic.Resource {
  /** The region (also the id). */
  declare readonly region: pulumi.Output<string>;
  /** `"HTTP"` or `"MNS"`. */
  declare readonly callbackType: pulumi.Output<CallbackType>;
  /** The HTTP URL, when the method is HTTP; else `null`. */
  declare readonly callbackUrl: pulumi.Output<string | null>;
  /** The queue name, when the method is MNS; else `null`. */
  declare readonly queueName: pulumi.Output<string | null>;
  /** The event types as declared (after a refresh: as IMS returned them, if they drifted). */
  declare readonly eventTypes: pulumi.Output<string[]>;
  /** The authentication key (secret); `null` when authentication is off. */
  declare readonly authKey: pulumi.Output<string | null>;
  /** `"on"` when callback authentication is on. */
  declare readonly authSwitch: pulumi.Output<"on" | "off">;
  /** Whether the region's key is kept rather than declared. */
  declare readonly keepExistingAuthKey: pulumi.Output<boolean | undefined>;
  /** Whether an existing setting may be taken over. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The deletion policy in force. */
  declare readonly deletionPolicy: pulumi.Output<DeletionPolicy>;
  /** The setting found when this stack took over the region, if any (secret: it may hold a key). */
  declare readonly previousSetting: pulumi.Output<CallbackSetting | null>;

  constructor(name: string, args: EventCallbackArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      eventCallbackProvider,
      name,
      // The dynamic provider's program fills the defaults; the plugin's check does (see
      // PluginEventCallback), so that an imported resource's stored inputs stay as imported.
      settingResourceInputs(withCallbackDefaults(args), (key) => pulumi.secret(key)),
      pulumi.mergeOptions(opts, {
        additionalSecretOutputs: [...SECRET_SETTING_OUTPUTS],
      }),
      DYNAMIC_MODULE,
      SETTING_TYPE_NAME,
    );
    warnAboutSoftProblems(this, args);
  }
}

/**
 * Logs the soft problems of a setting's inputs (plain http, unknown or retired events) as warnings
 * on `resource`; hard problems fail the provider's check, which the engine reports at preview.
 *
 * @internal
 */
export function warnAboutSoftProblems(resource: pulumi.Resource, args: EventCallbackArgs): void {
  pulumi
    .all([args.region, args.callbackType, args.callbackUrl, args.queueName, args.eventTypes])
    .apply(([region, callbackType, callbackUrl, queueName, eventTypes]) => {
      const problems = validateCallbackInputs({
        region,
        callbackType,
        callbackUrl,
        queueName,
        eventTypes,
      });
      for (const problem of problems.filter((p) => p.severity === "warning")) {
        pulumi.log.warn(problem.reason, resource);
      }
    });
}
