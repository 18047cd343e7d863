/**
 * The dynamic provider's methods called directly against the local emulator (real HTTP, real
 * signatures). The same code runs inside the engine in test/e2e; here each rule is pinned down.
 */
import { DEFAULT_TEST_ACCOUNT, type EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import type {
  EventCallbackInputs,
  EventCallbackOutputs,
} from "../../lib/runtime/eventCallbackOperations";
import { countCalls, useRuntimeTestEmulator } from "../helpers/emulator";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const harness = useRuntimeTestEmulator("ims-runtime-");
let emulator: EmulatorHandle;

beforeAll(() => {
  emulator = harness.emulator;
});
beforeEach(async () => {
  context.resetConfiguration();
  await emulator.reset();
});

const http = (region: string, extra: Partial<EventCallbackInputs> = {}): EventCallbackInputs => ({
  region,
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
  authKey: "Abc123def",
  adoptExisting: false,
  deletionPolicy: "restore",
  allowUndocumentedRegion: false,
  __provider: "exports.handler = () => ({});",
  ...extra,
});
const calls = async () => countCalls(await emulator.getCounters());

describe("check", () => {
  it("fails with every problem by property, and fills the defaults", async () => {
    const result = await runtime.check(
      {},
      { region: "cn-shanghai", callbackType: "HTTP", callbackUrl: "ftp://x", eventTypes: [] },
    );
    expect(result.failures).toEqual([
      { property: "", reason: 'callbackUrl: must be an http:// or https:// URL, got "ftp://x".' },
      {
        property: "",
        reason: expect.stringMatching(/^eventTypes: must list at least one event type/),
      },
    ]);
    const ok = await runtime.check(
      {},
      {
        region: "cn-shanghai",
        callbackType: "HTTP",
        callbackUrl: "https://x.example.com",
        eventTypes: ["A"],
      },
    );
    expect(ok.failures).toEqual([]);
    expect(ok.inputs).toMatchObject({
      adoptExisting: false,
      deletionPolicy: "restore",
      allowUndocumentedRegion: false,
    });
  });

  it("does not fail on values unknown at preview", async () => {
    const result = await runtime.check(
      {},
      { region: UNKNOWN, callbackType: "HTTP", callbackUrl: UNKNOWN, eventTypes: UNKNOWN },
    );
    expect(result.failures).toEqual([]);
  });
});

describe("diff", () => {
  const olds = {
    ...http("cn-shanghai"),
    authSwitch: "on",
    previousSetting: null,
    stateVersion: 1,
  } as EventCallbackOutputs;
  // changes: undefined asks the engine to diff the inputs itself, so its display marks each changed
  // input (a secret one too); it is the answer whenever every change is an input that differs.
  it.each<
    [string, Partial<EventCallbackInputs>, { changes: boolean | undefined; replaces: string[] }]
  >([
    [
      "same events in another order with a duplicate",
      { eventTypes: ["MediaConvertComplete", "ProduceMediaComplete", "MediaConvertComplete"] },
      { changes: false, replaces: [] },
    ],
    [
      "another URL",
      { callbackUrl: "https://other.example.com" },
      { changes: undefined, replaces: [] },
    ],
    ["another key", { authKey: "Xyz789abc" }, { changes: undefined, replaces: [] }],
    ["key removed", { authKey: undefined }, { changes: undefined, replaces: [] }],
    ["another region", { region: "cn-beijing" }, { changes: true, replaces: ["region"] }],
    ["a URL unknown at preview", { callbackUrl: UNKNOWN }, { changes: undefined, replaces: [] }],
    [
      "only the deletion policy",
      { deletionPolicy: "retain" },
      { changes: undefined, replaces: [] },
    ],
  ])("%s", async (_label, change, expected) => {
    const result = await runtime.diff("cn-shanghai", olds, { ...http("cn-shanghai"), ...change });
    expect({ changes: result.changes, replaces: result.replaces }).toEqual(expected);
  });
});

describe("create / read / update / remove against the emulator", () => {
  it("creates in an empty region with Get, Set, Get and records no previous setting", async () => {
    const { id, outs } = await runtime.create(http("cn-beijing"));
    expect(id).toBe("cn-beijing");
    expect(await calls()).toEqual({ get: 2, set: 1 });
    expect(outs).toMatchObject({ authSwitch: "on", previousSetting: null, stateVersion: 1 });
    expect(outs.__provider).toBeUndefined();
    expect(await emulator.getSetting("cn-beijing", ACCOUNT)).toMatchObject({
      CallbackType: "HTTP",
      CallbackURL: "https://media.example.com/ims",
      EventTypeList: "MediaConvertComplete,ProduceMediaComplete",
      AuthSwitch: "on",
      AuthKey: "Abc123def",
    });
  });

  it("refuses to overwrite a different existing setting and shows it without the key", async () => {
    await emulator.putSetting("cn-hangzhou", {
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-theirs",
      EventTypeList: "FileUploadComplete",
      AuthSwitch: "off",
      AuthKey: "",
    });
    await expect(runtime.create(http("cn-hangzhou"))).rejects.toThrow(
      'IMS already has an event callback setting in cn-hangzhou that this stack did not create: MNS to queue "ice-callback-theirs", events FileUploadComplete. To take it over, set adoptExisting: true (with deletionPolicy "restore", the default, destroy puts it back); to leave it alone, remove this resource or pick another region.',
    );
    expect((await calls()).set).toBe(0);
  });

  it("adopts an existing setting, keeps it for restore, and restores it on remove", async () => {
    const theirs = {
      CallbackType: "HTTP",
      CallbackURL: "https://theirs.example.com",
      CallbackQueueName: "",
      EventTypeList: "SnapshotComplete",
      AuthSwitch: "on",
      AuthKey: "Theirs123",
    };
    await emulator.putSetting("cn-shenzhen", theirs);
    const declared = http("cn-shenzhen", { adoptExisting: true });
    // The create records what it found and writes nothing (partial state); the next up's update writes.
    const recorded = await runtime.create(declared).then(
      () => {
        throw new Error("expected the takeover to be recorded first");
      },
      (error: { properties: EventCallbackOutputs }) => error.properties,
    );
    expect(await emulator.getSetting("cn-shenzhen", ACCOUNT)).toEqual(theirs);
    const { outs } = await runtime.update("cn-shenzhen", recorded, declared);
    expect((await emulator.getSetting("cn-shenzhen", ACCOUNT))?.CallbackURL).toBe(
      declared.callbackUrl,
    );
    expect(outs.previousSetting).toMatchObject({
      callbackUrl: "https://theirs.example.com",
      authKey: "Theirs123",
    });
    await runtime.remove("cn-shenzhen", outs as EventCallbackOutputs);
    expect(await emulator.getSetting("cn-shenzhen", ACCOUNT)).toEqual(theirs);
  });

  it("read reports only the drifted properties as changed inputs, and diff sees them", async () => {
    const inputs = http("ap-southeast-1", {
      eventTypes: ["ProduceMediaComplete", "MediaConvertComplete", "ProduceMediaComplete"],
    });
    const { outs } = await runtime.create(inputs);
    const unchanged = await runtime.read("ap-southeast-1", outs as EventCallbackOutputs);
    expect(unchanged.inputs).toMatchObject({
      eventTypes: inputs.eventTypes,
      callbackUrl: inputs.callbackUrl,
      authKey: "Abc123def",
    });
    expect(
      (await runtime.diff("ap-southeast-1", unchanged.props as EventCallbackOutputs, inputs))
        .changes,
    ).toBe(false);

    await emulator.putSetting("ap-southeast-1", {
      CallbackURL: "https://drift.example.com",
      AuthSwitch: "off",
    });
    await emulator.reset();
    const drifted = await runtime.read("ap-southeast-1", outs as EventCallbackOutputs);
    expect(await calls()).toEqual({ get: 1, set: 0 });
    expect(drifted.inputs).toMatchObject({
      callbackUrl: "https://drift.example.com",
      eventTypes: inputs.eventTypes,
    });
    // Authentication is off: no key among the inputs (and no undefined value, which the host cannot encode).
    expect(drifted.inputs).not.toHaveProperty("authKey");
    expect(drifted.props).toMatchObject({
      authSwitch: "off",
      callbackUrl: "https://drift.example.com",
    });
    // Every drifted property is an input that differs: the engine diffs the inputs and marks them.
    expect(
      (await runtime.diff("ap-southeast-1", drifted.props as EventCallbackOutputs, inputs)).changes,
    ).toBeUndefined();
  });

  it("create, read and update return every declared output, null where it does not apply", async () => {
    // An output missing from the state is unknown while previewing: derived values would churn.
    const declared = [
      "region",
      "callbackType",
      "callbackUrl",
      "queueName",
      "eventTypes",
      "authKey",
      "adoptExisting",
      "deletionPolicy",
      "allowUndocumentedRegion",
      "authSwitch",
      "previousSetting",
      "stateVersion",
    ];
    const queue = http("cn-shanghai", {
      callbackType: "MNS",
      callbackUrl: undefined,
      authKey: undefined,
      queueName: "ice-callback-q",
    });
    const created = (await runtime.create(queue)).outs as EventCallbackOutputs;
    const read = (await runtime.read("cn-shanghai", created)).props as EventCallbackOutputs;
    const updated = (
      await runtime.update("cn-shanghai", created, { ...queue, eventTypes: ["SnapshotComplete"] })
    ).outs as EventCallbackOutputs;
    for (const outs of [created, read, updated]) {
      expect(Object.keys(outs).sort()).toEqual([...declared].sort());
      expect(outs).toMatchObject({ callbackUrl: null, authKey: null, queueName: "ice-callback-q" });
    }
    const toHttp = await runtime.update(
      "cn-shanghai",
      updated,
      http("cn-shanghai", { authKey: undefined }),
    );
    expect(Object.keys(toHttp.outs).sort()).toEqual([...declared].sort());
    expect(toHttp.outs).toMatchObject({
      callbackUrl: "https://media.example.com/ims",
      queueName: null,
      authKey: null,
      authSwitch: "off",
    });

    await runtime.remove("cn-shanghai", toHttp.outs as EventCallbackOutputs);
  });

  it("update writes once when a live property changed, and not at all otherwise", async () => {
    const { outs } = await runtime.create(http("us-west-1"));
    await emulator.reset();
    await runtime.update(
      "us-west-1",
      outs as EventCallbackOutputs,
      http("us-west-1", { deletionPolicy: "retain" }),
    );
    expect(await calls()).toEqual({ get: 0, set: 0 });
    const updated = await runtime.update(
      "us-west-1",
      outs as EventCallbackOutputs,
      http("us-west-1", { eventTypes: ["SnapshotComplete"] }),
    );
    expect(await calls()).toEqual({ get: 1, set: 1 });
    expect(updated.outs).toMatchObject({ eventTypes: ["SnapshotComplete"], previousSetting: null });
    expect((await emulator.getSetting("us-west-1", ACCOUNT))?.EventTypeList).toBe(
      "SnapshotComplete",
    );
    await runtime.remove("us-west-1", updated.outs as EventCallbackOutputs);
    expect(await emulator.getSetting("us-west-1", ACCOUNT)).toMatchObject({
      EventTypeList: "",
      CallbackURL: "",
    });
  });

  it("takes credentials and endpoints from stack config when configured", async () => {
    const key = DEFAULT_TEST_ACCOUNT.accessKeys[0];
    context.configure({
      get: (k: string) =>
        ({
          "alicloud:accessKey": key.id,
          "alicloud:secretKey": key.secret,
          "ims-callback:endpoints": JSON.stringify({
            "cn-beijing": emulator.endpoints["cn-beijing"],
          }),
        })[k],
    });
    const saved = process.env.IMS_CALLBACK_ENDPOINTS;
    process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify({ "cn-beijing": "http://127.0.0.1:1" });
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "wrong";
    try {
      const read = await runtime.read("cn-beijing", {
        region: "cn-beijing",
      } as EventCallbackOutputs);
      expect(read.id).toBe("cn-beijing");
    } finally {
      process.env.IMS_CALLBACK_ENDPOINTS = saved;
      process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = key.secret;
    }
  });
});
