/**
 * Environments, ownership and deletion through the real engine: dev and prod stacks of one program
 * side by side, a region claimed twice, adoption of an existing setting, and each deletion policy.
 */
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { EventCallback } from "../../lib/program/eventCallback";
import { REPO_ROOT } from "../../scripts/engine";
import { startE2E, type E2E } from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "multi-region");

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
}, 600_000);
afterAll(async () => {
  await e2e?.dispose();
});

const ORIGINAL = {
  CallbackType: "HTTP",
  CallbackURL: "https://legacy.example.com/hook",
  CallbackQueueName: "",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: "Legacy123Key",
};

test("dev and prod coexist; destroying dev leaves prod untouched; a second stack cannot take a region", async () => {
  const dev = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  // prod's queues exist already and RAM is managed elsewhere: no alicloud plugin involved here.
  const prod = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "prod",
    workDir: dev.workspace.workDir,
  });
  await prod.setConfig("ims:manageQueues", { value: "false" });
  await dev.up();
  await prod.up();
  const prodRegions = ["cn-beijing", "cn-shenzhen", "ap-southeast-1"];
  const prodBefore = await Promise.all(prodRegions.map((r) => e2e.live(r)));
  expect(prodBefore.map((s) => [s.CallbackType, s.CallbackQueueName])).toEqual([
    ["MNS", "ice-callback-prod-beijing"],
    ["MNS", "ice-callback-prod-shenzhen"],
    ["MNS", "ice-callback-prod-singapore"],
  ]);
  expect((await e2e.live("cn-shanghai")).CallbackURL).toBe(
    "https://dev.media.example.com/ims/cn-shanghai",
  );

  // Another stack declaring a different setting for a region prod owns fails and changes nothing.
  const intruder = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "intruder",
    workDir: dev.workspace.workDir,
    program: async () => {
      new EventCallback("beijing", {
        region: "cn-beijing",
        callbackType: "HTTP",
        callbackUrl: "https://intruder.example.com",
        eventTypes: ["ProduceMediaComplete"],
      });
    },
  });
  await expect(intruder.up()).rejects.toThrow(
    /IMS already has an event callback setting in cn-beijing that this stack did not create: MNS to queue "ice-callback-prod-beijing", events .*\. To take it over, set adoptExisting: true/s,
  );
  expect(await e2e.live("cn-beijing")).toEqual(prodBefore[0]);

  await dev.destroy();
  expect(await e2e.live("cn-shanghai")).toMatchObject({ CallbackURL: "", EventTypeList: "" });
  expect(await Promise.all(prodRegions.map((r) => e2e.live(r)))).toEqual(prodBefore);
  expect((await prod.preview({ refresh: true })).changeSummary).toEqual({ same: 7 });
  await prod.destroy();
});

function program(deletionPolicy: "restore" | "clear" | "retain", adoptExisting: boolean) {
  return async () => {
    new EventCallback("sz", {
      region: "cn-shenzhen",
      callbackType: "HTTP",
      callbackUrl: "https://new.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
      adoptExisting,
      deletionPolicy,
    });
  };
}

async function adoptStack(name: string, policy: "restore" | "clear" | "retain"): Promise<Stack> {
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: name,
    program: program(policy, true),
  });
  await e2e.editInConsole("cn-shenzhen", ORIGINAL);
  // The first up records the setting found and writes nothing; the next one writes.
  await expect(stack.up()).rejects.toThrow(
    /Took over the IMS event callback setting in cn-shenzhen/,
  );
  expect(await e2e.live("cn-shenzhen")).toEqual(ORIGINAL);
  await stack.up();
  expect(await e2e.live("cn-shenzhen")).toMatchObject({
    CallbackURL: "https://new.example.com/ims",
    AuthSwitch: "off",
  });
  return stack;
}

test("an existing setting blocks create with a message that shows it without the key; adopting works", async () => {
  await e2e.editInConsole("cn-shenzhen", ORIGINAL);
  const blocked = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "blocked",
    program: program("restore", false),
  });
  const failure = blocked.up();
  await expect(failure).rejects.toThrow(
    'IMS already has an event callback setting in cn-shenzhen that this stack did not create: HTTP to URL "https://legacy.example.com/hook", events FileUploadComplete, authentication on. To take it over, set adoptExisting: true',
  );
  await expect(failure).rejects.not.toThrow(/Legacy123Key/);
  expect(await e2e.live("cn-shenzhen")).toEqual(ORIGINAL);
  await blocked.workspace.removeStack("blocked", { force: true });
});

test("deletionPolicy restore (default) puts the adopted setting back, key included", async () => {
  const stack = await adoptStack("restore", "restore");
  await stack.destroy();
  expect(await e2e.live("cn-shenzhen")).toEqual(ORIGINAL);
});

test("deletionPolicy clear leaves the region with nothing configured", async () => {
  const stack = await adoptStack("clear", "clear");
  await stack.destroy();
  expect(await e2e.live("cn-shenzhen")).toMatchObject({
    CallbackURL: "",
    EventTypeList: "",
    AuthSwitch: "off",
  });
});

test("deletionPolicy retain leaves the setting as the stack wrote it", async () => {
  const stack = await adoptStack("retain", "retain");
  const before = await e2e.live("cn-shenzhen");
  await e2e.resetCounters();
  await stack.destroy();
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
  expect(await e2e.live("cn-shenzhen")).toEqual(before);
});

test("destroy refuses to overwrite a change made outside Pulumi, and succeeds after a refresh", async () => {
  const stack = await adoptStack("edited", "restore");
  await e2e.editInConsole("cn-shenzhen", {
    EventTypeList: "ProduceMediaComplete,SnapshotComplete",
  });
  await expect(stack.destroy()).rejects.toThrow(
    /either it was changed outside Pulumi since this stack last wrote it, or a "pulumi up" of this stack was killed after writing it .*It was left as it is/s,
  );
  expect((await e2e.live("cn-shenzhen")).EventTypeList).toBe(
    "ProduceMediaComplete,SnapshotComplete",
  );
  await stack.refresh();
  await stack.destroy();
  expect(await e2e.live("cn-shenzhen")).toEqual(ORIGINAL);
});
