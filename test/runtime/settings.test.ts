/**
 * The provider's numeric settings (stack config first, then the environment): parsed in one place,
 * refused with a message naming the source and the range, and the number of attempts honoured by
 * the IMS client built for each call (counted by the emulator).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_TEST_ACCOUNT, startEmulator, type EmulatorHandle } from "../../lib/emulator";
import * as runtime from "../../lib/runtime/runtime";
import {
  MAX_ATTEMPTS_SETTING,
  readWholeNumberSetting,
  TIMEOUT_SETTING,
} from "../../lib/runtime/settings";
import { countCalls } from "../helpers/emulator";

describe("readWholeNumberSetting", () => {
  it("prefers stack config to the environment and is undefined when neither is set", () => {
    expect(readWholeNumberSetting(TIMEOUT_SETTING, "250", "900")).toBe(250);
    expect(readWholeNumberSetting(TIMEOUT_SETTING, undefined, "900")).toBe(900);
    expect(readWholeNumberSetting(TIMEOUT_SETTING, "", undefined)).toBeUndefined();
  });

  it.each([
    ["3.5", "stack config ims-callback:maxAttempts"],
    ["0", "stack config ims-callback:maxAttempts"],
    ["11", "stack config ims-callback:maxAttempts"],
  ])("refuses %j, naming the source and the range", (value, source) => {
    expect(() => readWholeNumberSetting(MAX_ATTEMPTS_SETTING, value, undefined)).toThrow(
      `${source} must be a whole number of attempts from 1 to 10, got ${JSON.stringify(value)}.`,
    );
  });
});

describe("ims-callback:maxAttempts", () => {
  const REGION = "cn-shanghai";
  let emulator: EmulatorHandle;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-settings-"));
    emulator = await startEmulator({ stateFile: path.join(dir, "state.json") });
  });
  afterAll(async () => {
    runtime.resetConfiguration();
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 3])("makes %i attempts of a throttled call, then fails", async (attempts) => {
    await emulator.reset();
    await emulator.injectFault({ kind: "throttle", count: 10, region: REGION });
    runtime.configure({
      get: (key) =>
        ({
          "alicloud:accessKey": DEFAULT_TEST_ACCOUNT.accessKeys[0].id,
          "alicloud:secretKey": DEFAULT_TEST_ACCOUNT.accessKeys[0].secret,
          "ims-callback:endpoints": JSON.stringify(emulator.endpoints),
          "ims-callback:maxAttempts": String(attempts),
        })[key],
    });
    await expect(runtime.clientFor(REGION).getEventCallback()).rejects.toThrow(/Throttling/);
    expect(countCalls(await emulator.getCounters()).get).toBe(attempts);
  });
});
