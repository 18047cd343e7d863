/**
 * Event delivery by the emulator, as IMS documents it: POST JSON, signature headers when the switch
 * is on, success only on 200 within the timeout, otherwise retried, then dropped.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EmulatorAdminClient, startEmulator, type EmulatorHandle } from "../src";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let emulator: EmulatorHandle;
let receiver: Server;
let url: string;
const received: Received[] = [];
let answer: (n: number) => { status: number; delayMs?: number } = () => ({ status: 200 });

beforeAll(async () => {
  emulator = await startEmulator({ deliveryPolicy: { timeoutMs: 300, retryDelayMs: 50 } });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      const { status, delayMs = 0 } = answer(received.length);
      setTimeout(() => res.writeHead(status).end("ok"), delayMs);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ims/events`;
});
afterAll(async () => {
  await emulator.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  received.length = 0;
  answer = () => ({ status: 200 });
  await emulator.reset();
  await emulator.putSetting("cn-shanghai", {
    CallbackType: "HTTP",
    CallbackURL: url,
    EventTypeList: "ProduceMediaComplete,SnapshotComplete",
    AuthSwitch: "on",
    AuthKey: "Key123abc",
  });
});

test("delivers a signed JSON envelope with the account id as a JSON number", async () => {
  const report = await emulator.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
    messageBody: { Status: "Success", JobId: "j-1" },
    eventTime: "2026-01-02T03:04:05Z",
  });
  expect(report).toMatchObject({
    outcome: "delivered",
    signed: true,
    target: url,
    attempts: [{ attempt: 1, status: 200 }],
  });
  expect(received).toHaveLength(1);
  const { headers, body } = received[0];
  expect(body).toBe(
    `{"EventType":"ProduceMediaComplete","UserId":${emulator.defaultAccountId},"EventTime":"2026-01-02T03:04:05Z","MessageBody":{"Status":"Success","JobId":"j-1"}}`,
  );
  expect(headers["content-type"]).toBe("application/json");
  const timestamp = headers["x-ice-timestamp"] as string;
  expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
  expect(headers["x-ice-signature"]).toBe(
    createHash("md5").update(`${url}|${timestamp}|Key123abc`).digest("hex"),
  );
});

test("sends no signature headers while authentication is off", async () => {
  await emulator.putSetting("cn-shanghai", { AuthSwitch: "off" });
  const report = await emulator.emitEvent({ region: "cn-shanghai", eventType: "SnapshotComplete" });
  expect(report.signed).toBe(false);
  expect(received[0].headers["x-ice-signature"]).toBeUndefined();
});

test("retries twice on a non-200 answer, then drops the event", async () => {
  answer = () => ({ status: 500 });
  const report = await emulator.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
  });
  expect(report.outcome).toBe("dropped");
  expect(report.attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
    [1, 500, "HTTP 500"],
    [2, 500, "HTTP 500"],
    [3, 500, "HTTP 500"],
  ]);
  expect(received).toHaveLength(3);
});

test("an answer slower than the timeout counts as a failure; a later 200 delivers", async () => {
  answer = (n) => (n === 1 ? { status: 200, delayMs: 600 } : { status: 200 });
  const report = await emulator.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
  });
  expect(report.outcome).toBe("delivered");
  expect(report.attempts).toHaveLength(2);
  expect(report.attempts[0].error).toBe("no answer within 300 ms");
  expect(report.attempts[1].startedAt >= report.attempts[0].startedAt).toBe(true);
});

test("an unsubscribed event, an unconfigured region and the queue method are not sent over HTTP", async () => {
  expect(
    (await emulator.emitEvent({ region: "cn-shanghai", eventType: "FileUploadComplete" })).outcome,
  ).toBe("not-subscribed");
  expect(
    (await emulator.emitEvent({ region: "cn-beijing", eventType: "ProduceMediaComplete" })).outcome,
  ).toBe("not-configured");
  await emulator.putSetting("cn-hangzhou", {
    CallbackType: "MNS",
    CallbackQueueName: "ice-callback-x",
    EventTypeList: "ProduceMediaComplete",
  });
  const toQueue = await emulator.emitEvent({
    region: "cn-hangzhou",
    eventType: "ProduceMediaComplete",
  });
  expect([toQueue.outcome, toQueue.method, toQueue.target]).toEqual([
    "dropped",
    "MNS",
    "ice-callback-x",
  ]);
  expect(received).toHaveLength(0);
});

test("the admin API emits and lists deliveries", async () => {
  const admin = new EmulatorAdminClient(emulator.adminUrl!);
  const report = await admin.emitEvent({
    region: "cn-shanghai",
    eventType: "ProduceMediaComplete",
  });
  expect(report.outcome).toBe("delivered");
  expect((await admin.getDeliveries()).map((d) => d.outcome)).toEqual(["delivered"]);
  await expect(admin.emitEvent({ region: "cn-shanghai", eventType: "" })).rejects.toThrow(
    "eventType must be a non-empty string.",
  );
});
