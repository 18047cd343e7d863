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
 * The package `pulumi-alicloud-ims-emulator`; its `ims-emulator` command runs it. This index is what
 * a user's tests need: start and stop, the control operations and the admin client, accounts, and
 * the alicloud provider's settings; the emulator's own tests import its module files.
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
export { startEmulator } from "./server";
export type { EmulatorOptions, EmulatorHandle, EmulatorDiscovery } from "./control/options";
export { EMULATOR_REGIONS } from "./ground/regions";
export type { EmulatorRegion } from "./ground/regions";
export type { SettingStore, StoredSetting } from "./ims/settings";
export type {
  DeliveryAttempt,
  DeliveryPolicy,
  DeliveryReport,
  EmitEventRequest,
} from "./ims/delivery";
export type { StateFile, StateSection } from "./ground/stateFile";
export type { QueueAttributes } from "./mns/queues";
export { FAULT_KINDS } from "./ground/faults";
export type { ActiveFault, FaultKind, FaultInjection } from "./ground/faults";
export { countApiCalls } from "./ground/requestLog";
export type { RequestCounters, RequestLogEntry, UnhandledCall } from "./ground/requestLog";
export type { EmulatorControl, EmulatorInfo, QueueInfo, RamInfo } from "./control/contract";
export { EmulatorAdminClient, EmulatorAdminError, readDiscoveryFile } from "./control/adminClient";
export { DEFAULT_TEST_ACCOUNT, loadAccountsFile } from "./ground/accounts";
export type { EmulatorAccessKey, EmulatorAccount, EmulatorStsToken } from "./ground/accounts";
export type { EmulatorBehaviour } from "./ground/behaviour";
export { alicloudProviderSettings, alicloudStackConfig } from "./control/alicloudConfig";
export type {
  AlicloudEndpointOverrides,
  AlicloudProviderSettings,
  EmulatorEndpoints,
} from "./control/alicloudConfig";
