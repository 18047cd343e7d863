/**
 * The IMS client against the local emulator over real HTTP with real signatures: both signature
 * versions, retries with bounded backoff, and the errors users see.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Credential, { Config } from "@alicloud/credentials";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import {
  ImsApiError,
  ImsClient,
  imsErrorClass,
  type ImsClientOptions,
} from "../../lib/runtime/imsClient";
import { parseEndpoint } from "../../lib/runtime/rpcClient";
import { EMPTY_SETTING, type CallbackSetting } from "../../lib/shared/setting";

const account = DEFAULT_TEST_ACCOUNT;
const key = account.accessKeys[0];
let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-client-"));
  emulator = await startEmulator({ stateFile: path.join(dir, "state.json") });
});
afterAll(async () => {
  await emulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emulator.reset();
});

const setting: CallbackSetting = {
  callbackType: "HTTP",
  callbackUrl: "https://a.example.com/cb?x=(1)!*'",
  queueName: "",
  eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
  authSwitch: "on",
  authKey: "Abc123xyz",
};

function client(
  region: keyof typeof emulator.endpoints,
  extra: Partial<ImsClientOptions> = {},
  delays: number[] = [],
): ImsClient {
  return new ImsClient({
    region,
    credential: new Credential(
      new Config({ type: "access_key", accessKeyId: key.id, accessKeySecret: key.secret }),
    ),
    endpoint: emulator.endpoints[region],
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  });
}

describe("ImsClient", () => {
  it.each(["v3", "v2"] as const)(
    "sets and reads back a setting with %s signatures",
    async (signatureVersion) => {
      const c = client("cn-beijing", { signatureVersion });
      await c.setEventCallback(setting);
      const read = await c.getEventCallback();
      expect(read).toEqual({
        ...setting,
        eventTypes: ["MediaConvertComplete", "ProduceMediaComplete"],
      });
      await c.setEventCallback(EMPTY_SETTING);
      expect(await c.getEventCallback()).toEqual(EMPTY_SETTING);
    },
  );

  it("retries throttling and 5xx with growing, bounded, jittered delays", async () => {
    const delays: number[] = [];
    await emulator.injectFault({
      kind: "throttle",
      action: "GetEventCallback",
      region: "cn-shanghai",
      count: 2,
    });
    await emulator.injectFault({
      kind: "server-error",
      action: "GetEventCallback",
      region: "cn-shanghai",
      count: 1,
    });
    await client("cn-shanghai", {}, delays).getEventCallback();
    expect(delays).toHaveLength(3);
    [
      [100, 200],
      [200, 400],
      [400, 800],
    ].forEach(([lo, hi], i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(lo);
      expect(delays[i]).toBeLessThanOrEqual(hi);
    });
  });

  it("retries a dropped connection and a malformed body, then returns the region's setting", async () => {
    await client("cn-hangzhou").setEventCallback(setting);
    await emulator.injectFault({
      kind: "drop",
      action: "GetEventCallback",
      region: "cn-hangzhou",
      count: 1,
    });
    await emulator.injectFault({
      kind: "malformed",
      action: "GetEventCallback",
      region: "cn-hangzhou",
      count: 1,
    });
    const delays: number[] = [];
    await expect(client("cn-hangzhou", {}, delays).getEventCallback()).resolves.toEqual({
      ...setting,
      eventTypes: ["MediaConvertComplete", "ProduceMediaComplete"],
    });
    expect(delays).toHaveLength(2);
  });

  it("gives up after maxAttempts with the region, operation, code, request id and attempts", async () => {
    await emulator.injectFault({
      kind: "server-error",
      action: "SetEventCallback",
      region: "cn-shenzhen",
      count: 10,
    });
    const error = await client("cn-shenzhen")
      .setEventCallback(setting)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImsApiError);
    const e = error as ImsApiError;
    expect([e.region, e.operation, e.attempts, e.retryable]).toEqual([
      "cn-shenzhen",
      "SetEventCallback",
      5,
      true,
    ]);
    expect(e.requestId).toMatch(/\w{8,}/);
    expect(e.message).toMatch(
      /^IMS SetEventCallback in cn-shenzhen failed: (ServiceUnavailable|InternalError).*\(HTTP 50\d, RequestId [^,]+, after 5 attempts\)$/s,
    );
  });

  it("times out a slow call and retries it", async () => {
    await emulator.injectFault({
      kind: "latency",
      latencyMs: 1500,
      action: "GetEventCallback",
      region: "us-west-1",
      count: 1,
    });
    const delays: number[] = [];
    await client("us-west-1", { timeoutMs: 300 }, delays).getEventCallback();
    expect(delays).toHaveLength(1);
  });

  it("does not retry bad credentials and says what to check", async () => {
    const bad = new ImsClient({
      region: "cn-beijing",
      credential: new Credential(
        new Config({ type: "access_key", accessKeyId: key.id, accessKeySecret: "wrong-secret" }),
      ),
      endpoint: emulator.endpoints["cn-beijing"],
      sleep: async () => undefined,
    });
    const error = (await bad.getEventCallback().catch((e: unknown) => e)) as ImsApiError;
    expect(error.code).toBe("SignatureDoesNotMatch");
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("Hint: check the AccessKey pair");
    expect(error.message).not.toContain("wrong-secret");
  });

  it("reports an unknown AccessKey id and names the hint", async () => {
    const bad = new ImsClient({
      region: "cn-beijing",
      credential: new Credential(
        new Config({ type: "access_key", accessKeyId: "TESTAKnobody", accessKeySecret: "x" }),
      ),
      endpoint: emulator.endpoints["cn-beijing"],
    });
    await expect(bad.getEventCallback()).rejects.toThrow(
      /^IMS GetEventCallback in cn-beijing failed: InvalidAccessKeyId\.NotFound.*Hint: check the AccessKey pair/s,
    );
  });

  it("hints at RAM permissions and clock skew", () => {
    expect(ImsApiError.hint("Forbidden.RAM")).toContain("ice:SetEventCallback");
    expect(ImsApiError.hint("InvalidTimeStamp.Expired")).toContain("clock");
    expect(ImsApiError.hint("Whatever")).toBeUndefined();
  });
});

describe("ImsApiError", () => {
  it("takes one options object and builds its message from it", () => {
    const error = new ImsApiError({
      region: "cn-shanghai",
      operation: "GetEventCallback",
      code: "Throttling.User",
      requestId: "R-1",
      statusCode: 400,
      serviceMessage: "Request was denied due to user flow control.",
      retryable: true,
      attempts: 3,
    });
    expect(error).toMatchObject({
      name: "ImsApiError",
      region: "cn-shanghai",
      operation: "GetEventCallback",
      code: "Throttling.User",
      requestId: "R-1",
      statusCode: 400,
      retryable: true,
      attempts: 3,
    });
    expect(error.message).toBe(
      "IMS GetEventCallback in cn-shanghai failed: Throttling.User: Request was denied due to user flow control. " +
        "(HTTP 400, RequestId R-1, after 3 attempts). Hint: IMS throttled the calls; retry later or deploy fewer regions at once (pulumi up --parallel).",
    );
    const advised = new ImsApiError({
      region: "cn-shanghai",
      operation: "SetEventCallback",
      code: "Forbidden.RAM",
      serviceMessage: "",
      retryable: false,
      attempts: 1,
      advice: "do this instead.",
    });
    expect(advised.message).toBe(
      "IMS SetEventCallback in cn-shanghai failed: Forbidden.RAM. Hint: do this instead.",
    );
  });
});

describe("imsErrorClass: one table of code pattern to retry and hint", () => {
  it.each([
    ["Throttling.User", "always", /throttled/],
    ["ServiceUnavailable", "always", undefined],
    ["InternalError", "always", undefined],
    ["MalformedResponse", "always", undefined],
    ["Forbidden.RAM", "never", /ice:SetEventCallback/],
    ["NoPermission", "never", /ice:SetEventCallback/],
    ["InvalidAccessKeyId.NotFound", "never", /AccessKey pair/],
    ["SignatureDoesNotMatch", "never", /AccessKey pair/],
    ["InvalidSecurityToken.Expired", "never", /AccessKey pair/],
    ["InvalidTimeStamp.Expired", "never", /clock/],
    ["ECONNREFUSED", "unanswered", /unreachable/],
    ["ENOTFOUND", "unanswered", /unreachable/],
    ["ECONNRESET", "unanswered", undefined],
    ["Timeout", "unanswered", undefined],
    ["InvalidParameter", "never", undefined],
  ] as const)("%s: retried %s", (code, retry, hint) => {
    const found = imsErrorClass(code);
    expect(found.retry).toBe(retry);
    const text = found.hint?.((key) => key);
    if (hint) expect(text).toMatch(hint);
    else expect(text).toBeUndefined();
    expect(ImsApiError.hint(code)).toBe(text);
  });
});

describe("parseEndpoint", () => {
  it.each([
    ["http://127.0.0.1:4101", { endpoint: "127.0.0.1:4101", protocol: "http" }],
    [
      "https://ice.cn-shanghai.aliyuncs.com/",
      { endpoint: "ice.cn-shanghai.aliyuncs.com", protocol: "https" },
    ],
    [
      "ice-vpc.cn-beijing.aliyuncs.com",
      { endpoint: "ice-vpc.cn-beijing.aliyuncs.com", protocol: "https" },
    ],
  ])("%s", (input, expected) => {
    expect(parseEndpoint(input)).toEqual(expected);
  });
});
