/**
 * The request log: what each API call is logged as (bounded, signing parameters left out, secrets
 * redacted), the request counters and the calls the emulator does not serve.
 *
 * @packageDocumentation
 */
import { cutText } from "./logText";
import { keyMap } from "./records";

/**
 * One API call as the request log records it. Never holds secrets, signatures, tokens or AuthKey
 * values, and stays small whatever the call sent: the action and AccessKey id are cut after
 * `MAX_LOGGED_NAME_LENGTH` (128) characters, each parameter value after `MAX_LOGGED_VALUE_LENGTH`
 * (1024), both ending in `…[+N characters]`, and parameters beyond `MAX_LOGGED_PARAMS_LENGTH`
 * (8192 characters of names and values) are left out and counted under `"(omitted)"`.
 */
export interface RequestLogEntry {
  /** When the call arrived, UTC ISO 8601. */
  readonly time: string;
  /** The region endpoint called. */
  readonly region: string;
  /** The product called: `"ICE"`, `"Ram"`, `"Sts"`, `"Mns-open"`, `"MNS"` (queue data API), or `""` when unknown. */
  readonly product?: string;
  /** The action named by the call (`""` if none). */
  readonly action: string;
  /** The AccessKey id the call claimed, if any. */
  readonly accessKeyId?: string;
  /** The HTTP status answered (`0` for a dropped connection). */
  readonly status: number;
  /** `"OK"`, the error code answered, `"Dropped"`, `"Malformed"`, `"GatewayHtml"` or `"GatewayEmpty"`. */
  readonly code: string;
  /** The request id answered. */
  readonly requestId: string;
  /** Time to answer, ms. */
  readonly durationMs: number;
  /**
   * The API parameters sent (signing parameters left out; `AuthKey` shown as `"[redacted]"`; long
   * values cut, parameters beyond the entry's size left out: see {@link RequestLogEntry}).
   */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Request counts: action → region → number of calls, e.g. `{ GetEventCallback: { "cn-shanghai": 2 } }`;
 * calls of actions the emulator does not serve count under `UNSERVED_ACTION` (`"(unserved)"`).
 */
export type RequestCounters = Record<string, Record<string, number>>;

/**
 * Totals of the two IMS actions over all regions, e.g. to assert how many calls an operation made.
 *
 * @example
 * ```ts
 * countApiCalls(await emulator.getCounters()); // { get: 2, set: 0 }
 * ```
 */
export function countApiCalls(counters: RequestCounters): { get: number; set: number } {
  const sum = (action: string) => Object.values(counters[action] ?? {}).reduce((a, b) => a + b, 0);
  return { get: sum("GetEventCallback"), set: sum("SetEventCallback") };
}

/** Calls the emulator does not serve, so gaps show: product version and action, how often, when last. */
export interface UnhandledCall {
  /** The product (`"MNS"` for the data API) or `""` when the version is unknown. */
  readonly product: string;
  /** The API version sent (`""` if none). */
  readonly version: string;
  /**
   * The action, or for the MNS data API `"<METHOD> <path>"`, cut after 128 characters;
   * `UNSERVED_ACTION` (`"(unserved)"`) for the entry counting calls beyond `MAX_UNHANDLED_CALLS` (100).
   */
  readonly action: string;
  /** How many such calls arrived. */
  readonly count: number;
  /** UTC ISO 8601. */
  readonly lastSeen: string;
}

/**
 * The counter key of every call to an action the emulator does not serve (their names are in
 * {@link EmulatorControl.getUnhandledCalls}), so junk action names cannot grow the counters; in
 * the unhandled list, the action of the entry that counts calls beyond `MAX_UNHANDLED_CALLS` (100).
 */
export const UNSERVED_ACTION = "(unserved)";

/** At most this many entries in the unhandled list; the last counts every further call. */
export const MAX_UNHANDLED_CALLS = 100;

/** Names from requests (actions, AccessKey ids, parameter names) longer than this are cut in the log and the unhandled list. */
export const MAX_LOGGED_NAME_LENGTH = 128;

/** A parameter value longer than this is cut in the request log. */
export const MAX_LOGGED_VALUE_LENGTH = 1024;

/** The parameters of one request log entry hold at most this many characters of names and values. */
export const MAX_LOGGED_PARAMS_LENGTH = 8192;

/** The parameter that counts the parameters a request log entry left out, e.g. `"12 parameters"`. */
export const OMITTED_PARAMS = "(omitted)";

const shortName = (name: string): string => cutText(name, MAX_LOGGED_NAME_LENGTH);

/**
 * `entry` as the log keeps it: every text from the request cut and copied (see {@link cutText}),
 * parameters beyond {@link MAX_LOGGED_PARAMS_LENGTH} left out and counted. The parameters are
 * already redacted, so a cut never shows part of a secret.
 */
export function boundLogEntry(entry: RequestLogEntry): RequestLogEntry {
  const params = keyMap<string>();
  let length = 0;
  let omitted = 0;
  for (const [name, value] of Object.entries(entry.params)) {
    const loggedName = shortName(name);
    const loggedValue = cutText(value, MAX_LOGGED_VALUE_LENGTH);
    length += loggedName.length + loggedValue.length;
    if (length > MAX_LOGGED_PARAMS_LENGTH) omitted++;
    else params[loggedName] = loggedValue;
  }
  if (omitted > 0) params[OMITTED_PARAMS] = `${omitted} parameters`;
  return {
    ...entry,
    action: shortName(entry.action),
    ...(entry.accessKeyId !== undefined ? { accessKeyId: shortName(entry.accessKeyId) } : {}),
    params,
  };
}

/** Request counters, the bounded request log and the unhandled calls of an emulator. */
export class RequestLog {
  private readonly counters = new Map<string, Map<string, number>>();
  private log: RequestLogEntry[] = [];
  private unhandled = new Map<string, UnhandledCall>();

  constructor(private readonly logLimit: number) {}

  /** Counts one call. */
  count(action: string, region: string): void {
    // A counter outlives the request: its key must not be a view into the request's body.
    const key = shortName(action);
    let byRegion = this.counters.get(key);
    if (!byRegion) this.counters.set(key, (byRegion = new Map()));
    byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
  }

  /** Request counts per action and region. */
  getCounters(): RequestCounters {
    return Object.fromEntries(
      [...this.counters].map(([action, regions]) => [action, Object.fromEntries(regions)]),
    );
  }

  /**
   * Appends `entry`, bounded (see {@link boundLogEntry}), to the log, dropping the oldest entries
   * beyond the limit; returns the entry as logged.
   */
  record(entry: RequestLogEntry): RequestLogEntry {
    const logged = boundLogEntry(entry);
    this.log.push(logged);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    return logged;
  }

  /**
   * A function that logs an entry and passes it to `observer`; an observer that throws cannot break
   * the API.
   */
  recorder(observer?: (entry: RequestLogEntry) => void): (entry: RequestLogEntry) => void {
    return (entry) => {
      const logged = this.record(entry);
      try {
        observer?.(logged);
      } catch {
        // A failing observer must not break the API.
      }
    };
  }

  /** The request log, oldest first. */
  getLog(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Records a call the emulator does not serve. */
  recordUnhandled(product: string, version: string, action: string, time: string): void {
    let call = {
      product: shortName(product),
      version: shortName(version),
      action: shortName(action),
    };
    let key = `${call.product}\n${call.version}\n${call.action}`;
    if (!this.unhandled.has(key) && this.unhandled.size >= MAX_UNHANDLED_CALLS - 1) {
      call = { product: "", version: "", action: UNSERVED_ACTION };
      key = `\n\n${UNSERVED_ACTION}`;
    }
    this.unhandled.set(key, {
      ...call,
      count: (this.unhandled.get(key)?.count ?? 0) + 1,
      lastSeen: time,
    });
  }

  /** The calls the emulator does not serve. */
  getUnhandled(): UnhandledCall[] {
    return [...this.unhandled.values()];
  }

  /** Clears counters, log and unhandled calls. */
  reset(): void {
    this.unhandled.clear();
    this.counters.clear();
    this.log = [];
  }
}

/** Parameters that belong to request signing, never shown in the log. */
const SIGNING_PARAMS = new Set([
  "AccessKeyId",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "SignatureType",
  "Timestamp",
  "SecurityToken",
  "BearerToken",
  "Format",
  "Action",
  "Version",
]);

/** Parameters whose values are secrets. */
const SECRET_PARAMS = new Set(["AuthKey"]);

/** The redacted placeholder for secret values in the log. */
export const REDACTED = "[redacted]";

/**
 * The API parameters of a call, fit for the log: signing parameters removed, secrets redacted.
 *
 * @example
 * ```ts
 * redactParams({ AuthKey: "Abc123", Signature: "x", CallbackType: "HTTP" }); // { AuthKey: "[redacted]", CallbackType: "HTTP" }
 * ```
 */
export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => !SIGNING_PARAMS.has(key))
      .map(([key, value]) => [key, SECRET_PARAMS.has(key) && value !== "" ? REDACTED : value]),
  );
}
