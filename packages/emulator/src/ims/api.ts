/**
 * The two IMS operations the emulator serves, SetEventCallback and GetEventCallback: parameter
 * validation as the API documents it and the JSON responses, independent of HTTP.
 *
 * The checks are written from the API reference, not shared with the library's own validation,
 * so the emulator stays an independent check on the library.
 *
 * @packageDocumentation
 */
import type { EmulatorBehaviour } from "../ground/behaviour";
import { ApiError, missingParameterMessage } from "../ground/errors";
import { StoredSetting, completeSetting, SETTING_FIELDS } from "./settings";

/** The API version of IMS (product "ICE") the emulator serves. */
export const API_VERSION = "2020-11-09";

/** The actions the emulator serves. */
export const ACTIONS = ["SetEventCallback", "GetEventCallback"] as const;

/** An action from {@link ACTIONS}. */
export type EmulatorAction = (typeof ACTIONS)[number];

/** Whether `name` is an action the emulator serves. */
export function isEmulatorAction(name: string): name is EmulatorAction {
  return (ACTIONS as readonly string[]).includes(name);
}

/** What `GetEventCallback` returns for a region never configured, under `unconfiguredRead: "empty"`. */
export const UNCONFIGURED_SETTING: StoredSetting = Object.freeze(
  completeSetting({ AuthSwitch: "off" }),
);

/** Longest `CallbackURL` IMS accepts, in UTF-8 bytes. */
export const MAX_URL_BYTES = 256;

/** Longest `AuthKey` IMS accepts, characters. */
export const MAX_AUTH_KEY_LENGTH = 32;

/** The prefix IMS requires of a callback queue's name. */
export const QUEUE_PREFIX = "ice-callback-";

function invalid(name: string, reason: string): ApiError {
  return new ApiError("InvalidParameter", `Specified parameter ${name} is not valid: ${reason}`);
}

/**
 * The first problem with the SetEventCallback parameters, as IMS reports it (`InvalidParameter`
 * naming the parameter), or `undefined` when they are valid. Empty strings clear a field and are
 * always accepted, except `EventTypeList` under `emptyEventList: "rejected"` and `CallbackURL` with
 * `CallbackType=HTTP` (`MissingParameter`: the URL is required for HTTP callbacks).
 *
 * @example
 * ```ts
 * validateSetParameters({ CallbackType: "SMS" }, DEFAULT_BEHAVIOUR)?.message;
 * // "Specified parameter CallbackType is not valid: it must be HTTP or MNS."
 * ```
 */
export function validateSetParameters(
  params: Readonly<Record<string, string>>,
  behaviour: EmulatorBehaviour,
): ApiError | undefined {
  const {
    CallbackType: type,
    CallbackURL: url,
    CallbackQueueName: queue,
    EventTypeList: events,
    AuthSwitch: authSwitch,
    AuthKey: key,
  } = params;
  if (type && type !== "HTTP" && type !== "MNS")
    return invalid("CallbackType", "it must be HTTP or MNS.");
  // The SDK model (SetEventCallbackRequest.callbackURL): required if CallbackType is HTTP.
  if (type === "HTTP" && !url)
    return new ApiError("MissingParameter", missingParameterMessage("CallbackURL"));
  if (url) {
    if (Buffer.byteLength(url, "utf8") > MAX_URL_BYTES)
      return invalid("CallbackURL", `it must be at most ${MAX_URL_BYTES} bytes.`);
    if (/[\s,;]/.test(url)) return invalid("CallbackURL", "exactly one URL is allowed.");
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (
      !parsed ||
      (parsed.protocol !== "http:" && parsed.protocol !== "https:") ||
      !parsed.hostname
    ) {
      return invalid("CallbackURL", "it must be an http:// or https:// URL.");
    }
  }
  if (queue && !queue.startsWith(QUEUE_PREFIX))
    return invalid("CallbackQueueName", `the queue name must start with "${QUEUE_PREFIX}".`);
  if (events === "" && behaviour.emptyEventList === "rejected")
    return invalid("EventTypeList", "at least one event type is required.");
  if (authSwitch && authSwitch !== "on" && authSwitch !== "off")
    return invalid("AuthSwitch", "it must be on or off.");
  if (key) {
    if (key.length > MAX_AUTH_KEY_LENGTH)
      return invalid("AuthKey", `it must be at most ${MAX_AUTH_KEY_LENGTH} characters.`);
    if (!/[A-Z]/.test(key) || !/[a-z]/.test(key) || !/[0-9]/.test(key)) {
      return invalid(
        "AuthKey",
        "it must contain upper-case letters, lower-case letters and digits.",
      );
    }
  }
  return undefined;
}

/**
 * The setting after a valid SetEventCallback with `params`, per `behaviour.setSemantics`.
 * `AuthSwitch` and `AuthKey` are stored as sent whatever the type; they take effect (delivery signs
 * requests) and are returned (see {@link getResponse}) for HTTP callbacks only.
 *
 * @example
 * ```ts
 * applySet(undefined, { CallbackType: "MNS" }, DEFAULT_BEHAVIOUR).AuthSwitch; // "off"
 * ```
 */
export function applySet(
  current: StoredSetting | undefined,
  params: Readonly<Record<string, string>>,
  behaviour: EmulatorBehaviour,
): StoredSetting {
  const sent: Partial<Record<keyof StoredSetting, string>> = {};
  for (const field of SETTING_FIELDS) if (params[field] !== undefined) sent[field] = params[field];
  if (behaviour.setSemantics === "replace") return completeSetting(sent);
  return completeSetting({ ...(current ?? UNCONFIGURED_SETTING), ...sent });
}

/** The body of a successful SetEventCallback. */
export interface SetEventCallbackResponse {
  /** Unique id of the request. */
  readonly RequestId: string;
  /** `true` when the setting was stored. */
  readonly Success: boolean;
}

/** The body of GetEventCallback: the setting's fields, or only `RequestId` (see `unconfiguredRead`). */
export type GetEventCallbackResponse = { readonly RequestId: string } & Partial<StoredSetting>;

/**
 * The GetEventCallback response for `setting` (`undefined` when never configured). `AuthSwitch` and
 * `AuthKey` are returned for HTTP callbacks only, not for an MNS setting (the SDK model
 * GetEventCallbackResponseBody); a never-configured region answers per `unconfiguredRead`.
 *
 * @example
 * ```ts
 * getResponse("REQ", undefined, { ...DEFAULT_BEHAVIOUR, unconfiguredRead: "omitted" }); // { RequestId: "REQ" }
 * ```
 */
export function getResponse(
  requestId: string,
  setting: StoredSetting | undefined,
  behaviour: EmulatorBehaviour,
): GetEventCallbackResponse {
  if (!setting && behaviour.unconfiguredRead === "omitted") return { RequestId: requestId };
  const s = setting ?? UNCONFIGURED_SETTING;
  return {
    RequestId: requestId,
    CallbackType: s.CallbackType,
    CallbackQueueName: s.CallbackQueueName,
    CallbackURL: s.CallbackURL,
    EventTypeList: s.EventTypeList,
    ...(s.CallbackType === "MNS" ? {} : { AuthSwitch: s.AuthSwitch, AuthKey: s.AuthKey }),
  };
}
