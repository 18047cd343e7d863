/**
 * Proves: the emulator follows Alibaba's published SDK models of ICE 2020-11-09 on the fields that
 * belong to HTTP callbacks. SetEventCallbackRequest: `AuthKey` and `AuthSwitch` take effect only if
 * `CallbackType` is HTTP, and `CallbackURL` is required if it is. GetEventCallbackResponseBody:
 * `AuthKey` and `AuthSwitch` are returned only for HTTP callbacks. Checked over HTTP with requests
 * signed by Alibaba's runtime, and on the pure functions under both set semantics.
 * Does not prove: what IMS answers where the models are silent (a never-configured region: see the
 * `unconfiguredRead` switch).
 */
import { EmulatorHandle, startEmulator } from "../src";
import { applySet, getResponse, validateSetParameters } from "../src/ims/api";
import { DEFAULT_BEHAVIOUR } from "../src/ground/behaviour";
import { callSdk, removeTempDirs, sdkClient, sdkError } from "./helpers";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;

const HTTP_WITH_AUTH = {
  CallbackType: "HTTP",
  CallbackURL: "https://hooks.example.com/ims",
  CallbackQueueName: "",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: "Secret123Key",
};
const QUEUE_WITH_AUTH = {
  CallbackType: "MNS",
  CallbackURL: "",
  CallbackQueueName: "ice-callback-media",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: "QueueKey123abc",
};

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.close();
  removeTempDirs();
});
beforeEach(async () => {
  await emulator.reset();
  await emulator.setBehaviour({ setSemantics: "partial", unconfiguredRead: "empty" });
  await emulator.clearSetting(SH);
});

const client = () => sdkClient(emulator.endpoints[SH]);

describe("AuthKey and AuthSwitch belong to HTTP callbacks", () => {
  it("GetEventCallback of a queue setting returns neither, even when they were sent", async () => {
    await callSdk(client(), "SetEventCallback", QUEUE_WITH_AUTH);
    const got = await callSdk(client(), "GetEventCallback");
    expect(got).not.toHaveProperty("AuthKey");
    expect(got).not.toHaveProperty("AuthSwitch");
    expect(got).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-media",
      EventTypeList: "FileUploadComplete",
    });
  });

  it("GetEventCallback of an HTTP setting returns both", async () => {
    await callSdk(client(), "SetEventCallback", HTTP_WITH_AUTH);
    expect(await callSdk(client(), "GetEventCallback")).toMatchObject({
      CallbackType: "HTTP",
      AuthSwitch: "on",
      AuthKey: "Secret123Key",
    });
  });

  it("a move from HTTP with a key to a queue stops returning the key", async () => {
    await callSdk(client(), "SetEventCallback", HTTP_WITH_AUTH);
    await callSdk(client(), "SetEventCallback", {
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-media",
    });
    const got = await callSdk(client(), "GetEventCallback");
    expect(got).not.toHaveProperty("AuthKey");
    expect(got).not.toHaveProperty("AuthSwitch");
  });

  it.each(["partial", "replace"] as const)(
    "under %s semantics, a queue setting's answer carries neither, whatever was sent",
    (setSemantics) => {
      const behaviour = { ...DEFAULT_BEHAVIOUR, setSemantics };
      const http = applySet(undefined, HTTP_WITH_AUTH, behaviour);
      const queue = applySet(http, QUEUE_WITH_AUTH, behaviour);
      expect(queue.CallbackType).toBe("MNS");
      expect(getResponse("R", queue, behaviour)).not.toHaveProperty("AuthKey");
      expect(getResponse("R", queue, behaviour)).not.toHaveProperty("AuthSwitch");
      expect(getResponse("R", http, behaviour)).toMatchObject({ AuthKey: "Secret123Key" });
    },
  );
});

describe("CallbackURL is required for HTTP callbacks", () => {
  it.each([
    ["absent", { CallbackType: "HTTP", EventTypeList: "FileUploadComplete" }],
    ["empty", { CallbackType: "HTTP", CallbackURL: "", EventTypeList: "FileUploadComplete" }],
  ])(
    "a SetEventCallback with CallbackType=HTTP and CallbackURL %s is refused",
    async (_, query) => {
      const error = await sdkError(callSdk(client(), "SetEventCallback", query));
      expect(error.statusCode).toBe(400);
      expect(error.code).toBe("MissingParameter");
      expect(error.data.Message).toBe(
        'The input parameter "CallbackURL" that is mandatory for processing this request is not supplied.',
      );
      expect(await emulator.getSetting(SH)).toBeUndefined();
    },
  );

  it("a queue setting needs no URL, and an HTTP one with its URL is accepted", () => {
    expect(
      validateSetParameters(
        { CallbackType: "MNS", CallbackQueueName: "ice-callback-a" },
        DEFAULT_BEHAVIOUR,
      ),
    ).toBeUndefined();
    expect(
      validateSetParameters(
        { CallbackType: "HTTP", CallbackURL: "https://hooks.example.com/ims" },
        DEFAULT_BEHAVIOUR,
      ),
    ).toBeUndefined();
  });
});
