/**
 * Alibaba Cloud Intelligent Media Services (IMS) event callbacks as Pulumi resources.
 *
 * - {@link ImsCallback}: the queue, IMS's RAM authorization and the setting of one region.
 * - {@link ImsQueueAuthorization}: one account-wide authorization shared by several regions.
 * - {@link EventCallback}: the setting alone (dynamic provider), with drift detection.
 * - Receiving side: {@link verifyCallback}, {@link signCallback}, {@link parseCallbackEvent}.
 *
 * The local IMS API emulator lives in `pulumi-alicloud-ims-callback/emulator`.
 *
 * @packageDocumentation
 */
export * from "./authorization";
export * from "./component";
export { resolveCredential, type CredentialSource, type ResolvedCredential, type StackConfigReader } from "./credentials";
export * from "./envelope";
export { EventCallback, type EventCallbackArgs } from "./eventCallback";
export * from "./events";
export { DEFAULT_RETRY_POLICY, IMS_API_VERSION, ImsApiError, ImsClient, type ImsClientOptions, type RetryPolicy } from "./imsClient";
export * from "./receiver";
export * from "./regions";
export {
  describeSetting,
  EMPTY_SETTING,
  isConfigured,
  sameSetting,
  type CallbackSetting,
  type CallbackType,
} from "./setting";
export * from "./validation";
