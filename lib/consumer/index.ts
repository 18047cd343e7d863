/**
 * The consumer of IMS callback queues (the queue method's receiving half), for a worker process:
 * `consumeCallbackQueue` long-polls an `ice-callback-` queue with Alibaba's MNS client and hands
 * each parsed event to your handler. Loads `@alicloud/mns` and `@alicloud/credentials`, never
 * Pulumi.
 *
 * @packageDocumentation
 */
export {
  CallbackQueueConsumerError,
  consumeCallbackQueue,
  MAX_RECEIVE_BATCH,
  MAX_WAIT_SECONDS,
  type CallbackMessageContext,
  type CallbackQueueConsumerOptions,
  type CallbackQueueConsumerSummary,
  type CallbackQueueMessage,
  type DeadLetter,
  type QueueCredentials,
} from "./consumer";
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
} from "../receiver/envelope";
export {
  IMS_EVENT_CATEGORIES,
  IMS_EVENT_TYPES,
  type ImsEventCategory,
  type ImsEventType,
} from "../shared/events";
