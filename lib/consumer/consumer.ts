/**
 * The consumer of an `ice-callback-` queue: the receiving half of the queue method.
 *
 * @packageDocumentation
 */
import { resolveCredential } from "../shared/credentials";
import { parseCallbackEvent, type ImsCallbackEvent } from "../receiver/envelope";
import { queueNameProblems } from "../shared/validation";
import {
  createMnsClient,
  mnsErrorCode,
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

/** An AccessKey pair, with the STS token when it is temporary. */
export interface QueueCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
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
  /** Aborted when the consumer is asked to stop: finish or give up quickly (a thrown error leaves the message in the queue). */
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
    /** What failed. */
    readonly operation: "receive" | "handle" | "delete" | "dead-letter" | "release",
    message: string,
    /** MNS's error code, when MNS answered with one, e.g. `"QueueNotExist"`. */
    readonly code?: string,
    /** The message concerned, if any. */
    readonly messageId?: string,
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
   * in the queue and is received again after the queue's visibility timeout (so handlers must be
   * idempotent: delivery is at least once). Finish within the visibility timeout, or the message
   * becomes visible to other consumers while you work.
   */
  readonly handler: (
    event: ImsCallbackEvent,
    context: CallbackMessageContext,
  ) => void | Promise<void>;
  /** Stops the consumer: no new receive starts, running handlers finish, then the promise resolves. */
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
   * Long-poll wait per receive, 0 to 30 seconds. A stop waits for the receive in progress, so this
   * bounds how long stopping takes.
   *
   * @default 10
   */
  readonly waitSeconds?: number;
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
   * back-off), deletes, releases. Messages name the queue, the operation and MNS's error, never a
   * credential.
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
  /** Handler failures (the message was left for redelivery or given up). */
  failed: number;
  /** Messages given to `onDeadLetter` and deleted. */
  deadLettered: number;
  /** Messages received after the stop was asked for, made visible again unhandled. */
  released: number;
  /** Receives, deletes and releases that failed. */
  errors: number;
}

/**
 * Consumes IMS callback events from an `ice-callback-` queue until `signal` is aborted: long-polls
 * in batches with Alibaba's MNS client, parses each message as an IMS event, calls `handler`, and
 * deletes the message only after the handler succeeded. A failed message returns after the queue's
 * visibility timeout; one that keeps failing (see `maxReceiveCount`) or never parses goes to
 * `onDeadLetter`. At most `concurrency` handlers run at once. On abort, no new receive starts,
 * messages of a receive still in flight are released unhandled, running handlers finish, and the
 * promise resolves with the counts: no message is lost, every one is either deleted after success
 * or left in the queue.
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
  const { queueName, handler, signal } = settings;
  const client = await clientFor(settings);
  const summary: CallbackQueueConsumerSummary = {
    received: 0,
    handled: 0,
    failed: 0,
    deadLettered: 0,
    released: 0,
    errors: 0,
  };
  const report = (error: CallbackQueueConsumerError) => {
    try {
      settings.onError(error);
    } catch {
      // A failing error hook must not stop the consumer.
    }
  };
  const failure = (
    operation: CallbackQueueConsumerError["operation"],
    error: unknown,
    messageId?: string,
  ) => {
    const code = mnsErrorCode(error);
    const what = messageId
      ? `${operation} of message ${messageId} of queue ${queueName}`
      : `${operation} on queue ${queueName}`;
    return new CallbackQueueConsumerError(
      operation,
      `${what} failed: ${describe(error, code, settings.secrets())}`,
      code,
      messageId,
    );
  };

  const remove = async (raw: MnsReceivedMessage): Promise<boolean> => {
    try {
      await client.deleteMessage(queueName, raw.ReceiptHandle);
      return true;
    } catch (error) {
      summary.errors++;
      report(failure("delete", error, raw.MessageId));
      return false;
    }
  };

  const deadLetter = async (raw: MnsReceivedMessage, letter: DeadLetter): Promise<void> => {
    try {
      await settings.onDeadLetter(letter);
    } catch (error) {
      report(failure("dead-letter", error, raw.MessageId));
      return;
    }
    if (await remove(raw)) summary.deadLettered++;
  };

  const handle = async (raw: MnsReceivedMessage): Promise<void> => {
    const message = toMessage(raw);
    let event: ImsCallbackEvent;
    try {
      event = parseCallbackEvent(raw.MessageBody);
    } catch (error) {
      return deadLetter(raw, { reason: "unparseable", message, error });
    }
    if (message.dequeueCount > settings.maxReceiveCount) {
      return deadLetter(raw, { reason: "max-receives", message, event });
    }
    try {
      await handler(event, { message, signal });
    } catch (error) {
      summary.failed++;
      report(failure("handle", error, raw.MessageId));
      if (message.dequeueCount >= settings.maxReceiveCount) {
        return deadLetter(raw, { reason: "max-receives", message, event, error });
      }
      return;
    }
    if (await remove(raw)) summary.handled++;
  };

  const release = async (raw: MnsReceivedMessage): Promise<void> => {
    try {
      await client.changeMessageVisibility(
        queueName,
        raw.ReceiptHandle,
        RELEASE_VISIBILITY_SECONDS,
      );
      summary.released++;
    } catch (error) {
      summary.errors++;
      report(failure("release", error, raw.MessageId));
    }
  };

  const running = new Set<Promise<void>>();
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  let backoffMs = 0;
  while (!signal.aborted) {
    if (running.size >= settings.concurrency) {
      await Promise.race([stopped, ...running]);
      continue;
    }
    let batch: MnsReceivedMessage[];
    try {
      batch = await receive(
        client,
        queueName,
        Math.min(settings.batchSize, settings.concurrency - running.size),
        settings.waitSeconds,
      );
      backoffMs = 0;
    } catch (error) {
      summary.errors++;
      report(failure("receive", error));
      backoffMs = Math.min(Math.max(backoffMs * 2, RECEIVE_BACKOFF_MS[0]), RECEIVE_BACKOFF_MS[1]);
      await Promise.race([stopped, new Promise((r) => setTimeout(r, backoffMs).unref())]);
      continue;
    }
    summary.received += batch.length;
    if (signal.aborted) {
      await Promise.all(batch.map(release));
      break;
    }
    for (const raw of batch) {
      const task: Promise<void> = handle(raw).finally(() => running.delete(task));
      running.add(task);
    }
  }
  await Promise.all(running);
  return summary;
}

/** The options with defaults filled in and every value checked. */
interface Settings extends Required<
  Omit<CallbackQueueConsumerOptions, "credentials" | "endpoint" | "signal">
> {
  readonly signal: AbortSignal;
  readonly endpoint: string;
  readonly credentials?: CallbackQueueConsumerOptions["credentials"];
  /** The secrets in use so far, to keep out of messages. */
  secrets(): string[];
}

function checkOptions(options: CallbackQueueConsumerOptions): Settings {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      "consumeCallbackQueue: options are required: { queueName, region, accountId, handler }.",
    );
  }
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
  const integer = (
    name: "concurrency" | "batchSize" | "waitSeconds" | "maxReceiveCount",
    min: number,
    max: number,
    fallback: number,
  ) => {
    const value = options[name] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problems.push(
        `${name}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  };
  const concurrency = integer("concurrency", 1, 1000, 8);
  const batchSize = integer("batchSize", 1, MAX_RECEIVE_BATCH, MAX_RECEIVE_BATCH);
  const waitSeconds = integer("waitSeconds", 0, MAX_WAIT_SECONDS, 10);
  const maxReceiveCount = integer("maxReceiveCount", 1, 1000, 5);
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
  if (problems.length > 0) {
    throw new RangeError(
      `consumeCallbackQueue: invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  const secrets: string[] = [];
  return {
    queueName: options.queueName,
    region: options.region,
    accountId: options.accountId,
    handler: options.handler,
    signal: options.signal ?? new AbortController().signal,
    concurrency,
    batchSize,
    waitSeconds,
    maxReceiveCount,
    onDeadLetter: options.onDeadLetter ?? warnAndDrop,
    onError: options.onError ?? ((error) => console.error(error.message)),
    credentials: options.credentials,
    endpoint: (
      options.endpoint ?? `https://${options.accountId}.mns.${options.region}.aliyuncs.com`
    ).replace(/\/$/, ""),
    secrets: () => secrets,
  };
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
  if (typeof settings.credentials === "function") {
    current = settings.credentials;
  } else if (settings.credentials) {
    const fixed = settings.credentials;
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
  const remember = (credentials: QueueCredentials): QueueCredentials => {
    for (const secret of [credentials.accessKeySecret, credentials.securityToken]) {
      if (secret && !settings.secrets().includes(secret)) settings.secrets().push(secret);
    }
    return credentials;
  };
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

/** One batch receive; an empty queue (MNS's `MessageNotExist`) is an empty batch. */
async function receive(
  client: MnsQueueClient,
  queueName: string,
  count: number,
  waitSeconds: number,
): Promise<MnsReceivedMessage[]> {
  try {
    const response = await client.batchReceiveMessage(queueName, count, waitSeconds);
    return Array.isArray(response.body) ? response.body : [];
  } catch (error) {
    if (mnsErrorCode(error) === "MessageNotExist") return [];
    throw error;
  }
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
  let text = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret) text = text.split(secret).join("[redacted]");
  text = text.replace(/(MNS\s+[^:\s]+:)[A-Za-z0-9+/=]+/g, "$1[redacted]");
  return code ? `${code}: ${text}` : text;
}
