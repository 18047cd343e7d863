/**
 * `deletionPolicy: "retain"` with a queue the ImsCallback creates, through the real engine, the real
 * alicloud resource plugin and the emulator (IMS's delivery into queues under RAM): the setting is
 * kept after a destroy, and so are the queue and IMS's grant, so events sent after the destroy are
 * delivered, also once the queue was drained. Before, the destroy deleted the grant (events dropped,
 * AccessDenied) and, once the queue was empty, the queue (QueueNotExist), without a word. The same
 * through the provider plugin's `construct` (the plugin installed from its release archive).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { ImsCallback } from "../../lib/program/imsCallback";
import { consumeCallbackQueue } from "../../lib/consumer";
import {
  E2E_ACCESS_KEY_ID,
  E2E_ACCOUNT_ID,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
  installPluginArchive,
} from "./support";
import { installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";

const REGION = "cn-hangzhou";

let e2e: E2E;
let project: string;
const transcript: string[] = [];
const record = (s: string) => transcript.push(s);

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "stack-config" });
  installAlicloudPlugin(e2e.engine);
  project = fs.mkdtempSync(path.join(os.tmpdir(), "ims-retain-e2e-"));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: ims-retain-e2e\nruntime: nodejs\n");
}, 1_800_000);

afterAll(async () => {
  await e2e?.dispose();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Emits `count` events; the outcome of each (`delivered:<queue>`, or `dropped:<first error>`). */
async function emit(label: string, count: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    const report = await e2e.emulator.emitEvent({
      region: REGION,
      eventType: "ProduceMediaComplete",
      accountId: E2E_ACCOUNT_ID,
      messageBody: { Status: "Success", JobId: `${label}-${i}` },
    });
    outcomes.push(
      report.outcome === "delivered"
        ? `delivered:${report.target}`
        : `${report.outcome}:${report.attempts[0]?.error ?? ""}`,
    );
  }
  return outcomes;
}

/** Consumes the queue until it is empty; the job ids received. */
async function drain(queueName: string): Promise<string[]> {
  const seen: string[] = [];
  const stop = new AbortController();
  const run = consumeCallbackQueue({
    queueName,
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
    const left = (await e2e.emulator.getQueue(REGION, queueName, E2E_ACCOUNT_ID))?.messages;
    if (left && left.visible + left.invisible + left.delayed === 0) break;
    if (Date.now() > deadline) throw new Error(`queue ${queueName} not drained in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
  stop.abort();
  await run;
  return seen;
}

test('deletionPolicy "retain" with a created queue: preview says the queue and the grant stay; after destroy, and after draining, every event is delivered', async () => {
  const stack: Stack = await e2e.openStack({
    projectDir: project,
    stackName: "retained",
    program: async () => {
      const cb = new ImsCallback("kept", {
        region: REGION,
        queue: {},
        eventTypes: ["ProduceMediaComplete"],
        deletionPolicy: "retain",
      });
      return { queueName: cb.queueName, policyName: cb.policyName };
    },
  });
  await e2e.useStackCredentials(stack);
  await pointAlicloudAtEmulator(stack, e2e, REGION);

  let previewText = "";
  await stack.preview({ onOutput: (s) => (previewText += s) });
  record(previewText);
  expect((await stack.up({ onOutput: record })).summary.result).toBe("succeeded");
  const outputs = await stack.outputs();
  const queueName = outputs.queueName.value as string;
  const policyName = outputs.policyName.value as string;
  expect(previewText).toContain(
    `ImsCallback "kept": deletionPolicy "retain" leaves the setting in ${REGION} pointing at queue "${queueName}" ` +
      `when the stack is destroyed or this component removed, so the queue "${queueName}" and IMS's permission to write ` +
      `to it (RAM policy "${policyName}" and its attachment to AliyunICEDefaultRole) are kept too`,
  );

  // Unread messages in the queue: before, the guard refused the destroy after the grant was gone.
  const beforeDestroy = await emit("before", 3);
  const destroyed = await stack.destroy({ onOutput: record }).then(
    (result) => result.summary.result,
    (error: Error) => `failed: ${error.message.slice(0, 300)}`,
  );
  const afterDestroy = await emit("after-destroy", 3);
  const received = await drain(queueName);
  const afterDrain = await emit("after-drain", 3);
  const delivered = (list: string[]) => list.filter((o) => o === `delivered:${queueName}`).length;
  const measured =
    `retain: destroy ${destroyed}; events delivered before destroy ${delivered(beforeDestroy)} of 3, ` +
    `after destroy ${delivered(afterDestroy)} of 3, after draining ${delivered(afterDrain)} of 3 ` +
    `(${[...afterDestroy, ...afterDrain].filter((o) => !o.startsWith("delivered:")).join(", ") || "none dropped"})`;
  record(measured);
  console.log(measured);

  expect(destroyed).toBe("succeeded");
  expect([...beforeDestroy, ...afterDestroy, ...afterDrain]).toEqual(
    Array(9).fill(`delivered:${queueName}`),
  );
  expect(received.sort()).toEqual(
    [
      "before-0",
      "before-1",
      "before-2",
      "after-destroy-0",
      "after-destroy-1",
      "after-destroy-2",
    ].sort(),
  );
  // What stays: the setting, the queue, the policy attached to IMS's role; the stack holds nothing.
  expect(await e2e.live(REGION)).toMatchObject({
    CallbackType: "MNS",
    CallbackQueueName: queueName,
  });
  expect(await e2e.emulator.getQueue(REGION, queueName, E2E_ACCOUNT_ID)).toBeDefined();
  const ram = await e2e.emulator.getRam(E2E_ACCOUNT_ID);
  expect(ram.policies.map((p) => p.name)).toContain(policyName);
  expect(ram.roles.find((r) => r.name === "AliyunICEDefaultRole")?.attachments).toContainEqual({
    policyName,
    policyType: "Custom",
  });
  expect((await stack.exportStack()).deployment.resources ?? []).toEqual([]);
  expect(transcript.join("\n")).not.toContain(E2E_SECRET_CANARY);
}, 600_000);

test("the provider plugin's ImsCallback (construct) keeps the queue and the grant the same way: events delivered after destroy", async () => {
  // The plugin from its release archive, as plugin.test.ts installs it; the installed archive, not
  // the launcher npm links into node_modules/.bin.
  const version = (require("../../package.json") as { version: string }).version;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "ims-retain-plugin-"));
  try {
    const env = { ...e2e.engine.env, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" };
    await installPluginArchive(work, env);

    const region = "cn-shanghai";
    const stack = await e2e.openStack({
      projectDir: project,
      stackName: "plugin-retained",
      env: {
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        ALIBABA_CLOUD_ACCESS_KEY_ID: E2E_ACCESS_KEY_ID,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: E2E_SECRET_CANARY,
      },
      program: async () => {
        const media = new pulumi.ComponentResource(
          "alicloud-ims-callback:index:ImsCallback",
          "plugin-kept",
          {
            region,
            queue: {},
            eventTypes: ["ProduceMediaComplete"],
            deletionPolicy: "retain",
            queueName: undefined,
            policyName: undefined,
          },
          { version },
          true,
        ) as pulumi.ComponentResource & Record<string, pulumi.Output<unknown>>;
        return { queueName: media.queueName, policyName: media.policyName };
      },
    });
    await e2e.useStackCredentials(stack);
    await pointAlicloudAtEmulator(stack, e2e, region);
    let upText = "";
    const up = await stack.up({ onOutput: (s) => (upText += s) });
    record(upText);
    const queueName = up.outputs.queueName.value as string;
    const policyName = up.outputs.policyName.value as string;
    expect(upText).toContain(
      `ImsCallback "plugin-kept": deletionPolicy "retain" leaves the setting in ${region} pointing at queue "${queueName}"`,
    );

    await e2e.emulator.emitEvent({
      region,
      eventType: "ProduceMediaComplete",
      accountId: E2E_ACCOUNT_ID,
    });
    expect((await stack.destroy({ onOutput: record })).summary.result).toBe("succeeded");
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const report = await e2e.emulator.emitEvent({
        region,
        eventType: "ProduceMediaComplete",
        accountId: E2E_ACCOUNT_ID,
      });
      outcomes.push(`${report.outcome}:${report.target}`);
    }
    expect(outcomes).toEqual(Array(3).fill(`delivered:${queueName}`));
    expect((await e2e.emulator.getQueue(region, queueName, E2E_ACCOUNT_ID))?.messages.visible).toBe(
      4,
    );
    expect((await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.map((p) => p.name)).toContain(
      policyName,
    );
    expect(transcript.join("\n")).not.toContain(E2E_SECRET_CANARY);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}, 900_000);
