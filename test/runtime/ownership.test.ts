/**
 * Who owns a region's setting, pinned down at the provider's level against the local emulator (real
 * HTTP, real signatures, injected faults): an interrupted create is still recorded (with what was
 * there before), a setting this stack has not recorded is never taken over silently, and two
 * creates racing for one region do not both succeed. test/e2e/ownership.test.ts runs the same cases
 * through the real engine.
 */
import * as http from "node:http";
import { DEFAULT_TEST_ACCOUNT, type EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import type {
  EventCallbackInputs,
  EventCallbackOutputs,
} from "../../lib/runtime/eventCallbackOperations";
import { ConcurrentWriteError, UNCONFIRMED_WRITE } from "../../lib/runtime/ownership";
import { countCalls, useRuntimeTestEmulator } from "../helpers/emulator";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const harness = useRuntimeTestEmulator("ims-ownership-");
let emulator: EmulatorHandle;

beforeAll(() => {
  emulator = harness.emulator;
});
beforeEach(async () => {
  context.resetConfiguration();
  process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify(emulator.endpoints);
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
  await emulator.reset();
  for (const region of Object.keys(emulator.endpoints))
    await emulator.clearSetting(region, ACCOUNT);
});

const PROVIDER_CODE = "exports.handler = () => ({});";
const inputs = (region: string, extra: Partial<EventCallbackInputs> = {}): EventCallbackInputs => ({
  region,
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete"],
  authKey: "Abc123def",
  adoptExisting: false,
  deletionPolicy: "restore",
  allowUndocumentedRegion: false,
  __provider: PROVIDER_CODE,
  ...extra,
});
const THEIRS = {
  CallbackType: "MNS",
  CallbackURL: "",
  CallbackQueueName: "ice-callback-theirs",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "off",
  AuthKey: "",
};
const calls = async () => countCalls(await emulator.getCounters());
const NOTHING = { CallbackURL: "", CallbackQueueName: "", EventTypeList: "" };

/** What the dynamic-provider host reads from an error thrown by create or update. */
interface HostError {
  message: string;
  id?: string;
  properties?: Record<string, unknown>;
  reasons?: string[];
}
async function failure(promise: Promise<unknown>): Promise<HostError> {
  try {
    await promise;
  } catch (error) {
    return error as HostError;
  }
  throw new Error("expected a failure");
}

describe("a create whose write landed but could not be confirmed", () => {
  it("hands the engine partial state with the id, the setting written and the one found before, then completes and clears on destroy", async () => {
    // The first read and the write go through; every read-back fails.
    await emulator.injectFault({
      action: "GetEventCallback",
      region: "cn-shanghai",
      kind: "server-error",
      count: 5,
      skip: 1,
    });
    const error = await failure(runtime.create(inputs("cn-shanghai")));
    expect(error.message).toMatch(
      /^IMS SetEventCallback in cn-shanghai was sent but could not be confirmed: IMS GetEventCallback in cn-shanghai failed: ServiceUnavailable/,
    );
    expect(error.message).toContain(
      "The resource is recorded with the setting it wrote and the one found before it, so destroy still puts the region back",
    );
    expect(error.id).toBe("cn-shanghai");
    expect(error.reasons).toEqual([error.message]);
    expect(error.properties).toMatchObject({
      region: "cn-shanghai",
      callbackUrl: "https://media.example.com/ims",
      previousSetting: null,
      [UNCONFIRMED_WRITE]: true,
      // The host does not add the provider code to partial state: delete and refresh need it.
      __provider: PROVIDER_CODE,
    });
    expect(Object.values(error.properties!)).not.toContain(undefined);
    expect(await emulator.getSetting("cn-shanghai", ACCOUNT)).toMatchObject({
      CallbackURL: "https://media.example.com/ims",
    });

    // The next up: the engine calls update with the partial state; the region is read and the write confirmed.
    await emulator.reset();
    const partial = error.properties as unknown as EventCallbackOutputs;
    const { outs } = await runtime.update("cn-shanghai", partial, inputs("cn-shanghai"));
    expect(await calls()).toEqual({ get: 1, set: 0 });
    expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
    expect(outs).toMatchObject({ previousSetting: null });

    // Destroy ("restore", nothing was there before) clears the region the stack wrote.
    await runtime.remove("cn-shanghai", outs as EventCallbackOutputs);
    expect(await emulator.getSetting("cn-shanghai", ACCOUNT)).toMatchObject(NOTHING);
  });

  it("records an adopted setting as found, so destroy puts it back after an interrupted takeover", async () => {
    await emulator.putSetting("cn-beijing", THEIRS, ACCOUNT);
    const recorded = await failure(runtime.create(inputs("cn-beijing", { adoptExisting: true })));
    // The takeover's write (on the next up): the first read and the write go through, every read-back fails.
    await emulator.injectFault({
      action: "GetEventCallback",
      region: "cn-beijing",
      kind: "drop",
      count: 5,
      skip: 1,
    });
    const error = await failure(
      runtime.update(
        "cn-beijing",
        recorded.properties as unknown as EventCallbackOutputs,
        inputs("cn-beijing", { adoptExisting: true }),
      ),
    );
    expect(error.message).toMatch(/could not be confirmed/);
    expect(error.properties).toMatchObject({
      previousSetting: { queueName: "ice-callback-theirs" },
      [UNCONFIRMED_WRITE]: true,
    });
    expect(error.properties).not.toHaveProperty("replacedSetting");
    await runtime.remove("cn-beijing", error.properties as unknown as EventCallbackOutputs);
    expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toEqual(THEIRS);
  });

  it("completes on the next update a write that had not landed, and refuses one someone else overwrote", async () => {
    const partial = {
      ...runtimeOutputs(inputs("cn-shenzhen")),
      [UNCONFIRMED_WRITE]: true,
    } as unknown as EventCallbackOutputs;
    // Nothing landed: the region is as found (empty), so the write is made now.
    const { outs } = await runtime.update("cn-shenzhen", partial, inputs("cn-shenzhen"));
    expect(await calls()).toEqual({ get: 2, set: 1 });
    expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
    expect(await emulator.getSetting("cn-shenzhen", ACCOUNT)).toMatchObject({
      CallbackURL: "https://media.example.com/ims",
    });

    // Someone else wrote the region since: left alone, with an error.
    await emulator.putSetting("cn-shenzhen", THEIRS, ACCOUNT);
    await emulator.reset();
    await expect(runtime.update("cn-shenzhen", partial, inputs("cn-shenzhen"))).rejects.toThrow(
      'The IMS event callback setting in cn-shenzhen is neither the one an earlier, unconfirmed write of this stack sent nor the one that write replaces (now: MNS to queue "ice-callback-theirs", events FileUploadComplete): someone else wrote the region.',
    );
    expect((await calls()).set).toBe(0);
  });

  it("does not claim the region when the write was refused by the service", async () => {
    await emulator.injectFault({
      action: "SetEventCallback",
      region: "us-west-1",
      kind: "throttle",
      count: 5,
    });
    const error = await failure(runtime.create(inputs("us-west-1")));
    expect(error.message).toMatch(/^IMS SetEventCallback in us-west-1 failed: Throttling.User/);
    expect(error.id).toBeUndefined();
    expect(await calls()).toEqual({ get: 1, set: 5 });
  });

  it("finds a write whose every answer was lost in place and succeeds", async () => {
    const proxy = await answerLosingProxy(emulator.endpoints["ap-southeast-1"], 5);
    process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify({
      ...emulator.endpoints,
      "ap-southeast-1": proxy.url,
    });
    try {
      const { outs } = await runtime.create(inputs("ap-southeast-1"));
      expect(proxy.lostAnswers()).toBe(5);
      expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
      // Get, 5 Sets whose answers were lost, the Get that found the write, the read-back.
      expect(await calls()).toEqual({ get: 3, set: 5 });
    } finally {
      await proxy.close();
    }
  });
});

describe("a setting this stack has not recorded", () => {
  it("is refused even when identical to the declared one, naming both remedies, with no write", async () => {
    await runtime.create(inputs("cn-hangzhou"));
    await emulator.reset();
    // A second stack (or this one after a killed up) declares the very same setting.
    const error = await failure(runtime.create(inputs("cn-hangzhou")));
    expect(error.message).toBe(
      'IMS already has an event callback setting in cn-hangzhou that this stack did not create: HTTP to URL "https://media.example.com/ims", events ProduceMediaComplete, authentication on, identical to the one declared here. ' +
        "A setting this stack has not recorded is someone else's even when identical (another stack would later overwrite or clear it), so it is not taken over silently. To take it over, set adoptExisting: true. " +
        'If it is this stack\'s own write from a "pulumi up" killed before the engine recorded it (Pulumi warns that this resource was "interrupted while creating"), set adoptExisting: true with deletionPolicy: "clear", so that destroy removes it; then "pulumi refresh --clear-pending-creates" drops the stale pending operation.',
    );
    expect(error.message).not.toContain("Abc123def");
    expect(await calls()).toEqual({ get: 1, set: 0 });
  });

  it("is taken over with adoptExisting and recorded as found", async () => {
    await runtime.create(inputs("cn-hangzhou"));
    const { outs } = await runtime.create(inputs("cn-hangzhou", { adoptExisting: true }));
    expect(outs.previousSetting).toMatchObject({ callbackUrl: "https://media.example.com/ims" });
  });
});

describe("a takeover (adoptExisting) interrupted at any step", () => {
  const adopting = (region: string, extra: Partial<EventCallbackInputs> = {}) =>
    inputs(region, { adoptExisting: true, ...extra });

  it("records the previous owner's setting before anything is written: create only reads and records, the next up writes", async () => {
    await emulator.putSetting("cn-beijing", THEIRS, ACCOUNT);
    const recorded = await failure(runtime.create(adopting("cn-beijing")));
    expect(recorded.message).toBe(
      'Took over the IMS event callback setting in cn-beijing: recorded the setting found there (MNS to queue "ice-callback-theirs", events FileUploadComplete) ' +
        'as the one destroy puts back, and wrote nothing yet. Run "pulumi up" again to write the declared setting. ' +
        "A takeover records what it found before it writes, so that no interruption can lose the previous owner's setting.",
    );
    expect(recorded.id).toBe("cn-beijing");
    expect(recorded.properties).toMatchObject({
      callbackUrl: "https://media.example.com/ims",
      previousSetting: { queueName: "ice-callback-theirs" },
      [UNCONFIRMED_WRITE]: true,
      __provider: PROVIDER_CODE,
    });
    expect(await calls()).toEqual({ get: 1, set: 0 });
    expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toEqual(THEIRS);
    const partial = recorded.properties as unknown as EventCallbackOutputs;

    // Destroy before the next up: the region still holds the previous owner's setting, under every policy.
    for (const deletionPolicy of ["restore", "clear"] as const) {
      await runtime.remove("cn-beijing", { ...partial, deletionPolicy });
      expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toEqual(THEIRS);
    }

    // The next up writes; killed after its write landed, the up after it still has the record.
    await emulator.reset();
    const { outs } = await runtime.update("cn-beijing", partial, adopting("cn-beijing"));
    expect(await calls()).toEqual({ get: 2, set: 1 });
    expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
    expect(outs.previousSetting).toMatchObject({ queueName: "ice-callback-theirs" });
    await emulator.reset();
    const resumed = await runtime.update("cn-beijing", partial, adopting("cn-beijing"));
    expect(await calls()).toEqual({ get: 1, set: 0 });
    expect(resumed.outs.previousSetting).toMatchObject({ queueName: "ice-callback-theirs" });

    // Destroy from the record left by the killed up puts the previous owner's setting back.
    await runtime.remove("cn-beijing", partial);
    expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toEqual(THEIRS);
  });

  it("records an empty region the same way, so destroy after an interrupted takeover clears it", async () => {
    const recorded = await failure(runtime.create(adopting("cn-hangzhou")));
    expect(recorded.message).toMatch(/recorded the setting found there \(nothing configured\)/);
    expect(recorded.properties).toMatchObject({ previousSetting: null, [UNCONFIRMED_WRITE]: true });
    expect(await calls()).toEqual({ get: 1, set: 0 });
    const partial = recorded.properties as unknown as EventCallbackOutputs;
    await runtime.update("cn-hangzhou", partial, adopting("cn-hangzhou"));
    await runtime.remove("cn-hangzhou", partial);
    expect(await emulator.getSetting("cn-hangzhou", ACCOUNT)).toMatchObject(NOTHING);
  });

  describe("when the previous owner changes the region after the takeover was recorded", () => {
    const NEWER = {
      CallbackType: "HTTP",
      CallbackURL: "https://theirs.example.com/newer",
      CallbackQueueName: "",
      EventTypeList: "FileUploadComplete",
      AuthSwitch: "on",
      AuthKey: "TheirNewerKey4Cd",
    };
    let warnings: string[];
    let spy: jest.SpyInstance;
    beforeEach(() => {
      warnings = [];
      spy = jest
        .spyOn(console, "warn")
        .mockImplementation((m: string) => void warnings.push(String(m)));
    });
    afterEach(() => spy.mockRestore());

    async function recordedThenChanged(region: string): Promise<EventCallbackOutputs> {
      await emulator.putSetting(region, THEIRS, ACCOUNT);
      const recorded = await failure(runtime.create(adopting(region)));
      await emulator.putSetting(region, NEWER, ACCOUNT);
      return recorded.properties as unknown as EventCallbackOutputs;
    }

    it("destroy, with or without a refresh first, writes nothing over the newer setting under every policy and says it lets go", async () => {
      for (const deletionPolicy of ["restore", "clear"] as const) {
        const partial = { ...(await recordedThenChanged("cn-beijing")), deletionPolicy };
        const refreshed = (await runtime.read("cn-beijing", partial)).props as EventCallbackOutputs;
        await emulator.reset();
        await runtime.remove("cn-beijing", partial);
        await runtime.remove("cn-beijing", refreshed);
        expect(await calls()).toEqual({ get: 2, set: 0 });
        expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toEqual(NEWER);
      }
      expect(warnings).toHaveLength(4);
      for (const warning of warnings) {
        expect(warning).toContain(
          'This stack never wrote the IMS event callback setting in cn-beijing (its takeover or create recorded the region, but no write of it was confirmed), and the region holds a setting this stack did not write (now: HTTP to URL "https://theirs.example.com/newer", events FileUploadComplete, authentication on). It was left as it is',
        );
        expect(warning).not.toContain(NEWER.AuthKey);
      }
    });

    it("a refresh records the newer setting as the one found, so a later takeover's destroy puts that one back", async () => {
      const partial = await recordedThenChanged("cn-shanghai");
      const refreshed = (await runtime.read("cn-shanghai", partial)).props as EventCallbackOutputs;
      expect(refreshed.previousSetting).toMatchObject({
        callbackUrl: "https://theirs.example.com/newer",
      });
      expect(refreshed).toMatchObject({ [UNCONFIRMED_WRITE]: true });
      // "pulumi up --refresh": the takeover's write now replaces the newer setting.
      const { outs } = await runtime.update("cn-shanghai", refreshed, adopting("cn-shanghai"));
      expect((await emulator.getSetting("cn-shanghai", ACCOUNT))?.CallbackURL).toBe(
        "https://media.example.com/ims",
      );
      await runtime.remove("cn-shanghai", outs as EventCallbackOutputs);
      expect(await emulator.getSetting("cn-shanghai", ACCOUNT)).toEqual(NEWER);
      expect(warnings).toEqual([]);
    });
  });

  it("takes over a setting identical to the declared one in one step, with no write", async () => {
    await runtime.create(inputs("cn-shenzhen"));
    await emulator.reset();
    const { outs } = await runtime.create(adopting("cn-shenzhen"));
    expect(await calls()).toEqual({ get: 1, set: 0 });
    expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
    expect(outs.previousSetting).toMatchObject({ callbackUrl: "https://media.example.com/ims" });
  });
});

describe("destroy after an interrupted update", () => {
  const first = () => inputs("ap-southeast-1", { eventTypes: ["ProduceMediaComplete"] });
  const second = () => inputs("ap-southeast-1", { eventTypes: ["SnapshotComplete"] });

  async function unconfirmedUpdate(): Promise<EventCallbackOutputs> {
    const { outs } = await runtime.create(first());
    // Every Set attempt fails with a 5xx (nothing lands), and the look-up for it fails too.
    await emulator.injectFault({
      action: "SetEventCallback",
      region: "ap-southeast-1",
      kind: "server-error",
      count: 5,
    });
    await emulator.injectFault({
      action: "GetEventCallback",
      region: "ap-southeast-1",
      kind: "server-error",
      count: 5,
    });
    const error = await failure(
      runtime.update("ap-southeast-1", outs as EventCallbackOutputs, second()),
    );
    expect(error.message).toMatch(/was sent but could not be confirmed/);
    return error.properties as unknown as EventCallbackOutputs;
  }

  it("recognises the stack's own earlier setting when the unconfirmed write did not land, and clears the region", async () => {
    const partial = await unconfirmedUpdate();
    expect(partial).toMatchObject({
      eventTypes: ["SnapshotComplete"],
      [UNCONFIRMED_WRITE]: true,
      replacedSetting: { eventTypes: ["ProduceMediaComplete"] },
    });
    expect((await emulator.getSetting("ap-southeast-1", ACCOUNT))?.EventTypeList).toBe(
      "ProduceMediaComplete",
    );
    await runtime.remove("ap-southeast-1", partial);
    expect(await emulator.getSetting("ap-southeast-1", ACCOUNT)).toMatchObject(NOTHING);
  });

  it("lets the next up complete the write from the stack's own earlier setting", async () => {
    const partial = await unconfirmedUpdate();
    await emulator.reset();
    const { outs } = await runtime.update("ap-southeast-1", partial, second());
    expect(await calls()).toEqual({ get: 2, set: 1 });
    expect(outs).not.toHaveProperty(UNCONFIRMED_WRITE);
    expect(outs).not.toHaveProperty("replacedSetting");
    expect((await emulator.getSetting("ap-southeast-1", ACCOUNT))?.EventTypeList).toBe(
      "SnapshotComplete",
    );
  });

  it("does not blame someone else for a setting the engine never recorded, naming a killed up as a cause", async () => {
    const { outs } = await runtime.create(first());
    await emulator.putSetting("ap-southeast-1", { EventTypeList: "SnapshotComplete" }, ACCOUNT);
    await expect(runtime.remove("ap-southeast-1", outs as EventCallbackOutputs)).rejects.toThrow(
      'The IMS event callback setting in ap-southeast-1 differs from the one this stack last recorded (now: HTTP to URL "https://media.example.com/ims", events SnapshotComplete, authentication on): ' +
        'either it was changed outside Pulumi since this stack last wrote it, or a "pulumi up" of this stack was killed after writing it ' +
        '(Pulumi then warns that this resource was "interrupted while updating"). It was left as it is.',
    );
  });
});

describe("two creates racing for one region", () => {
  it("do not both succeed: the one whose write was overwritten fails naming the race and claims nothing", async () => {
    process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "1500";
    // Both read the empty region; the second write to arrive is held 500 ms, so without a delayed
    // read-back the first create would confirm its own write before the second one lands.
    await emulator.injectFault({
      action: "SetEventCallback",
      region: "cn-shanghai",
      kind: "latency",
      latencyMs: 500,
      skip: 1,
    });
    const a = inputs("cn-shanghai", { callbackUrl: "https://a.example.com/ims" });
    const b = inputs("cn-shanghai", { callbackUrl: "https://b.example.com/ims" });
    const results = await Promise.allSettled([runtime.create(a), runtime.create(b)]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const loser = rejected[0].reason as HostError;
    expect(loser).toBeInstanceOf(ConcurrentWriteError);
    expect(loser.id).toBeUndefined();
    const winnerUrl = results[0].status === "fulfilled" ? a.callbackUrl : b.callbackUrl;
    expect(loser.message).toBe(
      `IMS accepted SetEventCallback in cn-shanghai, but reading it back 1500 ms later finds another setting (differs in callbackUrl; now: HTTP to URL "${winnerUrl}", events ProduceMediaComplete, authentication on). ` +
        "Another stack, script or console user wrote the region at the same moment and its write came last.",
    );
    expect((await emulator.getSetting("cn-shanghai", ACCOUNT))?.CallbackURL).toBe(winnerUrl);
  });
});

/** The outputs a successful create would have recorded for `declared` (nothing found before). */
function runtimeOutputs(declared: EventCallbackInputs): Record<string, unknown> {
  const { __provider: _code, ...rest } = declared;
  return { ...rest, authSwitch: "on", previousSetting: null, stateVersion: 1 };
}

/**
 * A proxy in front of an emulator endpoint that forwards the first `count` SetEventCallback calls
 * and then drops the connection instead of answering: the write lands, its answer is lost.
 */
async function answerLosingProxy(
  target: string,
  count: number,
): Promise<{ url: string; lostAnswers(): number; close(): Promise<void> }> {
  let lost = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const isSet = `${req.url} ${req.headers["x-acs-action"] ?? ""} ${body.toString()}`.includes(
        "SetEventCallback",
      );
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            if (isSet && lost < count) {
              lost++;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(parts));
          });
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    lostAnswers: () => lost,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
