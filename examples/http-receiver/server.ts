/**
 * A minimal IMS callback receiver on Node's `http` module: verifies the signature headers, parses the
 * event, answers 200 at once and hands the event on afterwards.
 *
 * In your own project, import from the package instead of the relative paths used here (they let the
 * repository's tests run without a build):
 *
 * ```ts
 * import { verifyCallback, parseCallbackEvent, CallbackEventParseError } from "pulumi-alicloud-ims-callback/receiver";
 * ```
 *
 * @packageDocumentation
 */
import http from "http";
import {
  CallbackEventParseError,
  type ImsCallbackEvent,
  parseCallbackEvent,
  verifyCallback,
} from "pulumi-alicloud-ims-callback/receiver";

/**
 * Bodies above this size are refused with 413; IMS events are a few kilobytes.
 *
 * @example
 * ```ts
 * MAX_BODY_BYTES; // 1048576
 * ```
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Options of {@link createReceiver}.
 *
 * @example
 * ```ts
 * const options: ReceiverOptions = { callbackUrl: "https://media.example.com/ims/callback", authKeys: ["NewKey2", "OldKey1"] };
 * ```
 */
export interface ReceiverOptions {
  /** The `CallbackURL` configured in IMS, byte for byte (not rebuilt from the request). */
  readonly callbackUrl: string;
  /** The auth key, or the new and the old key during a rotation. */
  readonly authKeys: string | readonly string[];
  /**
   * How far the signature timestamp may be from now, in seconds, either way.
   *
   * @default 300
   */
  readonly toleranceSeconds?: number;
  /**
   * Called with each verified event after the 200 has been sent; not awaited, and a throw or a
   * rejection is logged, never turned into a retry. Do slow work (or enqueue it) here.
   *
   * @default nothing
   */
  readonly onEvent?: (event: ImsCallbackEvent) => void | Promise<void>;
  /**
   * Where log lines go.
   *
   * @default console.log
   */
  readonly log?: (line: string) => void;
  /**
   * The clock in milliseconds, for tests.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * Creates (does not start) the receiver. Answers:
 * - 200 `ok` for a verified, well-formed event (then logs it and calls `onEvent`);
 * - 401 with the reason (`missing-header`, `bad-timestamp`, `stale`, `future`, `mismatch`) for a
 *   request that fails verification — checked before the body is read;
 * - 400 with the reason (e.g. `not-json`) for a malformed body;
 * - 405 for anything but POST, 413 for a body above {@link MAX_BODY_BYTES}.
 *
 * Any path is accepted: the signature covers the configured URL, not the path the request arrived on.
 *
 * @example
 * ```ts
 * const server = createReceiver({ callbackUrl: process.env.CALLBACK_URL!, authKeys: [process.env.AUTH_KEY!] });
 * server.listen(8080);
 * ```
 */
export function createReceiver(options: ReceiverOptions): http.Server {
  const log = options.log ?? ((line: string) => console.log(line));
  const verifyOptions = {
    callbackUrl: options.callbackUrl,
    authKeys: options.authKeys,
    toleranceSeconds: options.toleranceSeconds,
    now: options.now,
  };
  // Fail at start-up, not on the first request, when the options are wrong (throws TypeError).
  verifyCallback({ headers: {} }, verifyOptions);

  return http.createServer((req, res) => {
    const reply = (status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(`${text}\n`);
    };

    if (req.method !== "POST") {
      req.resume();
      reply(405, "method not allowed", { allow: "POST" });
      return;
    }

    const verified = verifyCallback(req, verifyOptions);
    if (!verified.ok) {
      log(`rejected ${verified.reason}: ${verified.message}`);
      req.resume();
      reply(401, verified.reason);
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", (err) => log(`request error: ${err.message}`));
    req.on("end", () => {
      if (tooLarge) {
        log(`rejected body-too-large: ${size} bytes`);
        reply(413, "body-too-large");
        return;
      }
      let event: ImsCallbackEvent;
      try {
        event = parseCallbackEvent(Buffer.concat(chunks));
      } catch (err) {
        if (err instanceof CallbackEventParseError) {
          log(`rejected ${err.reason}: ${err.message}`);
          reply(400, err.reason);
        } else {
          log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
          reply(500, "internal-error");
        }
        return;
      }
      // Answer first: IMS counts only a 200 within 3 s as delivered, and retries otherwise.
      reply(200, "ok");
      const status = event.messageBody.Status ?? "-";
      const subject = event.messageBody.JobId ?? event.messageBody.MediaId ?? "-";
      const unknown = event.known ? "" : " (unknown event type)";
      log(
        `event ${event.eventType}${unknown} user=${event.userId} time=${event.eventTimeText} status=${status} id=${subject} key#${verified.keyIndex}`,
      );
      if (options.onEvent) {
        const onEvent = options.onEvent;
        setImmediate(() => {
          Promise.resolve()
            .then(() => onEvent(event))
            .catch((err: unknown) =>
              log(`onEvent failed: ${err instanceof Error ? err.message : String(err)}`),
            );
        });
      }
    });
  });
}
