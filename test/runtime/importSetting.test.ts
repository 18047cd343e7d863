/**
 * Adopting a region configured in the console (`pulumi import` through the provider plugin) and
 * `keepExistingAuthKey`, the input that lets an imported setting keep its key without the key ever
 * appearing in the program, against the local emulator.
 */
import { DEFAULT_TEST_ACCOUNT, type EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import type {
  EventCallbackInputs,
  EventCallbackOutputs,
} from "../../lib/runtime/eventCallbackOperations";
import { describeUrl } from "../../lib/shared/url";
import { countCalls, useRuntimeTestEmulator } from "../helpers/emulator";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const CONSOLE_KEY = "ConsoleKey7Tz4";
const CONSOLE_SETTING = {
  CallbackType: "HTTP",
  CallbackURL: "https://console.example.com/cb",
  EventTypeList: "ProduceMediaComplete,FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: CONSOLE_KEY,
};
const harness = useRuntimeTestEmulator("ims-import-");
let emulator: EmulatorHandle;

beforeAll(() => {
  emulator = harness.emulator;
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
});
beforeEach(async () => {
  context.resetConfiguration();
  await emulator.reset();
});

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e as Error,
  );
const live = async (region: string) => emulator.getSetting(region, ACCOUNT);
const calls = async () => countCalls(await emulator.getCounters());

/** What the engine does on `pulumi import`: read, check the returned inputs, diff against them. */
async function importRegion(region: string) {
  const read = await runtime.importSetting(region);
  const checked = await runtime.check({}, read.inputs ?? {});
  const diff = await runtime.diff(
    region,
    read.props as EventCallbackOutputs,
    checked.inputs as EventCallbackInputs,
  );
  return { read, checked, diff };
}

describe("importSetting", () => {
  it("returns the setting as inputs without the key, and a diff against them finds nothing", async () => {
    await emulator.putSetting("cn-shanghai", CONSOLE_SETTING, ACCOUNT);
    const { read, checked, diff } = await importRegion("cn-shanghai");
    expect(read.id).toBe("cn-shanghai");
    expect(read.inputs).toEqual({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://console.example.com/cb",
      eventTypes: ["ProduceMediaComplete", "FileUploadComplete"],
      keepExistingAuthKey: true,
    });
    expect(JSON.stringify(read.inputs)).not.toContain(CONSOLE_KEY);
    expect(checked.failures).toEqual([]);
    expect(diff.changes).toBe(false);
    // The state still owns the key (a secret output) and what destroy restores.
    expect(read.props).toMatchObject({
      authKey: CONSOLE_KEY,
      authSwitch: "on",
      previousSetting: expect.objectContaining({ authKey: CONSOLE_KEY }),
    });
  });

  it("imports a queue setting with its queue name and no key input", async () => {
    await emulator.putSetting(
      "cn-beijing",
      {
        CallbackType: "MNS",
        CallbackQueueName: "ice-callback-orders",
        EventTypeList: "ProduceMediaComplete",
        AuthSwitch: "off",
      },
      ACCOUNT,
    );
    const { read, diff } = await importRegion("cn-beijing");
    expect(read.inputs).toEqual({
      region: "cn-beijing",
      callbackType: "MNS",
      queueName: "ice-callback-orders",
      eventTypes: ["ProduceMediaComplete"],
    });
    expect(diff.changes).toBe(false);
  });

  it("says that a region with nothing configured has no callback setting to import", async () => {
    await expect(runtime.importSetting("cn-hangzhou")).rejects.toThrow(
      /no IMS event callback setting to import in cn-hangzhou: nothing is configured there/,
    );
  });

  it("refuses a URL with user credentials without showing them, with the fix", async () => {
    const url = "https://admin:Pa55word@console.example.com/ims";
    await emulator.putSetting("cn-shanghai", { ...CONSOLE_SETTING, CallbackURL: url }, ACCOUNT);
    const error = await failure(runtime.importSetting("cn-shanghai"));
    expect(error.message).toMatch(
      /^The IMS event callback setting in cn-shanghai .*cannot be imported/,
    );
    expect(error.message).toContain(describeUrl(url));
    expect(error.message).toMatch(/callbackUrl: holds user credentials/);
    expect(`${error.message}\n${String(error.stack)}`).not.toMatch(/Pa55word|admin/);
    expect(error.message).not.toContain(CONSOLE_KEY);
  });

  it.each([
    ["the query", "https://console.example.com/ims?token=Tok3nValue"],
    ["the fragment", "https://console.example.com/ims#Tok3nValue"],
  ])(
    "refuses a URL with a token in %s without showing it, and says how to adopt it with the URL kept secret",
    async (_where, url) => {
      await emulator.putSetting("cn-shanghai", { ...CONSOLE_SETTING, CallbackURL: url }, ACCOUNT);
      const error = await failure(runtime.importSetting("cn-shanghai"));
      expect(error.message).toMatch(
        /^The IMS event callback setting in cn-shanghai .*cannot be imported/,
      );
      expect(error.message).toContain(describeUrl(url));
      expect(`${error.message}\n${String(error.stack)}`).not.toContain("Tok3nValue");
      expect(error.message).not.toContain(CONSOLE_KEY);
      expect(error.message).toMatch(/pulumi config set --secret/);
      expect(error.message).toMatch(/adoptExisting: true/);
      expect(error.message).toMatch(/keepExistingAuthKey: true/);
    },
  );

  it("refuses a setting whose generated code would fail validation at preview, naming the problem", async () => {
    await emulator.putSetting(
      "cn-shanghai",
      { ...CONSOLE_SETTING, CallbackURL: "https://console.example.com/ims/a,b" },
      ACCOUNT,
    );
    await expect(runtime.importSetting("cn-shanghai")).rejects.toThrow(
      /cannot be imported: .*fail validation at preview[\s\S]*callbackUrl: contains ","[\s\S]*%2C/,
    );
  });

  it("every setting it imports passes check (the generated code previews)", async () => {
    await emulator.putSetting(
      "cn-shanghai",
      { ...CONSOLE_SETTING, CallbackURL: "http://console.example.com/ims" },
      ACCOUNT,
    );
    const { checked, diff } = await importRegion("cn-shanghai");
    expect(checked.failures).toEqual([]);
    expect(diff.changes).toBe(false);
  });

  it("destroy with the default policy leaves the imported setting as it was found", async () => {
    await emulator.putSetting("cn-shanghai", CONSOLE_SETTING, ACCOUNT);
    const { read } = await importRegion("cn-shanghai");
    await emulator.reset();
    await runtime.remove("cn-shanghai", read.props as EventCallbackOutputs);
    expect((await calls()).set).toBe(0);
    expect(await live("cn-shanghai")).toMatchObject({ AuthKey: CONSOLE_KEY });
  });
});

describe("keepExistingAuthKey", () => {
  it("an update of another property writes the key the state holds", async () => {
    await emulator.putSetting("cn-shanghai", CONSOLE_SETTING, ACCOUNT);
    const { read, checked } = await importRegion("cn-shanghai");
    const news = {
      ...(checked.inputs as EventCallbackInputs),
      eventTypes: ["ProduceMediaComplete"],
    };
    const olds = read.props as EventCallbackOutputs;
    expect((await runtime.diff("cn-shanghai", olds, news)).changes).not.toBe(false);
    const updated = await runtime.update("cn-shanghai", olds, news);
    expect(await live("cn-shanghai")).toMatchObject({
      EventTypeList: "ProduceMediaComplete",
      AuthSwitch: "on",
      AuthKey: CONSOLE_KEY,
    });
    expect(updated.outs).toMatchObject({ authKey: CONSOLE_KEY, keepExistingAuthKey: true });
  });

  it("create with adoptExisting takes over the region with the key found there", async () => {
    await emulator.putSetting("cn-shanghai", CONSOLE_SETTING, ACCOUNT);
    const created = await runtime.create({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: CONSOLE_SETTING.CallbackURL,
      eventTypes: ["ProduceMediaComplete", "FileUploadComplete"],
      keepExistingAuthKey: true,
      adoptExisting: true,
    });
    expect(await live("cn-shanghai")).toMatchObject({ AuthSwitch: "on", AuthKey: CONSOLE_KEY });
    expect(created.outs).toMatchObject({ authKey: CONSOLE_KEY, authSwitch: "on" });
  });

  it("a refresh takes a key changed in the console without showing drift or putting it in the inputs", async () => {
    await emulator.putSetting("cn-shanghai", CONSOLE_SETTING, ACCOUNT);
    const { read } = await importRegion("cn-shanghai");
    await emulator.putSetting(
      "cn-shanghai",
      { ...CONSOLE_SETTING, AuthKey: "Rotated9Key" },
      ACCOUNT,
    );
    const refreshed = await runtime.read("cn-shanghai", read.props as EventCallbackOutputs);
    expect(refreshed.props).toMatchObject({ authKey: "Rotated9Key" });
    expect(refreshed.inputs).not.toHaveProperty("authKey");
    const checked = await runtime.check({}, refreshed.inputs!);
    const diff = await runtime.diff(
      "cn-shanghai",
      refreshed.props as EventCallbackOutputs,
      checked.inputs as EventCallbackInputs,
    );
    expect(diff.changes).toBe(false);
  });

  it("is refused together with authKey, and with the queue method", async () => {
    const both = await runtime.check(
      {},
      {
        region: "cn-shanghai",
        callbackType: "HTTP",
        callbackUrl: "https://x.example.com",
        eventTypes: ["ProduceMediaComplete"],
        authKey: "Abc123def",
        keepExistingAuthKey: true,
      },
    );
    expect(both.failures?.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^keepExistingAuthKey: .*authKey/),
    ]);
    const mns = await runtime.check(
      {},
      {
        region: "cn-shanghai",
        callbackType: "MNS",
        queueName: "ice-callback-x",
        eventTypes: ["ProduceMediaComplete"],
        keepExistingAuthKey: true,
      },
    );
    expect(mns.failures?.map((f) => f.reason)).toEqual([
      expect.stringMatching(/^keepExistingAuthKey: .*HTTP/),
    ]);
  });
});
