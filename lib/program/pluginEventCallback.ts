/**
 * `PluginEventCallback`: the same setting as {@link EventCallback}, served by the provider plugin
 * `alicloud-ims-callback` (type `alicloud-ims-callback:index:EventCallback`) instead of the dynamic
 * provider.
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import type { EventCallback, EventCallbackArgs } from "./eventCallback";
import {
  PLUGIN_EVENT_CALLBACK_TYPE,
  PLUGIN_QUEUE_GUARD_TYPE,
  PLUGIN_VERSION,
  settingResourceInputs,
} from "../shared/contract";
import { queueGuardInputs } from "./queueDeletionGuard";
import type { QueueDeletionGuard, QueueDeletionGuardArgs } from "./queueDeletionGuard";

/**
 * The IMS event callback setting of one region, like {@link EventCallback}, but served by the
 * provider plugin `alicloud-ims-callback` (install it first, see docs/languages.md). Use it
 * from TypeScript only to share stacks with programs in other languages or to adopt a region with
 * `pulumi import alicloud-ims-callback:index:EventCallback <name> <region>`; otherwise
 * {@link EventCallback} needs no plugin. The two are different resource types: switching a
 * resource between them replaces it.
 *
 * @example
 * ```ts
 * // After: pulumi import alicloud-ims-callback:index:EventCallback shanghai cn-shanghai
 * const shanghai = new PluginEventCallback("shanghai", {
 *   region: "cn-shanghai",
 *   callbackType: "HTTP",
 *   callbackUrl: "https://console.example.com/cb",
 *   eventTypes: ["ProduceMediaComplete"],
 *   keepExistingAuthKey: true,
 * }, { protect: true });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- outputs: set by the engine
export class PluginEventCallback extends pulumi.CustomResource {
  constructor(name: string, args: EventCallbackArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      PLUGIN_EVENT_CALLBACK_TYPE,
      name,
      // Without defaults: the plugin's check fills them, and a refresh of an imported resource
      // leaves them out of the stored inputs.
      settingResourceInputs(args, (key) => pulumi.secret(key)),
      pulumi.mergeOptions({ version: PLUGIN_VERSION }, opts),
    );
    // The soft problems (plain http, retired or unknown events) are the plugin's check warnings,
    // shown once for every language.
  }
}

/** The outputs of the class `PluginEventCallback`: those of {@link EventCallback}, declared there once. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the members are EventCallback's
export interface PluginEventCallback extends Omit<EventCallback, keyof pulumi.CustomResource> {}

/**
 * {@link QueueDeletionGuard} served by the provider plugin: what the plugin's `ImsCallback`
 * registers for a queue it creates.
 *
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- outputs: set by the engine
export class PluginQueueDeletionGuard extends pulumi.CustomResource {
  constructor(name: string, args: QueueDeletionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      PLUGIN_QUEUE_GUARD_TYPE,
      name,
      queueGuardInputs(args),
      pulumi.mergeOptions({ version: PLUGIN_VERSION }, opts),
    );
  }
}

/**
 * The outputs of the class `PluginQueueDeletionGuard`: those of {@link QueueDeletionGuard}.
 *
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- the members are QueueDeletionGuard's
export interface PluginQueueDeletionGuard extends Omit<
  QueueDeletionGuard,
  keyof pulumi.CustomResource
> {}
