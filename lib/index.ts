/**
 * Alibaba Cloud Intelligent Media Services (IMS) event callbacks as Pulumi resources. This entry
 * point is for Pulumi programs:
 *
 * - {@link ImsCallback}: the queue, IMS's RAM authorization and the setting of one region.
 * - {@link ImsQueueAuthorization}: one account-wide authorization shared by several regions.
 * - {@link EventCallback}: the setting alone (dynamic provider), with drift detection.
 * - {@link PluginEventCallback}: the same setting served by the provider plugin
 *   `alicloud-ims-callback` (install the plugin first): for `pulumi import` and for stacks shared
 *   with programs in other languages. Not needed otherwise.
 *
 * Other entry points, each for the place its code runs:
 * - `pulumi-alicloud-ims-callback/events`: the catalogue of IMS event types (names, categories,
 *   retired events), for programs and receivers alike;
 * - `pulumi-alicloud-ims-callback/receiver`: a receiver's signature check and event parsing (loads no
 *   Pulumi or Alibaba Cloud SDK);
 * - `pulumi-alicloud-ims-callback/consumer`: a worker that consumes an `ice-callback-` queue (loads
 *   Alibaba's MNS client, no Pulumi);
 * - `pulumi-alicloud-ims-callback/policy`: the guardrails, for a policy pack;
 * - `pulumi-alicloud-ims-callback/runtime`: internal, loaded by the dynamic-provider host.
 *
 * @packageDocumentation
 */
export {
  ImsCallback,
  type AppliedCallbackSetting,
  type ImsCallbackArgs,
  type ImsCallbackHttpTarget,
  type ImsCallbackQueueOptions,
  type ImsCallbackQueueTarget,
} from "./program/imsCallback";
export {
  ImsQueueAuthorization,
  IMS_SERVICE_ROLE_NAME,
  type AuthorizedQueue,
  type ImsQueueAuthorizationArgs,
} from "./program/queueAuthorization";
export { EventCallback, type EventCallbackArgs } from "./program/eventCallback";
export { PluginEventCallback } from "./program/pluginEventCallback";
export type { CallbackSetting, CallbackType } from "./shared/setting";
export type { DeletionPolicy } from "./shared/validation";
export { IMS_REGIONS, type ImsRegion } from "./shared/regions";
export { IMS_EVENT_TYPES, type ImsEventType } from "./shared/events";
