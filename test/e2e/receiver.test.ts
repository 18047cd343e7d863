/**
 * The whole loop: the callback configured through the real engine, an event emitted and delivered
 * by the emulator as IMS delivers it, verified and parsed by the example receiver; forged, replayed
 * and rotated-out requests rejected.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { createReceiver } from "../../examples/http-receiver/server";
import type { ImsCallbackEvent } from "../../lib/receiver/envelope";
import { signCallback } from "../../lib/receiver";
import { REPO_ROOT } from "../../scripts/engine";
import { E2E_ACCOUNT_ID, startE2E, type E2E } from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "http-callback");
const OLD_KEY = "OldKey2025abcXYZ";
const NEW_KEY = "NewKey2026defUVW";

let e2e: E2E;
let stack: Stack;
let port: number;
let callbackUrl: string;
let receiver: Server | undefined;
let clockOffsetMs = 0;
const events: ImsCallbackEvent[] = [];
const captured: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port: p } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return p;
}

async function startReceiver(authKeys: string[]): Promise<void> {
  await stopReceiver();
  const server = createReceiver({
    callbackUrl,
    authKeys,
    onEvent: (e) => void events.push(e),
    log: () => undefined,
    now: () => Date.now() + clockOffsetMs,
  });
  server.prependListener("request", (req) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => captured.push({ headers: { ...req.headers }, body }));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  receiver = server;
}

async function stopReceiver(): Promise<void> {
  if (!receiver) return;
  receiver.closeAllConnections();
  await new Promise((r) => receiver!.close(r));
  receiver = undefined;
}

async function post(
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(callbackUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
  port = await freePort();
  callbackUrl = `http://127.0.0.1:${port}/ims/events`;
  await startReceiver([OLD_KEY]);
  stack = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  await stack.setConfig("ims:callbackUrl", { value: callbackUrl });
  await stack.setConfig("ims:authKey", { value: OLD_KEY, secret: true });
  await stack.up();
}, 600_000);

afterAll(async () => {
  await stopReceiver();
  await e2e?.dispose();
});

test("an emitted event is delivered signed, verified and parsed by the receiver", async () => {
  const report = await e2e.emulator.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
    accountId: E2E_ACCOUNT_ID,
    messageBody: {
      Status: "Success",
      JobId: "job-42",
      MediaId: "media-7",
      UserData: '{"order":1}',
    },
  });
  expect(report).toMatchObject({
    outcome: "delivered",
    signed: true,
    target: callbackUrl,
    attempts: [{ attempt: 1, status: 200 }],
  });
  await new Promise((r) => setTimeout(r, 50));
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    eventType: "ProduceMediaComplete",
    userId: E2E_ACCOUNT_ID,
    messageBody: { Status: "Success", JobId: "job-42" },
  });
});

test("a forged signature, a missing header and a replay outside the window are rejected with 401", async () => {
  const genuine = captured[captured.length - 1];
  const headers = {
    "X-ICE-TIMESTAMP": String(genuine.headers["x-ice-timestamp"]),
    "X-ICE-SIGNATURE": String(genuine.headers["x-ice-signature"]),
  };

  const forged = await post({ ...headers, "X-ICE-SIGNATURE": "0".repeat(32) }, genuine.body);
  expect(forged.status).toBe(401);
  expect(forged.text).toContain("mismatch");
  expect((await post({ "X-ICE-TIMESTAMP": headers["X-ICE-TIMESTAMP"] }, genuine.body)).status).toBe(
    401,
  );

  // The same request, byte for byte, replayed 301 s later.
  clockOffsetMs = 301_000;
  try {
    const replay = await post(headers, genuine.body);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("stale");
  } finally {
    clockOffsetMs = 0;
  }
  expect(events).toHaveLength(1);
});

test("key rotation: both keys during the switch, then the old key is rejected", async () => {
  await startReceiver([NEW_KEY, OLD_KEY]);
  await stack.setConfig("ims:authKey", { value: NEW_KEY, secret: true });
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect((await e2e.live("cn-shanghai")).AuthKey).toBe(NEW_KEY);
  expect(
    (
      await e2e.emulator.emitEvent({
        region: "cn-shanghai",
        eventType: "ProduceMediaComplete",
        accountId: E2E_ACCOUNT_ID,
      })
    ).outcome,
  ).toBe("delivered");

  await startReceiver([NEW_KEY]);
  const body = captured[captured.length - 1].body;
  const withOld = await post(signCallback({ callbackUrl, authKey: OLD_KEY }), body);
  expect(withOld.status).toBe(401);
  expect(withOld.text).toContain("mismatch");
  expect((await post(signCallback({ callbackUrl, authKey: NEW_KEY }), body)).status).toBe(200);
  expect(
    (
      await e2e.emulator.emitEvent({
        region: "cn-shanghai",
        eventType: "ProduceMediaComplete",
        accountId: E2E_ACCOUNT_ID,
      })
    ).outcome,
  ).toBe("delivered");
  expect(events).toHaveLength(4);
});

test("IMS drops an event after 3 failed attempts when the receiver is down", async () => {
  await stopReceiver();
  const report = await e2e.emulator.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
    accountId: E2E_ACCOUNT_ID,
  });
  expect(report.outcome).toBe("dropped");
  expect(report.attempts).toHaveLength(3);
  expect(report.attempts[1].startedAt > report.attempts[0].startedAt).toBe(true);
});
