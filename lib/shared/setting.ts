/**
 * The callback setting of one region, in the library's normalised form, and its conversions to and
 * from the IMS wire shape.
 *
 * @packageDocumentation
 */
import { normalizeEventTypes } from "./events";
import { describeUrl } from "./url";

/** The two delivery methods IMS supports. */
export type CallbackType = "HTTP" | "MNS";

/**
 * One region's callback setting as IMS stores it, normalised: missing fields are `""`, the event
 * list is split into an array.
 */
export interface CallbackSetting {
  /** `"HTTP"`, `"MNS"`, or `""` when nothing is configured. */
  readonly callbackType: CallbackType | "";
  /** The HTTP(S) URL (HTTP method), else `""`. */
  readonly callbackUrl: string;
  /** The `ice-callback-` queue (MNS method), else `""`. */
  readonly queueName: string;
  /** Event names, in the order IMS returned them. */
  readonly eventTypes: readonly string[];
  /** Callback authentication switch (HTTP only). */
  readonly authSwitch: "on" | "off";
  /** The signing key; `""` when authentication is off. Secret. */
  readonly authKey: string;
}

/** The wire shape of GetEventCallback's response and SetEventCallback's parameters. */
export interface WireSetting {
  CallbackType?: string;
  CallbackURL?: string;
  CallbackQueueName?: string;
  EventTypeList?: string;
  AuthSwitch?: string;
  AuthKey?: string;
}

/** A setting with nothing configured: what a region looks like before anyone set it. */
export const EMPTY_SETTING: CallbackSetting = Object.freeze({
  callbackType: "",
  callbackUrl: "",
  queueName: "",
  eventTypes: Object.freeze([]) as readonly string[],
  authSwitch: "off",
  authKey: "",
});

/** Parses a GetEventCallback response (fields may be missing or empty). */
export function settingFromWire(wire: WireSetting): CallbackSetting {
  const type = (wire.CallbackType ?? "").toUpperCase();
  return {
    callbackType: type === "HTTP" || type === "MNS" ? type : "",
    callbackUrl: wire.CallbackURL ?? "",
    queueName: wire.CallbackQueueName ?? "",
    eventTypes: splitEventList(wire.EventTypeList ?? ""),
    authSwitch: (wire.AuthSwitch ?? "").toLowerCase() === "on" ? "on" : "off",
    authKey: wire.AuthKey ?? "",
  };
}

/**
 * The SetEventCallback parameters for a setting. Every parameter is sent, empty ones as `""`, so the
 * result is the same whether IMS replaces the whole setting or only the fields it receives.
 */
export function settingToWire(setting: CallbackSetting): Required<WireSetting> {
  return {
    CallbackType: setting.callbackType,
    CallbackURL: setting.callbackUrl,
    CallbackQueueName: setting.queueName,
    EventTypeList: normalizeEventTypes(setting.eventTypes).join(","),
    AuthSwitch: setting.authSwitch,
    AuthKey: setting.authSwitch === "on" ? setting.authKey : "",
  };
}

/** Whether anything is configured in the region (an empty event list with no target is not). */
export function isConfigured(setting: CallbackSetting): boolean {
  return setting.eventTypes.length > 0 || setting.callbackUrl !== "" || setting.queueName !== "";
}

/**
 * Whether two settings deliver the same events to the same place with the same authentication.
 * Event lists compare as sets; the key matters only while authentication is on.
 */
export function sameSetting(a: CallbackSetting, b: CallbackSetting): boolean {
  return settingDifferences(a, b).length === 0;
}

/** The names of the fields in which two settings differ (same rules as {@link sameSetting}). */
export function settingDifferences(
  a: CallbackSetting,
  b: CallbackSetting,
): Array<keyof CallbackSetting> {
  const out: Array<keyof CallbackSetting> = [];
  if (!isConfigured(a) && !isConfigured(b)) {
    return out;
  }
  if (a.callbackType !== b.callbackType) out.push("callbackType");
  if (a.callbackUrl !== b.callbackUrl) out.push("callbackUrl");
  if (a.queueName !== b.queueName) out.push("queueName");
  if (!sameList(a.eventTypes, b.eventTypes)) out.push("eventTypes");
  if (a.authSwitch !== b.authSwitch) out.push("authSwitch");
  if (a.authSwitch === "on" && b.authSwitch === "on" && a.authKey !== b.authKey)
    out.push("authKey");
  return out;
}

/**
 * A one-line description of a setting for error messages and logs: never the key, and the URL in
 * its safe form (no user info, no query).
 */
export function describeSetting(setting: CallbackSetting): string {
  if (!isConfigured(setting)) {
    return "nothing configured";
  }
  const target =
    setting.callbackType === "MNS"
      ? `queue "${setting.queueName}"`
      : `URL ${describeUrl(setting.callbackUrl)}`;
  const events = setting.eventTypes.length > 0 ? setting.eventTypes.join(", ") : "(none)";
  const auth = setting.callbackType === "HTTP" ? `, authentication ${setting.authSwitch}` : "";
  return `${setting.callbackType || "?"} to ${target}, events ${events}${auth}`;
}

/** Splits IMS's comma-separated event list. */
export function splitEventList(list: string): string[] {
  return list
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const x = normalizeEventTypes(a);
  const y = normalizeEventTypes(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
