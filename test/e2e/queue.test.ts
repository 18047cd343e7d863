/**
 * The queue method through the real engine, the real alicloud resource plugin (scripts/alicloud-plugin.sh)
 * and the emulator (Mns-open, RAM, STS, IMS, the MNS data API, IMS's delivery into queues):
 * the mns-queue example's lifecycle (create order, clean preview, drift of the queue and of the
 * policy, destroy order), two stacks of one account, delivery to the consumer, a queue IMS may not
 * write to, and the refusals at preview (wrong region, IMS not activated).
 *
 * What it does not prove: that Alibaba's services behave like the emulator (see the emulator's
 * behaviour switches), or that IMS really needs the policy this package writes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as alicloud from "@pulumi/alicloud";
import type { Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../../scripts/engine";
import { ImsCallback } from "../../lib/program/imsCallback";
import { regionalProviderArgs } from "../../lib/program/regionalProvider";
import { consumeCallbackQueue, type ImsCallbackEvent } from "../../lib/consumer";
import {
  changedResources,
  E2E_ACCESS_KEY_ID,
  E2E_ACCOUNT_ID,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
} from "./support";
import { completed, installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";

const EXAMPLE = path.join(REPO_ROOT, "examples", "mns-queue");
const DEV_REGION = "cn-hangzhou";
const PROD_REGION = "cn-shanghai";

let e2e: E2E;
let inlineProject: string;
let dev: Stack;
const transcript: string[] = [];
const record = (s: string) => transcript.push(s);

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "stack-config" });
  installAlicloudPlugin(e2e.engine);
  inlineProject = fs.mkdtempSync(path.join(os.tmpdir(), "ims-queue-e2e-"));
  fs.writeFileSync(
    path.join(inlineProject, "Pulumi.yaml"),
    "name: ims-queue-e2e\nruntime: nodejs\n",
  );
  dev = await e2e.openStack({ projectDir: EXAMPLE, stackName: "dev" });
  await e2e.useStackCredentials(dev);
  await pointAlicloudAtEmulator(dev, e2e, DEV_REGION);
}, 1_800_000);

afterAll(async () => {
  await e2e?.dispose();
  if (inlineProject) fs.rmSync(inlineProject, { recursive: true, force: true });
});

/** A stack of a small inline program in its own region, wired to the emulator. */
async function inlineStack(
  stackName: string,
  region: string,
  program: () => Promise<Record<string, unknown>>,
): Promise<Stack> {
  const stack = await e2e.openStack({ projectDir: inlineProject, stackName, program });
  await e2e.useStackCredentials(stack);
  await pointAlicloudAtEmulator(stack, e2e, region);
  return stack;
}

async function outputsOf(stack: Stack): Promise<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value]));
}

describe("the mns-queue example", () => {
  let queueName: string;
  let policyName: string;
  let declaredDocument: string;

  test("up creates the queue, the policy and its attachment to IMS's role, then the setting", async () => {
    const up = await dev.up({ onEvent: e2e.collectEvents(), onOutput: record });
    expect(up.summary.result).toBe("succeeded");
    const outputs = await outputsOf(dev);
    queueName = outputs.queueName as string;
    policyName = outputs.policyName as string;
    expect(queueName).toMatch(/^ice-callback-ims-mns-queue-dev-media-events-[0-9a-f]{8}$/);
    expect(policyName).toMatch(/^ims-callback-ims-mns-queue-dev-media-events-[0-9a-f]{8}-send$/);
    expect(outputs.roleName).toBe("AliyunICEDefaultRole");

    const order = completed(e2e.events(), "create");
    const at = (name: string) => order.indexOf(name);
    expect(at("media-events-queue")).toBeGreaterThanOrEqual(0);
    expect(at("media-events-authorization-policy")).toBeLessThan(
      at("media-events-authorization-attachment"),
    );
    expect(at("media-events-queue")).toBeLessThan(at("media-events-setting"));
    expect(at("media-events-authorization-attachment")).toBeLessThan(at("media-events-setting"));
    expect(at("media-events-provider")).toBeLessThan(at("media-events-queue"));

    const queue = await e2e.emulator.getQueue(DEV_REGION, queueName, E2E_ACCOUNT_ID);
    expect(queue?.attributes).toMatchObject({
      PollingWaitSeconds: 20,
      MessageRetentionPeriod: 7 * 24 * 3600,
    });
    const ram = await e2e.emulator.getRam(E2E_ACCOUNT_ID);
    const policy = ram.policies.find((p) => p.name === policyName)!;
    declaredDocument = policy.document;
    expect(JSON.parse(policy.document)).toEqual({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: ["mns:SendMessage", "mns:BatchSendMessage"],
          Resource: [`acs:mns:${DEV_REGION}:${E2E_ACCOUNT_ID}:/queues/${queueName}/messages`],
        },
      ],
    });
    expect(ram.roles.find((r) => r.name === "AliyunICEDefaultRole")?.attachments).toContainEqual({
      policyName,
      policyType: "Custom",
    });
    const live = await e2e.live(DEV_REGION);
    expect(live).toMatchObject({ CallbackType: "MNS", CallbackQueueName: queueName });
    expect(live.EventTypeList.split(",").sort()).toEqual([
      "MediaConvertComplete",
      "ProduceMediaComplete",
    ]);
    expect(await e2e.emulator.getUnhandledCalls()).toEqual([]);
  });

  test("the derived provider keeps the copied AccessKey secret encrypted in the state", async () => {
    const files = e2e.filesUnder(path.join(e2e.engine.stateDir, "backend"));
    const state = files.map((file) => fs.readFileSync(file, "utf8")).join("\n");
    expect(state).toContain("media-events-provider");
    expect(state).not.toContain(E2E_SECRET_CANARY);
  });

  test("a preview afterwards is clean", async () => {
    const preview = await dev.preview({ onEvent: e2e.collectEvents(), onOutput: record });
    expect(changedResources(e2e.events())).toEqual([]);
    expect(Object.keys(preview.changeSummary)).toEqual(["same"]);
  });

  test("an emitted event reaches the consumer exactly once", async () => {
    const report = await e2e.emulator.emitEvent({
      region: DEV_REGION,
      eventType: "ProduceMediaComplete",
      accountId: E2E_ACCOUNT_ID,
      messageBody: { Status: "Success", JobId: "e2e-1" },
    });
    expect([report.outcome, report.target, report.attempts.length]).toEqual([
      "delivered",
      queueName,
      1,
    ]);
    const seen: ImsCallbackEvent[] = [];
    const stop = new AbortController();
    const run = consumeCallbackQueue({
      queueName,
      region: DEV_REGION,
      accountId: E2E_ACCOUNT_ID,
      endpoint: e2e.emulator.endpoints[DEV_REGION],
      credentials: { accessKeyId: E2E_ACCESS_KEY_ID, accessKeySecret: E2E_SECRET_CANARY },
      waitSeconds: 1,
      signal: stop.signal,
      handler: (event) => void seen.push(event),
    });
    await waitFor(() => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate would arrive meanwhile
    stop.abort();
    const summary = await run;
    expect(seen.map((e) => [e.eventType, e.messageBody.JobId, e.userId])).toEqual([
      ["ProduceMediaComplete", "e2e-1", E2E_ACCOUNT_ID],
    ]);
    expect(summary).toMatchObject({ received: 1, handled: 1, failed: 0 });
    expect((await e2e.emulator.getQueue(DEV_REGION, queueName, E2E_ACCOUNT_ID))?.messages).toEqual({
      visible: 0,
      invisible: 0,
      delayed: 0,
    });
  });

  test("an out-of-band change of the queue's attributes or of the policy document shows in preview --refresh, and up --refresh restores them", async () => {
    await e2e.emulator.putQueueAttributes(
      DEV_REGION,
      queueName,
      { PollingWaitSeconds: 5 },
      E2E_ACCOUNT_ID,
    );
    const otherDocument = JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: ["mns:*"], Resource: ["*"] }],
    });
    await e2e.emulator.putPolicyDocument(policyName, otherDocument, E2E_ACCOUNT_ID);

    await dev.preview({ refresh: true, onEvent: e2e.collectEvents(), onOutput: record });
    expect(changedResources(e2e.events())).toEqual(
      expect.arrayContaining([
        { name: "media-events-queue", op: "update", diffs: ["pollingWaitSeconds"] },
        { name: "media-events-authorization-policy", op: "update", diffs: ["policyDocument"] },
      ]),
    );
    expect(changedResources(e2e.events()).filter((c) => c.name === "media-events-setting")).toEqual(
      [],
    );

    const up = await dev.up({ refresh: true, onOutput: record });
    expect(up.summary.result).toBe("succeeded");
    expect(
      (await e2e.emulator.getQueue(DEV_REGION, queueName, E2E_ACCOUNT_ID))?.attributes
        .PollingWaitSeconds,
    ).toBe(20);
    expect(
      (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.find((p) => p.name === policyName)
        ?.document,
    ).toBe(declaredDocument);
    await dev.preview({ refresh: true, onEvent: e2e.collectEvents(), onOutput: record });
    expect(changedResources(e2e.events())).toEqual([]);
  });

  test("a second stack of the same project in the same account, same component names, comes up beside it", async () => {
    const prod = await e2e.openStack({ projectDir: EXAMPLE, stackName: "prod" });
    await e2e.useStackCredentials(prod);
    await pointAlicloudAtEmulator(prod, e2e, PROD_REGION);
    await prod.setConfig("ims:region", { value: PROD_REGION });
    await prod.setConfig("ims:eventTypes[0]", { value: "ProduceMediaComplete" }, true);
    const up = await prod.up({ onOutput: record });
    expect(up.summary.result).toBe("succeeded");
    const prodOutputs = await outputsOf(prod);
    expect(prodOutputs.policyName).not.toBe(policyName);
    expect(prodOutputs.queueName).not.toBe(queueName);
    const names = (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([policyName, prodOutputs.policyName]));
    expect(await e2e.live(PROD_REGION)).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: prodOutputs.queueName,
    });
    expect(await e2e.live(DEV_REGION)).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: queueName,
    });
    await prod.destroy({ onOutput: record });
  });

  test("destroy removes the setting first, then the attachment, then the policy and the queue", async () => {
    const destroy = await dev.destroy({ onEvent: e2e.collectEvents(), onOutput: record });
    expect(destroy.summary.result).toBe("succeeded");
    const order = completed(e2e.events(), "delete");
    const at = (name: string) => order.indexOf(name);
    expect(at("media-events-setting")).toBeGreaterThanOrEqual(0);
    expect(at("media-events-setting")).toBeLessThan(at("media-events-authorization-attachment"));
    expect(at("media-events-setting")).toBeLessThan(at("media-events-queue"));
    expect(at("media-events-authorization-attachment")).toBeLessThan(
      at("media-events-authorization-policy"),
    );
    expect(await e2e.emulator.getQueue(DEV_REGION, queueName, E2E_ACCOUNT_ID)).toBeUndefined();
    const ram = await e2e.emulator.getRam(E2E_ACCOUNT_ID);
    expect(ram.policies.map((p) => p.name)).not.toContain(policyName);
    expect(ram.roles.find((r) => r.name === "AliyunICEDefaultRole")).toBeDefined();
    expect(await e2e.live(DEV_REGION)).toMatchObject({ CallbackQueueName: "" });
  });
});

describe("renaming and destroying a queue that holds messages", () => {
  const REGION = "ap-southeast-1";
  const FIRST = "ice-callback-rename-first";
  const SECOND = "ice-callback-rename-second";
  let declared = { queueName: FIRST, deleteWithMessages: false };
  let stack: Stack;
  const sent: Promise<string>[] = [];
  const jobIds = new Set<string>();
  let sending = false;
  let sender: Promise<void> | undefined;

  /** Emits an event every 100 ms until stopped; each promise resolves to the delivery's outcome. */
  function startSending(): void {
    sending = true;
    sender = (async () => {
      while (sending) {
        const jobId = `rename-${sent.length}`;
        jobIds.add(jobId);
        sent.push(
          e2e.emulator
            .emitEvent({
              region: REGION,
              eventType: "ProduceMediaComplete",
              accountId: E2E_ACCOUNT_ID,
              messageBody: { Status: "Success", JobId: jobId },
            })
            .then((report) => `${report.outcome}:${report.target}`),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  }
  async function stopSending(): Promise<string[]> {
    sending = false;
    await sender;
    return Promise.all(sent);
  }
  const messagesIn = async (queue: string) =>
    (await e2e.emulator.getQueue(REGION, queue, E2E_ACCOUNT_ID))?.messages;
  /** Consumes the queue until it stays empty; the job ids received. */
  async function drain(queue: string): Promise<string[]> {
    const seen: string[] = [];
    const stop = new AbortController();
    const run = consumeCallbackQueue({
      queueName: queue,
      region: REGION,
      accountId: E2E_ACCOUNT_ID,
      endpoint: e2e.emulator.endpoints[REGION],
      credentials: { accessKeyId: E2E_ACCESS_KEY_ID, accessKeySecret: E2E_SECRET_CANARY },
      waitSeconds: 1,
      signal: stop.signal,
      handler: (event) => void seen.push(String(event.messageBody.JobId)),
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = await messagesIn(queue);
      if (left && left.visible + left.invisible + left.delayed === 0) break;
      if (Date.now() > deadline) throw new Error(`queue ${queue} not drained in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
    stop.abort();
    await run;
    return seen;
  }

  beforeAll(async () => {
    stack = await inlineStack("rename", REGION, async () => {
      const cb = new ImsCallback("renamed", {
        region: REGION,
        queue: { name: declared.queueName, deleteWithMessages: declared.deleteWithMessages },
        eventTypes: ["ProduceMediaComplete"],
      });
      return { queueName: cb.queueName, policyName: cb.policyName };
    });
    const up = await stack.up({ onOutput: record });
    expect(up.summary.result).toBe("succeeded");
  });

  test("a rename while events are sent drops none and deletes none unread: preview warns with the count, the old queue's delete is refused with it, a second up after draining deletes it", async () => {
    const firstPolicy = (await outputsOf(stack)).policyName as string;
    startSending();
    await waitFor(() => sent.length >= 10);
    declared = { queueName: SECOND, deleteWithMessages: false };

    const previewOutput: string[] = [];
    await stack.preview({ onOutput: (s) => previewOutput.push(s) });
    const previewText = previewOutput.join("");
    record(previewText);
    const failure = await stack.up({ onOutput: record }).then(
      () => "the update succeeded",
      (error: Error) => error.message,
    );
    await new Promise((r) => setTimeout(r, 1500)); // events sent to the new queue after the move
    const outcomes = await stopSending();
    const inFirst = outcomes.filter((o) => o === `delivered:${FIRST}`).length;
    const inSecond = outcomes.filter((o) => o === `delivered:${SECOND}`).length;
    const leftInFirst = (await messagesIn(FIRST))?.visible ?? 0;
    const measured = `rename: ${outcomes.length} events sent, ${inFirst} delivered to the old queue, ${inSecond} to the new, ${outcomes.length - inFirst - inSecond} not delivered; the old queue ${leftInFirst === inFirst ? "still holds all" : `holds ${leftInFirst}`} of its ${inFirst}`;
    record(measured);
    console.log(measured);

    // No event dropped: the old grant stayed until the setting had moved.
    expect(outcomes.filter((o) => !o.startsWith("delivered:"))).toEqual([]);
    expect(inSecond).toBeGreaterThan(0);
    // None deleted unread: the old queue is still there with every event sent to it.
    expect(await messagesIn(FIRST)).toEqual({ visible: inFirst, invisible: 0, delayed: 0 });
    expect(await e2e.live(REGION)).toMatchObject({ CallbackQueueName: SECOND });
    expect(previewText).toMatch(
      new RegExp(
        `Queue "${FIRST}" in ${REGION} holds \\d+ messages? \\(\\d+ visible, \\d+ received and not deleted, \\d+ delayed\\)\\. This update replaces it`,
      ),
    );
    expect(failure).toMatch(new RegExp(`Queue "${FIRST}" in ${REGION} still holds \\d+ messages?`));
    expect(failure).toContain("deleteWithMessages: true");

    const drained = [...(await drain(FIRST)), ...(await drain(SECOND))];
    expect(drained.sort()).toEqual([...jobIds].sort());

    const up = await stack.up({ onOutput: record });
    expect(up.summary.result).toBe("succeeded");
    expect(await e2e.emulator.getQueue(REGION, FIRST, E2E_ACCOUNT_ID)).toBeUndefined();
    const policies = (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.map((p) => p.name);
    const secondPolicy = (await outputsOf(stack)).policyName as string;
    expect(secondPolicy).not.toBe(firstPolicy);
    expect(policies).toContain(secondPolicy);
    expect(policies).not.toContain(firstPolicy);
  });

  test("destroy of a queue holding messages is refused with the count and the fix after the setting is gone; with deleteWithMessages it deletes", async () => {
    for (const jobId of ["kept-1", "kept-2", "kept-3"]) {
      const report = await e2e.emulator.emitEvent({
        region: REGION,
        eventType: "ProduceMediaComplete",
        accountId: E2E_ACCOUNT_ID,
        messageBody: { Status: "Success", JobId: jobId },
      });
      expect(report.outcome).toBe("delivered");
    }
    const failure = await failureOf(stack.destroy({ onOutput: record }));
    expect(failure).toContain(
      `Queue "${SECOND}" in ${REGION} still holds 3 messages (3 visible, 0 received and not deleted, 0 delayed); deleting it would delete them unread`,
    );
    expect(failure).toContain("set queue: { deleteWithMessages: true } on the ImsCallback");
    expect(await messagesIn(SECOND)).toEqual({ visible: 3, invisible: 0, delayed: 0 });
    expect(await e2e.live(REGION)).toMatchObject({ CallbackQueueName: "" });

    declared = { queueName: SECOND, deleteWithMessages: true };
    expect((await stack.up({ onOutput: record })).summary.result).toBe("succeeded");
    expect((await stack.destroy({ onOutput: record })).summary.result).toBe("succeeded");
    expect(await e2e.emulator.getQueue(REGION, SECOND, E2E_ACCOUNT_ID)).toBeUndefined();
  });
});

describe("delivery and refusals", () => {
  test("a handler that fails sees the event again after the queue's visibility timeout", async () => {
    const stack = await inlineStack("redelivery", "cn-shenzhen", async () => {
      const cb = new ImsCallback("redelivery", {
        region: "cn-shenzhen",
        queue: { options: { visibilityTimeout: 2 } },
        eventTypes: ["ProduceMediaComplete"],
      });
      return { queueName: cb.queueName };
    });
    await stack.up({ onOutput: record });
    const queueName = (await outputsOf(stack)).queueName as string;
    await e2e.emulator.emitEvent({
      region: "cn-shenzhen",
      eventType: "ProduceMediaComplete",
      accountId: E2E_ACCOUNT_ID,
      messageBody: { Status: "Success", JobId: "again" },
    });
    const attempts: number[] = [];
    const stop = new AbortController();
    const run = consumeCallbackQueue({
      queueName,
      region: "cn-shenzhen",
      accountId: E2E_ACCOUNT_ID,
      endpoint: e2e.emulator.endpoints["cn-shenzhen"],
      credentials: { accessKeyId: E2E_ACCESS_KEY_ID, accessKeySecret: E2E_SECRET_CANARY },
      waitSeconds: 1,
      signal: stop.signal,
      onError: () => undefined,
      handler: (_event, { message }) => {
        attempts.push(Date.now());
        if (message.dequeueCount === 1) throw new Error("not yet");
      },
    });
    await waitFor(() => attempts.length >= 2);
    stop.abort();
    const summary = await run;
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(1900);
    expect(summary).toMatchObject({ received: 2, handled: 1, failed: 1 });
    await stack.destroy({ onOutput: record });
  });

  test("a queue IMS is not authorized to write to records three failed delivery attempts and the event is dropped", async () => {
    const stack = await inlineStack("unauthorized", "cn-beijing", async () => {
      const cb = new ImsCallback("unauthorized", {
        region: "cn-beijing",
        queue: {},
        skipAuthorization: true,
        eventTypes: ["ProduceMediaComplete"],
      });
      return { queueName: cb.queueName };
    });
    await stack.up({ onOutput: record });
    const queueName = (await outputsOf(stack)).queueName as string;
    const report = await e2e.emulator.emitEvent({
      region: "cn-beijing",
      eventType: "ProduceMediaComplete",
      accountId: E2E_ACCOUNT_ID,
    });
    expect([report.outcome, report.method, report.target]).toEqual(["dropped", "MNS", queueName]);
    expect(report.attempts).toHaveLength(3);
    for (const attempt of report.attempts) expect(attempt.error).toMatch(/AccessDenied/);
    expect((await e2e.emulator.getDeliveries()).at(-1)).toEqual(report);
    expect(
      (await e2e.emulator.getQueue("cn-beijing", queueName, E2E_ACCOUNT_ID))?.messages,
    ).toEqual({ visible: 0, invisible: 0, delayed: 0 });
    await stack.destroy({ onOutput: record });
  });

  test("a queue in another region than the setting is refused at preview, and by up, nothing created", async () => {
    const stack = await inlineStack("wrong-region", "cn-shenzhen", async () => {
      // Configured like the stack's default provider (credentials, endpoints), but for Beijing.
      const beijing = new alicloud.Provider("beijing", regionalProviderArgs("cn-beijing"));
      const cb = new ImsCallback(
        "misplaced",
        { region: "cn-shenzhen", queue: {}, eventTypes: ["ProduceMediaComplete"] },
        { provider: beijing },
      );
      return { queueName: cb.queueName };
    });
    await e2e.resetCounters();
    const expected =
      'ImsCallback "misplaced": the alicloud provider given in the component\'s options is for region "cn-beijing", but region is "cn-shenzhen".';
    expect(await failureOf(stack.preview({ onOutput: record }))).toContain(expected);
    // The Automation API's up skips the preview: the queue's empty name keeps it from being created.
    await failureOf(stack.up({ onOutput: record }));
    expect(await createdFor("misplaced")).toEqual({ queues: [], policies: [] });
    expect(await writesIn(await e2e.emulator.getCounters(), ["SetEventCallback"])).toEqual([]);
  });

  test("in an account where IMS is not activated, preview and up fail naming the missing role and the fix, nothing created", async () => {
    await e2e.emulator.setImsActivated(false, E2E_ACCOUNT_ID);
    try {
      const stack = await inlineStack("not-activated", "cn-shenzhen", async () => {
        const cb = new ImsCallback("inactive", {
          region: "cn-shenzhen",
          queue: {},
          eventTypes: ["ProduceMediaComplete"],
        });
        return { queueName: cb.queueName };
      });
      await e2e.resetCounters();
      for (const run of [
        () => stack.preview({ onOutput: record }),
        () => stack.up({ onOutput: record }),
      ]) {
        const failure = await failureOf(run());
        expect(failure).toContain(
          "IMS's service role AliyunICEDefaultRole does not exist in this account",
        );
        expect(failure).toContain("Activate Intelligent Media Services in the account");
      }
      expect(await createdFor("inactive")).toEqual({ queues: [], policies: [] });
      expect(
        await writesIn(await e2e.emulator.getCounters(), [
          "SetEventCallback",
          "AttachPolicyToRole",
        ]),
      ).toEqual([]);
    } finally {
      await e2e.emulator.setImsActivated(true, E2E_ACCOUNT_ID);
    }
  });

  test("no AccessKey secret in anything the engine printed", () => {
    expect(transcript.length).toBeGreaterThan(0);
    expect(transcript.join("\n")).not.toContain(E2E_SECRET_CANARY);
  });
});

/** The message of a run that must fail (the engine's output included). */
async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the run to fail");
}

/** The calls among `actions` that the emulator counted. */
async function writesIn(counters: Record<string, unknown>, actions: string[]): Promise<string[]> {
  return Object.keys(counters).filter((action) => actions.includes(action));
}

/** Queues and policies in the account whose names contain `component`. */
async function createdFor(component: string): Promise<{ queues: string[]; policies: string[] }> {
  const queues = (await e2e.emulator.listQueues(undefined, E2E_ACCOUNT_ID)).map((q) => q.name);
  const policies = (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.map((p) => p.name);
  return {
    queues: queues.filter((n) => n.includes(component)),
    policies: policies.filter((n) => n.includes(component)),
  };
}

async function waitFor(predicate: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
