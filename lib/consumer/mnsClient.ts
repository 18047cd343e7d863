/**
 * Alibaba's official MNS client, `@alicloud/mns` (it ships no types), typed for the calls the
 * consumer makes, and the one place that reads its errors.
 *
 * @packageDocumentation
 */

/** A received message as the client returns it: every field is a string. */
export interface MnsReceivedMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly MessageBody: string;
  readonly MessageBodyMD5: string;
  readonly EnqueueTime: string;
  readonly NextVisibleTime: string;
  readonly FirstDequeueTime: string;
  readonly DequeueCount: string;
  readonly Priority: string;
}

/** What the client's calls resolve with. */
export interface MnsResponse<T> {
  readonly code: number;
  readonly body: T;
}

/** The part of `@alicloud/mns`'s `Client` the consumer uses. */
export interface MnsQueueClient {
  batchReceiveMessage(
    queue: string,
    numOfMessages: number,
    waitSeconds?: number,
  ): Promise<MnsResponse<MnsReceivedMessage[]>>;
  deleteMessage(queue: string, receiptHandle: string): Promise<MnsResponse<unknown>>;
  changeMessageVisibility(
    queue: string,
    receiptHandle: string,
    visibilityTimeout: number,
  ): Promise<MnsResponse<unknown>>;
}

/** The constructor options of `@alicloud/mns`'s `Client` that the consumer sets. */
export interface MnsClientOptions {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
  /** Called every `refreshSTSTokenInterval` ms when a security token is in use. */
  readonly refreshSTSToken?: () => Promise<{
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
  }>;
  readonly refreshSTSTokenInterval?: number;
  /** Milliseconds a call may wait for its answer, long polls included. */
  readonly readTimeout?: number;
}

type MnsClientConstructor = new (accountId: string, options: MnsClientOptions) => MnsQueueClient;

/** Creates `@alicloud/mns`'s client for an account at an endpoint URL. */
export function createMnsClient(accountId: string, options: MnsClientOptions): MnsQueueClient {
  const Client = require("@alicloud/mns") as MnsClientConstructor;
  return new Client(accountId, options);
}

/**
 * The MNS error code of an error the client threw (it names errors `MNS<Code>Error`), or
 * `undefined` for other failures (network, timeout).
 *
 * @example
 * ```ts
 * mnsErrorCode(Object.assign(new Error("..."), { name: "MNSMessageNotExistError" })); // "MessageNotExist"
 * ```
 */
export function mnsErrorCode(error: unknown): string | undefined {
  const name = error instanceof Error ? error.name : undefined;
  const match = name ? /^MNS(\w+)Error$/.exec(name) : null;
  return match && match[1] !== "" ? match[1] : undefined;
}
