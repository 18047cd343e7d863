/**
 * When IMS refuses an empty event list (the emulator's `emptyEventList: "rejected"` behaviour),
 * destroy fails with advice to use deletionPolicy "retain". Real HTTP against the emulator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import * as provider from "../../lib/runtime";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import type { EventCallbackOutputs } from "../../lib/runtime/eventCallbackOperations";

const REGION = "cn-beijing";
let emulator: EmulatorHandle;
let dir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-empty-list-"));
  emulator = await startEmulator({
    stateFile: path.join(dir, "state.json"),
    behaviour: { emptyEventList: "rejected" },
  });
  process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify(emulator.endpoints);
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEFAULT_TEST_ACCOUNT.accessKeys[0].id;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEFAULT_TEST_ACCOUNT.accessKeys[0].secret;
  delete process.env.ALICLOUD_ACCESS_KEY;
  delete process.env.ALICLOUD_SECRET_KEY;
  context.resetConfiguration();
});
afterAll(async () => {
  process.env = savedEnv;
  await emulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it.each(["clear", "restore"] as const)(
  'destroy with deletionPolicy "%s" that IMS refuses points to "retain" and leaves the setting',
  async (deletionPolicy) => {
    const live = {
      CallbackType: "HTTP",
      CallbackURL: "https://media.example.com/ims",
      EventTypeList: "ProduceMediaComplete",
      AuthSwitch: "off",
      AuthKey: "",
    };
    await emulator.putSetting(REGION, live, DEFAULT_TEST_ACCOUNT.accountId);
    const outputs = {
      region: REGION,
      callbackType: "HTTP",
      callbackUrl: live.CallbackURL,
      eventTypes: ["ProduceMediaComplete"],
      adoptExisting: false,
      deletionPolicy,
      allowUndocumentedRegion: false,
      authSwitch: "off",
      previousSetting: null,
      stateVersion: runtime.STATE_VERSION,
    } as EventCallbackOutputs;
    const error = (await provider.remove(REGION, outputs).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^IMS SetEventCallback in cn-beijing failed: InvalidParameter/);
    expect(error.message).toContain(
      "Hint: IMS refused an empty event list, which is how destroy turns callbacks off",
    );
    expect(error.message).toContain('set deletionPolicy: "retain", run "pulumi up", then destroy');
    expect(await emulator.getSetting(REGION, DEFAULT_TEST_ACCOUNT.accountId)).toMatchObject({
      EventTypeList: "ProduceMediaComplete",
    });
  },
);
