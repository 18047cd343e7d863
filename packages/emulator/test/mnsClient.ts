/**
 * Alibaba's official MNS client (`@alicloud/mns`, which ships no types) pointed at an emulator
 * endpoint, typed for the calls the tests make.
 */
import { createRequire } from "node:module";
import { KEY } from "./helpers";

/** A received message as the client returns it (every field a string). */
export interface MnsMessage {
  MessageId: string;
  ReceiptHandle: string;
  MessageBody: string;
  MessageBodyMD5: string;
  EnqueueTime: string;
  NextVisibleTime: string;
  FirstDequeueTime: string;
  DequeueCount: string;
  Priority: string;
}

/** What the client resolves with: status code, selected headers, parsed body. */
export interface MnsResponse<T> {
  code: number;
  headers: Record<string, string>;
  body: T;
}

/** The part of `@alicloud/mns`'s Client the tests use. */
export interface MnsClient {
  sendMessage(
    queue: string,
    params: { MessageBody: string; DelaySeconds?: number; Priority?: number },
  ): Promise<MnsResponse<{ MessageId: string; MessageBodyMD5: string }>>;
  batchSendMessage(
    queue: string,
    params: { MessageBody: string; Priority?: number }[],
  ): Promise<MnsResponse<{ MessageId: string; MessageBodyMD5: string }[]>>;
  receiveMessage(queue: string, waitSeconds?: number): Promise<MnsResponse<MnsMessage>>;
  batchReceiveMessage(
    queue: string,
    numOfMessages: number,
    waitSeconds?: number,
  ): Promise<MnsResponse<MnsMessage[]>>;
  peekMessage(queue: string): Promise<MnsResponse<MnsMessage>>;
  batchPeekMessage(queue: string, numOfMessages: number): Promise<MnsResponse<MnsMessage[]>>;
  deleteMessage(queue: string, receiptHandle: string): Promise<MnsResponse<undefined>>;
  batchDeleteMessage(
    queue: string,
    receiptHandles: string[],
  ): Promise<MnsResponse<{ ErrorCode: string; ReceiptHandle: string }[] | undefined>>;
  changeMessageVisibility(
    queue: string,
    receiptHandle: string,
    visibilityTimeout: number,
  ): Promise<MnsResponse<{ ReceiptHandle: string; NextVisibleTime: string }>>;
  getQueueAttributes(queue: string): Promise<MnsResponse<Record<string, string>>>;
}

type MnsClientConstructor = new (
  accountId: string,
  options: {
    endpoint: string;
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
  },
) => MnsClient;

const Client = createRequire(__filename)("@alicloud/mns") as MnsClientConstructor;

/** Alibaba's MNS client for `accountId` at `endpoint` (an emulator region URL). */
export function mnsClient(
  endpoint: string,
  accountId: string,
  key: { id: string; secret: string; securityToken?: string } = KEY,
): MnsClient {
  return new Client(accountId, {
    endpoint,
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    ...(key.securityToken ? { securityToken: key.securityToken } : {}),
  });
}

/** The MNS error name a client call failed with, e.g. `"MNSMessageNotExistError"` (fails the test if it succeeded). */
export async function mnsErrorName(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error("expected the MNS call to fail");
}
