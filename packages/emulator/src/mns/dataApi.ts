/**
 * The MNS queue data API (version 2015-06-06), what a queue consumer calls at
 * `https://<accountId>.mns.<region>.aliyuncs.com`: receive (with long polling), batch receive,
 * peek, send, batch send, delete, batch delete, change visibility, and the queue's attributes —
 * XML bodies and MNS's XML errors (the request signature, `Authorization: MNS <AccessKeyId>:<signature>`,
 * is checked in signatures/mns.ts). Alibaba's `@alicloud/mns` client talks to it with `endpoint: "http://127.0.0.1:<port>"`.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from "node:http";
import type { EmulatorCredential } from "../ground/accounts";
import { MnsError } from "./errors";
import {
  MAX_BATCH,
  PRIORITY_RANGE,
  Queue,
  QUEUE_LIMITS,
  QueueAttributes,
  QueueMessage,
  queueNameProblem,
  QueueOperationError,
  QueueStore,
  QUEUE_NOT_EXIST_MESSAGE,
} from "./queues";
import { childText, mnsXml, parseXml, XmlElement, XmlSyntaxError } from "../ground/xml";

/** The data API version clients send in `x-mns-version`. */
export const MNS_VERSION = "2015-06-06";

/** What the data API handler needs from the emulator. */
export interface MnsDataContext {
  readonly queues: QueueStore;
  readonly resolveCredential: (accessKeyId: string) => EmulatorCredential | undefined;
  readonly now: () => number;
}

/** One handled data API call, for the request log. */
export interface MnsCallRecord {
  /** The AccessKey id the request claims. */
  accessKeyId?: string;
  /** Non-secret details: queue name, query parameters (keyed by request values: see `keyMap`). */
  params: Record<string, string>;
}

/** Reads a query parameter by name, ignoring case (clients differ: `ReceiptHandle` / `receiptHandle`). */
function queryValue(query: URLSearchParams, name: string): string | undefined {
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
interface MnsAnswer {
  readonly status: number;
  readonly xml?: string;
  readonly headers?: Record<string, string>;
}

/**
 * Handles one data API request after its signature verified. `signal` aborts a long poll when
 * the client goes away (so no message is taken for nobody).
 */
export async function handleMnsRequest(
  context: MnsDataContext,
  region: string,
  credential: EmulatorCredential,
  method: string,
  url: URL,
  body: Buffer,
  record: MnsCallRecord,
  signal: AbortSignal,
): Promise<MnsAnswer> {
  const { queues } = context;
  const route = /^\/queues\/([^/]+)(\/messages)?\/?$/.exec(url.pathname);
  if (!route)
    throw new MnsError(
      "InvalidRequestURL",
      `The request URL ${url.pathname} is not served by this emulator.`,
    );
  let name: string;
  try {
    name = decodeURIComponent(route[1]);
  } catch {
    throw new MnsError("InvalidRequestURL", "The queue name in the request URL is not valid.");
  }
  record.params.QueueName = name;
  for (const [key, value] of url.searchParams) record.params[key] = value;
  const accountId = credential.accountId;
  const existing = (): Queue => {
    const queue = queues.get(accountId, region, name);
    if (!queue) throw new MnsError("QueueNotExist", QUEUE_NOT_EXIST_MESSAGE);
    return queue;
  };

  if (!route[2]) {
    switch (method) {
      case "GET": {
        const queue = existing();
        const now = context.now();
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
            InactiveMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount > 0)
              .length,
            DelayMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount === 0)
              .length,
            LoggingEnabled: queue.attributes.LoggingEnabled ? "True" : "False",
          }),
        };
      }
      case "PUT": {
        const attributes = body.length > 0 ? queueAttributesFrom(parseBody(body, "Queue")) : {};
        if (queryValue(url.searchParams, "metaoverride") === "true") {
          await queues.update(existing(), attributes);
          return { status: 204 };
        }
        const problem = queueNameProblem(name);
        if (problem)
          throw new MnsError(
            "InvalidQueueName",
            `The queue name you provided is invalid: ${problem}.`,
          );
        const queue = queues.get(accountId, region, name);
        if (queue) {
          const same = (Object.keys(attributes) as (keyof QueueAttributes)[]).every(
            (key) => attributes[key] === queue.attributes[key],
          );
          if (!same)
            throw new MnsError(
              "QueueAlreadyExist",
              "The queue you want to create is already exist.",
            );
          return { status: 204 };
        }
        await queues.create(accountId, region, name, attributes, {});
        return {
          status: 201,
          headers: { Location: `http://${accountId}.mns.${region}.aliyuncs.com/queues/${name}` },
        };
      }
      case "DELETE":
        await queues.delete(existing());
        return { status: 204 };
      default:
        throw new MnsError("InvalidRequestURL", `${method} is not served on a queue.`);
    }
  }

  const queue = existing();
  switch (method) {
    case "GET": {
      const count = integerArgument(
        queryValue(url.searchParams, "numOfMessages"),
        "numOfMessages",
        1,
        MAX_BATCH,
      );
      const batch = count !== undefined;
      if (queryValue(url.searchParams, "peekonly") === "true") {
        const peeked = queues.peek(queue, count ?? 1);
        if (peeked.length === 0) throw new MnsError("MessageNotExist", "Message not exist.");
        return {
          status: 200,
          xml: batch
            ? mnsXml("Messages", peeked.map(peekedView), "Message")
            : mnsXml("Message", peekedView(peeked[0])),
        };
      }
      const wait =
        integerArgument(
          queryValue(url.searchParams, "waitseconds"),
          "waitseconds",
          ...QUEUE_LIMITS.PollingWaitSeconds,
        ) ?? queue.attributes.PollingWaitSeconds;
      const received = await queues.receive(queue, count ?? 1, wait, signal);
      if (received.length === 0) throw new MnsError("MessageNotExist", "Message not exist.");
      return {
        status: 200,
        xml: batch
          ? mnsXml("Messages", received.map(receivedView), "Message")
          : mnsXml("Message", receivedView(received[0])),
      };
    }
    case "POST": {
      if (/<Messages[\s>]/.test(body.toString("utf8"))) {
        const items = parseBody(body, "Messages").children.filter((c) => c.name === "Message");
        if (items.length === 0 || items.length > MAX_BATCH)
          throw new MnsError(
            "InvalidArgument",
            `The count of message should between 1 and ${MAX_BATCH}.`,
          );
        const sent = await queues.send(queue, items.map(sendInput));
        return {
          status: 201,
          xml: mnsXml(
            "Messages",
            sent.map((m) => ({ MessageId: m.MessageId, MessageBodyMD5: m.MessageBodyMD5 })),
            "Message",
          ),
        };
      }
      const [sent] = await queues.send(queue, [sendInput(parseBody(body, "Message"))]);
      return {
        status: 201,
        xml: mnsXml("Message", { MessageId: sent.MessageId, MessageBodyMD5: sent.MessageBodyMD5 }),
      };
    }
    case "DELETE": {
      if (body.length > 0) {
        const handles = parseBody(body, "ReceiptHandles")
          .children.filter((c) => c.name === "ReceiptHandle")
          .map((c) => c.text);
        if (handles.length === 0 || handles.length > MAX_BATCH)
          throw new MnsError(
            "InvalidArgument",
            `The count of receipt handles should between 1 and ${MAX_BATCH}.`,
          );
        const errors = (await queues.deleteMessages(queue, handles)).map(({ handle, error }) => ({
          ErrorCode: error.code,
          ErrorMessage: error.message,
          ReceiptHandle: handle,
        }));
        return errors.length === 0
          ? { status: 204 }
          : { status: 404, xml: mnsXml("Errors", errors, "Error") };
      }
      const handle = queryValue(url.searchParams, "ReceiptHandle");
      if (!handle) throw new MnsError("MissingReceiptHandle", "The receipt handle is missing.");
      await queues.deleteMessage(queue, handle);
      return { status: 204 };
    }
    case "PUT": {
      const handle = queryValue(url.searchParams, "receiptHandle");
      if (!handle) throw new MnsError("MissingReceiptHandle", "The receipt handle is missing.");
      const timeout = integerArgument(
        queryValue(url.searchParams, "visibilityTimeout"),
        "visibilityTimeout",
        ...QUEUE_LIMITS.VisibilityTimeout,
      );
      if (timeout === undefined)
        throw new MnsError("MissingVisibilityTimeout", "The visibility timeout is missing.");
      const message = await queues.changeVisibility(queue, handle, timeout);
      return {
        status: 200,
        xml: mnsXml("ChangeVisibility", {
          ReceiptHandle: message.ReceiptHandle ?? "",
          NextVisibleTime: message.NextVisibleTime,
        }),
      };
    }
    default:
      throw new MnsError("InvalidRequestURL", `${method} is not served on a queue's messages.`);
  }
}

/**
 * The operation a data API request asks for, e.g. `"BatchReceiveMessage"`, from its method, URL
 * and body; `""` for a route the emulator does not serve.
 */
export function mnsActionName(method: string, url: URL, body: Buffer): string {
  const route = /^\/queues\/([^/]+)(\/messages)?\/?$/.exec(url.pathname);
  if (!route) return "";
  const batch = queryValue(url.searchParams, "numOfMessages") !== undefined;
  if (!route[2]) {
    if (method === "GET") return "GetQueueAttributes";
    if (method === "PUT")
      return queryValue(url.searchParams, "metaoverride") === "true"
        ? "SetQueueAttributes"
        : "CreateQueue";
    return method === "DELETE" ? "DeleteQueue" : "";
  }
  switch (method) {
    case "GET":
      if (queryValue(url.searchParams, "peekonly") === "true")
        return batch ? "BatchPeekMessage" : "PeekMessage";
      return batch ? "BatchReceiveMessage" : "ReceiveMessage";
    case "POST":
      return /<Messages[\s>]/.test(body.toString("utf8")) ? "BatchSendMessage" : "SendMessage";
    case "DELETE":
      return body.length > 0 ? "BatchDeleteMessage" : "DeleteMessage";
    case "PUT":
      return "ChangeMessageVisibility";
    default:
      return "";
  }
}

/** Writes an MNS answer with the headers MNS sends. */
export function writeMnsAnswer(res: ServerResponse, requestId: string, answer: MnsAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, {
    "x-mns-request-id": requestId,
    "x-mns-version": MNS_VERSION,
    ...(answer.xml ? { "Content-Type": "text/xml;charset=utf-8" } : {}),
    ...(answer.headers ?? {}),
  });
  res.end(answer.xml);
}

/** The XML error body MNS answers with. */
export function mnsErrorXml(
  code: string,
  message: string,
  requestId: string,
  hostId: string,
): string {
  return mnsXml("Error", { Code: code, Message: message, RequestId: requestId, HostId: hostId });
}

/** Maps a queue store error to the MNS error to answer. */
export function mnsErrorOf(error: unknown): MnsError | undefined {
  if (error instanceof MnsError) return error;
  if (error instanceof QueueOperationError) return new MnsError(error.code, error.message);
  return undefined;
}
