/**
 * A worker that consumes the IMS callback queue of the mns-queue example, from environment variables:
 *
 * - `QUEUE_NAME` (required): the queue, `pulumi stack output queueName` of the mns-queue stack.
 * - `REGION` (required): the queue's region.
 * - `ACCOUNT_ID` (required): the account that owns the queue.
 * - `CONCURRENCY` (default 8), `MAX_RECEIVE_COUNT` (default 5), `WAIT_SECONDS` (long poll, default
 *   10; a stop waits for the poll in progress).
 * - `DEAD_LETTER_FILE` (default `dead-letters.jsonl`): where messages the worker gives up on go.
 * - `MNS_ENDPOINT`: another MNS endpoint, e.g. the internal one inside Alibaba Cloud.
 * - Credentials as for the alicloud provider: `ALIBABA_CLOUD_ACCESS_KEY_ID` /
 *   `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (or `ALICLOUD_ACCESS_KEY` / `ALICLOUD_SECRET_KEY`), an STS
 *   token, or the Alibaba Cloud CLI profile.
 *
 * Stops on SIGINT / SIGTERM: no new receive, running handlers finish, then it prints what it did.
 *
 * @packageDocumentation
 */
import { appendFile } from "node:fs/promises";
import {
  consumeCallbackQueue,
  type CallbackQueueConsumerSummary,
  type DeadLetter,
  type ImsCallbackEvent,
} from "pulumi-alicloud-ims-callback/consumer";

/** A running worker. */
export interface Worker {
  /** Asks the worker to stop and resolves with its counts once it has. */
  stop(): Promise<CallbackQueueConsumerSummary>;
  /** Resolves with the counts when the worker has stopped. */
  readonly done: Promise<CallbackQueueConsumerSummary>;
}

/** What the worker does with one event: here, a log line. Replace with your own work (idempotent). */
export async function onEvent(event: ImsCallbackEvent, log: (line: string) => void): Promise<void> {
  const body = event.messageBody;
  const subject = body.JobId ?? body.MediaId ?? "-";
  if (!event.known)
    log(`unknown event type ${event.eventType}; update pulumi-alicloud-ims-callback?`);
  log(
    `event ${event.eventType} user=${event.userId} time=${event.eventTimeText} status=${body.Status ?? "-"} id=${subject}`,
  );
}

/**
 * Reads the environment and starts consuming. Exits the process with a message when a required
 * variable is missing.
 *
 * @example
 * ```sh
 * QUEUE_NAME=ice-callback-ims-mns-queue-dev-media-events-1a2b3c4d REGION=cn-hangzhou \
 *   ACCOUNT_ID=1234567890123456 node dist/index.js
 * ```
 */
export function main(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Worker {
  const queueName = env.QUEUE_NAME ?? "";
  const region = env.REGION ?? "";
  const accountId = env.ACCOUNT_ID ?? "";
  if (queueName === "" || region === "" || accountId === "") {
    console.error(
      "Set QUEUE_NAME, REGION and ACCOUNT_ID (the queue's name, region and owner account).",
    );
    process.exit(2);
  }
  const deadLetterFile = env.DEAD_LETTER_FILE ?? "dead-letters.jsonl";
  const stop = new AbortController();
  const done = consumeCallbackQueue({
    queueName,
    region,
    accountId,
    endpoint: env.MNS_ENDPOINT,
    concurrency: numberIn(env.CONCURRENCY),
    maxReceiveCount: numberIn(env.MAX_RECEIVE_COUNT),
    waitSeconds: numberIn(env.WAIT_SECONDS),
    signal: stop.signal,
    handler: (event) => onEvent(event, log),
    // Kept on disk before the message is deleted: nothing is dropped silently.
    onDeadLetter: (letter: DeadLetter) =>
      appendFile(
        deadLetterFile,
        `${JSON.stringify({
          reason: letter.reason,
          messageId: letter.message.messageId,
          receives: letter.message.dequeueCount,
          error: letter.error instanceof Error ? letter.error.message : undefined,
          body: letter.message.body,
        })}\n`,
      ),
    onError: (error) =>
      log(`error ${error.operation}${error.code ? ` ${error.code}` : ""}: ${error.message}`),
  });
  log(`consuming ${queueName} in ${region}`);
  return {
    done,
    stop() {
      stop.abort();
      return done;
    },
  };
}

function numberIn(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

if (require.main === module) {
  const worker = main();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.log(`${signal}: finishing the events in hand`);
      void worker.stop();
    });
  }
  worker.done.then(
    (summary) => console.log(`stopped: ${JSON.stringify(summary)}`),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
