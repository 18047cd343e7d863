/**
 * Verification of IMS callback requests (callback authentication, `AuthSwitch` on).
 *
 * IMS signs each HTTP callback with two headers: `X-ICE-TIMESTAMP` (Unix seconds) and
 * `X-ICE-SIGNATURE`, the lower-case hex MD5 of `<configured CallbackURL>|<timestamp>|<AuthKey>`.
 * The body is not signed, and IMS enforces no time window: the receiver must pick one.
 *
 * What these helpers add over a hand-written check: the URL is the configured one (never rebuilt from
 * the request, which a proxy may have changed), the comparison is constant-time, the timestamp is
 * checked against a tolerance window on both sides, the clock is injectable, and several keys are
 * accepted at once for the documented key rotation.
 *
 * @packageDocumentation
 */
import * as crypto from "crypto";
import { timingSafeEqual } from "crypto";

/**
 * The header that carries the signing time, in Unix seconds.
 *
 * @example
 * ```ts
 * req.headers[ICE_TIMESTAMP_HEADER.toLowerCase()]; // "1519375990" (Node lower-cases header names)
 * ```
 */
export const ICE_TIMESTAMP_HEADER = "X-ICE-TIMESTAMP";

/**
 * The header that carries the hex MD5 signature.
 *
 * @example
 * ```ts
 * new Headers(signCallback({ callbackUrl, authKey })).get(ICE_SIGNATURE_HEADER); // 32 hex digits
 * ```
 */
export const ICE_SIGNATURE_HEADER = "X-ICE-SIGNATURE";

/**
 * The tolerance window applied when none is given, in seconds (Alibaba's docs suggest 5 minutes).
 *
 * @example
 * ```ts
 * verifyCallback(req, { callbackUrl, authKeys, toleranceSeconds: DEFAULT_TOLERANCE_SECONDS / 5 }); // 1 minute
 * ```
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Headers as a Fetch `Headers` object (or anything with a `get(name)` that looks names up
 * case-insensitively).
 *
 * @example
 * ```ts
 * const headers: HeaderGetter = new Headers({ "X-ICE-TIMESTAMP": "1519375990" });
 * ```
 */
export interface HeaderGetter {
  /** The header's value, or `null` when absent. */
  get(name: string): string | null;
}

/**
 * Headers as a plain object: Node's `IncomingHttpHeaders` (values may be arrays, the first value is
 * used) or any record whose keys may be in any case.
 *
 * @example
 * ```ts
 * const headers: HeaderRecord = { "X-Ice-Timestamp": "1519375990", "x-ice-signature": ["c587b80d…"] };
 * ```
 */
export type HeaderRecord = Readonly<
  Record<string, string | readonly string[] | number | undefined>
>;

/**
 * The part of an incoming request that verification reads: its headers only (the body is not
 * signed). A Node `IncomingMessage`, a Fetch `Request` and `{ headers: {...} }` all fit.
 *
 * @example
 * ```ts
 * const request: CallbackRequest = { headers: { "x-ice-timestamp": "1519375990", "x-ice-signature": "…" } };
 * ```
 */
export interface CallbackRequest {
  /** The request headers, in any of the supported shapes. */
  readonly headers: HeaderGetter | HeaderRecord;
}

/**
 * Options of {@link verifyCallback} and {@link assertValidCallback}.
 *
 * @example
 * ```ts
 * const options: VerifyCallbackOptions = {
 *   callbackUrl: "https://media.example.com/ims/callback",
 *   authKeys: [process.env.IMS_AUTH_KEY!, process.env.IMS_OLD_AUTH_KEY!],
 * };
 * ```
 */
export interface VerifyCallbackOptions {
  /**
   * The `CallbackURL` configured in IMS, byte for byte (IMS signs this exact string; a trailing slash
   * or a different case changes the signature). Never rebuild it from the incoming request: a proxy
   * or load balancer may have changed the host, scheme or path.
   */
  readonly callbackUrl: string;
  /**
   * The auth key, or several during a key rotation (new and old both accepted until the old one is
   * dropped). At least one; no leading or trailing whitespace.
   */
  readonly authKeys: string | readonly string[];
  /**
   * How far, in seconds, the timestamp may be from the current time, in the past (`stale`) or in the
   * future (`future`). The bounds are inclusive and compared in milliseconds against the clock.
   *
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /**
   * The clock, in milliseconds since the Unix epoch; inject one in tests. It must return a finite
   * number: anything else (e.g. a clock function missing its `return`) throws `TypeError`.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * Why a callback request failed verification.
 *
 * @example
 * ```ts
 * const status = (reason: CallbackVerificationFailureReason) => (reason === "stale" ? "replay?" : "forged?");
 * ```
 *
 * - `missing-header`: `X-ICE-TIMESTAMP` or `X-ICE-SIGNATURE` is absent or empty (is authentication
 *   switched on in IMS?).
 * - `bad-timestamp`: `X-ICE-TIMESTAMP` is not Unix seconds (digits only).
 * - `mismatch`: the signature is not the MD5 of the configured URL, the timestamp and any accepted key
 *   (forged, wrong URL, or a rotated-out key).
 * - `stale`: the signature is genuine but older than the tolerance (a replay, or a slow clock).
 * - `future`: the signature is genuine but its timestamp is ahead of the clock by more than the
 *   tolerance (clock skew).
 */
export type CallbackVerificationFailureReason =
  "missing-header" | "bad-timestamp" | "stale" | "future" | "mismatch";

/**
 * A request that passed verification.
 *
 * @example
 * ```ts
 * const ok: CallbackVerificationSuccess = { ok: true, timestamp: 1519375990, keyIndex: 0 };
 * ```
 */
export interface CallbackVerificationSuccess {
  /** `true`: the request is genuine and fresh. */
  readonly ok: true;
  /** The verified `X-ICE-TIMESTAMP`, Unix seconds. */
  readonly timestamp: number;
  /**
   * Which of `authKeys` matched (0 for a single key). During a rotation, watch it switch from the
   * old key's index to the new one's before dropping the old key.
   */
  readonly keyIndex: number;
}

/**
 * A request that failed verification: a typed reason and a one-sentence message (the message never
 * contains a key).
 *
 * @example
 * ```ts
 * const failed: CallbackVerificationFailure = { ok: false, reason: "missing-header", message: "Missing X-ICE-SIGNATURE header." };
 * ```
 */
export interface CallbackVerificationFailure {
  /** `false`: reject the request (see {@link CallbackVerificationFailure.reason}). */
  readonly ok: false;
  /** Why it failed. */
  readonly reason: CallbackVerificationFailureReason;
  /** What failed, for logs. */
  readonly message: string;
}

/**
 * The result of {@link verifyCallback}.
 *
 * @example
 * ```ts
 * const result: CallbackVerificationResult = verifyCallback(req, options);
 * if (!result.ok) console.warn(result.reason, result.message);
 * ```
 */
export type CallbackVerificationResult = CallbackVerificationSuccess | CallbackVerificationFailure;

/**
 * Thrown by {@link assertValidCallback} when a request fails verification. `reason` is typed;
 * `message` says what failed.
 *
 * @example
 * ```ts
 * try {
 *   assertValidCallback(req, options);
 * } catch (e) {
 *   if (e instanceof CallbackVerificationError) res.writeHead(401).end(e.reason);
 *   else throw e;
 * }
 * ```
 */
export class CallbackVerificationError extends Error {
  /** Why the request failed verification. */
  readonly reason: CallbackVerificationFailureReason;

  /** Builds the error from a failed verification's reason and message. */
  constructor(reason: CallbackVerificationFailureReason, message: string) {
    super(message);
    this.name = "CallbackVerificationError";
    this.reason = reason;
  }
}

/**
 * The callback signature: lower-case hex MD5 of `<callbackUrl>|<timestamp>|<authKey>`, exactly as
 * IMS documents it. Inputs are used as given (no trimming, no URL normalisation). Users sign with
 * {@link signCallback}, which checks its inputs and returns the headers.
 *
 * @internal
 * @example
 * ```ts
 * computeCallbackSignature("https://www.example.com/your/callback", "1519375990", "Test123");
 * // "c587b80d2d0ede300e8967937da7219b"
 * ```
 */
export function computeCallbackSignature(
  callbackUrl: string,
  timestamp: string | number,
  authKey: string,
): string {
  return md5Hex(`${callbackUrl}|${timestamp}|${authKey}`);
}

/**
 * Hex MD5 of a UTF-8 string. The one-shot `crypto.hash` (Node >= 20.12) is about twice as fast as
 * `createHash(...).digest("hex")`; older Node 20 releases fall back to the latter.
 */
function md5Hex(text: string): string {
  return typeof crypto.hash === "function"
    ? crypto.hash("md5", text, "hex")
    : crypto.createHash("md5").update(text, "utf8").digest("hex");
}

/**
 * Verifies an IMS callback request's `X-ICE-TIMESTAMP` / `X-ICE-SIGNATURE` headers. Never throws for
 * a bad request (see the result's `reason`); throws `TypeError` for bad options (no key, an empty key
 * list, a key with leading or trailing whitespace, a missing or non-http(s) `callbackUrl`, a negative
 * tolerance, a clock that returns anything but a finite number), which are programming errors.
 *
 * Order of checks: headers present, timestamp well-formed, signature (constant-time, against every
 * key), then the time window — so `stale` and `future` only ever describe genuinely signed requests.
 *
 * @example
 * ```ts
 * import http from "http";
 * http.createServer((req, res) => {
 *   const result = verifyCallback(req, { callbackUrl: "https://media.example.com/ims/callback", authKeys: key });
 *   if (!result.ok) return void res.writeHead(401).end(result.reason);
 *   // … read and parse the body, answer 200 quickly
 * });
 * ```
 */
export function verifyCallback(
  request: CallbackRequest,
  options: VerifyCallbackOptions,
): CallbackVerificationResult {
  const checked = checkOptions(options, "verifyCallback");
  // Read the clock first: a clock that returns no number is a programming error whatever the request.
  const nowMs = readClock(checked.now, "verifyCallback");
  const headers = request?.headers;
  if (headers === null || typeof headers !== "object") {
    throw new TypeError(
      "verifyCallback: request.headers is required (a Node IncomingMessage, a Fetch Request or { headers }).",
    );
  }
  const timestampText = readHeader(headers, "x-ice-timestamp");
  const signatureText = readHeader(headers, "x-ice-signature");
  if (timestampText === undefined || signatureText === undefined) {
    const missing = [
      timestampText === undefined ? ICE_TIMESTAMP_HEADER : undefined,
      signatureText === undefined ? ICE_SIGNATURE_HEADER : undefined,
    ].filter((h): h is string => h !== undefined);
    const message =
      missing.length === 2
        ? `Missing ${ICE_TIMESTAMP_HEADER} and ${ICE_SIGNATURE_HEADER} headers; is callback authentication (AuthSwitch) on in IMS?`
        : `Missing ${missing[0]} header.`;
    return fail("missing-header", message);
  }
  if (!/^[0-9]{1,15}$/.test(timestampText)) {
    return fail(
      "bad-timestamp",
      `${ICE_TIMESTAMP_HEADER} must be Unix seconds (digits only), got ${quote(timestampText)}.`,
    );
  }
  const timestamp = Number(timestampText);

  const keyIndex = matchingKey(checked, timestampText, signatureText);
  if (keyIndex < 0) {
    const keys =
      checked.keys.length === 1 ? "the auth key" : `any of the ${checked.keys.length} auth keys`;
    const message = /^[0-9a-fA-F]{32}$/.test(signatureText)
      ? `${ICE_SIGNATURE_HEADER} does not match the configured callback URL, the timestamp and ${keys}.`
      : `${ICE_SIGNATURE_HEADER} is not a 32-character hex MD5 digest.`;
    return fail("mismatch", message);
  }

  const ageMs = nowMs - timestamp * 1000;
  if (ageMs > checked.toleranceMs) {
    return fail(
      "stale",
      `${ICE_TIMESTAMP_HEADER} ${timestampText} is ${ageMs / 1000} s old, beyond the tolerance of ${checked.toleranceSeconds} s (a replay, or a clock out of sync).`,
    );
  }
  if (-ageMs > checked.toleranceMs) {
    const hint = timestamp > 1e11 ? " It looks like milliseconds; IMS sends seconds." : "";
    return fail(
      "future",
      `${ICE_TIMESTAMP_HEADER} ${timestampText} is ${-ageMs / 1000} s in the future, beyond the tolerance of ${checked.toleranceSeconds} s (check the clocks).${hint}`,
    );
  }
  return { ok: true, timestamp, keyIndex };
}

/**
 * The throwing variant of {@link verifyCallback}: returns the success result, or throws a
 * {@link CallbackVerificationError} carrying the failure's `reason` and `message`. Bad options throw
 * `TypeError`, as in {@link verifyCallback}.
 *
 * @example
 * ```ts
 * const { timestamp } = assertValidCallback(req, { callbackUrl, authKeys: [newKey, oldKey] });
 * ```
 */
export function assertValidCallback(
  request: CallbackRequest,
  options: VerifyCallbackOptions,
): CallbackVerificationSuccess {
  const result = verifyCallback(request, options);
  if (!result.ok) throw new CallbackVerificationError(result.reason, result.message);
  return result;
}

/**
 * Options of {@link signCallback}.
 *
 * @example
 * ```ts
 * const options: SignCallbackOptions = { callbackUrl: "https://media.example.com/ims/callback", authKey: "Test123" };
 * ```
 */
export interface SignCallbackOptions {
  /** The configured `CallbackURL`, byte for byte. */
  readonly callbackUrl: string;
  /** The auth key to sign with. */
  readonly authKey: string;
  /**
   * The signing time in Unix seconds (a non-negative integer).
   *
   * @default the current time, `Math.floor(Date.now() / 1000)`
   */
  readonly timestamp?: number;
}

/**
 * The authentication headers IMS sends with a callback.
 *
 * @example
 * ```ts
 * const headers: CallbackSignatureHeaders = { "X-ICE-TIMESTAMP": "1519375990", "X-ICE-SIGNATURE": "c587b80d2d0ede300e8967937da7219b" };
 * ```
 */
// A type alias, not an interface, so it is assignable to `Record<string, string>` (Fetch's
// `HeadersInit`, Node's `OutgoingHttpHeaders`) and to `CallbackRequest["headers"]`.
export type CallbackSignatureHeaders = {
  /** Unix seconds, as a decimal string. */
  readonly "X-ICE-TIMESTAMP": string;
  /** Lower-case hex MD5 of `<callbackUrl>|<timestamp>|<authKey>`. */
  readonly "X-ICE-SIGNATURE": string;
};

/**
 * Produces the headers IMS would send, for your own tests (and for emulators). Throws `TypeError` for
 * a missing or whitespace-padded key, a missing or non-http(s) URL, or a timestamp that is not a
 * non-negative integer.
 *
 * @example
 * ```ts
 * const headers = signCallback({ callbackUrl: "https://www.example.com/your/callback", authKey: "Test123", timestamp: 1519375990 });
 * // { "X-ICE-TIMESTAMP": "1519375990", "X-ICE-SIGNATURE": "c587b80d2d0ede300e8967937da7219b" }
 * await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
 * ```
 */
export function signCallback(options: SignCallbackOptions): CallbackSignatureHeaders {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      "signCallback: options are required: { callbackUrl, authKey, timestamp? }.",
    );
  }
  checkUrl(options.callbackUrl, "signCallback");
  checkKey(options.authKey, "signCallback: options.authKey");
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(
      `signCallback: options.timestamp must be Unix seconds (a non-negative integer), got ${String(timestamp)}.`,
    );
  }
  const text = String(timestamp);
  return {
    "X-ICE-TIMESTAMP": text,
    "X-ICE-SIGNATURE": computeCallbackSignature(options.callbackUrl, text, options.authKey),
  };
}

// ---------------------------------------------------------------------------------------------------

interface CheckedOptions {
  readonly callbackUrl: string;
  readonly keys: readonly string[];
  readonly toleranceSeconds: number;
  readonly toleranceMs: number;
  readonly now: () => number;
}

function checkOptions(options: VerifyCallbackOptions, fn: string): CheckedOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${fn}: options are required: { callbackUrl, authKeys, toleranceSeconds?, now? }.`,
    );
  }
  checkUrl(options.callbackUrl, fn);
  const authKeys = options.authKeys;
  let keys: readonly string[];
  if (typeof authKeys === "string") {
    checkKey(authKeys, `${fn}: options.authKeys`);
    keys = [authKeys];
  } else if (Array.isArray(authKeys)) {
    if (authKeys.length === 0) {
      throw new TypeError(`${fn}: options.authKeys is an empty list; pass at least one auth key.`);
    }
    authKeys.forEach((key: unknown, i: number) => checkKey(key, `${fn}: options.authKeys[${i}]`));
    keys = authKeys;
  } else {
    throw new TypeError(
      `${fn}: options.authKeys is required: the auth key configured in IMS, or a list of keys during a rotation.`,
    );
  }
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (
    typeof toleranceSeconds !== "number" ||
    !Number.isFinite(toleranceSeconds) ||
    toleranceSeconds < 0
  ) {
    throw new TypeError(
      `${fn}: options.toleranceSeconds must be a finite number of seconds >= 0, got ${String(toleranceSeconds)}.`,
    );
  }
  const now = options.now ?? Date.now;
  if (typeof now !== "function") {
    throw new TypeError(
      `${fn}: options.now must be a function returning milliseconds since the epoch.`,
    );
  }
  return {
    callbackUrl: options.callbackUrl,
    keys,
    toleranceSeconds,
    toleranceMs: toleranceSeconds * 1000,
    now,
  };
}

/** Calls the clock; anything but a finite number would let every date through, so it throws. */
function readClock(now: () => number, fn: string): number {
  const value: unknown = now();
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const shown =
      typeof value === "string"
        ? quote(value)
        : typeof value === "object" && value !== null
          ? "an object"
          : String(value);
    throw new TypeError(
      `${fn}: options.now must return milliseconds since the epoch as a finite number, got ${shown}.`,
    );
  }
  return value;
}

function checkUrl(url: unknown, fn: string): void {
  if (typeof url !== "string" || url === "") {
    throw new TypeError(
      `${fn}: options.callbackUrl is required: the CallbackURL configured in IMS, exactly as configured.`,
    );
  }
  if (url.trim() !== url) {
    throw new TypeError(
      `${fn}: options.callbackUrl has leading or trailing whitespace; IMS signs the URL exactly as configured.`,
    );
  }
  if (!/^https?:\/\/[^\s/?#]+/i.test(url)) {
    throw new TypeError(
      `${fn}: options.callbackUrl must be an http:// or https:// URL, got ${quote(url)}.`,
    );
  }
}

function checkKey(key: unknown, what: string): void {
  if (typeof key !== "string" || key === "") {
    throw new TypeError(
      `${what} is ${key === "" ? "empty" : "missing"}; pass the auth key configured in IMS.`,
    );
  }
  if (key.trim() !== key) {
    // Never echo the key: it is a secret.
    throw new TypeError(
      `${what} has leading or trailing whitespace; IMS signs with the key exactly as configured, so trim it where it is loaded (e.g. from an environment variable or file).`,
    );
  }
}

/** Index of the first key whose signature matches, or -1. Every key is tried (no early exit). */
function matchingKey(
  checked: CheckedOptions,
  timestampText: string,
  signatureText: string,
): number {
  // The lower-cased hex text is compared with the expected lower-case hex digest, both as 32-byte
  // buffers, with timingSafeEqual. A value that is not 32 hex digits cannot match; its length and
  // alphabet are not secret, so it is rejected without a comparison.
  if (signatureText.length !== 32 || !/^[0-9a-fA-F]{32}$/.test(signatureText)) return -1;
  const given = Buffer.from(signatureText.toLowerCase(), "latin1");
  let found = -1;
  for (let i = 0; i < checked.keys.length; i++) {
    const expected = Buffer.from(
      md5Hex(`${checked.callbackUrl}|${timestampText}|${checked.keys[i]}`),
      "latin1",
    );
    if (timingSafeEqual(expected, given) && found < 0) found = i;
  }
  return found;
}

/** Case-insensitive header lookup; arrays give their first value; empty or blank counts as absent. */
function readHeader(headers: HeaderGetter | HeaderRecord, lowerName: string): string | undefined {
  let value: unknown;
  if (typeof (headers as HeaderGetter).get === "function") {
    value = (headers as HeaderGetter).get(lowerName);
  } else {
    const record = headers as HeaderRecord;
    value = record[lowerName];
    if (value === undefined) {
      for (const key of Object.keys(record)) {
        if (key.length === lowerName.length && key.toLowerCase() === lowerName) {
          value = record[key];
          if (value !== undefined) break;
        }
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === "number") value = String(value);
  if (typeof value !== "string") return undefined;
  // A Fetch Headers (and Node, for unknown names) joins repeated headers with ", ": use the first
  // value, like the array case.
  const comma = value.indexOf(",");
  const first = (comma < 0 ? value : value.slice(0, comma)).trim();
  return first === "" ? undefined : first;
}

function fail(
  reason: CallbackVerificationFailureReason,
  message: string,
): CallbackVerificationFailure {
  return { ok: false, reason, message };
}

/** JSON-quotes untrusted text for a message, cut to 40 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
