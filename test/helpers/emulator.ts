/** Small readers of the emulator's control surface and the runtime suites' setup, shared by the suites. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";

/** What the emulator answers for a region nobody configured (its default behaviour). */
export const NEVER_CONFIGURED: Record<string, string> = {
  CallbackType: "",
  CallbackURL: "",
  CallbackQueueName: "",
  EventTypeList: "",
  AuthSwitch: "off",
  AuthKey: "",
};

/** Get and Set totals over all regions (the emulator's own helper, under the name the suites use). */
export { countApiCalls as countCalls } from "pulumi-alicloud-ims-emulator";

/** The emulator of a runtime suite, started before its tests and closed after them. */
export interface RuntimeTestEmulator {
  /** The running emulator (set once the suite's first `beforeAll` ran). */
  readonly emulator: EmulatorHandle;
}

/**
 * Registers the `beforeAll` / `afterAll` of a suite that calls the runtime against the emulator:
 * a state file in a fresh temporary directory, the test account's AccessKey in the environment (and
 * no `ALICLOUD_*` pair that would win over it), `IMS_CALLBACK_ENDPOINTS` pointing at the emulator,
 * and the environment restored afterwards. Call it at the top of the suite, before its own hooks.
 */
export function useRuntimeTestEmulator(tempPrefix: string): RuntimeTestEmulator {
  const savedEnv = { ...process.env };
  let dir = "";
  let running: EmulatorHandle | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
    running = await startEmulator({ stateFile: path.join(dir, "state.json") });
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = DEFAULT_TEST_ACCOUNT.accessKeys[0].id;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = DEFAULT_TEST_ACCOUNT.accessKeys[0].secret;
    delete process.env.ALICLOUD_ACCESS_KEY;
    delete process.env.ALICLOUD_SECRET_KEY;
    process.env.IMS_CALLBACK_ENDPOINTS = JSON.stringify(running.endpoints);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await running?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get emulator(): EmulatorHandle {
      if (!running) throw new Error("the emulator starts in beforeAll");
      return running;
    },
  };
}
