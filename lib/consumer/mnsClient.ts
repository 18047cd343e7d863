/**
 * Alibaba's official MNS client, `@alicloud/mns` (it ships no types), wrapped for the calls the
 * consumer makes, and the one place that reads its answers and errors.
 *
 * The client throws only for an answer whose body is MNS's XML error: a gateway's `502` with an
 * HTML page or an empty `503` resolves like a success. So every call here goes through the client's
 * own signed `request` and checks the HTTP status (and, where MNS answers with a body, the body)
 * before it counts as done.
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

/** A changed visibility as MNS confirms it. */
export interface MnsVisibilityChange {
  /** The message's new receipt handle: the one it was received with is no longer valid. */
  readonly receiptHandle: string;
  /** When the message becomes visible again, epoch ms (MNS's clock). */
  readonly nextVisibleTime: number;
}

/** The queue calls of the consumer, each resolving only on MNS's confirmation. */
export interface MnsQueueClient {
  /**
   * Receives up to `count` messages, waiting up to `waitSeconds` (sent even when 0, so the queue's
   * `PollingWaitSeconds` never applies); an empty queue resolves with `[]`.
   */
  receive(queueName: string, count: number, waitSeconds: number): Promise<MnsReceivedMessage[]>;
  /** Deletes a received message. */
  delete(queueName: string, receiptHandle: string): Promise<void>;
  /** Makes a received message visible again after `seconds` (MNS allows 1 to 43200). */
  changeVisibility(
    queueName: string,
    receiptHandle: string,
    seconds: number,
  ): Promise<MnsVisibilityChange>;
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

/** What `@alicloud/mns` 1.2.0's `Client#request` resolves with (it throws on MNS's XML errors). */
interface LibraryResponse {
  readonly code: number;
  /** Only the headers asked for. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The XML body's root element's children, when the body was XML. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** The part of `@alicloud/mns`'s `Client` used: its signed request (the public calls wrap it). */
interface LibraryClient {
  request(
    method: "GET" | "PUT" | "DELETE",
    resource: string,
    type: string,
    body: string,
    attentions: readonly string[],
    opts: Record<string, never>,
  ): Promise<LibraryResponse>;
}

type LibraryConstructor = new (accountId: string, options: MnsClientOptions) => LibraryClient;

/** Response headers read to describe an answer that is not MNS's. */
const DESCRIBED_HEADERS = ["content-type", "content-length"] as const;

/** A call MNS did not confirm: the answer was an HTTP error without MNS's XML error, or not the expected body. */
export class MnsUnconfirmedError extends Error {
  /** `"MnsUnconfirmedError"` */
  override readonly name = "MnsUnconfirmedError";
  constructor(
    /** The HTTP status answered. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Creates the queue client on `@alicloud/mns`'s `Client` for an account at an endpoint URL. */
export function createMnsClient(accountId: string, options: MnsClientOptions): MnsQueueClient {
  const Library = require("@alicloud/mns") as LibraryConstructor;
  const library = new Library(accountId, options);
  const call = async (
    method: "GET" | "PUT" | "DELETE",
    resource: string,
    type: string,
    expectBody: boolean,
  ): Promise<LibraryResponse> => {
    const response = await library.request(method, resource, type, "", DESCRIBED_HEADERS, {});
    if (response.code < 200 || response.code > 299 || (expectBody && !response.body)) {
      throw new MnsUnconfirmedError(response.code, `not confirmed: ${describeAnswer(response)}.`);
    }
    return response;
  };
  const messages = (queueName: string) => `/queues/${encodeURIComponent(queueName)}/messages`;
  return {
    async receive(queueName, count, waitSeconds) {
      try {
        const response = await call(
          "GET",
          `${messages(queueName)}?numOfMessages=${count}&waitseconds=${waitSeconds}`,
          "Messages",
          true,
        );
        const received = response.body?.Message;
        return Array.isArray(received) ? (received as MnsReceivedMessage[]) : [];
      } catch (error) {
        if (mnsErrorCode(error) === "MessageNotExist") return [];
        throw error;
      }
    },
    async delete(queueName, receiptHandle) {
      await call(
        "DELETE",
        `${messages(queueName)}?ReceiptHandle=${encodeURIComponent(receiptHandle)}`,
        "Message",
        false,
      );
    },
    async changeVisibility(queueName, receiptHandle, seconds) {
      const response = await call(
        "PUT",
        `${messages(queueName)}?receiptHandle=${encodeURIComponent(receiptHandle)}&visibilityTimeout=${seconds}`,
        "ChangeVisibility",
        true,
      );
      const handle = response.body?.ReceiptHandle;
      const next = Number(response.body?.NextVisibleTime);
      if (typeof handle !== "string" || handle === "" || !Number.isFinite(next)) {
        throw new MnsUnconfirmedError(
          response.code,
          `not confirmed: HTTP ${response.code} without the new receipt handle.`,
        );
      }
      return { receiptHandle: handle, nextVisibleTime: next };
    },
  };
}

/** e.g. `HTTP 502 with a text/html body`, `HTTP 503 with an empty body`. */
function describeAnswer(response: LibraryResponse): string {
  const type = response.headers["content-type"]?.split(";")[0].trim();
  const body =
    response.headers["content-length"] === "0"
      ? "an empty body"
      : type
        ? `a ${type} body`
        : "a body without a type";
  return `HTTP ${response.code} with ${body}`;
}

/**
 * The MNS error code of an error the client threw (it names errors `MNS<Code>Error`), or
 * `undefined` for other failures (network, timeout, an unconfirmed answer).
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
