/**
 * The MNS data API's operations as a table of small handlers, one per operation name: each reads
 * its arguments (query and XML body), acts on the queue store and returns the answer.
 *
 * @packageDocumentation
 */
import type { EmulatorCredential } from "../ground/accounts";
import { childText, mnsXml, parseXml, XmlElement, XmlSyntaxError } from "../ground/xml";
import { MnsError } from "./errors";
import {
  MAX_BATCH,
  PRIORITY_RANGE,
  Queue,
  QUEUE_LIMITS,
  QueueAttributes,
  QueueMessage,
  queueNameProblem,
  QueueStore,
  QUEUE_NOT_EXIST_MESSAGE,
} from "./queues";

/** Reads a query parameter by name, ignoring case (clients differ: `ReceiptHandle` / `receiptHandle`). */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function integerArgument(
  text: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new MnsError("InvalidArgument", `The value of ${name} should between ${min} and ${max}.`);
  }
  return Number(text);
}

function parseBody(body: Buffer, root: string): XmlElement {
  let element: XmlElement;
  try {
    element = parseXml(body.toString("utf8"));
  } catch (error) {
    if (error instanceof XmlSyntaxError)
      throw new MnsError("MalformedXML", "The XML you provided was not well-formed.");
    throw error;
  }
  if (element.name !== root)
    throw new MnsError("MalformedXML", `The XML root element must be <${root}>.`);
  return element;
}

const receivedView = (m: QueueMessage): Record<string, string | number> => ({
  MessageId: m.MessageId,
  ReceiptHandle: m.ReceiptHandle ?? "",
  MessageBodyMD5: m.MessageBodyMD5,
  MessageBody: m.MessageBody,
  EnqueueTime: m.EnqueueTime,
  NextVisibleTime: m.NextVisibleTime,
  FirstDequeueTime: m.FirstDequeueTime,
  DequeueCount: m.DequeueCount,
  Priority: m.Priority,
});

const peekedView = (m: QueueMessage): Record<string, string | number> => ({
  MessageId: m.MessageId,
  MessageBodyMD5: m.MessageBodyMD5,
  MessageBody: m.MessageBody,
  EnqueueTime: m.EnqueueTime,
  FirstDequeueTime: m.FirstDequeueTime,
  DequeueCount: m.DequeueCount,
  Priority: m.Priority,
});

function sendInput(element: XmlElement): {
  MessageBody: string;
  DelaySeconds?: number;
  Priority?: number;
} {
  const body = childText(element, "MessageBody");
  if (body === undefined) throw new MnsError("InvalidArgument", "The message body is missing.");
  return {
    MessageBody: body,
    ...(childText(element, "DelaySeconds") !== undefined
      ? {
          DelaySeconds: integerArgument(
            childText(element, "DelaySeconds"),
            "DelaySeconds",
            ...QUEUE_LIMITS.DelaySeconds,
          ),
        }
      : {}),
    ...(childText(element, "Priority") !== undefined
      ? { Priority: integerArgument(childText(element, "Priority"), "Priority", ...PRIORITY_RANGE) }
      : {}),
  };
}

function queueAttributesFrom(element: XmlElement): Partial<QueueAttributes> {
  const attributes: Partial<QueueAttributes> = {};
  for (const [name, [min, max]] of Object.entries(QUEUE_LIMITS) as [
    keyof typeof QUEUE_LIMITS,
    readonly [number, number],
  ][]) {
    const value = integerArgument(childText(element, name), name, min, max);
    if (value !== undefined) attributes[name] = value;
  }
  const logging = childText(element, "LoggingEnabled");
  if (logging !== undefined) attributes.LoggingEnabled = /^true$/i.test(logging);
  return attributes;
}

/** An answer: status, optional XML body and extra headers. */
export interface MnsAnswer {
  readonly status: number;
  readonly xml?: string;
  readonly headers?: Record<string, string>;
}

/** One data API call on a named queue, its signature verified. */
export interface QueueCall {
  readonly queues: QueueStore;
  readonly now: () => number;
  readonly region: string;
  readonly credential: EmulatorCredential;
  /** The queue named in the path (decoded). */
  readonly name: string;
  readonly url: URL;
  readonly body: Buffer;
  /** Aborts a long poll when the client goes away (so no message is taken for nobody). */
  readonly signal: AbortSignal;
}

/** The named queue, or the MNS error when it does not exist. */
function existing({ queues, credential, region, name }: QueueCall): Queue {
  const queue = queues.get(credential.accountId, region, name);
  if (!queue) throw new MnsError("QueueNotExist", QUEUE_NOT_EXIST_MESSAGE);
  return queue;
}

const query = (call: QueueCall, name: string): string | undefined =>
  queryValue(call.url.searchParams, name);

async function getQueueAttributes(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const now = call.now();
  const live = queue.messages.filter(
    (m) => m.EnqueueTime + queue.attributes.MessageRetentionPeriod * 1000 > now,
  );
  return {
    status: 200,
    xml: mnsXml("Queue", {
      QueueName: queue.QueueName,
      CreateTime: Math.floor(queue.CreateTime / 1000),
      LastModifyTime: Math.floor(queue.LastModifyTime / 1000),
      DelaySeconds: queue.attributes.DelaySeconds,
      MaximumMessageSize: queue.attributes.MaximumMessageSize,
      MessageRetentionPeriod: queue.attributes.MessageRetentionPeriod,
      VisibilityTimeout: queue.attributes.VisibilityTimeout,
      PollingWaitSeconds: queue.attributes.PollingWaitSeconds,
      ActiveMessages: live.filter((m) => m.NextVisibleTime <= now).length,
      InactiveMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount > 0).length,
      DelayMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount === 0).length,
      LoggingEnabled: queue.attributes.LoggingEnabled ? "True" : "False",
    }),
  };
}

const attributesOf = ({ body }: QueueCall): Partial<QueueAttributes> =>
  body.length > 0 ? queueAttributesFrom(parseBody(body, "Queue")) : {};

async function setQueueAttributes(call: QueueCall): Promise<MnsAnswer> {
  const attributes = attributesOf(call);
  await call.queues.update(existing(call), attributes);
  return { status: 204 };
}

async function createQueue(call: QueueCall): Promise<MnsAnswer> {
  const { queues, region, name } = call;
  const accountId = call.credential.accountId;
  const attributes = attributesOf(call);
  const problem = queueNameProblem(name);
  if (problem)
    throw new MnsError("InvalidQueueName", `The queue name you provided is invalid: ${problem}.`);
  const queue = queues.get(accountId, region, name);
  if (queue) {
    const same = (Object.keys(attributes) as (keyof QueueAttributes)[]).every(
      (key) => attributes[key] === queue.attributes[key],
    );
    if (!same)
      throw new MnsError("QueueAlreadyExist", "The queue you want to create is already exist.");
    return { status: 204 };
  }
  await queues.create(accountId, region, name, attributes, {});
  return {
    status: 201,
    headers: { Location: `http://${accountId}.mns.${region}.aliyuncs.com/queues/${name}` },
  };
}

async function deleteQueue(call: QueueCall): Promise<MnsAnswer> {
  await call.queues.delete(existing(call));
  return { status: 204 };
}

/** `numOfMessages`, when sent: the batch operations answer a list. */
const batchCount = (call: QueueCall): number | undefined =>
  integerArgument(query(call, "numOfMessages"), "numOfMessages", 1, MAX_BATCH);

/** The answer of a peek or receive: one message, or a list for the batch operations. */
function messagesAnswer(
  messages: readonly QueueMessage[],
  view: (m: QueueMessage) => Record<string, string | number>,
  batch: boolean,
): MnsAnswer {
  if (messages.length === 0) throw new MnsError("MessageNotExist", "Message not exist.");
  return {
    status: 200,
    xml: batch
      ? mnsXml("Messages", messages.map(view), "Message")
      : mnsXml("Message", view(messages[0])),
  };
}

async function peekMessages(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const count = batchCount(call);
  const peeked = call.queues.peek(queue, count ?? 1);
  return messagesAnswer(peeked, peekedView, count !== undefined);
}

async function receiveMessages(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const count = batchCount(call);
  const wait =
    integerArgument(
      query(call, "waitseconds"),
      "waitseconds",
      ...QUEUE_LIMITS.PollingWaitSeconds,
    ) ?? queue.attributes.PollingWaitSeconds;
  const received = await call.queues.receive(queue, count ?? 1, wait, call.signal);
  return messagesAnswer(received, receivedView, count !== undefined);
}

async function sendMessage(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const [sent] = await call.queues.send(queue, [sendInput(parseBody(call.body, "Message"))]);
  return {
    status: 201,
    xml: mnsXml("Message", { MessageId: sent.MessageId, MessageBodyMD5: sent.MessageBodyMD5 }),
  };
}

async function sendMessages(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const items = parseBody(call.body, "Messages").children.filter((c) => c.name === "Message");
  if (items.length === 0 || items.length > MAX_BATCH)
    throw new MnsError(
      "InvalidArgument",
      `The count of message should between 1 and ${MAX_BATCH}.`,
    );
  const sent = await call.queues.send(queue, items.map(sendInput));
  return {
    status: 201,
    xml: mnsXml(
      "Messages",
      sent.map((m) => ({ MessageId: m.MessageId, MessageBodyMD5: m.MessageBodyMD5 })),
      "Message",
    ),
  };
}

async function deleteMessage(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const handle = query(call, "ReceiptHandle");
  if (!handle) throw new MnsError("MissingReceiptHandle", "The receipt handle is missing.");
  await call.queues.deleteMessage(queue, handle);
  return { status: 204 };
}

async function deleteMessages(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const handles = parseBody(call.body, "ReceiptHandles")
    .children.filter((c) => c.name === "ReceiptHandle")
    .map((c) => c.text);
  if (handles.length === 0 || handles.length > MAX_BATCH)
    throw new MnsError(
      "InvalidArgument",
      `The count of receipt handles should between 1 and ${MAX_BATCH}.`,
    );
  const errors = (await call.queues.deleteMessages(queue, handles)).map(({ handle, error }) => ({
    ErrorCode: error.code,
    ErrorMessage: error.message,
    ReceiptHandle: handle,
  }));
  return errors.length === 0
    ? { status: 204 }
    : { status: 404, xml: mnsXml("Errors", errors, "Error") };
}

async function changeMessageVisibility(call: QueueCall): Promise<MnsAnswer> {
  const queue = existing(call);
  const handle = query(call, "receiptHandle");
  if (!handle) throw new MnsError("MissingReceiptHandle", "The receipt handle is missing.");
  const timeout = integerArgument(
    query(call, "visibilityTimeout"),
    "visibilityTimeout",
    ...QUEUE_LIMITS.VisibilityTimeout,
  );
  if (timeout === undefined)
    throw new MnsError("MissingVisibilityTimeout", "The visibility timeout is missing.");
  const message = await call.queues.changeVisibility(queue, handle, timeout);
  return {
    status: 200,
    xml: mnsXml("ChangeVisibility", {
      ReceiptHandle: message.ReceiptHandle ?? "",
      NextVisibleTime: message.NextVisibleTime,
    }),
  };
}

/** The operations served, by the name `mnsActionName` gives a request. */
export const MNS_OPERATIONS: Readonly<Record<string, (call: QueueCall) => Promise<MnsAnswer>>> = {
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  CreateQueue: createQueue,
  DeleteQueue: deleteQueue,
  PeekMessage: peekMessages,
  BatchPeekMessage: peekMessages,
  ReceiveMessage: receiveMessages,
  BatchReceiveMessage: receiveMessages,
  SendMessage: sendMessage,
  BatchSendMessage: sendMessages,
  DeleteMessage: deleteMessage,
  BatchDeleteMessage: deleteMessages,
  ChangeMessageVisibility: changeMessageVisibility,
};
