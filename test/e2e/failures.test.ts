/**
 * Failure cases through the real engine: invalid input stops at preview with no API call,
 * throttling and 5xx are retried, a hard failure half way converges on the next up, and state
 * written by an earlier version of the provider still refreshes and deletes.
 */
import * as path from "node:path";
import { EventCallback } from "../../lib/program/eventCallback";
import { REPO_ROOT } from "../../scripts/engine";
import { startE2E, type E2E } from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "http-callback");

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
}, 600_000);
afterAll(async () => {
  await e2e?.dispose();
});

test("invalid input fails preview naming each property and its fix, with zero API calls", async () => {
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "invalid",
    program: async () => {
      new EventCallback("bad", {
        region: "cn-shanghai",
        callbackType: "MNS",
        queueName: "orders",
        eventTypes: [],
        authKey: "weak",
      });
    },
  });
  await e2e.resetCounters();
  const failure = stack.preview();
  await expect(failure).rejects.toThrow(
    'queueName: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
  );
  await expect(failure).rejects.toThrow("eventTypes: must list at least one event type");
  await expect(failure).rejects.toThrow(
    'authKey: callback authentication applies to the HTTP method only. Remove authKey, or use callbackType "HTTP".',
  );
  await expect(stack.up()).rejects.toThrow("queueName:");
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
  expect(await e2e.live("cn-shanghai")).toMatchObject({ EventTypeList: "" });
});

test("soft problems are warnings in the engine's output and do not stop the preview", async () => {
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "warnings",
    program: async () => {
      new EventCallback("warn", {
        region: "cn-shanghai",
        callbackType: "HTTP",
        callbackUrl: "http://media.example.com/ims",
        eventTypes: ["ProduceMediaComplet", "TranscodeComplete"],
      });
    },
  });
  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ create: 2 });
  expect(preview.stdout).toContain("callbackUrl: uses plain http");
  expect(preview.stdout).toContain(
    'eventTypes: "ProduceMediaComplet" is not in the known event catalogue; did you mean "ProduceMediaComplete"?',
  );
  expect(preview.stdout).toContain(
    'eventTypes: "TranscodeComplete" is retired by IMS on 2025-12-31',
  );
  await stack.workspace.removeStack("warnings");
});

test("the example program: a bad config value is reported by property at preview, nothing applied", async () => {
  const stack = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  await stack.setConfig("ims:callbackUrl", { value: "ftp://media.example.com/x" });
  await e2e.resetCounters();
  await expect(stack.preview()).rejects.toThrow(
    'callbackUrl: must be an http:// or https:// URL, got "ftp://media.example.com/x".',
  );
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
  await stack.setConfig("ims:callbackUrl", { value: "https://media.example.com/ims/events" });
});

test("throttling and 5xx are retried and up succeeds", async () => {
  const stack = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  await e2e.resetCounters();
  await e2e.emulator.injectFault({
    action: "SetEventCallback",
    region: "cn-shanghai",
    kind: "throttle",
    count: 2,
  });
  await e2e.emulator.injectFault({
    action: "GetEventCallback",
    region: "cn-shanghai",
    kind: "server-error",
    count: 1,
  });
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  // Get (1 failed + 1) + Set (2 throttled + 1) + read-back Get.
  expect(await e2e.apiCalls()).toEqual({ get: 3, set: 3 });
  expect(await e2e.live("cn-shanghai")).toMatchObject({
    CallbackURL: "https://media.example.com/ims/events",
  });
  await stack.destroy();
});

test("a hard failure half way leaves the state consistent and the next up converges", async () => {
  const stack = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  // The Set lands, then every read-back fails: create fails after changing IMS.
  await e2e.emulator.injectFault({
    action: "GetEventCallback",
    region: "cn-shanghai",
    kind: "server-error",
    count: 5,
    skip: 1,
  });
  await expect(stack.up()).rejects.toThrow(
    /IMS GetEventCallback in cn-shanghai failed: .*after 5 attempts/s,
  );
  // The write landed: the resource is recorded anyway (partial state), with nothing found before it.
  const state = JSON.parse(await e2e.run(stack, ["stack", "export"]));
  const recorded = state.deployment.resources.filter(
    (r: { type: string }) => r.type === "pulumi-nodejs:dynamic/ims:EventCallback",
  );
  expect(recorded).toEqual([
    expect.objectContaining({
      id: "cn-shanghai",
      initErrors: [expect.stringMatching(/could not be confirmed/)],
    }),
  ]);
  expect((await e2e.live("cn-shanghai")).CallbackURL).toBe("https://media.example.com/ims/events");
  // The next up confirms the write and converges.
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect((await stack.preview({ refresh: true })).changeSummary).toMatchObject({ same: 3 });
  // It was the stack's own write: "restore" clears it on destroy.
  await stack.destroy();
  expect(await e2e.live("cn-shanghai")).toMatchObject({ CallbackURL: "", EventTypeList: "" });
});
