/**
 * Proves: injected faults hit exactly the next N matching calls (throttle, 5xx, drop, malformed,
 * gateway pages and empty answers, latency) and then stop; counters count every call per action
 * and region; the request log never holds secrets or AuthKey values; console-style drift is visible
 * to API readers; reset clears the control state but not settings.
 * Does not prove: the admin HTTP transport (see adminClient.test.ts).
 */
import { stringify } from "node:querystring";
import { EmulatorHandle, startEmulator } from "../src";
import { RequestLogEntry } from "../src/ground/requestLog";
import { redactParams } from "../src/ground/requestLog";
import { callSdk, KEY, sdkClient, sdkError, send, signedV3 } from "./helpers";

const SH = "cn-shanghai";
const BJ = "cn-beijing";

let emulator: EmulatorHandle;
const observed: RequestLogEntry[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ onRequest: (entry) => observed.push(entry) });
});
afterAll(() => emulator?.close());
beforeEach(async () => {
  await emulator.reset();
  await emulator.clearSetting(SH);
  observed.length = 0;
});

const get = (region = SH) =>
  callSdk(sdkClient(emulator.endpoints[region as "cn-shanghai"]), "GetEventCallback");
const set = (params: Record<string, string>, region = SH) =>
  callSdk(sdkClient(emulator.endpoints[region as "cn-shanghai"]), "SetEventCallback", params);

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await call();
  return Date.now() - start;
}

describe("faults", () => {
  it("throttles the next 2 matching calls with 400 Throttling.User, then succeeds", async () => {
    const fault = await emulator.injectFault({ kind: "throttle", count: 2 });
    expect(fault).toEqual({
      id: expect.stringMatching(/^fault-\d+$/),
      kind: "throttle",
      remaining: 2,
      skip: 0,
    });
    for (let i = 0; i < 2; i++) {
      const error = await sdkError(get());
      expect([error.statusCode, error.code, error.data.Message]).toEqual([
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
      ]);
    }
    expect((await get()).AuthSwitch).toBe("off");
    expect(await emulator.listFaults()).toEqual([]);
  });

  it("lets `skip` matching calls through before the fault starts", async () => {
    await emulator.injectFault({ kind: "throttle", count: 1, skip: 2 });
    await get();
    await get();
    expect((await sdkError(get())).code).toBe("Throttling.User");
    expect((await get()).AuthSwitch).toBe("off");
    await expect(emulator.injectFault({ kind: "throttle", skip: -1 })).rejects.toThrow(
      "skip must be a non-negative integer.",
    );
  });

  it("answers 503 ServiceUnavailable by default and 500 InternalError on request", async () => {
    await emulator.injectFault({ kind: "server-error" });
    await emulator.injectFault({ kind: "server-error", status: 500 });
    const first = await sdkError(get());
    const second = await sdkError(get());
    expect([first.statusCode, first.code]).toEqual([503, "ServiceUnavailable"]);
    expect([second.statusCode, second.code]).toEqual([500, "InternalError"]);
  });

  it("drops the connection without a response", async () => {
    await emulator.injectFault({ kind: "drop" });
    await expect(
      send(emulator.endpoints[SH], signedV3({ endpoint: emulator.endpoints[SH] })),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await emulator.getRequestLog()).map((e) => [e.status, e.code])).toEqual([
      [0, "Dropped"],
    ]);
    await get();
  });

  it("answers 200 with a body that is not JSON", async () => {
    await emulator.injectFault({ kind: "malformed", count: 2 });
    const response = await send(
      emulator.endpoints[SH],
      signedV3({ endpoint: emulator.endpoints[SH] }),
    );
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text)).toThrow();
    await expect(get()).rejects.toThrow();
    await get();
  });

  it("answers like a gateway in front of the API: 502 with an HTML page, 503 with an empty body, for the IMS and the MNS data API alike", async () => {
    await emulator.injectFault({ kind: "gateway-html", count: 2 });
    await emulator.injectFault({ kind: "gateway-empty", count: 2 });
    const ims = () => send(emulator.endpoints[SH], signedV3({ endpoint: emulator.endpoints[SH] }));
    const mns = () =>
      send(
        emulator.endpoints[SH],
        { method: "DELETE", query: { ReceiptHandle: "1-abc" }, headers: {}, body: "" },
        "/queues/ice-callback-gateway/messages",
      );
    const answers = [await ims(), await mns(), await ims(), await mns()];
    expect(answers.map((a) => [a.status, a.headers["content-type"], a.text.length > 0])).toEqual([
      [502, "text/html", true],
      [502, "text/html", true],
      [503, undefined, false],
      [503, undefined, false],
    ]);
    expect(answers[0].text).toContain("<title>502 Bad Gateway</title>");
    expect((await emulator.getRequestLog()).map((e) => [e.action, e.status, e.code])).toEqual([
      ["GetEventCallback", 502, "GatewayHtml"],
      ["DeleteMessage", 502, "GatewayHtml"],
      ["GetEventCallback", 503, "GatewayEmpty"],
      ["DeleteMessage", 503, "GatewayEmpty"],
    ]);
    await get();
  });

  it("adds latency to the next matching call only, and a global latency to every call", async () => {
    await emulator.injectFault({ kind: "latency", latencyMs: 400 });
    expect(await timed(get)).toBeGreaterThanOrEqual(390);
    expect(await timed(get)).toBeLessThan(300);
    await emulator.setLatency(250);
    expect(await timed(get)).toBeGreaterThanOrEqual(240);
    expect((await emulator.info()).latencyMs).toBe(250);
  });

  it("matches by action and region", async () => {
    await emulator.injectFault({ kind: "throttle", action: "SetEventCallback", region: SH });
    await get(SH);
    await set({ CallbackType: "MNS" }, BJ);
    expect((await sdkError(set({ CallbackType: "MNS" }, SH))).code).toBe("Throttling.User");
    await set({ CallbackType: "MNS" }, SH);
    await emulator.clearSetting(BJ);
  });

  it("refuses an invalid fault with every problem named", async () => {
    await expect(
      emulator.injectFault({ kind: "explode" as never, count: 0, region: "eu-central-1" }),
    ).rejects.toThrow(
      "Invalid fault: kind must be one of throttle, server-error, latency, drop, malformed, gateway-html, gateway-empty. count must be a positive integer. region must be one of cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen, ap-southeast-1, us-west-1.",
    );
  });
});

describe("counters and request log", () => {
  it("counts every call per action and region, failed ones included", async () => {
    await emulator.injectFault({ kind: "throttle" });
    await sdkError(get());
    await get();
    await get(BJ);
    await set({ CallbackType: "MNS" });
    await sdkError(set({ CallbackType: "SMS" }));
    expect(await emulator.getCounters()).toEqual({
      GetEventCallback: { [SH]: 2, [BJ]: 1 },
      SetEventCallback: { [SH]: 2 },
    });
  });

  it("logs each call's outcome without secrets, signatures, tokens or AuthKey values", async () => {
    const authKey = "TopSecret123Key";
    await set({
      CallbackType: "HTTP",
      CallbackURL: "https://hooks.example.com/x",
      AuthSwitch: "on",
      AuthKey: authKey,
    });
    await sdkError(
      callSdk(
        sdkClient(emulator.endpoints[SH], { accessKeySecret: "wrong-secret", v2: true }),
        "SetEventCallback",
        { AuthKey: authKey },
      ),
    );
    const log = await emulator.getRequestLog();
    expect(log.map((e) => [e.action, e.region, e.accessKeyId, e.status, e.code])).toEqual([
      ["SetEventCallback", SH, KEY.id, 200, "OK"],
      ["SetEventCallback", SH, KEY.id, 400, "SignatureDoesNotMatch"],
    ]);
    expect(log[0].params).toEqual({
      CallbackType: "HTTP",
      CallbackURL: "https://hooks.example.com/x",
      AuthSwitch: "on",
      AuthKey: "[redacted]",
    });
    expect(log[0]).toMatchObject({
      requestId: expect.any(String),
      time: expect.stringMatching(/Z$/),
      durationMs: expect.any(Number),
    });
    const text = JSON.stringify(log);
    for (const secret of [authKey, KEY.secret, "wrong-secret", `"Signature"`, "SignatureNonce"])
      expect(text).not.toContain(secret);
    expect(observed).toEqual(log);
  });

  it("redacts only non-empty AuthKey values and drops signing parameters", () => {
    expect(
      redactParams({
        AuthKey: "",
        SecurityToken: "t",
        Signature: "s",
        Timestamp: "x",
        EventTypeList: "A",
      }),
    ).toEqual({ AuthKey: "", EventTypeList: "A" });
  });

  it("reset clears counters, log, faults and latency but keeps settings", async () => {
    await set({ CallbackType: "MNS" });
    await emulator.injectFault({ kind: "drop", count: 5 });
    await emulator.setLatency(10);
    await emulator.reset();
    expect(await emulator.getCounters()).toEqual({});
    expect(await emulator.getRequestLog()).toEqual([]);
    expect(await emulator.listFaults()).toEqual([]);
    expect((await emulator.info()).latencyMs).toBe(0);
    expect((await emulator.getSetting(SH))?.CallbackType).toBe("MNS");
  });

  it("keeps only the newest logLimit entries", async () => {
    const small = await startEmulator({ logLimit: 2, adminPort: false });
    try {
      const client = sdkClient(small.endpoints[SH]);
      for (let i = 0; i < 3; i++) await callSdk(client, "GetEventCallback");
      const log = await small.getRequestLog();
      expect(log).toHaveLength(2);
      expect((await small.getCounters()).GetEventCallback[SH]).toBe(3);
    } finally {
      await small.close();
    }
  });
});

describe("request log size", () => {
  const logged = async () => (await emulator.getRequestLog()).at(-1)!;

  it("bounds an entry of a near-1 MB signed call, cutting values with a marker and keeping AuthKey redacted", async () => {
    const authKey = `Secret${"k".repeat(200_000)}`;
    const extra = Object.fromEntries(
      Array.from({ length: 3_000 }, (_, i) => [`Extra${i}`, "v".repeat(40)]),
    );
    const request = signedV3({
      endpoint: emulator.endpoints[SH],
      action: "SetEventCallback",
      body: {
        CallbackType: "HTTP",
        CallbackURL: `https://hooks.example.com/${"a".repeat(500_000)}`,
        AuthSwitch: "on",
        AuthKey: authKey,
        ...extra,
      },
    });
    expect(request.body.length).toBeGreaterThan(800_000);
    await send(emulator.endpoints[SH], request);
    const entry = await logged();
    expect(entry.action).toBe("SetEventCallback");
    expect(entry.params.AuthKey).toBe("[redacted]");
    expect(entry.params.CallbackType).toBe("HTTP");
    expect(entry.params.CallbackURL).toMatch(
      /^https:\/\/hooks\.example\.com\/a+…\[\+\d+ characters\]$/,
    );
    expect(entry.params["(omitted)"]).toMatch(/^\d+ parameters$/);
    const text = JSON.stringify(entry);
    expect(text.length).toBeLessThan(12_000);
    expect(text).not.toContain("Secretk");
    expect(observed.at(-1)).toEqual(entry);
  });

  it("bounds the action and claimed AccessKey id of an unsigned call", async () => {
    await send(emulator.endpoints[SH], {
      method: "POST",
      query: {},
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: stringify({
        Action: "A".repeat(500_000),
        Version: "2020-11-09",
        AccessKeyId: "K".repeat(400_000),
      }),
    });
    const entry = await logged();
    expect(entry.code).toBe("InvalidAction.NotFound");
    expect(entry.action).toMatch(/^A{100,200}…\[\+\d+ characters\]$/);
    expect(entry.accessKeyId).toMatch(/^K{100,200}…\[\+\d+ characters\]$/);
    expect(JSON.stringify(entry).length).toBeLessThan(2_000);
  });
});

describe("console-style drift", () => {
  it("a setting changed out of band is what the API reads next", async () => {
    await set({
      CallbackType: "HTTP",
      CallbackURL: "https://hooks.example.com/x",
      EventTypeList: "FileUploadComplete",
    });
    const drifted = await emulator.putSetting(SH, {
      EventTypeList: "FileUploadComplete,TranscodeComplete",
    });
    expect(drifted).toEqual({
      CallbackType: "HTTP",
      CallbackURL: "https://hooks.example.com/x",
      CallbackQueueName: "",
      EventTypeList: "FileUploadComplete,TranscodeComplete",
      AuthSwitch: "off",
      AuthKey: "",
    });
    expect((await get()).EventTypeList).toBe("FileUploadComplete,TranscodeComplete");
    await emulator.clearSetting(SH);
    expect(await emulator.getSetting(SH)).toBeUndefined();
    expect(await emulator.getCounters()).toEqual({
      SetEventCallback: { [SH]: 1 },
      GetEventCallback: { [SH]: 1 },
    });
  });

  it("refuses unknown regions, accounts and fields", async () => {
    await expect(emulator.getSetting("eu-central-1")).rejects.toThrow(
      "Unknown region 'eu-central-1'; served: cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen, ap-southeast-1, us-west-1.",
    );
    await expect(emulator.getSetting(SH, "9999999999999999")).rejects.toThrow(
      "Unknown account '9999999999999999'; configured: 1234567890123456.",
    );
    await expect(emulator.putSetting(SH, { CallbackUrl: "x" } as never)).rejects.toThrow(
      "Unknown field 'CallbackUrl'",
    );
    await expect(emulator.putSetting(SH, { AuthKey: 5 } as never)).rejects.toThrow(
      "AuthKey must be a string.",
    );
  });
});
