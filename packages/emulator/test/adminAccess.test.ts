/**
 * The admin API cannot be driven from a web page: a foreign `Host` (DNS rebinding) and a foreign
 * `Origin` are refused before any route runs, and a write must say `Content-Type: application/json`
 * (which a cross-origin page cannot send without a preflight the admin API never grants).
 * EmulatorAdminClient, the only caller in this repository, still does every operation.
 */
import { request } from "node:http";
import { EmulatorAdminClient, startEmulator, type EmulatorHandle } from "../src";

const SH = "cn-shanghai";
const AUTH_KEY = "AdminCanarySecret123";
let emulator: EmulatorHandle;
let port: string;

beforeAll(async () => {
  emulator = await startEmulator();
  port = new URL(emulator.adminUrl!).port;
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  await emulator.putSetting(SH, { CallbackType: "HTTP", AuthSwitch: "on", AuthKey: AUTH_KEY });
});

/** Sends a raw request to the admin API with these headers; Node adds Host unless one is given. */
function admin(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers, setHost: !("host" in headers) },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("Host", () => {
  it.each(["attacker.example:PORT", "attacker.example", "127.0.0.1.nip.io:PORT", "10.0.0.1:PORT"])(
    "refuses %s with 403 and no setting in the answer (DNS rebinding)",
    async (host) => {
      const answer = await admin("GET", `/settings/${SH}`, { host: host.replace("PORT", port) });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({
        error:
          "The admin API answers only requests whose Host is a loopback address (127.0.0.1, localhost, [::1]).",
      });
      expect(answer.text).not.toContain(AUTH_KEY);
    },
  );

  it.each(["127.0.0.1:PORT", "localhost:PORT", "[::1]:PORT", "LOCALHOST", "127.0.0.2:PORT"])(
    "serves %s",
    async (host) => {
      const answer = await admin("GET", `/settings/${SH}`, { host: host.replace("PORT", port) });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).setting.AuthKey).toBe(AUTH_KEY);
    },
  );
});

describe("Origin", () => {
  it.each(["https://attacker.example", "http://attacker.example:PORT", "null", "file://"])(
    "refuses a request from %s, reads and writes alike",
    async (origin) => {
      const from = origin.replace("PORT", port);
      const read = await admin("GET", `/settings/${SH}`, { origin: from });
      expect(read.status).toBe(403);
      expect(read.text).not.toContain(AUTH_KEY);
      const write = await admin(
        "POST",
        "/faults",
        { origin: from, "content-type": "application/json" },
        JSON.stringify({ kind: "drop" }),
      );
      expect(write.status).toBe(403);
      expect(await emulator.listFaults()).toEqual([]);
      expect(read.headers["access-control-allow-origin"]).toBeUndefined();
    },
  );

  it("serves a request from a loopback page", async () => {
    const answer = await admin("GET", "/info", { origin: `http://127.0.0.1:${port}` });
    expect(answer.status).toBe(200);
  });
});

describe("Content-Type of writes", () => {
  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["application/x-www-form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart/form-data", { "content-type": "multipart/form-data; boundary=x" }],
    ["no Content-Type", {}],
  ])("refuses a POST /faults sent as %s with 415 and installs nothing", async (_what, headers) => {
    const answer = await admin(
      "POST",
      "/faults",
      headers as Record<string, string>,
      JSON.stringify({ kind: "drop", count: 5 }),
    );
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.text).error).toBe(
      "The admin API takes writes only with Content-Type: application/json.",
    );
    expect(await emulator.listFaults()).toEqual([]);
  });

  it.each([
    ["PUT", `/settings/${SH}`, "{}"],
    ["DELETE", `/settings/${SH}`, undefined],
    ["POST", "/reset", undefined],
    ["PUT", "/behaviour", "{}"],
  ])("refuses %s %s as text/plain", async (method, path, body) => {
    const answer = await admin(method, path, { "content-type": "text/plain" }, body);
    expect(answer.status).toBe(415);
    expect((await emulator.getSetting(SH))?.AuthKey).toBe(AUTH_KEY);
  });

  it("takes application/json with a charset", async () => {
    const answer = await admin(
      "POST",
      "/faults",
      { "content-type": "application/json; charset=utf-8" },
      JSON.stringify({ kind: "drop" }),
    );
    expect(answer.status).toBe(200);
    expect(await emulator.listFaults()).toHaveLength(1);
  });
});

it("EmulatorAdminClient still does every write, bodyless ones included", async () => {
  const client = new EmulatorAdminClient(emulator.adminUrl!);
  await client.injectFault({ kind: "drop" });
  await client.clearFaults();
  await client.setLatency(0);
  await client.putSetting(SH, { AuthSwitch: "off" });
  await client.clearSetting(SH);
  await client.setBehaviour({});
  await client.reset();
  expect(await client.getSetting(SH)).toBeUndefined();
  expect(await client.listFaults()).toEqual([]);
});
