/**
 * The provider's numeric settings (stack config first, then the environment): parsed in one place,
 * refused with a message naming the source and the range, and the number of attempts honoured by
 * the IMS client built for each call (counted by the emulator).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import * as context from "../../lib/runtime/context";
import {
  MAX_ATTEMPTS_SETTING,
  parseSetting,
  PROVIDER_SETTINGS,
  readSetting,
  TIMEOUT_SETTING,
} from "../../lib/runtime/providerSettings";
import { countCalls } from "../helpers/emulator";

describe("parseSetting", () => {
  it("prefers stack config to the environment and is undefined when neither is set", () => {
    expect(parseSetting(TIMEOUT_SETTING, "250", "900")).toBe(250);
    expect(parseSetting(TIMEOUT_SETTING, undefined, "900")).toBe(900);
    expect(parseSetting(TIMEOUT_SETTING, "", undefined)).toBeUndefined();
  });

  it.each([
    ["3.5", "stack config ims-callback:maxAttempts"],
    ["0", "stack config ims-callback:maxAttempts"],
    ["11", "stack config ims-callback:maxAttempts"],
  ])("refuses %j, naming the source and the range", (value, source) => {
    expect(() => parseSetting(MAX_ATTEMPTS_SETTING, value, undefined)).toThrow(
      `${source} must be a whole number of attempts from 1 to 10, got ${JSON.stringify(value)}.`,
    );
  });
});

describe("readSetting", () => {
  const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

  it("takes stack config, else the environment, else the default", () => {
    const { timeoutMs } = PROVIDER_SETTINGS;
    expect(
      readSetting(timeoutMs, config({ "ims-callback:timeoutMs": "250" }), {
        IMS_CALLBACK_TIMEOUT_MS: "900",
      }),
    ).toBe(250);
    expect(readSetting(timeoutMs, config({}), { IMS_CALLBACK_TIMEOUT_MS: "900" })).toBe(900);
    expect(readSetting(timeoutMs, undefined, {})).toBe(10_000);
  });

  it("defaults the race-check delay to 2 s, prefers stack config, and refuses what is not a whole number of ms", () => {
    const { raceCheckDelayMs } = PROVIDER_SETTINGS;
    const env = { IMS_CALLBACK_RACE_CHECK_DELAY_MS: "500" };
    expect(readSetting(raceCheckDelayMs, undefined, {})).toBe(2000);
    expect(
      readSetting(raceCheckDelayMs, config({ "ims-callback:raceCheckDelayMs": "0" }), env),
    ).toBe(0);
    expect(readSetting(raceCheckDelayMs, undefined, env)).toBe(500);
    expect(() =>
      readSetting(raceCheckDelayMs, config({ "ims-callback:raceCheckDelayMs": "2s" }), {}),
    ).toThrow(
      'stack config ims-callback:raceCheckDelayMs must be a whole number of milliseconds from 0 to 60000, got "2s".',
    );
  });

  it("reads the endpoint map whole from one source and never quotes it back", () => {
    const { endpoints } = PROVIDER_SETTINGS;
    const env = { IMS_CALLBACK_ENDPOINTS: '{"cn-beijing":"http://127.0.0.1:2"}' };
    expect(
      readSetting(
        endpoints,
        config({ "ims-callback:endpoints": '{"cn-shanghai":"http://127.0.0.1:1"}' }),
        env,
      ),
    ).toEqual(new Map([["cn-shanghai", "http://127.0.0.1:1"]]));
    for (const text of ['["http://user:pw@h"]', '{"cn-shanghai":1}', "http://user:pw@h"]) {
      expect(() => readSetting(endpoints, undefined, { IMS_CALLBACK_ENDPOINTS: text })).toThrow(
        'IMS_CALLBACK_ENDPOINTS must be a JSON object of region to endpoint, e.g. {"cn-shanghai":"http://127.0.0.1:4101"}.',
      );
    }
  });

  it("reads the queue-deletion switch from the environment only, as true or false", () => {
    const { deleteQueuesWithMessages } = PROVIDER_SETTINGS;
    expect(
      readSetting(
        deleteQueuesWithMessages,
        config({ "ims-callback:deleteQueuesWithMessages": "true" }),
        {},
      ),
    ).toBe(false);
    expect(
      readSetting(deleteQueuesWithMessages, undefined, {
        IMS_CALLBACK_DELETE_QUEUES_WITH_MESSAGES: "true",
      }),
    ).toBe(true);
    expect(() =>
      readSetting(deleteQueuesWithMessages, undefined, {
        IMS_CALLBACK_DELETE_QUEUES_WITH_MESSAGES: "yes",
      }),
    ).toThrow('IMS_CALLBACK_DELETE_QUEUES_WITH_MESSAGES must be "true" or "false", got "yes".');
  });

  it("has one row per ims-callback key, each with its own environment variable and a description", () => {
    const rows = Object.values(PROVIDER_SETTINGS);
    expect(new Set(rows.map((r) => r.envVar)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.envVar).toMatch(/^IMS_CALLBACK_[A-Z_]+$/);
      if (row.configKey) expect(row.configKey).toMatch(/^ims-callback:[a-zA-Z]+$/);
      expect(row.description).not.toBe("");
    }
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
    context.resetConfiguration();
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 3])("makes %i attempts of a throttled call, then fails", async (attempts) => {
    await emulator.reset();
    await emulator.injectFault({ kind: "throttle", count: 10, region: REGION });
    context.configure({
      get: (key) =>
        ({
          "alicloud:accessKey": DEFAULT_TEST_ACCOUNT.accessKeys[0].id,
          "alicloud:secretKey": DEFAULT_TEST_ACCOUNT.accessKeys[0].secret,
          "ims-callback:endpoints": JSON.stringify(emulator.endpoints),
          "ims-callback:maxAttempts": String(attempts),
        })[key],
    });
    await expect(context.runtimeContext().imsClient(REGION).getEventCallback()).rejects.toThrow(
      /Throttling/,
    );
    expect(countCalls(await emulator.getCounters()).get).toBe(attempts);
  });
});

describe("ims-callback:endpointType", () => {
  afterEach(() => context.resetConfiguration());

  it.each([
    [
      { "ims-callback:endpointType": "internal" },
      {},
      'stack config ims-callback:endpointType must be one of "public", "vpc", got "internal".',
    ],
    [
      {},
      { IMS_CALLBACK_ENDPOINT_TYPE: "VPC" },
      'IMS_CALLBACK_ENDPOINT_TYPE must be one of "public", "vpc", got "VPC".',
    ],
  ])(
    "refuses an unknown type instead of falling back to public (%j %j)",
    (config, env, message) => {
      context.configure({ get: (key) => (config as Record<string, string>)[key] });
      expect(() =>
        context.runtimeContext().imsClient("cn-shanghai", {
          ...env,
          ALIBABA_CLOUD_ACCESS_KEY_ID: "id",
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s",
        }),
      ).toThrow(message);
    },
  );
});
