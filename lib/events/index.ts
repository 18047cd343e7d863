/**
 * The catalogue of IMS event types: the documented names, their console categories and the retired
 * ones. One home for both audiences: a Pulumi program choosing `eventTypes` and a receiver or queue
 * consumer telling events apart. Loads no Pulumi and no Alibaba Cloud SDK module.
 *
 * @packageDocumentation
 */
export {
  eventTypesInCategory,
  IMS_EVENT_CATEGORIES,
  IMS_EVENT_CATEGORY,
  IMS_EVENT_TYPES,
  isKnownEventType,
  isRetiredEventType,
  RETIRED_EVENT_TYPES,
  type ImsEventCategory,
  type ImsEventType,
  type RetiredEventType,
} from "../shared/events";
