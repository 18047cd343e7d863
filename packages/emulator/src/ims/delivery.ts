/**
 * Delivery of events as IMS delivers them: to the HTTP(S) URL of the region's setting, POST with a
 * JSON body, signature headers when callback authentication is on, success only on 200 within the
 * timeout; or, for an MNS setting, a message written into the setting's queue (see
 * {@link QueueWriter}). Otherwise retried, then dropped. Every attempt is recorded.
 *
 * The signature is computed here from the documented formula (MD5 of `<url>|<timestamp>|<key>`),
 * independently of the library's receiver helpers, so an end-to-end test checks one against the other.
 *
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import type { StoredSetting } from "./settings";

/** Delivery timing, as IMS documents it. */
export interface DeliveryPolicy {
  /**
   * An attempt succeeds only on HTTP 200 within this time.
   *
   * @default 3000 (ms)
   */
  readonly timeoutMs: number;
  /**
   * Retries after the first attempt.
   *
   * @default 2
   */
  readonly retries: number;
  /**
   * Pause between attempts.
   *
   * @default 1000 (ms)
   */
  readonly retryDelayMs: number;
}

/** IMS's documented delivery: 3 s per attempt, 2 retries 1 s apart. */
export const IMS_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({
  timeoutMs: 3000,
  retries: 2,
  retryDelayMs: 1000,
});

/** What to emit. */
export interface EmitEventRequest {
  /** The region whose setting decides where the event goes. */
  readonly region: string;
  /** The event type, e.g. `"ProduceMediaComplete"`. */
  readonly eventType: string;
  /**
   * The account.
   *
   * @default the emulator's first account
   */
  readonly accountId?: string;
  /**
   * Event-specific body.
   *
   * @default `{ Status: "Success" }`
   */
  readonly messageBody?: Record<string, unknown>;
  /**
   * Event time.
   *
   * @default now
   */
  readonly eventTime?: Date | string;
}

/** One delivery attempt. */
export interface DeliveryAttempt {
  /** 1-based. */
  readonly attempt: number;
  /** When the attempt started, UTC ISO 8601. */
  readonly startedAt: string;
  /** How long it took, ms. */
  readonly durationMs: number;
  /** HTTP status, when the receiver answered. */
  readonly status?: number;
  /** Why the attempt failed (timeout, connection error, non-200), if it did. */
  readonly error?: string;
}

/**
 * Writes one message body into the queue `queueName` of the event's region as IMS's service role
 * would; resolves with the message id, or rejects with the reason the write failed (queue missing,
 * not authorized, body too large).
 */
export type QueueWriter = (queueName: string, body: string) => Promise<string>;

/** What happened to one emitted event. */
export interface DeliveryReport {
  /** The event's region. */
  readonly region: string;
  /** The account the event belongs to (its `UserId`). */
  readonly accountId: string;
  /** The event's type, e.g. `"ProduceMediaComplete"`. */
  readonly eventType: string;
  /** `delivered`, `dropped` (every attempt failed), `not-subscribed` (event not in the list), or `not-configured`. */
  readonly outcome: "delivered" | "dropped" | "not-subscribed" | "not-configured";
  /** `"HTTP"` or `"MNS"`, once a target is known. */
  readonly method?: "HTTP" | "MNS";
  /** Where it was sent: the URL, or the queue name. */
  readonly target?: string;
  /** For a queue: the id of the message written. */
  readonly messageId?: string;
  /** Whether signature headers were sent. */
  readonly signed: boolean;
  /** Each attempt, in order (none when nothing was sent). */
  readonly attempts: readonly DeliveryAttempt[];
  /** The JSON body sent (for a queue: before any Base64 encoding of the message body). */
  readonly body?: string;
}

/** Formats an IMS event time: UTC `yyyy-MM-ddTHH:mm:ssZ`. */
export function imsEventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The `X-ICE-*` headers IMS sends when callback authentication is on. */
export function iceSignatureHeaders(
  url: string,
  key: string,
  timestampSeconds: number,
): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return {
    "X-ICE-TIMESTAMP": timestamp,
    "X-ICE-SIGNATURE": createHash("md5").update(`${url}|${timestamp}|${key}`, "utf8").digest("hex"),
  };
}

/** How one attempt ended: delivered (with the queue's message id), or failed and why. */
type AttemptResult =
  | { readonly delivered: true; readonly status?: number; readonly messageId?: string }
  | { readonly delivered: false; readonly status?: number; readonly error: string };

/** The event's JSON body, with `UserId` written as a JSON number when it is one, as IMS does. */
function eventBody(request: EmitEventRequest & { accountId: string }, eventTime: Date): string {
  const userId = /^\d+$/.test(request.accountId)
    ? request.accountId
    : JSON.stringify(request.accountId);
  return (
    `{"EventType":${JSON.stringify(request.eventType)},"UserId":${userId},` +
    `"EventTime":${JSON.stringify(imsEventTime(eventTime))},"MessageBody":${JSON.stringify(request.messageBody ?? { Status: "Success" })}}`
  );
}

async function writeAttempt(
  writeToQueue: QueueWriter | undefined,
  queueName: string,
  body: string,
): Promise<AttemptResult> {
  try {
    if (!writeToQueue) throw new Error("queue delivery is not available here");
    return { delivered: true, messageId: await writeToQueue(queueName, body) };
  } catch (error) {
    return { delivered: false, error: (error as Error).message };
  }
}

/** One POST; `authKey` signs it with the attempt's start time. */
async function postAttempt(
  url: string,
  body: string,
  authKey: string | undefined,
  startedMs: number,
  timeoutMs: number,
): Promise<AttemptResult> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "ims-emulator-callback",
    ...(authKey === undefined
      ? {}
      : iceSignatureHeaders(url, authKey, Math.floor(startedMs / 1000))),
  };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status === 200
      ? { delivered: true, status: 200 }
      : { delivered: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason =
      e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { delivered: false, error: reason };
  }
}

/**
 * Delivers one event according to `setting`. The body's `UserId` is the account id written as a
 * JSON number, as IMS writes it.
 */
export async function deliverEvent(
  setting: StoredSetting | undefined,
  request: EmitEventRequest & { accountId: string },
  policy: DeliveryPolicy = IMS_DELIVERY_POLICY,
  now: () => number = Date.now,
  writeToQueue?: QueueWriter,
): Promise<DeliveryReport> {
  const base = {
    region: request.region,
    accountId: request.accountId,
    eventType: request.eventType,
    signed: false,
    attempts: [],
  };
  if (!setting || (setting.CallbackURL === "" && setting.CallbackQueueName === ""))
    return { ...base, outcome: "not-configured" };
  const events = setting.EventTypeList.split(",").map((e) => e.trim());
  if (!events.includes(request.eventType)) return { ...base, outcome: "not-subscribed" };

  const body = eventBody(
    request,
    request.eventTime === undefined ? new Date(now()) : new Date(request.eventTime),
  );
  const toQueue =
    setting.CallbackType === "MNS" || (setting.CallbackType === "" && setting.CallbackURL === "");
  const method = toQueue ? "MNS" : "HTTP";
  const target = toQueue ? setting.CallbackQueueName : setting.CallbackURL;
  const signed = !toQueue && setting.AuthSwitch === "on" && setting.AuthKey !== "";
  const attempts: DeliveryAttempt[] = [];
  for (let attempt = 1; attempt <= 1 + policy.retries; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, policy.retryDelayMs));
    const started = now();
    const result = toQueue
      ? await writeAttempt(writeToQueue, target, body)
      : await postAttempt(
          target,
          body,
          signed ? setting.AuthKey : undefined,
          started,
          policy.timeoutMs,
        );
    attempts.push({
      attempt,
      startedAt: new Date(started).toISOString(),
      durationMs: now() - started,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.delivered ? {} : { error: result.error }),
    });
    if (result.delivered) {
      const messageId = result.messageId === undefined ? {} : { messageId: result.messageId };
      return {
        ...base,
        outcome: "delivered",
        method,
        target,
        ...messageId,
        signed,
        attempts,
        body,
      };
    }
  }
  return { ...base, outcome: "dropped", method, target, signed, attempts, body };
}
