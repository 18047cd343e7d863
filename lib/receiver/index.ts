/**
 * The receiving side of IMS event callbacks, for a user's web server, function or queue consumer:
 * signature verification and the event envelope. The event catalogue (names, categories, retired
 * events) is `pulumi-alicloud-ims-callback/events`.
 *
 * This entry point loads no Pulumi and no Alibaba Cloud SDK module (a test asserts it), so a
 * serverless receiver pays only for what it uses.
 *
 * @packageDocumentation
 */
export {
  assertValidCallback,
  CallbackVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  ICE_SIGNATURE_HEADER,
  ICE_TIMESTAMP_HEADER,
  signCallback,
  verifyCallback,
  type CallbackRequest,
  type CallbackSignatureHeaders,
  type CallbackVerificationFailure,
  type CallbackVerificationFailureReason,
  type CallbackVerificationResult,
  type CallbackVerificationSuccess,
  type HeaderGetter,
  type HeaderRecord,
  type SignCallbackOptions,
  type VerifyCallbackOptions,
} from "./signature";
export {
  CallbackEventParseError,
  parseCallbackEvent,
  type CallbackEventBase,
  type CallbackEventEncoding,
  type CallbackEventParseFailureReason,
  type CallbackMessageBody,
  type ImsCallbackEvent,
  type KnownCallbackEvent,
  type UnknownCallbackEvent,
} from "./envelope";
export {
  IMS_EVENT_CATEGORIES,
  IMS_EVENT_TYPES,
  type ImsEventCategory,
  type ImsEventType,
} from "../shared/events";
