/**
 * The queue consumer against the emulator's MNS data API (real HTTP, MNS request signatures checked)
 * with events written into the queue by the emulator's IMS delivery, as IMS writes them. Proves
 * the consumer's receive/handle/delete cycle, redelivery, dead-lettering, concurrency bound, stop,
 * credentials and messages; it does not prove that the real MNS service behaves like the emulator.
 */
import { createHmac } from "node:crypto";
import { EmulatorHandle, startEmulator, DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";
import {
  CallbackQueueConsumerError,
  consumeCallbackQueue,
  type CallbackQueueConsumerOptions,
  type DeadLetter,
  type ImsCallbackEvent,
} from "../../lib/consumer";
import { RecentCredentials } from "../../lib/consumer/consumer";
import { createMnsClient } from "../../lib/consumer/mnsClient";
import { redact } from "../../lib/shared/redaction";
import { callRpc, removeTempDirs, sdkClient, tempDir } from "../../packages/emulator/test/helpers";

/** A region of the emulator. */
type Region = keyof EmulatorHandle["endpoints"];
const REGION: Region = "cn-shanghai";
/** The region of the slow-heartbeat test: its latency fault applies to that region's calls only. */
const SLOW_HEARTBEAT_REGION: Region = "cn-hangzhou";
const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const KEY = DEFAULT_TEST_ACCOUNT.accessKeys[0];
const STS = DEFAULT_TEST_ACCOUNT.stsTokens![0];
const CREDENTIALS = { accessKeyId: KEY.id, accessKeySecret: KEY.secret };
let emulator: EmulatorHandle;
let queueCounter = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    stateFile: `${tempDir()}/state.json`,
    behaviour: { imsQueueGrant: "ice-callback-queues" },
  });
});
afterEach(() => emulator.clearFaults());
afterAll(async () => {
  await emulator.close();
  removeTempDirs();
});

/** A fresh queue, subscribed by the region's setting, with the given visibility timeout. */
async function freshQueue(visibilityTimeout = 30, region: Region = REGION): Promise<string> {
  const name = `ice-callback-consumer-${++queueCounter}`;
  await callRpc(
    sdkClient(emulator.endpoints[region], { v2: true }),
    "CreateQueue",
    MNS_OPEN_VERSION,
    { QueueName: name, VisibilityTimeout: visibilityTimeout },
  );
  await emulator.putSetting(region, {
    CallbackType: "MNS",
    CallbackQueueName: name,
    EventTypeList: "ProduceMediaComplete,MediaConvertComplete",
  });
  return name;
}

/** Emits an event as IMS would, and checks that it went into the queue. */
async function emit(
  jobId: string,
  eventType = "ProduceMediaComplete",
  region: Region = REGION,
): Promise<void> {
  const report = await emulator.emitEvent({
    region,
    eventType,
    messageBody: { Status: "Success", JobId: jobId },
  });
  expect([report.outcome, report.method]).toEqual(["delivered", "MNS"]);
}

async function messagesIn(
  queueName: string,
  region: Region = REGION,
): Promise<{ visible: number; invisible: number; delayed: number }> {
  return (await emulator.getQueue(region, queueName))!.messages;
}

function baseOptions(
  queueName: string,
  signal: AbortSignal,
  region: Region = REGION,
): Omit<CallbackQueueConsumerOptions, "handler"> {
  return {
    queueName,
    region,
    accountId: ACCOUNT,
    endpoint: emulator.endpoints[region],
    credentials: CREDENTIALS,
    signal,
    waitSeconds: 1,
  };
}

/** Resolves when `predicate` holds, polling every 20 ms, or rejects after `ms`. */
async function until(predicate: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const jobOf = (event: ImsCallbackEvent) => String(event.messageBody.JobId);

describe("consumeCallbackQueue", () => {
  it("hands every event IMS writes to the handler once, parsed, and deletes it after the handler succeeded", async () => {
    const queueName = await freshQueue();
    for (const job of ["j1", "j2", "j3"]) await emit(job);
    const stop = new AbortController();
    const seen: Array<{ job: string; type: string; count: number }> = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      handler: (event, { message }) => {
        seen.push({ job: jobOf(event), type: event.eventType, count: message.dequeueCount });
      },
    });
    await until(() => seen.length === 3);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(seen.map((s) => s.job).sort()).toEqual(["j1", "j2", "j3"]);
    expect(seen.every((s) => s.type === "ProduceMediaComplete" && s.count === 1)).toBe(true);
    expect(summary).toEqual({
      received: 3,
      handled: 3,
      failed: 0,
      deadLettered: 0,
      released: 0,
      errors: 0,
    });
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("parses messages that IMS wrote Base64-encoded as well", async () => {
    await emulator.setBehaviour({ queueMessageEncoding: "base64" });
    try {
      const queueName = await freshQueue();
      await emit("b64", "MediaConvertComplete");
      const stop = new AbortController();
      const events: ImsCallbackEvent[] = [];
      const run = consumeCallbackQueue({
        ...baseOptions(queueName, stop.signal),
        handler: (event) => void events.push(event),
      });
      await until(() => events.length === 1);
      stop.abort();
      await run;
      expect([events[0].eventType, events[0].encoding, jobOf(events[0]), events[0].userId]).toEqual(
        ["MediaConvertComplete", "base64", "b64", ACCOUNT],
      );
    } finally {
      await emulator.setBehaviour({ queueMessageEncoding: "raw" });
    }
  });

  it("leaves a message whose handler failed in the queue; it comes back after the visibility timeout", async () => {
    const queueName = await freshQueue(1);
    await emit("retry-me");
    const stop = new AbortController();
    const attempts: Array<{ count: number; at: number }> = [];
    const errors: CallbackQueueConsumerError[] = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      onError: (error) => void errors.push(error),
      handler: (_event, { message }) => {
        attempts.push({ count: message.dequeueCount, at: Date.now() });
        if (attempts.length === 1) throw new Error("database unavailable");
      },
    });
    await until(() => attempts.length === 2);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(attempts.map((a) => a.count)).toEqual([1, 2]);
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(900);
    expect(summary).toMatchObject({ received: 2, handled: 1, failed: 1, deadLettered: 0 });
    expect(errors.map((e) => [e.operation, e.message])).toEqual([
      [
        "handle",
        expect.stringMatching(
          /^handle of message \S+ of queue ice-callback-consumer-\d+ failed: database unavailable$/,
        ),
      ],
    ]);
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("gives a message that keeps failing to onDeadLetter at maxReceiveCount, then deletes it", async () => {
    const queueName = await freshQueue(1);
    await emit("poison");
    const stop = new AbortController();
    const letters: DeadLetter[] = [];
    let calls = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      maxReceiveCount: 2,
      onError: () => undefined,
      onDeadLetter: (letter) => void letters.push(letter),
      handler: () => {
        calls++;
        throw new Error(`attempt ${calls} failed`);
      },
    });
    await until(() => letters.length === 1);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(calls).toBe(2);
    expect(letters[0]).toMatchObject({ reason: "max-receives", message: { dequeueCount: 2 } });
    expect((letters[0].error as Error).message).toBe("attempt 2 failed");
    expect(letters[0].event && jobOf(letters[0].event)).toBe("poison");
    expect(summary).toMatchObject({ received: 2, handled: 0, failed: 2, deadLettered: 1 });
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("keeps a message in the queue when onDeadLetter throws, and offers it again", async () => {
    const queueName = await freshQueue(1);
    await emit("keep-me");
    const stop = new AbortController();
    let offers = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      maxReceiveCount: 1,
      onError: () => undefined,
      onDeadLetter: () => {
        offers++;
        throw new Error("dead-letter store down");
      },
      handler: () => {
        throw new Error("fails");
      },
    });
    await until(() => offers === 2);
    stop.abort();
    const summary = await run;
    expect(summary.deadLettered).toBe(0);
    expect(summary.errors).toBe(offers);
    const left = await messagesIn(queueName);
    expect(left.visible + left.invisible).toBe(1);
  });

  it("gives a message that is no IMS event straight to onDeadLetter without calling the handler", async () => {
    const queueName = await freshQueue();
    const raw = require("@alicloud/mns");
    const sender = new raw(ACCOUNT, {
      endpoint: emulator.endpoints[REGION],
      accessKeyId: KEY.id,
      accessKeySecret: KEY.secret,
    });
    await sender.sendMessage(queueName, { MessageBody: "not an event" });
    const stop = new AbortController();
    const letters: DeadLetter[] = [];
    let handled = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      onDeadLetter: (letter) => void letters.push(letter),
      handler: () => void handled++,
    });
    await until(() => letters.length === 1);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    await run;
    expect(handled).toBe(0);
    expect(letters[0]).toMatchObject({
      reason: "unparseable",
      message: { body: "not an event", dequeueCount: 1 },
    });
    expect((letters[0].error as Error).name).toBe("CallbackEventParseError");
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("never runs more handlers at once than concurrency, and asks for no more messages than free slots", async () => {
    const queueName = await freshQueue();
    for (let i = 0; i < 10; i++) await emit(`c${i}`);
    const stop = new AbortController();
    let running = 0;
    let peak = 0;
    let done = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      concurrency: 3,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 60));
        running--;
        done++;
      },
    });
    await until(() => done === 10);
    stop.abort();
    await run;
    expect(peak).toBe(3);
    const receives = (await emulator.getRequestLog()).filter(
      (e) => e.params.QueueName === queueName && e.action === "BatchReceiveMessage",
    );
    expect(receives.length).toBeGreaterThan(0);
    expect(receives.every((e) => Number(e.params.numOfMessages) <= 3)).toBe(true);
  });

  it("on abort, lets running handlers finish and delete, then resolves", async () => {
    const queueName = await freshQueue();
    await emit("slow");
    const stop = new AbortController();
    let started = false;
    let finished = false;
    const aborted: boolean[] = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      handler: async (_event, { signal }) => {
        started = true;
        aborted.push(signal.aborted);
        await new Promise((r) => setTimeout(r, 300));
        aborted.push(signal.aborted);
        finished = true;
      },
    });
    await until(() => started);
    stop.abort();
    const summary = await run;
    expect(finished).toBe(true);
    expect(aborted).toEqual([false, true]);
    expect(summary).toMatchObject({ received: 1, handled: 1 });
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("on abort during a long poll, releases what that poll still brings, unhandled and visible again", async () => {
    const queueName = await freshQueue();
    const stop = new AbortController();
    let handled = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      waitSeconds: 20,
      handler: () => void handled++,
    });
    await new Promise((r) => setTimeout(r, 1000)); // the consumer is waiting in its long poll (20 s)
    stop.abort();
    await emit("late"); // arrives while the poll is still open
    const summary = await run;
    expect(handled).toBe(0);
    expect(summary).toMatchObject({ received: 1, released: 1, handled: 0 });
    await until(async () => (await messagesIn(queueName)).visible === 1, 5_000);
  });

  it.each([
    ["gateway-html", 502],
    ["gateway-empty", 503],
  ] as const)(
    "counts a delete a gateway answered (%s) as unconfirmed: reported, not handled; the message comes back, and handled never exceeds the messages sent",
    async (kind, status) => {
      const queueName = await freshQueue(1);
      for (const job of ["g1", "g2"]) await emit(job);
      await emulator.injectFault({ kind, action: "DeleteMessage", region: REGION });
      const stop = new AbortController();
      const jobs: string[] = [];
      const errors: CallbackQueueConsumerError[] = [];
      const run = consumeCallbackQueue({
        ...baseOptions(queueName, stop.signal),
        onError: (error) => void errors.push(error),
        handler: (event) => void jobs.push(jobOf(event)),
      });
      await until(() => jobs.length === 3);
      await until(async () => (await messagesIn(queueName)).invisible === 0);
      stop.abort();
      const summary = await run;
      expect(jobs.sort()).toEqual(expect.arrayContaining(["g1", "g2"]));
      expect(summary).toMatchObject({ received: 3, handled: 2, errors: 1 });
      expect(errors.map((e) => [e.operation, e.status, e.code])).toEqual([
        ["delete", status, undefined],
      ]);
      expect(errors[0].message).toMatch(
        new RegExp(
          `^delete of message \\S+ of queue ${queueName} failed: not confirmed: HTTP ${status} ` +
            (status === 502 ? "with a text/html body" : "with an empty body"),
        ),
      );
      expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
    },
  );

  it("reports a release a gateway answered as unconfirmed, not as released (the message stays invisible until its visibility timeout)", async () => {
    const queueName = await freshQueue(60);
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    await emulator.injectFault({
      kind: "gateway-empty",
      action: "ChangeMessageVisibility",
      region: REGION,
    });
    // The first message is handled; the consumer then opens its next long poll (20 s), which is
    // still open when the stop comes and the second message arrives: that one is released.
    await emit("early");
    let handledEarly!: () => void;
    const earlyHandled = new Promise<void>((resolve) => (handledEarly = resolve));
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      waitSeconds: 20,
      onError: (error) => void errors.push(error),
      handler: (event) => {
        if (jobOf(event) === "early") handledEarly();
      },
    });
    await earlyHandled;
    await until(async () =>
      (await emulator.getRequestLog()).some(
        (e) => e.params.QueueName === queueName && e.action.endsWith("DeleteMessage"),
      ),
    );
    await new Promise((r) => setTimeout(r, 1000)); // the next poll is open by now
    stop.abort();
    await emit("late"); // arrives while the poll is still open
    const summary = await run;
    expect(summary).toMatchObject({ received: 2, released: 0, handled: 1, errors: 1 });
    expect(errors.map((e) => [e.operation, e.status])).toEqual([["release", 503]]);
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 1, delayed: 0 });
  });

  it("reports a receive a gateway answered with its HTTP status, and keeps trying", async () => {
    const queueName = await freshQueue();
    await emit("after-gateway");
    await emulator.injectFault({
      kind: "gateway-html",
      action: "BatchReceiveMessage",
      region: REGION,
    });
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    const jobs: string[] = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      onError: (error) => void errors.push(error),
      handler: (event) => void jobs.push(jobOf(event)),
    });
    await until(() => jobs.length === 1);
    stop.abort();
    const summary = await run;
    expect(summary).toMatchObject({ received: 1, handled: 1, errors: 1 });
    expect(errors.map((e) => [e.operation, e.status, e.message])).toEqual([
      [
        "receive",
        502,
        `receive on queue ${queueName} failed: not confirmed: HTTP 502 with a text/html body.`,
      ],
    ]);
  });

  it("short-polls with waitSeconds: 0 whatever the queue's PollingWaitSeconds, and backs off while the queue stays empty", async () => {
    const queueName = await freshQueue();
    await emulator.putQueueAttributes(REGION, queueName, { PollingWaitSeconds: 30 });
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    const jobs: string[] = [];
    const receives = async () =>
      (await emulator.getRequestLog()).filter(
        (e) => e.params.QueueName === queueName && e.action === "BatchReceiveMessage",
      );
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      waitSeconds: 0,
      onError: (error) => void errors.push(error),
      handler: (event) => void jobs.push(jobOf(event)),
    });
    await until(async () => (await receives()).length >= 4);
    await emit("short");
    await until(() => jobs.length === 1);
    stop.abort();
    await run;
    expect(errors).toEqual([]);
    const log = await receives();
    expect(log.map((e) => e.params.waitseconds)).toEqual(log.map(() => "0"));
    // Empty answers are followed by pauses that double: 250 ms, 500 ms, 1 s (lower bounds only).
    const at = log.slice(0, 4).map((e) => Date.parse(e.time));
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(245);
    expect(gaps[1]).toBeGreaterThanOrEqual(495);
    expect(gaps[2]).toBeGreaterThanOrEqual(995);
  });

  it("keeps a message invisible while its handler outlasts the visibility timeout (a heartbeat), so the same consumer never runs it twice", async () => {
    const queueName = await freshQueue(1);
    await emit("slow-job");
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    let calls = 0;
    let done = false;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      onError: (error) => void errors.push(error),
      handler: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 2_500));
        done = true;
      },
    });
    await until(() => done);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(calls).toBe(1);
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ received: 1, handled: 1, errors: 0 });
    const extensions = (await emulator.getRequestLog()).filter(
      (e) => e.params.QueueName === queueName && e.action === "ChangeMessageVisibility",
    );
    expect(extensions.length).toBeGreaterThan(0);
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("retries a heartbeat a gateway failed before the message becomes visible, and reports the failure", async () => {
    const queueName = await freshQueue(2);
    await emit("slow-job-2");
    await emulator.injectFault({
      kind: "gateway-html",
      action: "ChangeMessageVisibility",
      region: REGION,
    });
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    let calls = 0;
    let done = false;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      onError: (error) => void errors.push(error),
      handler: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 3_000));
        done = true;
      },
    });
    await until(() => done);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(calls).toBe(1);
    expect(errors.map((e) => [e.operation, e.status])).toEqual([["extend", 502]]);
    expect(summary).toMatchObject({ received: 1, handled: 1, errors: 1 });
  });

  it("gives up on a handler that never settles after handlerTimeoutSeconds: its heartbeat stops, onError is told, the message comes back; a stop then waits at most stopTimeoutSeconds and releases what still runs", async () => {
    const queueName = await freshQueue(1);
    await emit("hangs-forever");
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    const seen: Array<{ count: number; signal: AbortSignal }> = [];
    const order: string[] = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      handlerTimeoutSeconds: 2,
      // Heartbeats every second, each for 3 s more: the message stays invisible while the handler
      // runs, however late a heartbeat comes on a loaded machine, and is back 3 s after the last.
      visibilityExtensionSeconds: 3,
      stopTimeoutSeconds: 1,
      onError: (error) => {
        errors.push(error);
        order.push(`error:${error.operation}`);
      },
      handler: (_event, { message, signal }) => {
        seen.push({ count: message.dequeueCount, signal });
        order.push(`handler:${message.dequeueCount}`);
        return new Promise<void>(() => undefined); // never settles
      },
    });
    await until(() => seen.length === 2, 45_000);
    expect(order.slice(0, 3)).toEqual(["handler:1", "error:handle", "handler:2"]);
    expect(seen.map((s) => s.count)).toEqual([1, 2]);
    expect(seen[0].signal.aborted).toBe(true);
    expect(seen[1].signal.aborted).toBe(false);
    expect(errors[0].messageId).toBeDefined();
    expect(errors[0].message).toMatch(
      new RegExp(
        `^handle of message \\S+ of queue ${queueName} failed: the handler did not settle within ` +
          "handlerTimeoutSeconds \\(2 s\\)",
      ),
    );
    expect(errors[0].message).not.toContain("hangs-forever");
    expect(seen[0].signal.reason).toBe(errors[0]);
    // The second run never settles either: the stop gives it stopTimeoutSeconds (1 s), then
    // releases the message and resolves. The bound checked here is generous, not a speed target.
    stop.abort();
    const outcome = await Promise.race([
      run,
      new Promise<"still running">((r) => setTimeout(() => r("still running"), 30_000).unref()),
    ]);
    expect(outcome).toMatchObject({ received: 2, handled: 0, failed: 1, released: 1, errors: 0 });
    expect(seen[1].signal.aborted).toBe(true);
    expect(errors.map((e) => e.operation)).toEqual(["handle", "handle"]);
    expect(errors[1].message).toMatch(
      new RegExp(
        `^handle of message \\S+ of queue ${queueName} failed: the handler was still running ` +
          "stopTimeoutSeconds \\(1 s\\) after the stop",
      ),
    );
    await until(async () => (await messagesIn(queueName)).visible === 1, 15_000);
  });

  it("gives a message whose handler ran out of time on its maxReceiveCount-th receive to onDeadLetter, then deletes it", async () => {
    const queueName = await freshQueue(30);
    await emit("hangs-at-last");
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    const letters: DeadLetter[] = [];
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      handlerTimeoutSeconds: 1,
      maxReceiveCount: 1,
      onError: (error) => void errors.push(error),
      onDeadLetter: (letter) => void letters.push(letter),
      handler: () => new Promise<void>(() => undefined),
    });
    await until(() => letters.length === 1, 30_000);
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(summary).toMatchObject({ received: 1, failed: 1, deadLettered: 1, errors: 0 });
    expect(letters[0]).toMatchObject({ reason: "max-receives", error: errors[0] });
    expect(errors[0].message).toContain(
      "did not settle within handlerTimeoutSeconds (1 s): its signal is aborted and the message " +
        "goes to onDeadLetter (receive 1 of maxReceiveCount 1)",
    );
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
  });

  it("deletes a message whose handler finished while a heartbeat was in flight at once, without waiting for the heartbeat, so it is not run again", async () => {
    const queueName = await freshQueue(4, SLOW_HEARTBEAT_REGION);
    await emit("finish-during-heartbeat", undefined, SLOW_HEARTBEAT_REGION);
    // The first heartbeat (about 2 s after the receive, halfway to visibility) is held by the
    // emulator for 8 s before it is applied; the message would turn visible again meanwhile. In a
    // region of its own, so that no other consumer's heartbeat meets the fault.
    await emulator.injectFault({
      kind: "latency",
      latencyMs: 8_000,
      action: "ChangeMessageVisibility",
      region: SLOW_HEARTBEAT_REGION,
    });
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    let calls = 0;
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal, SLOW_HEARTBEAT_REGION),
      onError: (error) => void errors.push(error),
      handler: async () => {
        calls++;
        // Finish once the heartbeat has reached the emulator (the fault is used up).
        await until(async () => (await emulator.listFaults()).length === 0, 30_000);
      },
    });
    // Wait until the held heartbeat has been answered, well after the message would have
    // turned visible (4 s) had it not been deleted.
    await until(
      async () =>
        (await emulator.getRequestLog()).some(
          (e) => e.params.QueueName === queueName && e.action === "ChangeMessageVisibility",
        ),
      45_000,
    );
    await until(async () => (await messagesIn(queueName, SLOW_HEARTBEAT_REGION)).invisible === 0);
    stop.abort();
    const summary = await run;
    expect(calls).toBe(1);
    expect(errors).toEqual([]);
    expect(summary).toMatchObject({ received: 1, handled: 1, failed: 0, errors: 0 });
    expect(await messagesIn(queueName, SLOW_HEARTBEAT_REGION)).toEqual({
      visible: 0,
      invisible: 0,
      delayed: 0,
    });
  });

  it("deletes with the receipt handle a heartbeat brings when MNS applied the heartbeat before the delete", async () => {
    const queueName = await freshQueue(4);
    await emit("heartbeat-applied-first");
    // As on MNS when the heartbeat is applied but its answer is slow: the emulator changes the
    // receipt handle at once, the answer with the new handle comes 3 s later.
    const Library = require("@alicloud/mns");
    const original = Library.prototype.request;
    let heartbeatApplied = false;
    const request = jest.spyOn(Library.prototype, "request").mockImplementation(async function (
      this: unknown,
      ...args: unknown[]
    ) {
      const answer = await original.apply(this, args);
      const ours = String(args[1]).startsWith(`/queues/${queueName}/`);
      if (ours && args[2] === "ChangeVisibility" && !heartbeatApplied) {
        heartbeatApplied = true;
        await new Promise((r) => setTimeout(r, 3_000));
      }
      return answer;
    });
    try {
      const stop = new AbortController();
      const errors: CallbackQueueConsumerError[] = [];
      let calls = 0;
      const run = consumeCallbackQueue({
        ...baseOptions(queueName, stop.signal),
        visibilityExtensionSeconds: 60,
        onError: (error) => void errors.push(error),
        handler: async () => {
          calls++;
          await until(() => heartbeatApplied, 30_000);
        },
      });
      await until(async () => {
        const { visible, invisible } = await messagesIn(queueName);
        return calls === 1 && visible + invisible === 0;
      }, 30_000);
      stop.abort();
      const summary = await run;
      expect(calls).toBe(1);
      expect(errors).toEqual([]);
      expect(summary).toMatchObject({ received: 1, handled: 1, errors: 0 });
      const deletes = (await emulator.getRequestLog()).filter(
        (e) => e.params.QueueName === queueName && e.action === "DeleteMessage",
      );
      expect(deletes.map((e) => e.code)).toEqual(["MessageNotExist", "OK"]);
    } finally {
      request.mockRestore();
    }
  });

  it("reports failed receives without any credential in the message, and keeps trying", async () => {
    const queueName = await freshQueue();
    const stop = new AbortController();
    const errors: CallbackQueueConsumerError[] = [];
    const wrongSecret = "WrongSecretCanary000000000000001";
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      credentials: { accessKeyId: KEY.id, accessKeySecret: wrongSecret },
      onError: (error) => void errors.push(error),
      handler: () => undefined,
    });
    await until(() => errors.length >= 2);
    stop.abort();
    const summary = await run;
    expect(summary.errors).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ operation: "receive", code: "SignatureDoesNotMatch" });
    expect(errors[0].message).toMatch(
      new RegExp(`^receive on queue ${queueName} failed: SignatureDoesNotMatch: `),
    );
    for (const error of errors) {
      expect(error.message).not.toContain(wrongSecret);
      expect(error.message).not.toMatch(/MNS [^:\s]+:[A-Za-z0-9+/]{20,}/);
    }
  });

  it("takes credentials from the provider's chain (environment) and STS tokens", async () => {
    const queueName = await freshQueue(2);
    await emit("env");
    const saved = { ...process.env };
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = KEY.id;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
    const jobs: string[] = [];
    try {
      const stop = new AbortController();
      const { credentials: _none, ...withoutCredentials } = baseOptions(queueName, stop.signal);
      const run = consumeCallbackQueue({
        ...withoutCredentials,
        handler: (event) => void jobs.push(jobOf(event)),
      });
      await until(() => jobs.includes("env"));
      stop.abort();
      await run;
    } finally {
      process.env = saved;
    }
    await emit("sts");
    const stop = new AbortController();
    const run = consumeCallbackQueue({
      ...baseOptions(queueName, stop.signal),
      credentials: async () => ({
        accessKeyId: STS.accessKeyId,
        accessKeySecret: STS.accessKeySecret,
        securityToken: STS.securityToken,
      }),
      handler: (event) => void jobs.push(jobOf(event)),
    });
    await until(() => jobs.includes("sts"));
    await until(async () => (await messagesIn(queueName)).invisible === 0);
    stop.abort();
    await run;
    expect(await messagesIn(queueName)).toEqual({ visible: 0, invisible: 0, delayed: 0 });
    const keys = (await emulator.getRequestLog())
      .filter((e) => e.params.QueueName === queueName && e.action === "BatchReceiveMessage")
      .map((e) => e.accessKeyId);
    expect(new Set(keys)).toEqual(new Set([KEY.id, STS.accessKeyId]));
  });

  it("reports a bad handlerTimeoutSeconds once, not again under stopTimeoutSeconds whose default it is", async () => {
    await expect(
      consumeCallbackQueue({
        queueName: "ice-callback-orders",
        region: REGION,
        accountId: ACCOUNT,
        handler: () => undefined,
        handlerTimeoutSeconds: 43201,
      }),
    ).rejects.toThrow(
      new RangeError(
        "consumeCallbackQueue: invalid options:\n" +
          "  - handlerTimeoutSeconds: must be a whole number from 1 to 43200, got 43201.",
      ),
    );
  });

  it("rejects bad options at once, naming each and the fix", async () => {
    await expect(
      consumeCallbackQueue({
        queueName: "orders",
        region: "",
        accountId: "acct",
        handler: undefined as never,
        batchSize: 17,
        waitSeconds: 31,
        concurrency: 0,
        visibilityExtensionSeconds: 43201,
        handlerTimeoutSeconds: 0,
        stopTimeoutSeconds: 1.5,
      }),
    ).rejects.toThrow(
      [
        "consumeCallbackQueue: invalid options:",
        '  - region: required, e.g. "cn-shanghai".',
        '  - queueName: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
        '  - accountId: must be the account\'s digits, got "acct".',
        "  - handler: required, a function (event, context) => Promise<void>.",
        "  - concurrency: must be a whole number from 1 to 1000, got 0.",
        "  - batchSize: must be a whole number from 1 to 16, got 17.",
        "  - waitSeconds: must be a whole number from 0 to 30, got 31.",
        "  - visibilityExtensionSeconds: must be a whole number from 1 to 43200, got 43201.",
        "  - handlerTimeoutSeconds: must be a whole number from 1 to 43200, got 0.",
        "  - stopTimeoutSeconds: must be a whole number from 0 to 43200, got 1.5.",
      ].join("\n"),
    );
  });
});

test("createMnsClient signs with Alibaba's @alicloud/mns client", async () => {
  const Library = require("@alicloud/mns");
  const request = jest.spyOn(Library.prototype, "request");
  try {
    const client = createMnsClient(ACCOUNT, {
      endpoint: emulator.endpoints[REGION],
      accessKeyId: KEY.id,
      accessKeySecret: KEY.secret,
    });
    const queueName = await freshQueue();
    expect(await client.receive(queueName, 1, 0)).toEqual([]);
    expect(request).toHaveBeenCalledTimes(1);
  } finally {
    request.mockRestore();
  }
});

test("the consumer keeps the secrets of the credentials in use and of the ones before, no older ones", () => {
  const credentials = new RecentCredentials();
  for (let i = 1; i <= 50; i++) {
    credentials.remember({
      accessKeyId: "id",
      accessKeySecret: `secret-${i}`,
      securityToken: `token-${i}`,
    });
    credentials.remember({
      accessKeyId: "id",
      accessKeySecret: `secret-${i}`,
      securityToken: `token-${i}`,
    });
  }
  expect(credentials.secrets()).toEqual(["secret-50", "token-50", "secret-49", "token-49"]);
});

test("messages of the consumer never show an MNS Authorization value (the shared redaction)", () => {
  const signature = createHmac("sha1", "k").update("x").digest("base64");
  expect(redact(`Authorization: MNS ${KEY.id}:${signature} refused`)).toBe(
    "Authorization: MNS [redacted] refused",
  );
});
