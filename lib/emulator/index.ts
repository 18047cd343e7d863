/**
 * A local emulator of the IMS event-callback API (SetEventCallback / GetEventCallback, version
 * 2020-11-09) that verifies real request signatures, with a control surface for tests and demos.
 * Reachable as `pulumi-alicloud-ims-callback/emulator`; the `ims-emulator` command runs it.
 *
 * @example
 * ```ts
 * import { startEmulator, DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-callback/emulator";
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
export type { DeliveryAttempt, DeliveryPolicy, DeliveryReport, EmitEventRequest } from "./delivery";
export type { EmulatorOptions, EmulatorHandle, EmulatorDiscovery } from "./server";
export { EmulatorAdminClient, EmulatorAdminError, readDiscoveryFile } from "./adminClient";
export { DEFAULT_TEST_ACCOUNT, parseAccounts, loadAccountsFile } from "./accounts";
export type { EmulatorAccount, EmulatorAccessKey, EmulatorStsToken } from "./accounts";
export { DEFAULT_BEHAVIOUR, BEHAVIOUR_CHOICES, resolveBehaviour } from "./behaviour";
export type { EmulatorBehaviour } from "./behaviour";
export { EMULATOR_REGIONS, API_VERSION, ACTIONS } from "./api";
export type { EmulatorRegion, EmulatorAction, SetEventCallbackResponse, GetEventCallbackResponse } from "./api";
export { countApiCalls, FAULT_KINDS, REDACTED } from "./control";
export type {
  EmulatorControl,
  EmulatorInfo,
  FaultKind,
  FaultInjection,
  ActiveFault,
  RequestCounters,
  RequestLogEntry,
} from "./control";
export { SettingStore, SETTING_FIELDS } from "./store";
export type { StoredSetting, SettingChange } from "./store";
export type { ApiErrorBody, EmulatorErrorCode } from "./errors";
export { verifySignature, NonceStore, strictEncode, MAX_CLOCK_SKEW_MS } from "./signature";
export type { SignedRequest, EmulatorCredential, VerifyOptions, SignatureVerification, SignatureErrorCode } from "./signature";
