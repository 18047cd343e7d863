/**
 * The consumer of an `ice-callback-` queue: the receiving half of the queue method.
 *
 * @packageDocumentation
 */
import { resolveCredential } from "../shared/credentials";
import { redact } from "../shared/redaction";
import { parseCallbackEvent, type ImsCallbackEvent } from "../receiver/envelope";
import { queueNameProblems } from "../shared/validation";
import {
  createMnsClient,
  mnsErrorCode,
  MnsUnconfirmedError,
  type MnsQueueClient,
  type MnsReceivedMessage,
} from "./mnsClient";

/** MNS's largest batch receive. */
export const MAX_RECEIVE_BATCH = 16;
/** MNS's longest long poll, in seconds. */
export const MAX_WAIT_SECONDS = 30;
/** The shortest visibility timeout MNS accepts: a released message is visible again after it. */
const RELEASE_VISIBILITY_SECONDS = 1;
/** How much longer than the long poll any MNS call may take before it counts as failed, in seconds. */
const CALL_TIMEOUT_MARGIN_SECONDS = 5;
/** Back-off after failed receives: doubles from the first value up to the second, in ms. */
const RECEIVE_BACKOFF_MS = [250, 30_000] as const;
/** Pause after an empty short poll (`waitSeconds: 0`): doubles from the first value up to the second, in ms. */
const EMPTY_SHORT_POLL_PAUSE_MS = [250, 5_000] as const;
/** MNS's longest visibility timeout, in seconds. */
const MAX_VISIBILITY_SECONDS = 43_200;
/** The soonest a heartbeat follows the previous one, in ms. */
const MIN_HEARTBEAT_DELAY_MS = 100;
/** The default of `handlerTimeoutSeconds`: 10 minutes. */
const DEFAULT_HANDLER_TIMEOUT_SECONDS = 600;
/** MNS errors after which a message's receipt handle is of no more use: the heartbeat stops. */
const HANDLE_GONE = new Set(["ReceiptHandleError", "MessageNotExist", "QueueNotExist"]);

/** An AccessKey pair, with the STS token when it is temporary. */
export interface QueueCredentials {
  /** The AccessKey ID. */
  readonly accessKeyId: string;
  /** The AccessKey secret. */
  readonly accessKeySecret: string;
  /** The STS security token, when the pair is temporary. */
  readonly securityToken?: string;
}

/** One message of the queue, as the handler and the hooks see it. */
export interface CallbackQueueMessage {
  /** MNS's message id. */
  readonly messageId: string;
  /** How many times the message has been received, this time included (MNS's `DequeueCount`). */
  readonly dequeueCount: number;
  /** When IMS wrote the message. */
  readonly enqueueTime: Date;
  /** When the message was first received. */
  readonly firstDequeueTime: Date;
  /** The message body as MNS returned it (JSON, or Base64 of JSON). */
  readonly body: string;
}

/** What the handler gets beside the event. */
export interface CallbackMessageContext {
  /** The queue message the event came in. */
  readonly message: CallbackQueueMessage;
  /**
   * Aborted when the consumer is asked to stop (finish or give up quickly: a thrown error leaves
   * the message in the queue), and when the handler runs out of time (see
   * {@link CallbackQueueConsumerOptions.handlerTimeoutSeconds}; the `reason` is then the
   * {@link CallbackQueueConsumerError} told to `onError`). The consumer cannot stop a handler: one
   * that goes on after its time is up runs beside the message's redelivery.
   */
  readonly signal: AbortSignal;
}

/** A message the consumer gives up on, handed to {@link CallbackQueueConsumerOptions.onDeadLetter}. */
export interface DeadLetter {
  /**
   * Why:
   * - `unparseable`: the body is not an IMS event envelope (it never will be);
   * - `max-receives`: the handler failed on the message `maxReceiveCount` times.
   */
  readonly reason: "unparseable" | "max-receives";
  /** The queue message given up on (then deleted from the queue). */
  readonly message: CallbackQueueMessage;
  /** The parsed event, for `max-receives`. */
  readonly event?: ImsCallbackEvent;
  /** The parse error, or the handler's last error (absent when the count was exceeded before this receive). */
  readonly error?: unknown;
}

/** A failure the consumer survived: it reports it and goes on. */
export class CallbackQueueConsumerError extends Error {
  /** `"CallbackQueueConsumerError"` */
  override readonly name = "CallbackQueueConsumerError";
  constructor(
    /**
     * What failed: `handle` is a handler that threw, ran out of time (see
     * {@link CallbackQueueConsumerOptions.handlerTimeoutSeconds}) or was still running when the
     * stop's time ran out (see {@link CallbackQueueConsumerOptions.stopTimeoutSeconds}); `extend`
     * is a heartbeat that keeps a message in handling invisible (see
     * {@link CallbackQueueConsumerOptions.visibilityExtensionSeconds}).
     */
    readonly operation: "receive" | "handle" | "delete" | "dead-letter" | "release" | "extend",
    message: string,
    /** MNS's error code, when MNS answered with one, e.g. `"QueueNotExist"`. */
    readonly code?: string,
    /** The message concerned, if any. */
    readonly messageId?: string,
    /**
     * The HTTP status of an answer that did not confirm the call and carried no MNS error (a
     * gateway's `502` page, an empty `503`): the call may or may not have taken effect.
     */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Options of {@link consumeCallbackQueue}. */
export interface CallbackQueueConsumerOptions {
  /** The queue, e.g. the `queueName` output of an `ImsCallback`. */
  readonly queueName: string;
  /** The queue's region, e.g. `"cn-shanghai"`. */
  readonly region: string;
  /** The account that owns the queue (part of MNS's endpoint host). */
  readonly accountId: string;
  /**
   * Handles one event. The message is deleted once it resolves; when it throws, the message stays
   * in the queue and is received again once invisible no more. Delivery is at least once, so
   * handlers must be idempotent: a message comes back when its delete is not confirmed, when a
   * heartbeat (see `visibilityExtensionSeconds`) cannot reach MNS before the message turns
   * visible, or when the consumer stops abruptly.
   */
  readonly handler: (
    event: ImsCallbackEvent,
    context: CallbackMessageContext,
  ) => void | Promise<void>;
  /**
   * Stops the consumer: no new receive starts, running handlers finish (for at most
   * `stopTimeoutSeconds`), then the promise resolves.
   */
  readonly signal?: AbortSignal;
  /**
   * Handlers running at once.
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Messages asked for per receive (MNS allows 1 to 16); never more than free handler slots.
   *
   * @default 16
   */
  readonly batchSize?: number;
  /**
   * Long-poll wait per receive, 0 to 30 seconds, sent with every receive (the queue's
   * `PollingWaitSeconds` never applies). A stop waits for the receive in progress, so this bounds
   * how long stopping takes. `0` short-polls: each receive answers at once, and while the queue
   * stays empty the consumer pauses between receives, doubling from 250 ms to 5 s.
   *
   * @default 10
   */
  readonly waitSeconds?: number;
  /**
   * While a message is being handled (handler, then `onDeadLetter` if it comes to that), a
   * heartbeat keeps it invisible to every consumer, this one included: before its visibility
   * timeout runs out, and then every third of this value, it is made invisible for this many
   * seconds more (MNS's ChangeMessageVisibility, 1 to 43200). A message whose handler failed is
   * received again after at most this long.
   *
   * @default 30
   */
  readonly visibilityExtensionSeconds?: number;
  /**
   * How long a handler may run, in seconds (1 to 43200). When it has not settled by then, the
   * consumer gives up on it: the handler's `signal` is aborted, `onError` is told (a `handle`
   * error naming this option), the run counts as `failed`, the message's heartbeat stops and the
   * message is received again once its last extension runs out, at most
   * `visibilityExtensionSeconds` later (or it goes to `onDeadLetter` when this was its
   * `maxReceiveCount`-th receive). The handler itself cannot be stopped: its slot is freed, and
   * whatever it does later is ignored.
   *
   * @default 600 (10 minutes)
   */
  readonly handlerTimeoutSeconds?: number;
  /**
   * After the stop (`signal` aborted), how long running handlers and `onDeadLetter` calls may
   * still take, in seconds (0 to 43200), counted from the abort. The messages of those still
   * running then are released (visible again after 1 s, counted as `released`, each reported to
   * `onError`), and the promise resolves without waiting for them.
   *
   * @default `handlerTimeoutSeconds`
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * The receive at which a failing message is given up: when the handler fails on its
   * `maxReceiveCount`-th receive (or the message arrives with a higher count), it goes to
   * `onDeadLetter` instead of back to the queue.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Takes a message the consumer gives up on (store it, alert someone); the message is deleted once
   * this resolves, and kept in the queue (offered again on its next receive) when it throws.
   *
   * @default a warning on the console, then the message is deleted
   */
  readonly onDeadLetter?: (letter: DeadLetter) => void | Promise<void>;
  /**
   * Told about every failure the consumer survives: handler errors, failed receives (retried with
   * back-off), deletes, releases, heartbeats and `onDeadLetter` calls. A call counts as failed
   * unless MNS confirmed it: an answer such as a gateway's `502` page or an empty `503` is reported
   * with its `status`. Messages name the queue, the operation and MNS's error, never a credential.
   *
   * @default `console.error`
   */
  readonly onError?: (error: CallbackQueueConsumerError) => void;
  /**
   * Credentials, or a function returning current ones (called again every minute when they carry an
   * STS token).
   *
   * @default the provider's chain: `ALICLOUD_ACCESS_KEY`/`ALICLOUD_SECRET_KEY`(/`ALICLOUD_SECURITY_TOKEN`),
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`(/`ALIBABA_CLOUD_SECURITY_TOKEN`),
   * then the configured sources of the Alibaba Cloud credentials chain (OIDC, CLI profile, files, ECS role)
   */
  readonly credentials?: QueueCredentials | (() => Promise<QueueCredentials>);
  /**
   * MNS's endpoint URL, e.g. the internal `http://<accountId>.mns.<region>-internal.aliyuncs.com`
   * from inside Alibaba Cloud, or a local emulator.
   *
   * @default "https://<accountId>.mns.<region>.aliyuncs.com"
   */
  readonly endpoint?: string;
}

/** What a consumer did, counted over its run. */
export interface CallbackQueueConsumerSummary {
  /** Messages received. */
  received: number;
  /** Messages handled and deleted. */
  handled: number;
  /** Handler failures, time-outs included (the message was left for redelivery or given up). */
  failed: number;
  /** Messages given to `onDeadLetter` and deleted. */
  deadLettered: number;
  /**
   * Messages made visible again: received after the stop was asked for (unhandled), or still in
   * a handler or `onDeadLetter` when `stopTimeoutSeconds` ran out.
   */
  released: number;
  /**
   * Receives, deletes, releases, heartbeats and `onDeadLetter` calls that failed or that MNS did
   * not confirm, each reported to `onError`. A message whose delete was not confirmed is not counted
   * as handled or dead-lettered: it is received again.
   */
  errors: number;
}

/**
 * Consumes IMS callback events from an `ice-callback-` queue until `signal` is aborted: long-polls
 * in batches with Alibaba's MNS client, parses each message as an IMS event, calls `handler`, and
 * deletes the message only after the handler succeeded, keeping it invisible meanwhile (a
 * heartbeat, see `visibilityExtensionSeconds`). A failed message returns once visible again; one
 * that keeps failing (see `maxReceiveCount`) or never parses goes to `onDeadLetter`. At most
 * `concurrency` handlers run at once, each for at most `handlerTimeoutSeconds`. A call counts only
 * when MNS confirmed it. On abort, no new receive starts, messages of a receive still in flight are
 * released unhandled, running handlers finish (those still running `stopTimeoutSeconds` after the
 * abort are released), and the promise resolves with the counts: no message is lost, every one is
 * either deleted after success or left in the queue. Delivery is at least once: handlers must be
 * idempotent.
 *
 * Rejects only for bad options (`TypeError`/`RangeError`) or credentials that cannot be found.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.once("SIGTERM", () => stop.abort());
 * await consumeCallbackQueue({
 *   queueName: "ice-callback-shop-prod-media-1a2b3c4d",
 *   region: "cn-shanghai",
 *   accountId: "1234567890123456",
 *   signal: stop.signal,
 *   async handler(event) {
 *     if (event.known && event.eventType === "ProduceMediaComplete") await markDone(event.messageBody.JobId);
 *   },
 * });
 * ```
 */
export async function consumeCallbackQueue(
  options: CallbackQueueConsumerOptions,
): Promise<CallbackQueueConsumerSummary> {
  const settings = checkOptions(options);
  const client = await clientFor(settings);
  return new QueueConsumer(settings, client).run();
}

/** One run of {@link consumeCallbackQueue}: its receive loop, its handlers and its counts. */
class QueueConsumer {
  private readonly summary: CallbackQueueConsumerSummary = {
    received: 0,
    handled: 0,
    failed: 0,
    deadLettered: 0,
    released: 0,
    errors: 0,
  };
  /** The messages in handling, each with its heartbeat. */
  private readonly running = new Set<Promise<void>>();
  /** Resolves once the stop is asked for. */
  private readonly stopped: Promise<void>;
  /** The pause after the last failed receive, in ms (0 after a receive that answered). */
  private backoffMs = 0;
  /** The pause after the last empty short poll, in ms (0 after one that brought messages). */
  private idleMs = 0;
  /** Set once `stopTimeoutSeconds` have passed since the stop: user code is waited for no more. */
  private drainOver = false;
  /** Called when `stopTimeoutSeconds` have passed since the stop: one per handler or hook running. */
  private readonly cutOffs = new Set<() => void>();
  /** The timer of `stopTimeoutSeconds`, from the stop. */
  private drainTimer?: NodeJS.Timeout;
  /** Set once the run has resolved. */
  private finished = false;

  constructor(
    private readonly settings: Settings,
    private readonly client: MnsQueueClient,
  ) {
    const { signal } = settings;
    this.stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    if (signal.aborted) this.startDrainClock();
    else signal.addEventListener("abort", this.startDrainClock, { once: true });
  }

  /** Starts counting `stopTimeoutSeconds` (at the stop). */
  private readonly startDrainClock = (): void => {
    if (this.finished) return;
    this.drainTimer = setTimeout(() => {
      this.drainOver = true;
      for (const cutOff of [...this.cutOffs]) cutOff();
    }, this.settings.stopTimeoutSeconds * 1000);
  };

  /** Receives and hands out messages until the stop, then waits for the running handlers. */
  async run(): Promise<CallbackQueueConsumerSummary> {
    const { signal } = this.settings;
    while (!signal.aborted) {
      if (this.running.size >= this.settings.concurrency) {
        await Promise.race([this.stopped, ...this.running]);
        continue;
      }
      const batch = await this.receive();
      if (!batch) continue;
      if (signal.aborted) {
        await Promise.all(batch.map((raw) => this.release(raw)));
        break;
      }
      if (batch.length === 0 && this.settings.waitSeconds === 0) {
        // A short poll answers at once: without a pause, an empty queue would be polled in a loop.
        this.idleMs = doubled(this.idleMs, EMPTY_SHORT_POLL_PAUSE_MS);
        await this.pause(this.idleMs);
        continue;
      }
      this.idleMs = 0;
      for (const raw of batch) this.start(raw);
    }
    // Handlers still running when stopTimeoutSeconds run out are released (see runUserCode).
    await Promise.all(this.running);
    this.finished = true;
    clearTimeout(this.drainTimer);
    signal.removeEventListener("abort", this.startDrainClock);
    return this.summary;
  }

  /** One receive for the free handler slots; `undefined` when it failed (after the back-off). */
  private async receive(): Promise<MnsReceivedMessage[] | undefined> {
    const { queueName, batchSize, concurrency, waitSeconds } = this.settings;
    let batch: MnsReceivedMessage[];
    try {
      batch = await this.client.receive(
        queueName,
        Math.min(batchSize, concurrency - this.running.size),
        waitSeconds,
      );
    } catch (error) {
      this.fail("receive", error);
      this.backoffMs = doubled(this.backoffMs, RECEIVE_BACKOFF_MS);
      await this.pause(this.backoffMs);
      return undefined;
    }
    this.backoffMs = 0;
    this.summary.received += batch.length;
    return batch;
  }

  /** Waits `ms`, or less when the stop comes first. */
  private pause(ms: number): Promise<unknown> {
    return Promise.race([this.stopped, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  /** Starts handling a message in a slot of its own, freed when the handling ends. */
  private start(raw: MnsReceivedMessage): void {
    const task: Promise<void> = this.handleWithHeartbeat(raw).finally(() =>
      this.running.delete(task),
    );
    this.running.add(task);
  }

  /** Handles a message with a heartbeat running until it is deleted, released or left in the queue. */
  private async handleWithHeartbeat(raw: MnsReceivedMessage): Promise<void> {
    const { queueName, visibilityExtensionSeconds, signal: stop } = this.settings;
    const lease = keepInvisible(raw, {
      extend: (receiptHandle) =>
        this.client.changeVisibility(queueName, receiptHandle, visibilityExtensionSeconds),
      periodMs: (visibilityExtensionSeconds * 1000) / 3,
      onError: (error) => this.fail("extend", error, raw.MessageId),
    });
    // The handler's signal: aborted by the stop, or when the handler runs out of time.
    const own = new AbortController();
    const onStop = () => own.abort(stop.reason);
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop, { once: true });
    try {
      await this.handle(raw, lease, own);
    } finally {
      stop.removeEventListener("abort", onStop);
      lease.stop();
    }
  }

  /** Parses the message, runs the handler and deletes it, or gives it up (see `maxReceiveCount`). */
  private async handle(raw: MnsReceivedMessage, lease: Lease, own: AbortController): Promise<void> {
    const { maxReceiveCount, handler, handlerTimeoutSeconds } = this.settings;
    const message = toMessage(raw);
    let event: ImsCallbackEvent;
    try {
      event = parseCallbackEvent(raw.MessageBody);
    } catch (error) {
      return this.deadLetter(raw, lease, { reason: "unparseable", message, error });
    }
    if (message.dequeueCount > maxReceiveCount) {
      return this.deadLetter(raw, lease, { reason: "max-receives", message, event });
    }
    const outcome = await this.runUserCode(
      raw,
      "handle",
      () => handler(event, { message, signal: own.signal }),
      {
        seconds: handlerTimeoutSeconds,
        then:
          message.dequeueCount >= maxReceiveCount
            ? `the message goes to onDeadLetter (receive ${message.dequeueCount} of maxReceiveCount ${maxReceiveCount})`
            : "the message's heartbeat stops and the message is received again once visible " +
              `(at most visibilityExtensionSeconds, ${this.settings.visibilityExtensionSeconds} s, later)`,
        abort: (error) => own.abort(error),
      },
    );
    switch (outcome.kind) {
      case "done":
        if (await this.remove(raw, lease)) this.summary.handled++;
        return;
      case "cut-off":
        this.report(outcome.error);
        return this.releaseHeld(raw, lease);
      default: {
        const error = outcome.error;
        this.summary.failed++;
        this.report(
          outcome.kind === "timed-out"
            ? outcome.error
            : this.failure("handle", error, raw.MessageId),
        );
        if (message.dequeueCount >= maxReceiveCount) {
          return this.deadLetter(raw, lease, { reason: "max-receives", message, event, error });
        }
        // Left in the queue: visible again when the last extension runs out.
        lease.stop();
      }
    }
  }

  /**
   * Runs a handler or hook until it settles, its time limit (if any) passes, or
   * `stopTimeoutSeconds` have passed since the stop, whichever comes first. A call not started
   * before the stop's time ran out is not started at all.
   */
  private async runUserCode(
    raw: MnsReceivedMessage,
    operation: "handle" | "dead-letter",
    work: () => void | Promise<void>,
    limit?: {
      seconds: number;
      /** What becomes of the message when the time is up. */
      then: string;
      abort(error: CallbackQueueConsumerError): void;
    },
  ): Promise<UserCodeOutcome> {
    const { stopTimeoutSeconds } = this.settings;
    const who = operation === "handle" ? "the handler" : "onDeadLetter";
    const cutOffError = () =>
      this.failure(
        operation,
        new Error(
          `${who} was still running stopTimeoutSeconds (${stopTimeoutSeconds} s) after the stop: ` +
            "the message is released for redelivery and the consumer stops without waiting for it.",
        ),
        raw.MessageId,
      );
    if (this.drainOver) return { kind: "cut-off", error: cutOffError() };
    let timer: NodeJS.Timeout | undefined;
    let cutOff: (() => void) | undefined;
    const settled = Promise.resolve()
      .then(work)
      .then(
        (): UserCodeOutcome => ({ kind: "done" }),
        (error: unknown): UserCodeOutcome => ({ kind: "threw", error }),
      );
    const givenUp = new Promise<UserCodeOutcome>((resolve) => {
      cutOff = () => resolve({ kind: "cut-off", error: cutOffError() });
      this.cutOffs.add(cutOff);
      if (limit) {
        timer = setTimeout(() => {
          const error = this.failure(
            operation,
            new Error(
              `${who} did not settle within handlerTimeoutSeconds (${limit.seconds} s): its ` +
                `signal is aborted and ${limit.then}. Raise handlerTimeoutSeconds if handlers ` +
                "need longer.",
            ),
            raw.MessageId,
          );
          limit.abort(error);
          resolve({ kind: "timed-out", error });
        }, limit.seconds * 1000);
      }
    });
    try {
      return await Promise.race([settled, givenUp]);
    } finally {
      clearTimeout(timer);
      if (cutOff) this.cutOffs.delete(cutOff);
    }
  }

  /** Gives a message to `onDeadLetter`, then deletes it (kept in the queue when the hook throws). */
  private async deadLetter(
    raw: MnsReceivedMessage,
    lease: Lease,
    letter: DeadLetter,
  ): Promise<void> {
    const outcome = await this.runUserCode(raw, "dead-letter", () =>
      this.settings.onDeadLetter(letter),
    );
    switch (outcome.kind) {
      case "done":
        if (await this.remove(raw, lease)) this.summary.deadLettered++;
        return;
      case "cut-off":
        this.report(outcome.error);
        return this.releaseHeld(raw, lease);
      default:
        this.fail("dead-letter", outcome.error, raw.MessageId);
    }
  }

  /**
   * Stops the heartbeat and calls MNS with the message's receipt handle at once, without waiting
   * for an extension in flight. MNS gives the message a new handle with each extension: when the
   * call fails and the extension that was in flight brings a newer handle (it was applied first),
   * the call is made again with that one.
   */
  private async withReceiptHandle(
    lease: Lease,
    call: (receiptHandle: string) => Promise<unknown>,
  ): Promise<void> {
    try {
      await call(lease.stop());
    } catch (error) {
      const newer = await lease.newerHandle();
      if (newer === undefined) throw error;
      await call(newer);
    }
  }

  /** Deletes a message at once, whatever heartbeat is in flight (see withReceiptHandle). */
  private async remove(raw: MnsReceivedMessage, lease: Lease): Promise<boolean> {
    try {
      await this.withReceiptHandle(lease, (receiptHandle) =>
        this.client.delete(this.settings.queueName, receiptHandle),
      );
      return true;
    } catch (error) {
      this.fail("delete", error, raw.MessageId);
      return false;
    }
  }

  /** Makes a message whose handling was cut off by the stop visible again. */
  private async releaseHeld(raw: MnsReceivedMessage, lease: Lease): Promise<void> {
    try {
      await this.withReceiptHandle(lease, (receiptHandle) =>
        this.client.changeVisibility(
          this.settings.queueName,
          receiptHandle,
          RELEASE_VISIBILITY_SECONDS,
        ),
      );
      this.summary.released++;
    } catch (error) {
      this.fail("release", error, raw.MessageId);
    }
  }

  /** Makes a message received after the stop visible again, unhandled. */
  private async release(raw: MnsReceivedMessage): Promise<void> {
    try {
      await this.client.changeVisibility(
        this.settings.queueName,
        raw.ReceiptHandle,
        RELEASE_VISIBILITY_SECONDS,
      );
      this.summary.released++;
    } catch (error) {
      this.fail("release", error, raw.MessageId);
    }
  }

  /** Counts and reports a failure of the consumer's own calls (not the handler's). */
  private fail(
    operation: CallbackQueueConsumerError["operation"],
    error: unknown,
    messageId?: string,
  ): void {
    this.summary.errors++;
    this.report(this.failure(operation, error, messageId));
  }

  /** The error reported for a failed call: what failed, on which message, MNS's code, no secret. */
  private failure(
    operation: CallbackQueueConsumerError["operation"],
    error: unknown,
    messageId?: string,
  ): CallbackQueueConsumerError {
    const { queueName, credentials } = this.settings;
    const code = mnsErrorCode(error);
    const what = messageId
      ? `${operation} of message ${messageId} of queue ${queueName}`
      : `${operation} on queue ${queueName}`;
    return new CallbackQueueConsumerError(
      operation,
      `${what} failed: ${describe(error, code, credentials.secrets())}`,
      code,
      messageId,
      error instanceof MnsUnconfirmedError ? error.status : undefined,
    );
  }

  /** Tells `onError`. */
  private report(error: CallbackQueueConsumerError): void {
    try {
      this.settings.onError(error);
    } catch {
      // A failing error hook must not stop the consumer.
    }
  }
}

/** How a handler or hook ended: settled, or given up (its time ran out, or the stop's). */
type UserCodeOutcome =
  | { readonly kind: "done" }
  | { readonly kind: "threw"; readonly error: unknown }
  | { readonly kind: "timed-out" | "cut-off"; readonly error: CallbackQueueConsumerError };

/** The options with defaults filled in and every value checked. */
interface Settings extends Required<
  Omit<CallbackQueueConsumerOptions, "credentials" | "endpoint" | "signal">
> {
  readonly signal: AbortSignal;
  readonly endpoint: string;
  /** Where credentials come from, as given. */
  readonly credentialSource?: CallbackQueueConsumerOptions["credentials"];
  /** The credentials in use (and the ones before), whose secrets are kept out of messages. */
  readonly credentials: RecentCredentials;
}

function checkOptions(options: CallbackQueueConsumerOptions): Settings {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      "consumeCallbackQueue: options are required: { queueName, region, accountId, handler }.",
    );
  }
  const problems = queueProblems(options);
  const numbers = readNumbers(options, problems);
  problems.push(...hookProblems(options));
  if (problems.length > 0) {
    throw new RangeError(
      `consumeCallbackQueue: invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return {
    queueName: options.queueName,
    region: options.region,
    accountId: options.accountId,
    handler: options.handler,
    signal: options.signal ?? new AbortController().signal,
    ...numbers,
    onDeadLetter: options.onDeadLetter ?? warnAndDrop,
    onError: options.onError ?? ((error) => console.error(error.message)),
    credentialSource: options.credentials,
    credentials: new RecentCredentials(),
    endpoint: (
      options.endpoint ?? `https://${options.accountId}.mns.${options.region}.aliyuncs.com`
    ).replace(/\/$/, ""),
  };
}

/** What is wrong with the queue's name, region and account, and the handler. */
function queueProblems(options: CallbackQueueConsumerOptions): string[] {
  const problems: string[] = [];
  const text = (name: "queueName" | "region" | "accountId", example: string) => {
    if (typeof options[name] !== "string" || options[name] === "")
      problems.push(`${name}: required, e.g. ${example}.`);
  };
  text("queueName", '"ice-callback-orders"');
  text("region", '"cn-shanghai"');
  text("accountId", '"1234567890123456"');
  if (typeof options.queueName === "string" && options.queueName !== "") {
    for (const reason of queueNameProblems(options.queueName))
      problems.push(`queueName: ${reason}`);
  }
  if (
    typeof options.accountId === "string" &&
    options.accountId !== "" &&
    !/^[0-9]+$/.test(options.accountId)
  ) {
    problems.push(`accountId: must be the account's digits, got "${options.accountId}".`);
  }
  if (typeof options.handler !== "function")
    problems.push("handler: required, a function (event, context) => Promise<void>.");
  return problems;
}

/**
 * The whole-number options: smallest value, largest value, default (a number, or the name of an
 * option read before whose value is the default).
 */
const NUMBER_OPTIONS = {
  concurrency: [1, 1000, 8],
  batchSize: [1, MAX_RECEIVE_BATCH, MAX_RECEIVE_BATCH],
  waitSeconds: [0, MAX_WAIT_SECONDS, 10],
  maxReceiveCount: [1, 1000, 5],
  visibilityExtensionSeconds: [1, MAX_VISIBILITY_SECONDS, 30],
  handlerTimeoutSeconds: [1, MAX_VISIBILITY_SECONDS, DEFAULT_HANDLER_TIMEOUT_SECONDS],
  stopTimeoutSeconds: [0, MAX_VISIBILITY_SECONDS, "handlerTimeoutSeconds"],
} as const;

type NumberOptions = Record<keyof typeof NUMBER_OPTIONS, number>;

/** The whole-number options with their defaults; a value out of its range adds to `problems`. */
function readNumbers(options: CallbackQueueConsumerOptions, problems: string[]): NumberOptions {
  const numbers = {} as NumberOptions;
  for (const name of Object.keys(NUMBER_OPTIONS) as (keyof NumberOptions)[]) {
    const [min, max, fallback] = NUMBER_OPTIONS[name];
    const inherited = options[name] === undefined && typeof fallback === "string";
    const value = options[name] ?? (typeof fallback === "string" ? numbers[fallback] : fallback);
    // An inherited default is the other option's value, checked (and reported) under its name.
    const bad = typeof value !== "number" || !Number.isInteger(value) || value < min || value > max;
    if (bad && !inherited) {
      problems.push(
        `${name}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
      );
    }
    numbers[name] = value;
  }
  return numbers;
}

/** What is wrong with the hooks, the signal and the endpoint. */
function hookProblems(options: CallbackQueueConsumerOptions): string[] {
  const problems: string[] = [];
  for (const hook of ["onDeadLetter", "onError"] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== "function")
      problems.push(`${hook}: must be a function.`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    problems.push("signal: must be an AbortSignal.");
  if (options.endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(String(options.endpoint))) {
    problems.push(
      `endpoint: must be an http(s) URL without a path, e.g. "https://${options.accountId}.mns.${options.region}.aliyuncs.com".`,
    );
  }
  return problems;
}

function warnAndDrop(letter: DeadLetter): void {
  const cause = letter.error instanceof Error ? `: ${letter.error.message}` : "";
  console.warn(
    `IMS callback queue: giving up on message ${letter.message.messageId} (${letter.reason}, received ${letter.message.dequeueCount} times)${cause}. ` +
      "Pass onDeadLetter to keep such messages.",
  );
}

/** The MNS client with credentials from the options or the provider's chain. */
async function clientFor(settings: Settings): Promise<MnsQueueClient> {
  let current: () => Promise<QueueCredentials>;
  if (typeof settings.credentialSource === "function") {
    current = settings.credentialSource;
  } else if (settings.credentialSource) {
    const fixed = settings.credentialSource;
    current = async () => fixed;
  } else {
    const { credential } = resolveCredential(undefined);
    current = async () => {
      const model = await credential.getCredential();
      return {
        accessKeyId: model.accessKeyId ?? "",
        accessKeySecret: model.accessKeySecret ?? "",
        securityToken: model.securityToken || undefined,
      };
    };
  }
  const remember = (credentials: QueueCredentials) => settings.credentials.remember(credentials);
  const first = remember(await current());
  if (!first.accessKeyId || !first.accessKeySecret) {
    throw new TypeError(
      "consumeCallbackQueue: credentials: an accessKeyId and an accessKeySecret are required.",
    );
  }
  return createMnsClient(settings.accountId, {
    endpoint: settings.endpoint,
    accessKeyId: first.accessKeyId,
    accessKeySecret: first.accessKeySecret,
    securityToken: first.securityToken,
    refreshSTSToken: first.securityToken
      ? async () => {
          const next = remember(await current());
          return {
            accessKeyId: next.accessKeyId,
            accessKeySecret: next.accessKeySecret,
            securityToken: next.securityToken ?? "",
          };
        }
      : undefined,
    refreshSTSTokenInterval: 60_000,
    // A call that has not answered a while after the long poll would have ended counts as failed
    // (and is retried or left for redelivery) instead of holding a handler slot for the client's 40 s.
    readTimeout: (settings.waitSeconds + CALL_TIMEOUT_MARGIN_SECONDS) * 1000,
  });
}

function toMessage(raw: MnsReceivedMessage): CallbackQueueMessage {
  return {
    messageId: raw.MessageId,
    dequeueCount: Number(raw.DequeueCount),
    enqueueTime: new Date(Number(raw.EnqueueTime)),
    firstDequeueTime: new Date(Number(raw.FirstDequeueTime)),
    body: raw.MessageBody,
  };
}

/** A failure's message with MNS's code, and without any secret or signature it might echo. */
function describe(error: unknown, code: string | undefined, secrets: readonly string[]): string {
  const text = redact(error instanceof Error ? error.message : String(error), secrets);
  return code ? `${code}: ${text}` : text;
}

/** The next pause of a back-off that doubles within `[first, last]` ms. */
function doubled(previousMs: number, [first, last]: readonly [number, number]): number {
  return Math.min(Math.max(previousMs * 2, first), last);
}

/** A message's heartbeat. */
interface Lease {
  /**
   * Stops the heartbeat (an extension in flight is not waited for, and its failure is no longer
   * reported) and gives the current receipt handle. Can be called again.
   */
  stop(): string;
  /**
   * After {@link Lease.stop}: waits for the extension in flight at the stop, if any, and gives the
   * newer receipt handle it brought, or `undefined`.
   */
  newerHandle(): Promise<string | undefined>;
}

/**
 * Starts a heartbeat that keeps a received message invisible: it extends the message's visibility
 * halfway to the moment it would turn visible, at most `periodMs` after the previous extension.
 * MNS gives the message a new receipt handle with each extension; {@link Lease.stop} returns the
 * last one confirmed, {@link Lease.newerHandle} the one an extension in flight then brings. A failed
 * extension is reported and retried sooner (the moment is unchanged); once MNS says the handle is
 * gone (the message was received again, or deleted), the heartbeat stops.
 */
function keepInvisible(
  raw: MnsReceivedMessage,
  calls: {
    extend(receiptHandle: string): Promise<{ receiptHandle: string; nextVisibleTime: number }>;
    periodMs: number;
    onError(error: unknown): void;
  },
): Lease {
  let receiptHandle = raw.ReceiptHandle;
  // MNS's clock: a skew between it and this machine's moves the first extension.
  let nextVisibleTime = Number(raw.NextVisibleTime);
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const schedule = () => {
    const remainingMs = nextVisibleTime - Date.now();
    const delayMs =
      remainingMs > 0
        ? Math.max(MIN_HEARTBEAT_DELAY_MS, Math.min(calls.periodMs, remainingMs / 2))
        : calls.periodMs;
    timer = setTimeout(beat, delayMs).unref();
  };
  const beat = () => {
    let gone = false;
    inFlight = calls
      .extend(receiptHandle)
      .then(
        (change) => {
          receiptHandle = change.receiptHandle;
          nextVisibleTime = change.nextVisibleTime;
        },
        (error: unknown) => {
          gone = HANDLE_GONE.has(mnsErrorCode(error) ?? "");
          // After the stop the message is being deleted or released: the extension no longer matters.
          if (!ended) calls.onError(error);
        },
      )
      .finally(() => {
        inFlight = undefined;
        if (!ended && !gone) schedule();
      });
  };
  schedule();
  let handleAtStop: string | undefined;
  let inFlightAtStop: Promise<void> | undefined;
  return {
    stop() {
      if (!ended) {
        ended = true;
        clearTimeout(timer);
        handleAtStop = receiptHandle;
        inFlightAtStop = inFlight;
      }
      return handleAtStop ?? receiptHandle;
    },
    async newerHandle() {
      await inFlightAtStop;
      return receiptHandle !== handleAtStop ? receiptHandle : undefined;
    },
  };
}

/**
 * The credentials in use and the ones they replaced (calls signed with those may still be
 * answering), so that their secrets can be kept out of messages; older ones are forgotten.
 *
 * @internal
 */
export class RecentCredentials {
  private current?: QueueCredentials;
  private previous?: QueueCredentials;

  /** Takes `credentials` as the ones in use and returns them. */
  remember(credentials: QueueCredentials): QueueCredentials {
    const same =
      this.current !== undefined &&
      this.current.accessKeySecret === credentials.accessKeySecret &&
      this.current.securityToken === credentials.securityToken;
    if (!same) {
      this.previous = this.current;
      this.current = credentials;
    }
    return credentials;
  }

  /** The secrets and tokens of the credentials in use and of the ones before them. */
  secrets(): string[] {
    return [this.current, this.previous].flatMap((c) =>
      c ? [c.accessKeySecret, c.securityToken ?? ""].filter((s) => s !== "") : [],
    );
  }
}
