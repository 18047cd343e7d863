/**
 * The MNS queue data API (version 2015-06-06), what a queue consumer calls at
 * `https://<accountId>.mns.<region>.aliyuncs.com`: receive (with long polling), batch receive,
 * peek, send, batch send, delete, batch delete, change visibility, and the queue's attributes —
 * XML bodies and MNS's XML errors (the request signature, `Authorization: MNS <AccessKeyId>:<signature>`,
 * is checked in signature.ts). Alibaba's `@alicloud/mns` client talks to it with `endpoint: "http://127.0.0.1:<port>"`.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from "node:http";
import type { EmulatorCredential } from "../ground/accounts";
import { mnsXml } from "../ground/xml";
import { MnsError } from "./errors";
import { type MnsAnswer, MNS_OPERATIONS, queryValue } from "./operations";
import { QueueOperationError, type QueueStore } from "./queues";

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

/** The paths served: a queue, `/queues/<name>`, and its messages, `/queues/<name>/messages`. */
const QUEUE_ROUTE = /^\/queues\/([^/]+)(\/messages)?\/?$/;

/** One data API request, its signature verified and its operation named. */
export interface MnsRequest {
  /** The operation, from {@link mnsActionName}. */
  readonly action: string;
  readonly region: string;
  readonly credential: EmulatorCredential;
  readonly method: string;
  readonly url: URL;
  readonly body: Buffer;
  /** Where the call's details for the log go. */
  readonly record: MnsCallRecord;
}

/**
 * Handles one data API request after its signature verified: finds the queue named in the path and
 * runs the request's operation from `MNS_OPERATIONS` (operations.ts). `signal` aborts a long poll
 * when the client goes away (so no message is taken for nobody).
 */
export async function handleMnsRequest(
  context: MnsDataContext,
  request: MnsRequest,
  signal: AbortSignal,
): Promise<MnsAnswer> {
  const { action, region, credential, method, url, body, record } = request;
  const route = QUEUE_ROUTE.exec(url.pathname);
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
  const operation = Object.hasOwn(MNS_OPERATIONS, action) ? MNS_OPERATIONS[action] : undefined;
  if (!operation)
    throw new MnsError(
      "InvalidRequestURL",
      `${method} is not served on a queue${route[2] ? "'s messages" : ""}.`,
    );
  const { queues, now } = context;
  return operation({ queues, now, region, credential, name, url, body, signal });
}

/**
 * The operation a data API request asks for, e.g. `"BatchReceiveMessage"`, from its method, URL
 * and body; `""` for a route the emulator does not serve.
 */
export function mnsActionName(method: string, url: URL, body: Buffer): string {
  const route = QUEUE_ROUTE.exec(url.pathname);
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
