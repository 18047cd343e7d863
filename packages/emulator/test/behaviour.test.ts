/**
 * Proves: each behaviour switch changes what the API answers, end to end through Alibaba's SDK,
 * and bad switch values are refused with every problem named.
 * Does not prove: which value the real IMS uses (unverified, see behaviour.ts).
 */
import { EmulatorHandle, startEmulator } from "../src";
import { DEFAULT_BEHAVIOUR, resolveBehaviour } from "../src/ground/behaviour";
import { callSdk, sdkClient, sdkError } from "./helpers";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({ adminPort: false });
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  await emulator.setBehaviour(DEFAULT_BEHAVIOUR);
  await emulator.clearSetting(SH);
});

const get = () => callSdk(sdkClient(emulator.endpoints[SH]), "GetEventCallback");
const set = (params: Record<string, string>) =>
  callSdk(sdkClient(emulator.endpoints[SH]), "SetEventCallback", params);

describe("resolveBehaviour", () => {
  it("defaults to empty / partial / allowed / no queue grant / raw message bodies", () => {
    expect(resolveBehaviour()).toEqual({
      unconfiguredRead: "empty",
      setSemantics: "partial",
      emptyEventList: "allowed",
      imsQueueGrant: "none",
      queueMessageEncoding: "raw",
    });
  });
  it("merges overrides and ignores undefined values", () => {
    expect(resolveBehaviour({ setSemantics: "replace", emptyEventList: undefined })).toEqual({
      ...DEFAULT_BEHAVIOUR,
      setSemantics: "replace",
    });
  });
  it("names every unknown switch and bad value at once", () => {
    expect(() => resolveBehaviour({ unconfiguredRead: "null", deleteSemantics: "x" })).toThrow(
      `Behaviour 'unconfiguredRead' must be one of "empty", "omitted", got "null".\nUnknown behaviour switch 'deleteSemantics'; known: unconfiguredRead, setSemantics, emptyEventList, imsQueueGrant, queueMessageEncoding.`,
    );
    expect(() => resolveBehaviour("replace")).toThrow("behaviour must be an object");
  });
});

describe("unconfiguredRead", () => {
  it('"empty" (default): every field present as "" and AuthSwitch "off"', async () => {
    expect(await get()).toEqual({
      RequestId: expect.any(String),
      CallbackType: "",
      CallbackQueueName: "",
      CallbackURL: "",
      EventTypeList: "",
      AuthSwitch: "off",
      AuthKey: "",
    });
  });
  it('"omitted": only RequestId', async () => {
    await emulator.setBehaviour({ unconfiguredRead: "omitted" });
    expect(await get()).toEqual({ RequestId: expect.any(String) });
    await set({ CallbackType: "HTTP", CallbackURL: "https://hooks.example.com/x" });
    expect(Object.keys(await get())).toHaveLength(7);
    // A queue setting has no AuthSwitch or AuthKey (HTTP callbacks only).
    await set({ CallbackType: "MNS", CallbackQueueName: "ice-callback-q" });
    expect(Object.keys(await get())).toHaveLength(5);
  });
  it("can be chosen at start", async () => {
    const other = await startEmulator({
      adminPort: false,
      behaviour: { unconfiguredRead: "omitted" },
    });
    try {
      expect(await callSdk(sdkClient(other.endpoints[SH]), "GetEventCallback")).toEqual({
        RequestId: expect.any(String),
      });
    } finally {
      await other.close();
    }
  });
});

describe("setSemantics", () => {
  const initial = {
    CallbackType: "HTTP",
    CallbackURL: "https://hooks.example.com/x",
    EventTypeList: "FileUploadComplete",
    AuthSwitch: "on",
    AuthKey: "Abc123def",
  };

  it('"partial" (default): only sent parameters change, and a sent empty string overwrites', async () => {
    await set(initial);
    await set({ EventTypeList: "TranscodeComplete", AuthKey: "" });
    expect(await get()).toMatchObject({
      ...initial,
      EventTypeList: "TranscodeComplete",
      AuthKey: "",
    });
  });
  it('"replace": parameters not sent become ""', async () => {
    await set(initial);
    await emulator.setBehaviour({ setSemantics: "replace" });
    await set({ CallbackType: "HTTP", CallbackURL: "https://hooks.example.com/y" });
    expect(await get()).toEqual({
      RequestId: expect.any(String),
      CallbackType: "HTTP",
      CallbackQueueName: "",
      CallbackURL: "https://hooks.example.com/y",
      EventTypeList: "",
      AuthSwitch: "",
      AuthKey: "",
    });
  });
});

describe("emptyEventList", () => {
  it('"allowed" (default): an empty list is stored (callbacks off)', async () => {
    await set({ CallbackType: "MNS", EventTypeList: "FileUploadComplete" });
    await set({ EventTypeList: "" });
    expect((await get()).EventTypeList).toBe("");
  });
  it('"rejected": 400 InvalidParameter naming EventTypeList', async () => {
    await emulator.setBehaviour({ emptyEventList: "rejected" });
    const error = await sdkError(set({ EventTypeList: "" }));
    expect([error.statusCode, error.code, error.data.Message]).toEqual([
      400,
      "InvalidParameter",
      "Specified parameter EventTypeList is not valid: at least one event type is required.",
    ]);
    await set({ CallbackType: "MNS" }); // not sending the list is still fine
  });
});
