/**
 * No error that leaves the provider carries an auth key, a signature or a credential, whatever
 * fails: every fault the emulator injects, a refused connection and a timeout, for the IMS client
 * (both signature versions) and for the runtime functions the engine calls (the previous owner's
 * key included). Real HTTP against the emulator; canary values are searched in everything an error
 * exposes.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import Credential, { Config } from "@alicloud/credentials";
import {
  FAULT_KINDS,
  startEmulator,
  type EmulatorHandle,
  type FaultKind,
} from "pulumi-alicloud-ims-emulator";
import * as provider from "../../lib/runtime";
import { ImsApiError, ImsClient } from "../../lib/runtime/imsClient";
import { authKeysIn, redact, redactError, REDACTED } from "../../lib/shared/redaction";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import type { EventCallbackOutputs } from "../../lib/runtime/eventCallbackOperations";
import type { CallbackSetting } from "../../lib/shared/setting";

const ACCOUNT_ID = "5555666677778888";
const ACCESS_KEY_ID = "TESTAKredactionCanary01";
const SECRET_CANARY = "SecretCanary4Vn8Qe2Rx";
/** Has characters that are percent-encoded on the wire. */
const KEY_CANARY = "KeyCanary7Hw3+Tz/9=";
const PREVIOUS_OWNER_KEY = "PrevOwnerKey5Jd2Lm8";
const REGION = "cn-shanghai";
const TIMEOUT_MS = 300;

type FailureKind = FaultKind | "refused" | "timeout";
const FAILURE_KINDS: readonly FailureKind[] = [...FAULT_KINDS, "refused", "timeout"];

let emulator: EmulatorHandle;
let dir: string;
let refusedEndpoint: string;
let silentEndpoint: string;
let silentServer: net.Server;
const silentSockets = new Set<net.Socket>();
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-redaction-"));
  emulator = await startEmulator({
    stateFile: path.join(dir, "state.json"),
    accounts: [
      { accountId: ACCOUNT_ID, accessKeys: [{ id: ACCESS_KEY_ID, secret: SECRET_CANARY }] },
    ],
  });
  // A port nobody listens on, and a listener that accepts and never answers.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  refusedEndpoint = `http://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  silentServer = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on("close", () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", resolve));
  silentEndpoint = `http://127.0.0.1:${(silentServer.address() as net.AddressInfo).port}`;
  for (const name of [
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "IMS_CALLBACK_ENDPOINTS",
    "IMS_CALLBACK_TIMEOUT_MS",
  ]) {
    delete process.env[name];
  }
});
afterAll(async () => {
  process.env = savedEnv;
  silentSockets.forEach((s) => s.destroy());
  await new Promise((resolve) => silentServer.close(resolve));
  await emulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emulator.reset();
  context.resetConfiguration();
});

/** Points at the endpoint for `kind` and arms the fault for every call after the first `skip`. */
async function arrange(kind: FailureKind, skip = 0): Promise<string> {
  if (kind === "refused") return refusedEndpoint;
  if (kind === "timeout") return silentEndpoint;
  await emulator.injectFault({ kind, count: 100, skip, region: REGION, latencyMs: TIMEOUT_MS * 4 });
  return emulator.endpoints[REGION];
}

/** Every text an error exposes: message, stack, `String()`, and all its fields. */
function exposedText(error: unknown): string {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  const fields = JSON.stringify(e, Object.getOwnPropertyNames(e));
  return [e.message, e.stack ?? "", String(e), fields].join("\n");
}

const ENCODED_FORMS = (value: string) => [
  value,
  encodeURIComponent(value),
  encodeURIComponent(value).replace(/%20/g, "+"),
];

function expectNoSecrets(text: string): void {
  for (const canary of [KEY_CANARY, PREVIOUS_OWNER_KEY, SECRET_CANARY]) {
    for (const form of ENCODED_FORMS(canary)) expect(text).not.toContain(form);
  }
  expect(text).not.toMatch(/Signature=|AccessKeyId=|ACS3-HMAC|AuthKey=/i);
  expect(text).not.toContain(ACCESS_KEY_ID);
}

const setting: CallbackSetting = {
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  queueName: "",
  eventTypes: ["ProduceMediaComplete"],
  authSwitch: "on",
  authKey: KEY_CANARY,
};

describe("ImsClient errors never carry secrets", () => {
  const client = (endpoint: string, signatureVersion: "v3" | "v2") =>
    new ImsClient({
      region: REGION,
      credential: new Credential(
        new Config({
          type: "access_key",
          accessKeyId: ACCESS_KEY_ID,
          accessKeySecret: SECRET_CANARY,
        }),
      ),
      endpoint,
      signatureVersion,
      timeoutMs: TIMEOUT_MS,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => undefined,
    });

  for (const signatureVersion of ["v3", "v2"] as const) {
    it.each(FAILURE_KINDS)(
      `%s, ${signatureVersion} signatures: SetEventCallback and GetEventCallback fail without the key, secret or signature`,
      async (kind) => {
        const endpoint = await arrange(kind);
        const c = client(endpoint, signatureVersion);
        const setError = await c.setEventCallback(setting).then(
          () => undefined,
          (e: unknown) => e,
        );
        const getError = await c.getEventCallback().then(
          () => undefined,
          (e: unknown) => e,
        );
        for (const error of [setError, getError]) {
          expect(error).toBeInstanceOf(ImsApiError);
          const text = exposedText(error);
          expectNoSecrets(text);
          // Readable: operation, region and a code, and no glued-on request line.
          expect((error as ImsApiError).message).toMatch(
            /^IMS (Set|Get)EventCallback in cn-shanghai failed: \S+/,
          );
          expect(text).not.toMatch(/\d(POST|GET) /);
        }
      },
    );
  }

  it("says what happened on a refused connection and a timeout, naming the endpoint", async () => {
    const refused = (await client(refusedEndpoint, "v3")
      .getEventCallback()
      .catch((e: unknown) => e)) as ImsApiError;
    expect(refused.message).toContain(
      `ECONNREFUSED: ${refusedEndpoint.replace("http://", "")} refused the connection`,
    );
    const silent = (await client(silentEndpoint, "v3")
      .getEventCallback()
      .catch((e: unknown) => e)) as ImsApiError;
    expect(silent.message).toContain(
      `Timeout: no response from ${silentEndpoint.replace("http://", "")} within ${TIMEOUT_MS} ms`,
    );
    expect(silent.retryable).toBe(true);
  });
});

describe("runtime functions never pass a secret to the engine", () => {
  const inputs = {
    region: REGION,
    callbackType: "HTTP" as const,
    callbackUrl: "https://media.example.com/ims",
    eventTypes: ["ProduceMediaComplete"],
    authKey: KEY_CANARY,
    adoptExisting: true,
    deletionPolicy: "restore" as const,
    allowUndocumentedRegion: false,
  };
  const outputs = {
    ...inputs,
    authSwitch: "on",
    previousSetting: {
      ...setting,
      authKey: PREVIOUS_OWNER_KEY,
      callbackUrl: "https://previous.example.com/cb",
    },
    stateVersion: runtime.STATE_VERSION,
  } as EventCallbackOutputs;
  const configure = (endpoint: string) =>
    provider.configure({
      get: (key) =>
        ({
          "alicloud:accessKey": ACCESS_KEY_ID,
          "alicloud:secretKey": SECRET_CANARY,
          "ims-callback:endpoints": JSON.stringify({ [REGION]: endpoint }),
          "ims-callback:timeoutMs": String(TIMEOUT_MS),
          "ims-callback:raceCheckDelayMs": "0",
          "ims-callback:maxAttempts": "2",
        })[key],
    });

  it.each(FAILURE_KINDS)(
    "%s: create, read, update and destroy with restore fail without a key or the secret",
    async (kind) => {
      configure(await arrange(kind));
      const errors = [
        await provider.create(inputs).catch((e: unknown) => e),
        await provider.read(REGION, outputs).catch((e: unknown) => e),
        await provider
          .update(REGION, { ...outputs, callbackUrl: "https://old.example.com/x" }, inputs)
          .catch((e: unknown) => e),
      ];
      // Destroy: the read before the write succeeds; the write of the previous owner's setting, and
      // every call after it (the look-up after a write that timed out but may land late), fail.
      await emulator.reset();
      await emulator.putSetting(
        REGION,
        {
          CallbackType: "HTTP",
          CallbackURL: inputs.callbackUrl,
          EventTypeList: "ProduceMediaComplete",
          AuthSwitch: "on",
          AuthKey: KEY_CANARY,
        },
        ACCOUNT_ID,
      );
      configure(await arrange(kind, 1));
      errors.push(await provider.remove(REGION, outputs).catch((e: unknown) => e));
      for (const error of errors) {
        expect(error).toBeInstanceOf(Error);
        expectNoSecrets(exposedText(error));
      }
      expect((errors[3] as Error).message).toMatch(
        /IMS (Set|Get)EventCallback in cn-shanghai failed/,
      );
    },
    60_000,
  );
});

describe("redaction, the last line of defence", () => {
  it("removes each secret in every wire form and any query holding a signing parameter", () => {
    const key = "a+b/c=d Ef1";
    const text = `x ${key} ${encodeURIComponent(key)} ${encodeURIComponent(key).replace(/%20/g, "+")} POST http://h:1/?A=1&Signature=zz failed. GET /?AuthKey=q ok https://u.example.com/cb?page=2`;
    expect(redact(text, [key, undefined, ""])).toBe(
      `x ${REDACTED} ${REDACTED} ${REDACTED} POST http://h:1/?${REDACTED} failed. GET /?${REDACTED} ok https://u.example.com/cb?page=2`,
    );
  });

  it("redacts message, stack and reasons in place, keeping the error's class and partial-state fields", () => {
    const error = Object.assign(new TypeError(`bad ${KEY_CANARY}`), {
      id: "cn-shanghai",
      properties: { authKey: KEY_CANARY },
      reasons: [`r ${KEY_CANARY}`],
    });
    const out = redactError(error, [KEY_CANARY]);
    expect(out).toBe(error);
    expect(out).toBeInstanceOf(TypeError);
    expect([out.message, out.stack?.split("\n")[0], error.reasons[0]]).toEqual([
      `bad ${REDACTED}`,
      `TypeError: bad ${REDACTED}`,
      `r ${REDACTED}`,
    ]);
    expect(error.properties.authKey).toBe(KEY_CANARY);
    expect(redactError(`thrown ${KEY_CANARY}`, [KEY_CANARY]).message).toBe(`thrown ${REDACTED}`);
  });

  it("finds the auth keys of inputs, outputs, the previous owner's setting and the setting an unconfirmed write replaced", () => {
    expect(
      authKeysIn([
        { authKey: "A1" },
        { authKey: "B2", previousSetting: { authKey: "C3" }, replacedSetting: { authKey: "D4" } },
        null,
        "x",
      ]),
    ).toEqual(["A1", "B2", "C3", "D4"]);
  });
});
