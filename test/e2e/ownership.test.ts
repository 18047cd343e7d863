/**
 * Who owns a region, through the real engine and the emulator: an up interrupted after its write
 * (read-back failing, or the CLI killed) never leaves the stack's own write to be kept on destroy as
 * if someone else had made it; a second stack cannot co-own a region by declaring the same setting;
 * two stacks creating in one region at the same moment do not both succeed. Plus the preview-time
 * refusal of callback URLs IMS would refuse, without printing a password they hold.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { EventCallback } from "../../lib/program/eventCallback";
import { REPO_ROOT } from "../../scripts/engine";
import { E2E_AUTH_KEY, startE2E, type E2E } from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "http-callback");
const EVENT_CALLBACK = "pulumi-nodejs:dynamic/ims:EventCallback";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
}, 600_000);
afterAll(async () => {
  await e2e?.dispose();
});

interface Declared {
  region: string;
  url: string;
  adoptExisting?: boolean;
  deletionPolicy?: "restore" | "clear" | "retain";
}
async function stackOf(name: string, declared: Declared, raceCheckDelayMs = 0): Promise<Stack> {
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: name,
    program: async () => {
      new EventCallback("callback", {
        region: declared.region,
        callbackType: "HTTP",
        callbackUrl: declared.url,
        eventTypes: ["ProduceMediaComplete"],
        authKey: pulumi.secret(E2E_AUTH_KEY),
        adoptExisting: declared.adoptExisting ?? false,
        deletionPolicy: declared.deletionPolicy ?? "restore",
      });
    },
  });
  await stack.setConfig("ims-callback:raceCheckDelayMs", { value: String(raceCheckDelayMs) });
  return stack;
}
async function eventCallbackIn(
  stack: Stack,
): Promise<{ outputs: Record<string, unknown>; initErrors?: string[] } | undefined> {
  const state = await stack.exportStack();
  return (state.deployment.resources ?? []).find(
    (r: { type: string }) => r.type === EVENT_CALLBACK,
  );
}
const EMPTY = {
  CallbackType: "",
  CallbackURL: "",
  EventTypeList: "",
  AuthSwitch: "off",
  AuthKey: "",
};

test("an up whose write landed but whose read-back failed records the resource; the next up completes it; destroy clears the region", async () => {
  const stack = await stackOf("unconfirmed", {
    region: "cn-hangzhou",
    url: "https://own.example.com/ims",
  });
  await e2e.emulator.injectFault({
    action: "GetEventCallback",
    region: "cn-hangzhou",
    kind: "server-error",
    count: 5,
    skip: 1,
  });
  await expect(stack.up()).rejects.toThrow(
    /IMS SetEventCallback in cn-hangzhou was sent but could not be confirmed: .*The resource is recorded with the setting it wrote/s,
  );
  expect((await e2e.live("cn-hangzhou")).CallbackURL).toBe("https://own.example.com/ims");

  const recorded = await eventCallbackIn(stack);
  expect(recorded?.initErrors?.[0]).toMatch(/could not be confirmed/);
  expect(recorded?.outputs).toMatchObject({
    region: "cn-hangzhou",
    callbackUrl: "https://own.example.com/ims",
    unconfirmedWrite: true,
  });
  // Partial state gets the same secret outputs as a finished create: the key is encrypted.
  expect(await e2e.run(stack, ["stack", "export"])).not.toContain(E2E_AUTH_KEY);

  await e2e.resetCounters();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(await e2e.apiCalls()).toEqual({ get: 1, set: 0 });
  expect((await eventCallbackIn(stack))?.outputs).not.toHaveProperty("unconfirmedWrite");

  // Nothing was configured before: "restore" clears what the stack wrote.
  await stack.destroy();
  expect(await e2e.live("cn-hangzhou")).toMatchObject(EMPTY);
}, 300_000);

test("an up killed after its write: the next up refuses the unrecorded setting naming the way back, which then ends with a clear region", async () => {
  const declared: Declared = { region: "cn-beijing", url: "https://own.example.com/killed" };
  // A long read-back delay holds the provider between its write and the engine's record.
  const stack = await stackOf("killed", declared, 60_000);
  const running = stack.up();
  await waitFor(async () => (await e2e.live("cn-beijing")).CallbackURL === declared.url, 60_000);
  const killed = killCliProcessTree(e2e.engine.root);
  expect(killed.length).toBeGreaterThan(0);
  await expect(running).rejects.toThrow();
  // What a user does after a crash: the file backend keeps the dead run's lock until cancelled.
  await e2e.run(stack, ["cancel", "--yes"]);

  const state = await stack.exportStack();
  expect(
    state.deployment.resources?.find((r: { type: string }) => r.type === EVENT_CALLBACK),
  ).toBeUndefined();
  expect(state.deployment.pending_operations).toEqual([
    expect.objectContaining({ type: "creating" }),
  ]);

  await stack.setConfig("ims-callback:raceCheckDelayMs", { value: "0" });
  await e2e.resetCounters();
  const refused = stack.up();
  await expect(refused).rejects.toThrow(
    /IMS already has an event callback setting in cn-beijing that this stack did not create: HTTP to URL "https:\/\/own.example.com\/killed", events ProduceMediaComplete, authentication on, identical to the one declared here\. .*If it is this stack's own write from a "pulumi up" killed before the engine recorded it .*set adoptExisting: true with deletionPolicy: "clear"/s,
  );
  await expect(refused).rejects.not.toThrow(E2E_AUTH_KEY);
  expect(await e2e.apiCalls()).toEqual({ get: 1, set: 0 });

  // The way back the message names.
  const resumed = await stackOf("killed", {
    ...declared,
    adoptExisting: true,
    deletionPolicy: "clear",
  });
  await resumed.up();
  await resumed.refresh({ clearPendingCreates: true });
  expect((await resumed.exportStack()).deployment.pending_operations ?? []).toEqual([]);
  await resumed.destroy();
  expect(await e2e.live("cn-beijing")).toMatchObject(EMPTY);
}, 300_000);

test("a takeover killed at each step never loses the previous owner's setting: destroy puts it back", async () => {
  const region = "ap-southeast-1";
  const theirs = {
    CallbackType: "HTTP",
    CallbackURL: "https://theirs.example.com/hook",
    CallbackQueueName: "",
    EventTypeList: "FileUploadComplete",
    AuthSwitch: "on",
    AuthKey: "TheirKey9Abc",
  };
  await e2e.editInConsole(region, theirs);
  const declared: Declared = {
    region,
    url: "https://own.example.com/takeover",
    adoptExisting: true,
  };
  const stack = await stackOf("takeover", declared);
  const killedUp = async (faultSkip: number, killWhen: () => Promise<boolean>) => {
    await e2e.resetCounters();
    // Holds the provider in a read (the create's, or the read-back after the takeover's write).
    await e2e.emulator.injectFault({
      action: "GetEventCallback",
      region,
      kind: "latency",
      latencyMs: 60_000,
      skip: faultSkip,
      count: 1,
    });
    const running = stack.up();
    await waitFor(killWhen, 60_000);
    expect(killCliProcessTree(e2e.engine.root).length).toBeGreaterThan(0);
    await expect(running).rejects.toThrow();
    await e2e.run(stack, ["cancel", "--yes"]);
    await e2e.resetCounters();
  };

  // 1. Killed in the create's read: nothing recorded, nothing written.
  await killedUp(0, async () => (await e2e.apiCalls()).get >= 1);
  expect(await e2e.live(region)).toEqual(theirs);
  await stack.refresh({ clearPendingCreates: true });

  // 2. The create records what it found and writes nothing; the up says to run it again.
  await expect(stack.up()).rejects.toThrow(
    /Took over the IMS event callback setting in ap-southeast-1: recorded the setting found there \(HTTP to URL "https:\/\/theirs.example.com\/hook", events FileUploadComplete, authentication on\) as the one destroy puts back, and wrote nothing yet\. Run "pulumi up" again/,
  );
  expect(await e2e.apiCalls()).toEqual({ get: 1, set: 0 });
  expect(await e2e.live(region)).toEqual(theirs);
  expect((await eventCallbackIn(stack))?.outputs).toMatchObject({ unconfirmedWrite: true });
  expect(await e2e.run(stack, ["stack", "export"])).not.toContain(theirs.AuthKey);

  // 3. The next up is killed after its write landed, in the read-back.
  await killedUp(1, async () => (await e2e.live(region)).CallbackURL === declared.url);
  expect((await e2e.live(region)).CallbackURL).toBe(declared.url);

  // 4. The up after it finds its own write and completes without writing again.
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(await e2e.apiCalls()).toEqual({ get: 1, set: 0 });
  expect((await eventCallbackIn(stack))?.outputs).not.toHaveProperty("unconfirmedWrite");

  await stack.destroy();
  expect(await e2e.live(region)).toEqual(theirs);
}, 300_000);

test("a takeover that never wrote leaves the previous owner's newer setting as it finds it: refresh then destroy writes nothing and says so", async () => {
  const region = "ap-southeast-1";
  const theirs = {
    CallbackType: "HTTP",
    CallbackURL: "https://theirs.example.com/first",
    CallbackQueueName: "",
    EventTypeList: "FileUploadComplete",
    AuthSwitch: "on",
    AuthKey: "TheirFirstKey7Ab",
  };
  const theirsNewer = {
    ...theirs,
    CallbackURL: "https://theirs.example.com/newer",
    AuthKey: "TheirNewerKey4Cd",
  };
  await e2e.editInConsole(region, theirs);
  const stack = await stackOf("takeover-newer", {
    region,
    url: "https://own.example.com/takeover-newer",
    adoptExisting: true,
  });

  // Run 1 records what it found and writes nothing.
  await expect(stack.up()).rejects.toThrow(/Took over the IMS event callback setting in/);
  expect(await e2e.live(region)).toEqual(theirs);

  // The previous owner changes the region in the console: run 2 refuses to write over it.
  await e2e.editInConsole(region, theirsNewer);
  await expect(stack.up()).rejects.toThrow(/someone else wrote the region\. It was left as it is/);
  expect(await e2e.live(region)).toEqual(theirsNewer);

  // What the refusal advised: refresh, then destroy. This stack never wrote the region.
  await e2e.resetCounters();
  await stack.refresh();
  let output = "";
  await stack.destroy({ onOutput: (text) => (output += text) });
  expect(await e2e.live(region)).toEqual(theirsNewer);
  expect(await e2e.apiCalls()).toMatchObject({ set: 0 });
  expect(output).toMatch(
    /This stack never wrote the IMS event callback setting in ap-southeast-1 .*left as it is/s,
  );
  expect(output).toContain("https://theirs.example.com/newer");
  for (const key of [theirs.AuthKey, theirsNewer.AuthKey, E2E_AUTH_KEY]) {
    expect(output).not.toContain(key);
  }
}, 300_000);

test("a second stack declaring the identical setting is refused; the owner's destroy clears the region; then the second may create", async () => {
  const declared: Declared = { region: "cn-shenzhen", url: "https://shared.example.com/ims" };
  const owner = await stackOf("owner", declared);
  await owner.up();
  const owned = await e2e.live("cn-shenzhen");

  const second = await stackOf("second", declared);
  await e2e.resetCounters();
  await expect(second.up()).rejects.toThrow(
    /that this stack did not create: .*identical to the one declared here\. A setting this stack has not recorded is someone else's even when identical/s,
  );
  expect(await e2e.apiCalls()).toEqual({ get: 1, set: 0 });
  expect(await eventCallbackIn(second)).toBeUndefined();
  expect(await e2e.live("cn-shenzhen")).toEqual(owned);

  await owner.destroy();
  expect(await e2e.live("cn-shenzhen")).toMatchObject(EMPTY);
  await second.up();
  await second.destroy();
  expect(await e2e.live("cn-shenzhen")).toMatchObject(EMPTY);
}, 300_000);

test("two stacks creating in one region at the same moment: one owns it, the other fails naming the race and records nothing", async () => {
  const a = await stackOf(
    "race-a",
    { region: "cn-shanghai", url: "https://a.example.com/ims" },
    6000,
  );
  const b = await stackOf(
    "race-b",
    { region: "cn-shanghai", url: "https://b.example.com/ims" },
    6000,
  );
  // The first write to arrive is held 4 s: the other stack reads the empty region and writes in
  // that window, and the held write lands last. An immediate read-back would confirm both.
  await e2e.emulator.injectFault({
    action: "SetEventCallback",
    region: "cn-shanghai",
    kind: "latency",
    latencyMs: 4000,
    count: 1,
  });
  const results = await Promise.allSettled([a.up(), b.up()]);
  const [winner, loser] = results[0].status === "fulfilled" ? [a, b] : [b, a];
  expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
  const failure = (results.find((r) => r.status === "rejected") as PromiseRejectedResult)
    .reason as Error;
  expect(failure.message).toMatch(
    /IMS accepted SetEventCallback in cn-shanghai, but reading it back 6000 ms later finds another setting \(differs in callbackUrl; now: HTTP to URL "https:\/\/[ab]\.example\.com\/ims".*its write came last/s,
  );
  expect(await eventCallbackIn(loser)).toBeUndefined();
  const winnerUrl = (await eventCallbackIn(winner))?.outputs.callbackUrl;
  expect((await e2e.live("cn-shanghai")).CallbackURL).toBe(winnerUrl);
  await winner.destroy();
  expect(await e2e.live("cn-shanghai")).toMatchObject(EMPTY);
}, 300_000);

test("a callback URL IMS would refuse fails preview with no API call, and a password in it is never printed", async () => {
  const password = "UrlPassCanary77";
  const stack = await stackOf("bad-url", {
    region: "us-west-1",
    url: `https://hook:${password}@media.example.com/ims\n`,
  });
  await e2e.resetCounters();
  let output = "";
  await expect(stack.preview({ onOutput: (text) => (output += text) })).rejects.toThrow(
    /callbackUrl: holds user credentials .*callbackUrl: has leading or trailing whitespace/s,
  );
  expect(output).toContain("set authKey instead");
  expect(output).not.toContain(password);
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
}, 300_000);

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * SIGKILLs the `pulumi up` this test process started and everything it started (the provider
 * host), as a crash or a second Ctrl-C would end it. Returns the pids killed.
 */
function killCliProcessTree(cliRoot: string): number[] {
  const table = spawnSync("ps", ["-e", "-o", "pid=,ppid=,args="], { encoding: "utf8" }).stdout;
  const processes = table
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const cli = path.join(cliRoot, "bin", "pulumi");
  const tree: number[] = [];
  const walk = (pid: number) => {
    tree.push(pid);
    processes.filter((p) => p.ppid === pid).forEach((p) => walk(p.pid));
  };
  processes
    .filter((p) => p.ppid === process.pid && p.args.startsWith(`${cli} up`))
    .forEach((p) => walk(p.pid));
  for (const pid of tree) process.kill(pid, "SIGKILL");
  return tree;
}
