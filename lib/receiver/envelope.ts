/**
 * Parsing of the IMS callback event envelope — the same JSON for an HTTP callback's body and a queue
 * (MNS) message's content:
 *
 * ```json
 * { "EventType": "ProduceMediaComplete", "UserId": 1234567890123456, "EventTime": "2025-06-01T08:00:00Z",
 *   "MessageBody": { "Status": "Success", "JobId": "…", "MediaId": "…", "UserData": "…" } }
 * ```
 *
 * @packageDocumentation
 */
import {
  IMS_EVENT_CATEGORY,
  ImsEventCategory,
  ImsEventType,
  isKnownEventType,
  RETIRED_EVENT_TYPES,
} from "../shared/events";

/**
 * The event-specific `MessageBody`, with the fields most events share typed. Every other field is
 * kept as IMS sent it.
 *
 * The four typed fields are always strings when present: a number or boolean sent by IMS is turned
 * into its decimal text, an object or array into its JSON text, and `null` leaves the field out.
 * The untouched value is in the event's `raw`.
 *
 * @example
 * ```ts
 * const body: CallbackMessageBody = { Status: "Success", JobId: "****20b48fb04483915d4f2cd8ac****" };
 * ```
 */
export interface CallbackMessageBody {
  /** The outcome, e.g. `"Success"` or `"Fail"`. */
  readonly Status?: string;
  /** The media asset the event is about. */
  readonly MediaId?: string;
  /** The job the event is about. */
  readonly JobId?: string;
  /** The user data passed when the job was submitted, often itself JSON text. */
  readonly UserData?: string;
  /** Any other field, as sent. */
  readonly [field: string]: unknown;
}

/**
 * How the envelope arrived: JSON text, Base64-encoded JSON text, or an already-parsed object.
 *
 * @example
 * ```ts
 * if (parseCallbackEvent(queueMessageBody).encoding === "base64") console.log("this queue delivers Base64");
 * ```
 */
export type CallbackEventEncoding = "json" | "base64" | "object";

/** Fields every parsed event has, known or not. */
export interface CallbackEventBase {
  /**
   * The account ID (`UserId`), as its exact decimal digits.
   *
   * A string, not a number: IMS sends a 16-digit JSON number, and 16-digit numbers above
   * `Number.MAX_SAFE_INTEGER` (9007199254740991) lose their last digits in `JSON.parse`. The digits
   * are therefore read from the JSON text itself. A string also compares directly with the account
   * IDs found elsewhere (RAM ARNs, `acs:mns:<region>:<accountId>:…`).
   */
  readonly userId: string;
  /** `EventTime` as a `Date`. */
  readonly eventTime: Date;
  /** `EventTime` exactly as sent, e.g. `"2025-06-01T08:00:00Z"`. */
  readonly eventTimeText: string;
  /** The event-specific body, an object (decoded first if IMS sent it as JSON text). */
  readonly messageBody: CallbackMessageBody;
  /** How the envelope arrived; `"base64"` tells you your queue delivers Base64 content. */
  readonly encoding: CallbackEventEncoding;
  /**
   * The envelope as parsed, untouched (for JSON text: by `JSON.parse`, so `raw.UserId` may have lost
   * digits — use {@link CallbackEventBase.userId}).
   */
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * An event whose `EventType` is in the catalogue. Narrow with `event.known` first, then on
 * `event.eventType`.
 *
 * @example
 * ```ts
 * const event = parseCallbackEvent(body);
 * if (event.known && event.eventType === "ProduceMediaComplete") {
 *   console.log(event.category, event.messageBody.MediaId); // "intelligentEditing", …
 * }
 * ```
 */
export interface KnownCallbackEvent<
  T extends ImsEventType = ImsEventType,
> extends CallbackEventBase {
  /** The name is in the catalogue. */
  readonly known: true;
  /** The event type. */
  readonly eventType: T;
  /** Its category in the event list. */
  readonly category: ImsEventCategory;
  /** The announced retirement date (`yyyy-MM-dd`) for retired event types, else `undefined`. */
  readonly retiresOn: string | undefined;
}

/**
 * An event whose `EventType` is not in the catalogue (IMS adds events over time). Everything else is
 * parsed and checked the same way.
 *
 * @example
 * ```ts
 * if (!event.known) console.warn(`unknown IMS event ${event.eventType}; update pulumi-alicloud-ims-callback?`);
 * ```
 */
export interface UnknownCallbackEvent extends CallbackEventBase {
  /** The name is not in the catalogue. */
  readonly known: false;
  /** The event type, as sent. */
  readonly eventType: string;
}

/**
 * A parsed IMS callback event: a union discriminated by `known`, and for known events by `eventType`.
 *
 * @example
 * ```ts
 * function handle(event: ImsCallbackEvent): void {
 *   if (!event.known) return;
 *   switch (event.eventType) {
 *     case "ProduceMediaComplete": // event: KnownCallbackEvent<"ProduceMediaComplete">
 *       break;
 *   }
 * }
 * ```
 */
export type ImsCallbackEvent =
  { [T in ImsEventType]: KnownCallbackEvent<T> }[ImsEventType] | UnknownCallbackEvent;

/**
 * Why a body could not be parsed as an IMS callback event.
 *
 * @example
 * ```ts
 * const reason: CallbackEventParseFailureReason = "not-json"; // e.g. an HTML error page forwarded by a proxy
 * ```
 *
 * - `empty-body`: nothing (or only whitespace) was received.
 * - `not-json`: neither JSON nor Base64-encoded JSON.
 * - `not-an-object`: JSON, but not an object.
 * - `missing-event-type`: `EventType` is absent, not a string, or empty.
 * - `bad-user-id`: `UserId` is absent, or not a non-negative integer (or its digits were already lost).
 * - `bad-event-time`: `EventTime` is absent or not an ISO-8601 UTC time like `2025-06-01T08:00:00Z`.
 * - `bad-message-body`: `MessageBody` is absent, or neither an object nor JSON text of an object.
 */
export type CallbackEventParseFailureReason =
  | "empty-body"
  | "not-json"
  | "not-an-object"
  | "missing-event-type"
  | "bad-user-id"
  | "bad-event-time"
  | "bad-message-body";

/**
 * Thrown by {@link parseCallbackEvent} for a malformed body. Answer such a request with 400; for a
 * queue message, log it and delete it (it will never parse).
 *
 * @example
 * ```ts
 * try {
 *   parseCallbackEvent(body);
 * } catch (e) {
 *   if (e instanceof CallbackEventParseError) console.warn(e.reason, e.message);
 * }
 * ```
 */
export class CallbackEventParseError extends Error {
  /** Why the body could not be parsed. */
  readonly reason: CallbackEventParseFailureReason;

  /** Builds the error from a reason and a message saying what is wrong. */
  constructor(reason: CallbackEventParseFailureReason, message: string) {
    super(message);
    this.name = "CallbackEventParseError";
    this.reason = reason;
  }
}

/**
 * Parses an IMS callback event envelope.
 *
 * Accepts the HTTP body or the queue message content as a string, a `Buffer`/`Uint8Array` (UTF-8),
 * or an object already parsed by your framework. Text that does not start with `{` is tried as Base64
 * (the encoding of queue message content is not documented): if it decodes to a JSON object, that
 * object is used and `encoding` is `"base64"`. `MessageBody` may be an object or JSON text of one.
 *
 * For an already-parsed object, a numeric `UserId` beyond `Number.MAX_SAFE_INTEGER` has already lost
 * digits; that is reported as `bad-user-id` rather than passed on wrong — give the raw body instead.
 *
 * Throws {@link CallbackEventParseError} for a malformed envelope, `TypeError` for an argument of
 * another type (e.g. `undefined`).
 *
 * @example
 * ```ts
 * const event = parseCallbackEvent('{"EventType":"ProduceMediaComplete","UserId":1234567890123456,' +
 *   '"EventTime":"2025-06-01T08:00:00Z","MessageBody":{"Status":"Success","JobId":"j1"}}');
 * event.userId; // "1234567890123456"
 * event.known && event.category; // "intelligentEditing"
 * ```
 */
export function parseCallbackEvent(
  body: string | Uint8Array | Readonly<Record<string, unknown>>,
): ImsCallbackEvent {
  let envelope: Readonly<Record<string, unknown>>;
  let text: string | undefined;
  let encoding: CallbackEventEncoding;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const decoded = decodeText(body);
    ({ envelope, text, encoding } = parseText(decoded));
  } else if (body !== null && typeof body === "object") {
    if (Array.isArray(body)) {
      throw new CallbackEventParseError(
        "not-an-object",
        "The body is JSON but not an object: got an array.",
      );
    }
    envelope = body;
    encoding = "object";
  } else {
    throw new TypeError(
      `parseCallbackEvent: body must be a string, a Buffer/Uint8Array or a parsed object, got ${body === null ? "null" : typeof body}.`,
    );
  }

  const eventType = envelope.EventType;
  if (typeof eventType !== "string" || eventType.trim() === "") {
    throw new CallbackEventParseError(
      "missing-event-type",
      eventType === undefined
        ? "EventType is missing."
        : `EventType must be a non-empty string, got ${describe(eventType)}.`,
    );
  }
  const userId = readUserId(envelope.UserId, text);
  const { eventTime, eventTimeText } = readEventTime(envelope.EventTime);
  const messageBody = readMessageBody(envelope.MessageBody);

  const base = { userId, eventTime, eventTimeText, messageBody, encoding, raw: envelope };
  if (isKnownEventType(eventType)) {
    const retired = RETIRED_EVENT_TYPES as Readonly<Record<string, string>>;
    const event: KnownCallbackEvent = {
      known: true,
      eventType,
      category: IMS_EVENT_CATEGORY[eventType],
      retiresOn: Object.prototype.hasOwnProperty.call(retired, eventType)
        ? retired[eventType]
        : undefined,
      ...base,
    };
    return event as ImsCallbackEvent;
  }
  return { known: false, eventType, ...base };
}

// ---------------------------------------------------------------------------------------------------

function decodeText(body: string | Uint8Array): string {
  const text =
    typeof body === "string"
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseText(decoded: string): {
  envelope: Readonly<Record<string, unknown>>;
  text: string;
  encoding: CallbackEventEncoding;
} {
  const trimmed = decoded.trim();
  if (trimmed === "") throw new CallbackEventParseError("empty-body", "The body is empty.");
  if (!trimmed.startsWith("{")) {
    const fromBase64 = tryBase64(trimmed);
    if (fromBase64 !== undefined) return { ...fromBase64, encoding: "base64" };
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new CallbackEventParseError(
        "not-json",
        `The body is neither JSON nor Base64-encoded JSON: it starts with ${describeStart(trimmed)}.`,
      );
    }
    throw new CallbackEventParseError(
      "not-an-object",
      `The body is JSON but not an object: got ${describe(parsed)}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    throw new CallbackEventParseError(
      "not-json",
      `The body is not valid JSON: ${(e as Error).message}.`,
    );
  }
  // `trimmed` starts with "{", so a successful parse is an object.
  return { envelope: parsed as Record<string, unknown>, text: trimmed, encoding: "json" };
}

function tryBase64(
  trimmed: string,
): { envelope: Readonly<Record<string, unknown>>; text: string } | undefined {
  const compact = trimmed.replace(/\s+/g, "");
  if (compact.length < 4 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  const decoded = decodeText(Buffer.from(compact, "base64")).trim();
  if (!decoded.startsWith("{")) return undefined;
  try {
    return { envelope: JSON.parse(decoded) as Record<string, unknown>, text: decoded };
  } catch {
    return undefined;
  }
}

/**
 * `UserId` as exact decimal digits. For JSON text the digits come from the text itself, because
 * `JSON.parse` rounds integers beyond 2^53.
 */
function readUserId(value: unknown, text: string | undefined): string {
  if (value === undefined) throw new CallbackEventParseError("bad-user-id", "UserId is missing.");
  if (typeof value === "string") {
    if (/^[0-9]+$/.test(value)) return value;
    throw new CallbackEventParseError(
      "bad-user-id",
      `UserId must be a non-negative integer, got ${describe(value)}.`,
    );
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new CallbackEventParseError(
      "bad-user-id",
      `UserId must be a non-negative integer, got ${describe(value)}.`,
    );
  }
  if (text !== undefined) {
    const digits = rawTopLevelNumber(text, "UserId");
    if (digits !== undefined && /^[0-9]+$/.test(digits)) return digits;
  }
  if (!Number.isSafeInteger(value)) {
    throw new CallbackEventParseError(
      "bad-user-id",
      `UserId ${value} is beyond Number.MAX_SAFE_INTEGER and has already lost digits; pass the raw body (string or Buffer) instead of a parsed object.`,
    );
  }
  return String(value);
}

/**
 * The raw text of the number that is the value of `key` in the top-level object of the JSON `text`
 * (the last occurrence, as `JSON.parse` keeps the last duplicate), or `undefined`. `text` must be
 * valid JSON whose top level is an object; strings, including escaped quotes, are skipped properly,
 * so a `"UserId"` inside a string value or a nested object is never picked.
 */
function rawTopLevelNumber(text: string, key: string): string | undefined {
  let depth = 0;
  let expectKey = false;
  let found: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i + 1;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      const name = text.slice(start, i);
      i++;
      if (depth === 1 && expectKey) {
        expectKey = false;
        if (name === key) {
          const match = /^\s*:\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/.exec(
            text.slice(i, i + 400),
          );
          if (match) found = match[1];
        }
      }
      continue;
    }
    if (c === "{" || c === "[") {
      depth++;
      expectKey = c === "{" && depth === 1;
    } else if (c === "}" || c === "]") {
      depth--;
    } else if (c === "," && depth === 1) {
      expectKey = true;
    }
    i++;
  }
  return found;
}

const EVENT_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function readEventTime(value: unknown): { eventTime: Date; eventTimeText: string } {
  if (value === undefined)
    throw new CallbackEventParseError("bad-event-time", "EventTime is missing.");
  const expected = 'an ISO-8601 time like "2025-06-01T08:00:00Z"';
  if (typeof value !== "string") {
    throw new CallbackEventParseError(
      "bad-event-time",
      `EventTime must be ${expected}, got ${describe(value)}.`,
    );
  }
  const m = EVENT_TIME.exec(value);
  const valid =
    m !== null &&
    inRange(m[2], 1, 12) &&
    inRange(m[3], 1, daysInMonth(Number(m[1]), Number(m[2]))) &&
    inRange(m[4], 0, 23) &&
    inRange(m[5], 0, 59) &&
    inRange(m[6], 0, 59) &&
    (m[8] === "Z" || (inRange(m[8].slice(1, 3), 0, 23) && inRange(m[8].slice(4, 6), 0, 59)));
  const eventTime = new Date(valid ? value : NaN);
  if (!valid || Number.isNaN(eventTime.getTime())) {
    throw new CallbackEventParseError(
      "bad-event-time",
      `EventTime must be ${expected}, got ${describe(value)}.`,
    );
  }
  return { eventTime, eventTimeText: value };
}

function inRange(digits: string, min: number, max: number): boolean {
  const n = Number(digits);
  return n >= min && n <= max;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const TYPED_FIELDS = ["Status", "MediaId", "JobId", "UserData"] as const;

function readMessageBody(value: unknown): CallbackMessageBody {
  if (value === undefined)
    throw new CallbackEventParseError("bad-message-body", "MessageBody is missing.");
  let body: unknown = value;
  if (typeof value === "string") {
    try {
      body = JSON.parse(value);
    } catch {
      throw new CallbackEventParseError(
        "bad-message-body",
        `MessageBody is a string but not JSON: it starts with ${describeStart(value)}.`,
      );
    }
    if (!isPlainObject(body)) {
      throw new CallbackEventParseError(
        "bad-message-body",
        `MessageBody is JSON text but not of an object: got ${describe(body)}.`,
      );
    }
  } else if (!isPlainObject(body)) {
    throw new CallbackEventParseError(
      "bad-message-body",
      `MessageBody must be an object or JSON text of one, got ${describe(body)}.`,
    );
  }
  const result: Record<string, unknown> = { ...body };
  for (const field of TYPED_FIELDS) {
    const v = result[field];
    if (v === undefined || typeof v === "string") continue;
    if (v === null) delete result[field];
    else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")
      result[field] = String(v);
    else result[field] = JSON.stringify(v);
  }
  return result as CallbackMessageBody;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function describeStart(text: string): string {
  return JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
}
