/**
 * Proves: over HTTP, requests signed by Alibaba's own runtime (V3 and V2, AK and STS) are served
 * with the documented response shapes; each tampering is answered with the gateway's code, status
 * and error body; parameters are validated as documented; regions are isolated; 100 concurrent
 * calls lose no update; state survives a restart; unknown actions, versions and garbage never
 * crash the server.
 * Does not prove: that the real IMS behaves the same where its docs are silent (see behaviour.ts).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EMULATOR_REGIONS, EmulatorHandle, startEmulator } from "../src";
import {
  callSdk,
  json,
  RawRequest,
  removeTempDirs,
  sdkClient,
  sdkError,
  send,
  signedV2,
  signedV3,
  SignOptions,
  STS,
  tempDir,
  VERSION,
} from "./helpers";

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const SH = "cn-shanghai";

let emulator: EmulatorHandle;
let stateFile: string;

beforeAll(async () => {
  stateFile = join(tempDir(), "state.json");
  emulator = await startEmulator({ stateFile });
});
afterAll(async () => {
  await emulator?.close();
  removeTempDirs();
});
beforeEach(async () => {
  await emulator.reset();
  await emulator.setBehaviour({
    unconfiguredRead: "empty",
    setSemantics: "partial",
    emptyEventList: "allowed",
  });
  for (const region of EMULATOR_REGIONS) await emulator.clearSetting(region);
});

const HTTP_SETTING = {
  CallbackType: "HTTP",
  CallbackURL: "https://hooks.example.com/ims",
  EventTypeList: "FileUploadComplete,TranscodeComplete",
  AuthSwitch: "on",
  AuthKey: "Secret123Key",
};

describe("requests signed by Alibaba's runtime", () => {
  it.each([
    ["V3 (ACS3-HMAC-SHA256)", false],
    ["V2 (HMAC-SHA1)", true],
  ])(
    "%s: SetEventCallback then GetEventCallback round-trip with the documented shapes",
    async (_name, v2) => {
      const client = sdkClient(emulator.endpoints[SH], { v2 });
      const set = await callSdk(client, "SetEventCallback", HTTP_SETTING);
      expect(set).toEqual({ RequestId: expect.stringMatching(UUID), Success: true });
      const get = await callSdk(client, "GetEventCallback");
      expect(get).toEqual({
        RequestId: expect.stringMatching(UUID),
        CallbackQueueName: "",
        ...HTTP_SETTING,
      });
      expect(Object.keys(get)).toEqual([
        "RequestId",
        "CallbackType",
        "CallbackQueueName",
        "CallbackURL",
        "EventTypeList",
        "AuthSwitch",
        "AuthKey",
      ]);
    },
  );

  it.each([false, true])("a value with ! ' ( ) * signs and verifies (v2=%s)", async (v2) => {
    const client = sdkClient(emulator.endpoints[SH], { v2 });
    const url = "https://hooks.example.com/ims?tag=(it's)!*";
    await callSdk(client, "SetEventCallback", { CallbackType: "HTTP", CallbackURL: url });
    expect((await callSdk(client, "GetEventCallback")).CallbackURL).toBe(url);
  });

  it.each([false, true])(
    "accepts the configured STS token and rejects a wrong one (v2=%s)",
    async (v2) => {
      const sts = { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, v2 };
      await callSdk(
        sdkClient(emulator.endpoints[SH], { ...sts, securityToken: STS.securityToken }),
        "GetEventCallback",
      );
      const error = await sdkError(
        callSdk(
          sdkClient(emulator.endpoints[SH], { ...sts, securityToken: "not-the-token" }),
          "GetEventCallback",
        ),
      );
      expect([error.code, error.statusCode]).toEqual([
        "InvalidSecurityToken.MismatchWithAccessKey",
        400,
      ]);
    },
  );

  it("surfaces a wrong secret to the SDK as SignatureDoesNotMatch with status 400", async () => {
    const error = await sdkError(
      callSdk(
        sdkClient(emulator.endpoints[SH], { accessKeySecret: "wrong-secret" }),
        "GetEventCallback",
      ),
    );
    expect([error.code, error.statusCode]).toEqual(["SignatureDoesNotMatch", 400]);
  });
});

type Build = (options: SignOptions) => ReturnType<typeof signedV3>;
const SCHEMES: [string, Build][] = [
  ["V3", signedV3],
  ["V2", signedV2],
];

describe.each(SCHEMES)("%s tamperings over HTTP", (_scheme, sign) => {
  const endpoint = (): string => emulator.endpoints[SH];
  const expectError = async (
    raw: ReturnType<Build>,
    status: number,
    code: string,
    message?: string,
  ): Promise<void> => {
    const response = await send(endpoint(), raw);
    expect(response.status).toBe(status);
    const body = json(response);
    expect(Object.keys(body).sort()).toEqual([
      "Code",
      "HostId",
      "Message",
      "Recommend",
      "RequestId",
    ]);
    expect(body).toMatchObject({
      Code: code,
      HostId: "ice.cn-shanghai.aliyuncs.com",
      RequestId: expect.stringMatching(UUID),
    });
    expect(response.headers["x-acs-request-id"]).toBe(body.RequestId);
    if (message) expect(body.Message).toBe(message);
  };

  it("accepts the untampered request", async () => {
    const response = await send(
      endpoint(),
      sign({ endpoint: endpoint(), action: "SetEventCallback", query: { CallbackType: "MNS" } }),
    );
    expect([response.status, json(response).Success]).toEqual([200, true]);
  });

  it("wrong secret → 400 SignatureDoesNotMatch", async () => {
    await expectError(
      sign({ endpoint: endpoint(), accessKeySecret: "not-the-secret" }),
      400,
      "SignatureDoesNotMatch",
    );
  });

  it("parameter changed after signing → 400 SignatureDoesNotMatch, nothing stored", async () => {
    const raw = sign({
      endpoint: endpoint(),
      action: "SetEventCallback",
      query: { CallbackType: "MNS" },
    });
    raw.query.CallbackType = "HTTP";
    await expectError(raw, 400, "SignatureDoesNotMatch");
    expect(await emulator.getSetting(SH)).toBeUndefined();
  });

  it("unknown AccessKey → 404 InvalidAccessKeyId.NotFound", async () => {
    await expectError(
      sign({ endpoint: endpoint(), accessKeyId: "TESTAKNoSuchKey" }),
      404,
      "InvalidAccessKeyId.NotFound",
      "Specified access key is not found.",
    );
  });

  it("date skewed by 16 minutes → 400 InvalidTimeStamp.Expired, either direction", async () => {
    for (const offset of [-16, 16]) {
      const date = new Date(Date.now() + offset * 60_000);
      await expectError(
        sign({ endpoint: endpoint(), date }),
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
      );
    }
  });

  it("reused nonce → 400 SignatureNonceUsed", async () => {
    const raw = sign({ endpoint: endpoint() });
    expect((await send(endpoint(), raw)).status).toBe(200);
    await expectError(
      raw,
      400,
      "SignatureNonceUsed",
      "Specified signature nonce was used already.",
    );
  });

  it("wrong STS token → 400 InvalidSecurityToken.MismatchWithAccessKey", async () => {
    const raw = sign({
      endpoint: endpoint(),
      accessKeyId: STS.accessKeyId,
      accessKeySecret: STS.accessKeySecret,
      securityToken: "forged",
    });
    await expectError(
      raw,
      400,
      "InvalidSecurityToken.MismatchWithAccessKey",
      "Specified SecurityToken mismatch with the AccessKey.",
    );
  });

  it("missing signature part → 400 IncompleteSignature (V3) / MissingParameter (V2)", async () => {
    const raw = sign({ endpoint: endpoint() });
    if (raw.headers.authorization) {
      raw.headers.authorization = raw.headers.authorization.replace(/,Signature=.*$/, "");
      await expectError(
        raw,
        400,
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards: the Authorization header has no Signature.",
      );
    } else {
      delete raw.query.Signature;
      await expectError(
        raw,
        400,
        "MissingParameter",
        'The input parameter "Signature" that is mandatory for processing this request is not supplied.',
      );
    }
  });
});

describe("routing and robustness", () => {
  const endpoint = (): string => emulator.endpoints[SH];

  it("unknown action → 404 InvalidAction.NotFound with the gateway message", async () => {
    const response = await send(
      endpoint(),
      signedV3({ endpoint: endpoint(), action: "DeleteEventCallback" }),
    );
    expect(response.status).toBe(404);
    expect(json(response)).toMatchObject({
      Code: "InvalidAction.NotFound",
      Message: "Specified api is not found, please check your url and method.",
    });
  });

  it("unknown version → 400 InvalidVersion; missing action → 400 MissingParameter", async () => {
    const wrongVersion = await send(
      endpoint(),
      signedV2({ endpoint: endpoint(), version: "2017-03-21" }),
    );
    expect([wrongVersion.status, json(wrongVersion).Code, json(wrongVersion).Message]).toEqual([
      400,
      "InvalidVersion",
      "Specified parameter Version is not valid.",
    ]);
    const noAction = await send(endpoint(), {
      method: "POST",
      query: { Version: VERSION },
      headers: {},
      body: "",
    });
    expect([noAction.status, json(noAction).Code]).toEqual([400, "MissingParameter"]);
  });

  it("accepts Action and Version in a form body (V2)", async () => {
    const raw = signedV2({
      endpoint: endpoint(),
      action: "SetEventCallback",
      body: { CallbackType: "MNS", CallbackQueueName: "ice-callback-q1" },
    });
    const { Action, Version, ...rest } = raw.query;
    raw.query = rest;
    raw.body = `${raw.body}&${new URLSearchParams({ Action, Version })}`;
    // Moving signed parameters from the query to the body keeps the V2 signature valid.
    const response = await send(endpoint(), raw);
    expect([response.status, json(response).Success]).toEqual([200, true]);
    expect((await emulator.getSetting(SH))?.CallbackQueueName).toBe("ice-callback-q1");
  });

  it("wrong path or method → 404 InvalidAction.NotFound", async () => {
    expect((await send(endpoint(), signedV3({ endpoint: endpoint() }), "/other")).status).toBe(404);
    expect(
      (await send(endpoint(), { ...signedV3({ endpoint: endpoint() }), method: "DELETE" })).status,
    ).toBe(404);
  });

  it("never crashes on garbage and keeps serving", async () => {
    const garbage: RawRequest[] = [
      {
        method: "POST",
        query: {},
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "%%%&&==&Action=%ZZ",
      },
      {
        method: "POST",
        query: { Action: "GetEventCallback", Version: VERSION },
        headers: { authorization: "garbage" },
        body: "",
      },
      {
        method: "POST",
        query: { Action: "GetEventCallback", Version: VERSION },
        headers: { authorization: "" },
        body: "",
      },
      {
        method: "POST",
        query: {
          Action: "GetEventCallback",
          Version: VERSION,
          Timestamp: "x",
          AccessKeyId: "a",
          Signature: "s",
        },
        headers: {},
        body: "",
      },
      {
        method: "POST",
        query: {},
        headers: { "content-type": "application/json" },
        body: "{not json",
      },
      {
        method: "POST",
        query: {},
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "A=".padEnd(1024 * 1024 + 10, "x"),
      },
    ];
    for (const raw of garbage) {
      const response = await send(endpoint(), raw);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(json(response).Code).toEqual(expect.any(String));
    }
    expect((await callSdk(sdkClient(endpoint()), "GetEventCallback")).AuthSwitch).toBe("off");
  });
});

describe("parameter validation", () => {
  const set = (params: Record<string, string>) =>
    callSdk(sdkClient(emulator.endpoints[SH]), "SetEventCallback", params);

  it.each([
    ["CallbackType SMS", { CallbackType: "SMS" }, "CallbackType", "it must be HTTP or MNS."],
    [
      "an ftp:// URL",
      { CallbackURL: "ftp://files.example.com/x" },
      "CallbackURL",
      "it must be an http:// or https:// URL.",
    ],
    [
      "a URL with spaces",
      { CallbackURL: "not a url" },
      "CallbackURL",
      "exactly one URL is allowed.",
    ],
    [
      "two URLs",
      { CallbackURL: "https://a.example/x,https://b.example/y" },
      "CallbackURL",
      "exactly one URL is allowed.",
    ],
    [
      "a 257-byte URL",
      { CallbackURL: `https://a.example/${"x".repeat(239)}` },
      "CallbackURL",
      "it must be at most 256 bytes.",
    ],
    [
      "a queue without the ice-callback- prefix",
      { CallbackQueueName: "ice-callbackq" },
      "CallbackQueueName",
      'the queue name must start with "ice-callback-".',
    ],
    ["AuthSwitch yes", { AuthSwitch: "yes" }, "AuthSwitch", "it must be on or off."],
    [
      "a 33-character AuthKey",
      { AuthKey: "Abc1".repeat(8) + "x" },
      "AuthKey",
      "it must be at most 32 characters.",
    ],
    [
      "an AuthKey without upper case",
      { AuthKey: "alllowercase123" },
      "AuthKey",
      "it must contain upper-case letters, lower-case letters and digits.",
    ],
    [
      "an AuthKey without digits",
      { AuthKey: "NoDigitsHere" },
      "AuthKey",
      "it must contain upper-case letters, lower-case letters and digits.",
    ],
  ])("%s → 400 InvalidParameter naming the parameter", async (_label, params, name, reason) => {
    const error = await sdkError(set(params));
    expect([error.statusCode, error.code, error.data.Message]).toEqual([
      400,
      "InvalidParameter",
      `Specified parameter ${name} is not valid: ${reason}`,
    ]);
    expect(await emulator.getSetting(SH)).toBeUndefined();
  });

  it("accepts the limits exactly: a 256-byte URL, a 32-character key, empty strings", async () => {
    const url = `https://a.example/${"x".repeat(238)}`;
    expect(Buffer.byteLength(url)).toBe(256);
    await set({
      CallbackType: "HTTP",
      CallbackURL: url,
      AuthKey: "Abc1".repeat(8),
      AuthSwitch: "on",
      CallbackQueueName: "",
    });
    expect(await emulator.getSetting(SH)).toMatchObject({
      CallbackURL: url,
      AuthKey: "Abc1".repeat(8),
    });
  });
});

describe("region isolation and concurrency", () => {
  it("a call to the Shanghai endpoint only touches Shanghai", async () => {
    await callSdk(sdkClient(emulator.endpoints[SH]), "SetEventCallback", {
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-sh",
    });
    const beijing = await callSdk(sdkClient(emulator.endpoints["cn-beijing"]), "GetEventCallback");
    expect(beijing).toMatchObject({ CallbackType: "", CallbackQueueName: "" });
    expect(emulator.store.list().map((e) => e.region)).toEqual([SH]);
  });

  it("100 concurrent Set/Get calls across regions lose no update and the state file parses", async () => {
    const fields: [string, string][] = [
      ["CallbackType", "HTTP"],
      ["CallbackURL", "https://hooks.example.com/x"],
      ["CallbackQueueName", "ice-callback-q"],
      ["EventTypeList", "FileUploadComplete"],
      ["AuthSwitch", "on"],
      ["AuthKey", "Concurrent1Key"],
    ];
    const clients = Object.fromEntries(
      EMULATOR_REGIONS.map((r) => [
        r,
        sdkClient(emulator.endpoints[r], { v2: r.startsWith("cn-s") }),
      ]),
    );
    const calls: Promise<unknown>[] = [];
    for (const region of EMULATOR_REGIONS) {
      for (const [field, value] of fields)
        calls.push(
          callSdk(clients[region], "SetEventCallback", {
            [field]: `${value}${field === "CallbackType" || field === "AuthSwitch" ? "" : `-${region}`}`,
            // CallbackType=HTTP needs its CallbackURL (the same value as the URL's own call).
            ...(field === "CallbackType" ? { CallbackURL: `${fields[1][1]}-${region}` } : {}),
          }),
        );
    }
    while (calls.length < 100)
      calls.push(callSdk(clients[EMULATOR_REGIONS[calls.length % 6]], "GetEventCallback"));
    await Promise.all(calls);

    const onDisk = JSON.parse(readFileSync(stateFile, "utf8"));
    for (const region of EMULATOR_REGIONS) {
      const expected = Object.fromEntries(
        fields.map(([f, v]) => [
          f,
          f === "CallbackType" || f === "AuthSwitch" ? v : `${v}-${region}`,
        ]),
      );
      expect(await emulator.getSetting(region)).toEqual(expected);
      expect(onDisk.accounts["1234567890123456"][region]).toEqual(expected);
    }
    const counters = await emulator.getCounters();
    expect(Object.values(counters.SetEventCallback).reduce((a, b) => a + b)).toBe(36);
    expect(Object.values(counters.GetEventCallback).reduce((a, b) => a + b)).toBe(64);
  });
});

describe("lifecycle", () => {
  it("a restart on the same state file keeps the settings", async () => {
    const file = join(tempDir(), "state.json");
    const first = await startEmulator({ stateFile: file });
    try {
      await callSdk(sdkClient(first.endpoints["us-west-1"]), "SetEventCallback", {
        CallbackType: "MNS",
        CallbackQueueName: "ice-callback-us",
      });
    } finally {
      await first.close();
    }
    const second = await startEmulator({ stateFile: file });
    try {
      expect(
        await callSdk(sdkClient(second.endpoints["us-west-1"]), "GetEventCallback"),
      ).toMatchObject({ CallbackType: "MNS", CallbackQueueName: "ice-callback-us" });
    } finally {
      await second.close();
    }
  });

  it("listens on basePort + index and the admin API on basePort + 6 when a base port is given", async () => {
    let started: EmulatorHandle | undefined;
    for (let attempt = 0; attempt < 5 && !started; attempt++) {
      const basePort = 20000 + Math.floor(Math.random() * 2000) * 10;
      started = await startEmulator({ basePort }).catch(() => undefined);
      if (started) {
        try {
          expect(EMULATOR_REGIONS.map((r) => Number(new URL(started!.endpoints[r]).port))).toEqual(
            [0, 1, 2, 3, 4, 5].map((i) => basePort + i),
          );
          expect(started.adminUrl).toBe(`http://127.0.0.1:${basePort + 6}`);
        } finally {
          await started.close();
        }
      }
    }
    expect(started).toBeDefined();
  });

  it("closing twice is safe and the endpoints stop answering", async () => {
    const local = await startEmulator({ adminPort: false });
    expect(local.adminUrl).toBeUndefined();
    await Promise.all([local.close(), local.close()]);
    await expect(
      send(local.endpoints[SH], signedV3({ endpoint: local.endpoints[SH] })),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it("answers 500 InternalError when the state file cannot be written, and keeps serving", async () => {
    const dir = join(tempDir(), "state");
    const local = await startEmulator({ stateFile: join(dir, "state.json") });
    try {
      rmSync(dir, { recursive: true });
      const error = await sdkError(
        callSdk(sdkClient(local.endpoints[SH]), "SetEventCallback", { CallbackType: "MNS" }),
      );
      expect([error.statusCode, error.code, error.data.Message]).toEqual([
        500,
        "InternalError",
        "The request processing has failed due to some unknown error, exception or failure.",
      ]);
      mkdirSync(dir);
      expect((await callSdk(sdkClient(local.endpoints[SH]), "GetEventCallback")).RequestId).toMatch(
        UUID,
      );
    } finally {
      mkdirSync(dir, { recursive: true });
      await local.close();
    }
  });

  it("rejects bad options with a clear message", async () => {
    await expect(startEmulator({ behaviour: { setSemantics: "merge" as never } })).rejects.toThrow(
      `Behaviour 'setSemantics' must be one of "partial", "replace", got "merge".`,
    );
    await expect(startEmulator({ basePort: 70000 })).rejects.toThrow(
      "basePort must be an integer port between 0 and 65535.",
    );
  });
});
