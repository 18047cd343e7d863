/**
 * A local emulator of the Alibaba Cloud APIs behind IMS event callbacks, verifying real request
 * signatures, with a control surface for tests and demos. Every regional endpoint serves:
 * - IMS (ICE 2020-11-09) SetEventCallback / GetEventCallback;
 * - Mns-open 2022-01-19 queue operations (what `alicloud.message.ServiceQueue` calls);
 * - RAM 2015-05-01 policy, role and attachment operations (global state; any endpoint);
 * - STS 2015-04-01 GetCallerIdentity;
 * - the MNS queue data API (2015-06-06, XML, `Authorization: MNS ...`) that `@alicloud/mns` speaks,
 *   the account taken from the AccessKey.
 * Emitted events are delivered as IMS does: to the HTTP URL, or into the queue when
 * `AliyunICEDefaultRole` may send to it.
 * The package `pulumi-alicloud-ims-emulator`; its `ims-emulator` command runs it.
 *
 * @example
 * ```ts
 * import { startEmulator, DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
 * const emulator = await startEmulator();
 * process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify(emulator.endpoints);
 * // ... run the code under test, then:
 * await emulator.close();
 * ```
 *
 * @packageDocumentation
 */
export { startEmulator, EMULATOR_HOST } from "./server";
export { deliverEvent, iceSignatureHeaders, imsEventTime, IMS_DELIVERY_POLICY } from "./delivery";
export type {
  DeliveryAttempt,
  DeliveryPolicy,
  DeliveryReport,
  EmitEventRequest,
  QueueWriter,
} from "./delivery";
export type { EmulatorOptions, EmulatorHandle, EmulatorDiscovery } from "./server";
export { EmulatorAdminClient, EmulatorAdminError, readDiscoveryFile } from "./adminClient";
export { DEFAULT_TEST_ACCOUNT, parseAccounts, loadAccountsFile } from "./accounts";
export type { EmulatorAccount, EmulatorAccessKey, EmulatorStsToken } from "./accounts";
export { DEFAULT_BEHAVIOUR, BEHAVIOUR_CHOICES, resolveBehaviour } from "./behaviour";
export type { EmulatorBehaviour } from "./behaviour";
export { EMULATOR_REGIONS, API_VERSION, ACTIONS } from "./api";
export type {
  EmulatorRegion,
  EmulatorAction,
  SetEventCallbackResponse,
  GetEventCallbackResponse,
} from "./api";
export {
  countApiCalls,
  FAULT_KINDS,
  MAX_UNHANDLED_CALLS,
  REDACTED,
  UNSERVED_ACTION,
} from "./control";
export type {
  EmulatorControl,
  EmulatorInfo,
  FaultKind,
  FaultInjection,
  ActiveFault,
  RequestCounters,
  RequestLogEntry,
  QueueInfo,
  RamInfo,
  UnhandledCall,
} from "./control";
export { QUEUE_DEFAULTS, QUEUE_LIMITS, queueArn, queueNameProblem } from "./queues";
export type { QueueAttributes } from "./queues";
export {
  RAM_VERSION,
  IMS_SERVICE_ROLE,
  IMS_SERVICE_ROLE_POLICY,
  MAX_POLICY_VERSIONS,
  SYSTEM_POLICY_NAMES,
} from "./ram";
export { MNS_OPEN_VERSION } from "./mnsOpen";
export { STS_VERSION } from "./sts";
export { MNS_VERSION, mnsStringToSign } from "./mnsData";
export { alicloudEndpoints, alicloudProviderSettings, alicloudStackConfig } from "./alicloudConfig";
export type {
  AlicloudEndpointOverrides,
  AlicloudProviderSettings,
  EmulatorEndpoints,
} from "./alicloudConfig";
export { SettingStore, SETTING_FIELDS } from "./store";
export type { StoredSetting } from "./store";
export type { ApiErrorBody, EmulatorErrorCode } from "./errors";
export { verifySignature, NonceStore, strictEncode, MAX_CLOCK_SKEW_MS } from "./signature";
export type {
  SignedRequest,
  EmulatorCredential,
  VerifyOptions,
  SignatureVerification,
  SignatureErrorCode,
} from "./signature";
