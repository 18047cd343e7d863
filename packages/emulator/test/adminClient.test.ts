/**
 * Proves: every control operation works over the admin HTTP API through EmulatorAdminClient, found
 * via the discovery file, and bad input comes back as a typed error with the status and message.
 * Does not prove: the fault semantics themselves (see control.test.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  EmulatorAdminClient,
  EmulatorAdminError,
  EmulatorHandle,
  readDiscoveryFile,
  startEmulator,
} from "../src";
import { DEFAULT_BEHAVIOUR } from "../src/ground/behaviour";
import { callSdk, removeTempDirs, sdkClient, sdkError, tempDir } from "./helpers";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;
let admin: EmulatorAdminClient;
let discoveryFile: string;

beforeAll(async () => {
  const dir = tempDir();
  discoveryFile = join(dir, "emulator.json");
  emulator = await startEmulator({ stateFile: join(dir, "state.json"), discoveryFile });
  admin = EmulatorAdminClient.fromDiscoveryFile(discoveryFile);
});
afterAll(async () => {
  await emulator?.close();
  removeTempDirs();
});

describe("discovery file", () => {
  it("holds the endpoints, admin URL, pid and state file", () => {
    expect(readDiscoveryFile(discoveryFile)).toEqual({
      endpoints: emulator.endpoints,
      adminUrl: emulator.adminUrl,
      pid: process.pid,
      stateFile: emulator.store.file,
    });
    expect(admin.adminUrl).toBe(emulator.adminUrl);
  });

  it("is removed when the emulator closes", async () => {
    const file = join(tempDir(), "d.json");
    const local = await startEmulator({ discoveryFile: file });
    expect(existsSync(file)).toBe(true);
    await local.close();
    expect(existsSync(file)).toBe(false);
    expect(() => readDiscoveryFile(file)).toThrow(
      `Cannot read the emulator discovery file ${file} (is the emulator running?)`,
    );
  });
});

describe("EmulatorAdminClient", () => {
  it("info lists endpoints, behaviour and key ids but no secrets", async () => {
    const info = await admin.info();
    expect(info).toMatchObject({
      endpoints: emulator.endpoints,
      adminUrl: emulator.adminUrl,
      pid: process.pid,
      latencyMs: 0,
    });
    expect(info.accounts).toEqual([
      {
        accountId: "1234567890123456",
        accessKeyIds: ["TESTAKEmulatorTestKey0001", "STS.EmulatorTestKey0001"],
      },
    ]);
    expect(JSON.stringify(info)).not.toContain("EmulatorTestSecret");
  });

  it("gets, puts and clears a setting", async () => {
    expect(await admin.getSetting(SH)).toBeUndefined();
    const put = await admin.putSetting(
      SH,
      { CallbackType: "MNS", CallbackQueueName: "ice-callback-admin" },
      "1234567890123456",
    );
    expect(put).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-admin",
      AuthSwitch: "off",
    });
    expect(await admin.getSetting(SH)).toEqual(put);
    expect(
      (await callSdk(sdkClient(emulator.endpoints[SH]), "GetEventCallback")).CallbackQueueName,
    ).toBe("ice-callback-admin");
    await admin.clearSetting(SH);
    expect(await emulator.getSetting(SH)).toBeUndefined();
  });

  it("injects, lists and clears faults; sets latency; reads counters and log; resets", async () => {
    await admin.reset();
    const fault = await admin.injectFault({
      kind: "throttle",
      count: 1,
      action: "GetEventCallback",
      region: SH,
    });
    expect(await admin.listFaults()).toEqual([fault]);
    expect(
      (await sdkError(callSdk(sdkClient(emulator.endpoints[SH]), "GetEventCallback"))).code,
    ).toBe("Throttling.User");
    await admin.injectFault({ kind: "drop", count: 3 });
    await admin.clearFaults();
    expect(await admin.listFaults()).toEqual([]);
    await admin.setLatency(5);
    expect((await admin.info()).latencyMs).toBe(5);
    await callSdk(sdkClient(emulator.endpoints[SH]), "GetEventCallback");
    expect(await admin.getCounters()).toEqual({ GetEventCallback: { [SH]: 2 } });
    expect((await admin.getRequestLog()).map((e) => e.code)).toEqual(["Throttling.User", "OK"]);
    await admin.reset();
    expect(await admin.getCounters()).toEqual({});
    expect((await admin.info()).latencyMs).toBe(0);
  });

  it("reads and changes behaviour", async () => {
    expect(await admin.getBehaviour()).toEqual(DEFAULT_BEHAVIOUR);
    expect(await admin.setBehaviour({ unconfiguredRead: "omitted" })).toMatchObject({
      unconfiguredRead: "omitted",
      setSemantics: "partial",
    });
    expect(await callSdk(sdkClient(emulator.endpoints[SH]), "GetEventCallback")).toEqual({
      RequestId: expect.any(String),
    });
    await admin.setBehaviour({ unconfiguredRead: "empty" });
  });

  it("turns bad input into EmulatorAdminError with status and message", async () => {
    const error = await admin
      .injectFault({ kind: "latency", latencyMs: -1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorAdminError);
    expect(error).toMatchObject({
      status: 400,
      message:
        "Emulator admin POST /faults failed (400): Invalid fault: latencyMs must be a number of milliseconds between 0 and 120000.",
    });
    await expect(admin.getSetting("mars-1")).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("Unknown region 'mars-1'"),
    });
    await expect(admin.setBehaviour({ setSemantics: "merge" as never })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("answers 404 for an unknown route and 400 for a body that is not a JSON object", async () => {
    const unknown = await fetch(`${emulator.adminUrl}/nope`);
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { error: "No admin route GET /nope." },
    ]);
    const bad = await fetch(`${emulator.adminUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "[1]",
    });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { error: "The request body must be a JSON object." },
    ]);
  });
});
