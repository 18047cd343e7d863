/**
 * MNS (Simple Message Queue) queues per account and region: attributes, tags and messages with
 * MNS's delivery semantics — delay, priority, a visibility timeout after each receive with a fresh
 * receipt handle, dequeue counts, retention, and long polling. Shared by the Mns-open control
 * operations, the MNS data API and IMS's delivery into a queue. Persisted in the state file.
 *
 * @packageDocumentation
 */
import { createHash, randomBytes } from "node:crypto";
import { keyMap } from "../ground/records";
import type { StateFile } from "../ground/stateFile";

/** A queue's settable attributes, with MNS's names and units (seconds, bytes). */
export interface QueueAttributes {
  /**
   * Delay before a new message becomes visible.
   *
   * @default 0 (0–604800)
   */
  DelaySeconds: number;
  /**
   * Largest message body, bytes.
   *
   * @default 65536 (1024–65536)
   */
  MaximumMessageSize: number;
  /**
   * How long a message is kept.
   *
   * @default 345600 (60–604800)
   */
  MessageRetentionPeriod: number;
  /**
   * How long a received message stays invisible.
   *
   * @default 30 (1–43200)
   */
  VisibilityTimeout: number;
  /**
   * Long-polling wait of a receive that names none.
   *
   * @default 0 (0–30)
   */
  PollingWaitSeconds: number;
  /**
   * Whether logging is on.
   *
   * @default false
   */
  LoggingEnabled: boolean;
  /**
   * `"normal"` or `"fifo"` (stored only: ordering is the same).
   *
   * @default "normal"
   */
  QueueType: "normal" | "fifo";
  /** The dead-letter policy as sent (stored and returned only). */
  DlqPolicy?: {
    Enabled?: boolean;
    DeadLetterTargetQueue?: string;
    MaxReceiveCount?: number | string;
  };
}

/** The attribute defaults of a new queue. */
export const QUEUE_DEFAULTS: Readonly<QueueAttributes> = Object.freeze({
  DelaySeconds: 0,
  MaximumMessageSize: 65536,
  MessageRetentionPeriod: 345600,
  VisibilityTimeout: 30,
  PollingWaitSeconds: 0,
  LoggingEnabled: false,
  QueueType: "normal",
});

/** The ranges MNS allows for the numeric attributes. */
export const QUEUE_LIMITS: Readonly<
  Record<
    | "DelaySeconds"
    | "MaximumMessageSize"
    | "MessageRetentionPeriod"
    | "VisibilityTimeout"
    | "PollingWaitSeconds",
    readonly [number, number]
  >
> = {
  DelaySeconds: [0, 604800],
  MaximumMessageSize: [1024, 65536],
  MessageRetentionPeriod: [60, 604800],
  VisibilityTimeout: [1, 43200],
  PollingWaitSeconds: [0, 30],
};

/**
 * Message priorities: 1 (highest) to 16.
 *
 * @default 8
 */
export const PRIORITY_RANGE = [1, 16] as const;

/** Largest `numOfMessages` of a batch receive or peek, and largest batch send. */
export const MAX_BATCH = 16;

/** Longest queue name MNS accepts, characters. */
export const MAX_QUEUE_NAME_LENGTH = 120;

/**
 * Why a queue name is invalid (letters, digits and hyphens, at most 120, starting with a letter or
 * digit), or `undefined` when it is valid.
 *
 * @example
 * ```ts
 * queueNameProblem("-x"); // "a queue name must start with a letter or digit"
 * ```
 */
export function queueNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_QUEUE_NAME_LENGTH)
    return `a queue name must be 1 to ${MAX_QUEUE_NAME_LENGTH} characters long`;
  if (!/^[A-Za-z0-9]/.test(name)) return "a queue name must start with a letter or digit";
  if (!/^[A-Za-z0-9-]+$/.test(name))
    return "a queue name may contain only letters, digits and hyphens";
  return undefined;
}

/** The ARN of a queue, e.g. `acs:mns:cn-shanghai:1234567890123456:/queues/ice-callback-a`. */
export function queueArn(region: string, accountId: string, name: string): string {
  return `acs:mns:${region}:${accountId}:/queues/${name}`;
}

/** One message in a queue. */
export interface QueueMessage {
  /** Upper-case hex id. */
  readonly MessageId: string;
  readonly MessageBody: string;
  /** Upper-case hex MD5 of the body. */
  readonly MessageBodyMD5: string;
  /** Epoch ms. */
  readonly EnqueueTime: number;
  readonly Priority: number;
  /** When it becomes (or became) visible, epoch ms. */
  NextVisibleTime: number;
  /** Epoch ms of the first receive, `0` before. */
  FirstDequeueTime: number;
  DequeueCount: number;
  /** The handle of the latest receive; only it can delete the message or change its visibility. */
  ReceiptHandle?: string;
  /** Send order within the queue. */
  readonly seq: number;
}

/** A queue with its attributes, tags and messages. */
export interface Queue {
  readonly QueueName: string;
  readonly region: string;
  readonly accountId: string;
  /** Epoch ms. */
  readonly CreateTime: number;
  /** Epoch ms. */
  LastModifyTime: number;
  attributes: QueueAttributes;
  /** Tag key → value (an object without a prototype: a key may be `__proto__`). */
  tags: Record<string, string>;
  messages: QueueMessage[];
  nextSeq: number;
}

/** Why a message operation failed: the MNS error code to answer. */
export class QueueOperationError extends Error {
  /** `"QueueOperationError"` */
  override readonly name = "QueueOperationError";
  constructor(
    /** `QueueNotExist`, `MessageNotExist`, `ReceiptHandleError` or `InvalidArgument`. */
    readonly code: "QueueNotExist" | "MessageNotExist" | "ReceiptHandleError" | "InvalidArgument",
    message: string,
  ) {
    super(message);
  }
}

/** MNS's message for `QueueNotExist`. */
export const QUEUE_NOT_EXIST_MESSAGE = "The queue name you provided is not exist.";

const RECEIPT_HANDLE = /^1-[A-Za-z0-9_-]+$/;

const md5Hex = (text: string): string =>
  createHash("md5").update(text, "utf8").digest("hex").toUpperCase();

/** What sending one message takes. */
export interface SendMessageInput {
  readonly MessageBody: string;
  /** @default the queue's DelaySeconds */
  readonly DelaySeconds?: number;
  /** @default 8 */
  readonly Priority?: number;
}

/**
 * Every queue of every account and region, with waiting receivers. Changes call `onChange` (which
 * persists the state file).
 */
export class QueueStore {
  private queues = new Map<string, Queue>();
  private readonly wakers = new Map<Queue, Set<() => void>>();
  private closed = false;

  constructor(
    private readonly onChange: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A queue store kept as the `queues` section of `stateFile` (loaded from it). */
  static attach(stateFile: StateFile): QueueStore {
    const queues = new QueueStore(() => stateFile.changed());
    queues.load(stateFile.attachSection("queues", queues));
    return queues;
  }

  private static key(accountId: string, region: string, name: string): string {
    return `${accountId}\n${region}\n${name}`;
  }

  /** Loads the JSON written by {@link QueueStore.save}. */
  load(json: unknown): void {
    if (typeof json !== "object" || json === null) return;
    for (const [accountId, regions] of Object.entries(
      json as Record<string, Record<string, Record<string, Queue>>>,
    )) {
      for (const [region, queues] of Object.entries(regions ?? {})) {
        for (const [name, queue] of Object.entries(queues ?? {})) {
          this.queues.set(QueueStore.key(accountId, region, name), {
            ...structuredClone(queue),
            QueueName: name,
            region,
            accountId,
            attributes: { ...QUEUE_DEFAULTS, ...queue.attributes },
            tags: keyMap(queue.tags ?? {}),
          });
        }
      }
    }
  }

  /** The JSON for the state file: account → region → name → queue. */
  save(): unknown {
    const result =
      keyMap<Record<string, Record<string, Omit<Queue, "QueueName" | "region" | "accountId">>>>();
    for (const queue of this.queues.values()) {
      const { QueueName, region, accountId, ...rest } = queue;
      ((result[accountId] ??= keyMap())[region] ??= keyMap())[QueueName] = rest;
    }
    return result;
  }

  /** The queue, or `undefined`. */
  get(accountId: string, region: string, name: string): Queue | undefined {
    return this.queues.get(QueueStore.key(accountId, region, name));
  }

  /** The queue, or a `QueueNotExist` error. */
  require(accountId: string, region: string, name: string): Queue {
    const queue = this.get(accountId, region, name);
    if (!queue) throw new QueueOperationError("QueueNotExist", QUEUE_NOT_EXIST_MESSAGE);
    return queue;
  }

  /** Every queue, optionally of one account and region. */
  list(accountId?: string, region?: string): Queue[] {
    return [...this.queues.values()].filter(
      (q) =>
        (accountId === undefined || q.accountId === accountId) &&
        (region === undefined || q.region === region),
    );
  }

  /** Creates a queue (the caller has checked name and attributes). */
  async create(
    accountId: string,
    region: string,
    name: string,
    attributes: Partial<QueueAttributes>,
    tags: Record<string, string>,
  ): Promise<Queue> {
    const time = this.now();
    const queue: Queue = {
      QueueName: name,
      region,
      accountId,
      CreateTime: time,
      LastModifyTime: time,
      attributes: { ...QUEUE_DEFAULTS, ...attributes },
      tags: keyMap(tags),
      messages: [],
      nextSeq: 1,
    };
    this.queues.set(QueueStore.key(accountId, region, name), queue);
    await this.onChange();
    return queue;
  }

  /** Changes attributes of a queue; waiting receivers re-check (a shorter delay may free messages). */
  async update(queue: Queue, attributes: Partial<QueueAttributes>): Promise<void> {
    queue.attributes = { ...queue.attributes, ...attributes };
    queue.LastModifyTime = this.now();
    this.wake(queue);
    await this.onChange();
  }

  /** Persists a change made to a queue's tags or attributes in place. */
  async touched(queue: Queue): Promise<void> {
    queue.LastModifyTime = this.now();
    await this.onChange();
  }

  /** Deletes a queue with its messages; receivers waiting on it get `QueueNotExist`. */
  async delete(queue: Queue): Promise<void> {
    this.queues.delete(QueueStore.key(queue.accountId, queue.region, queue.QueueName));
    this.wake(queue);
    await this.onChange();
  }

  private purgeExpired(queue: Queue, now: number): void {
    const retentionMs = queue.attributes.MessageRetentionPeriod * 1000;
    if (queue.messages.some((m) => m.EnqueueTime + retentionMs <= now)) {
      queue.messages = queue.messages.filter((m) => m.EnqueueTime + retentionMs > now);
    }
  }

  /** Sends messages; checks sizes, delay and priority; returns the stored messages. */
  async send(queue: Queue, inputs: readonly SendMessageInput[]): Promise<QueueMessage[]> {
    const now = this.now();
    for (const input of inputs) {
      const size = Buffer.byteLength(input.MessageBody, "utf8");
      if (size === 0 || size > queue.attributes.MaximumMessageSize) {
        throw new QueueOperationError(
          "InvalidArgument",
          `The length of message should between 1 and ${queue.attributes.MaximumMessageSize}.`,
        );
      }
      const delay = input.DelaySeconds ?? queue.attributes.DelaySeconds;
      if (
        !Number.isInteger(delay) ||
        delay < QUEUE_LIMITS.DelaySeconds[0] ||
        delay > QUEUE_LIMITS.DelaySeconds[1]
      ) {
        throw new QueueOperationError(
          "InvalidArgument",
          `The value of DelaySeconds should between ${QUEUE_LIMITS.DelaySeconds[0]} and ${QUEUE_LIMITS.DelaySeconds[1]}.`,
        );
      }
      const priority = input.Priority ?? 8;
      if (
        !Number.isInteger(priority) ||
        priority < PRIORITY_RANGE[0] ||
        priority > PRIORITY_RANGE[1]
      ) {
        throw new QueueOperationError(
          "InvalidArgument",
          `The value of Priority should between ${PRIORITY_RANGE[0]} and ${PRIORITY_RANGE[1]}.`,
        );
      }
    }
    this.purgeExpired(queue, now);
    const stored = inputs.map((input) => {
      const message: QueueMessage = {
        MessageId: randomBytes(16).toString("hex").toUpperCase(),
        MessageBody: input.MessageBody,
        MessageBodyMD5: md5Hex(input.MessageBody),
        EnqueueTime: now,
        Priority: input.Priority ?? 8,
        NextVisibleTime: now + (input.DelaySeconds ?? queue.attributes.DelaySeconds) * 1000,
        FirstDequeueTime: 0,
        DequeueCount: 0,
        seq: queue.nextSeq++,
      };
      queue.messages.push(message);
      return message;
    });
    this.wake(queue);
    await this.onChange();
    return stored;
  }

  private visible(queue: Queue, now: number): QueueMessage[] {
    this.purgeExpired(queue, now);
    return queue.messages
      .filter((m) => m.NextVisibleTime <= now)
      .sort((a, b) => a.Priority - b.Priority || a.seq - b.seq);
  }

  /** Up to `count` visible messages, without receiving them (no handle, no count change). */
  peek(queue: Queue, count: number): QueueMessage[] {
    return this.visible(queue, this.now()).slice(0, count);
  }

  /**
   * Receives up to `count` visible messages: each becomes invisible for the queue's
   * VisibilityTimeout and gets a new receipt handle. With `waitSeconds > 0` and nothing visible,
   * waits until a message becomes visible, the time is up, `signal` aborts or the queue is deleted
   * (then `QueueNotExist`). Resolves with `[]` when nothing arrived.
   */
  async receive(
    queue: Queue,
    count: number,
    waitSeconds: number,
    signal?: AbortSignal,
  ): Promise<QueueMessage[]> {
    const deadline = this.now() + waitSeconds * 1000;
    for (;;) {
      if (this.get(queue.accountId, queue.region, queue.QueueName) !== queue)
        throw new QueueOperationError("QueueNotExist", QUEUE_NOT_EXIST_MESSAGE);
      const now = this.now();
      const taken = this.visible(queue, now).slice(0, count);
      if (taken.length > 0) {
        for (const message of taken) {
          message.DequeueCount++;
          if (message.FirstDequeueTime === 0) message.FirstDequeueTime = now;
          message.NextVisibleTime = now + queue.attributes.VisibilityTimeout * 1000;
          message.ReceiptHandle = `1-${randomBytes(18).toString("base64url")}`;
        }
        this.persistSoon();
        return taken;
      }
      if (now >= deadline || this.closed || signal?.aborted) return [];
      const nextVisible = Math.min(
        ...queue.messages.map((m) => m.NextVisibleTime).filter((t) => t > now),
      );
      await this.sleep(queue, Math.min(deadline, nextVisible) - now, signal);
    }
  }

  private sleep(queue: Queue, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let wakers = this.wakers.get(queue);
      if (!wakers) this.wakers.set(queue, (wakers = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        wakers.delete(done);
        if (wakers.size === 0) this.wakers.delete(queue);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private wake(queue: Queue): void {
    for (const waker of [...(this.wakers.get(queue) ?? [])]) waker();
  }

  /** The message whose latest receipt handle is `handle`, or the MNS error. */
  private byHandle(queue: Queue, handle: string): QueueMessage {
    if (!RECEIPT_HANDLE.test(handle))
      throw new QueueOperationError(
        "ReceiptHandleError",
        "The receipt handle you provide is not valid.",
      );
    const message = queue.messages.find((m) => m.ReceiptHandle === handle);
    if (!message) throw new QueueOperationError("MessageNotExist", "Message not exist.");
    return message;
  }

  /** Deletes the message received with `handle`. */
  async deleteMessage(queue: Queue, handle: string): Promise<void> {
    const message = this.byHandle(queue, handle);
    queue.messages = queue.messages.filter((m) => m !== message);
    await this.onChange();
  }

  /**
   * Deletes the messages received with `handles` (one state write for all); returns the handles
   * that failed with their errors.
   */
  async deleteMessages(
    queue: Queue,
    handles: readonly string[],
  ): Promise<{ handle: string; error: QueueOperationError }[]> {
    const failed: { handle: string; error: QueueOperationError }[] = [];
    const deleted = new Set<QueueMessage>();
    for (const handle of handles) {
      try {
        deleted.add(this.byHandle(queue, handle));
      } catch (error) {
        failed.push({ handle, error: error as QueueOperationError });
      }
    }
    if (deleted.size > 0) {
      queue.messages = queue.messages.filter((m) => !deleted.has(m));
      await this.onChange();
    }
    return failed;
  }

  /**
   * Schedules a state write without waiting for it: a receive or visibility change lost in a crash
   * only makes a message visible again early, which at-least-once delivery allows.
   */
  private persistSoon(): void {
    this.onChange().catch(() => undefined);
  }

  /**
   * Makes the message received with `handle` visible again after `visibilitySeconds` from now and
   * gives it a new receipt handle (the old one stops working).
   */
  async changeVisibility(
    queue: Queue,
    handle: string,
    visibilitySeconds: number,
  ): Promise<QueueMessage> {
    const message = this.byHandle(queue, handle);
    message.NextVisibleTime = this.now() + visibilitySeconds * 1000;
    message.ReceiptHandle = `1-${randomBytes(18).toString("base64url")}`;
    this.wake(queue);
    this.persistSoon();
    return message;
  }

  /** Wakes every waiting receiver (they answer with what they have); used when the emulator stops. */
  close(): void {
    this.closed = true;
    for (const queue of [...this.wakers.keys()]) this.wake(queue);
  }
}
