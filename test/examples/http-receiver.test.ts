/**
 * The example receiver over real HTTP (port 0, Node's fetch): a signed event is accepted and handed
 * on after the 200; forged, stale, rotated-out, unsigned and malformed requests are rejected with the
 * documented status and reason.
 *
 * Proves the example wires the library together correctly; the delivery by the emulator (IMS's
 * retries, the 3 s limit) is tested with the emulator.
 */
import http from "http";
import { AddressInfo } from "net";
import { ImsCallbackEvent } from "../../lib/receiver/envelope";
import { signCallback } from "../../lib/receiver";
import {
  createReceiver,
  MAX_BODY_BYTES,
  ReceiverOptions,
} from "../../examples/http-receiver/server";

const CALLBACK_URL = "https://media.example.com/ims/callback"; // what IMS signs; not where the server listens
const NEW_KEY = "NewKey2025";
const OLD_KEY = "OldKey2024";
const T = 1_700_000_000;
const NOW_MS = T * 1000;
const EVENT = JSON.stringify({
  EventType: "ProduceMediaComplete",
  UserId: 1234567890123456,
  EventTime: "2025-06-01T08:00:00Z",
  MessageBody: { Status: "Success", JobId: "job-1", MediaId: "media-1" },
});

interface Harness {
  readonly server: http.Server;
  readonly base: string;
  readonly logs: string[];
  readonly events: ImsCallbackEvent[];
  nextEvent(): Promise<ImsCallbackEvent>;
}

async function start(over: Partial<ReceiverOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const events: ImsCallbackEvent[] = [];
  const waiters: ((e: ImsCallbackEvent) => void)[] = [];
  const server = createReceiver({
    callbackUrl: CALLBACK_URL,
    authKeys: [NEW_KEY, OLD_KEY],
    now: () => NOW_MS,
    log: (line) => logs.push(line),
    onEvent: (event) => {
      events.push(event);
      waiters.shift()?.(event);
    },
    ...over,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    logs,
    events,
    // Rejects after 5 s, so a receiver that never calls onEvent fails the test instead of hanging it.
    nextEvent: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error("onEvent was not called within 5 s")),
          5000,
        );
        waiters.push((event) => {
          clearTimeout(timer);
          resolve(event);
        });
      }),
  };
}

async function stop(h: Harness): Promise<void> {
  h.server.closeAllConnections();
  await new Promise<void>((resolve) => h.server.close(() => resolve()));
}

const signed = (key: string, timestamp = T): Record<string, string> => ({
  ...signCallback({ callbackUrl: CALLBACK_URL, authKey: key, timestamp }),
  "content-type": "application/json",
});

async function post(
  h: Harness,
  headers: Record<string, string>,
  body: string | Buffer = EVENT,
  path = "/ims/callback",
) {
  // A timeout well under Jest's, so a hanging server fails the test and still gets closed.
  const res = await fetch(`${h.base}${path}`, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe("examples/http-receiver", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await start();
  });
  afterEach(async () => {
    await stop(h);
  });

  it("accepts a signed event with 200, then logs it and hands it to onEvent", async () => {
    const delivered = h.nextEvent();
    const res = await post(h, signed(NEW_KEY));
    expect(res).toMatchObject({ status: 200, text: "ok\n" });
    const event = await delivered;
    expect(event).toMatchObject({
      known: true,
      eventType: "ProduceMediaComplete",
      userId: "1234567890123456",
      eventTimeText: "2025-06-01T08:00:00Z",
      messageBody: { Status: "Success", JobId: "job-1", MediaId: "media-1" },
    });
    expect(h.logs).toEqual([
      "event ProduceMediaComplete user=1234567890123456 time=2025-06-01T08:00:00Z status=Success id=job-1 key#0",
    ]);
  });

  it("accepts the old key during a rotation (both keys configured)", async () => {
    const delivered = h.nextEvent();
    expect(await post(h, signed(OLD_KEY))).toMatchObject({ status: 200, text: "ok\n" });
    await delivered;
    expect(h.logs[0]).toMatch(/ key#1$/);
  });

  it("accepts any path: the signature covers the configured URL, not the request's", async () => {
    const delivered = h.nextEvent();
    expect(await post(h, signed(NEW_KEY), EVENT, "/behind/a/proxy?x=1")).toMatchObject({
      status: 200,
    });
    await delivered;
  });

  it("accepts Base64 content and unknown event types", async () => {
    const body = Buffer.from(
      JSON.stringify({ ...JSON.parse(EVENT), EventType: "BrandNewEvent" }),
    ).toString("base64");
    const delivered = h.nextEvent();
    expect(await post(h, signed(NEW_KEY), body)).toMatchObject({ status: 200 });
    expect(await delivered).toMatchObject({
      known: false,
      eventType: "BrandNewEvent",
      encoding: "base64",
    });
    expect(h.logs[0]).toBe(
      "event BrandNewEvent (unknown event type) user=1234567890123456 time=2025-06-01T08:00:00Z status=Success id=job-1 key#0",
    );
  });

  it.each<[string, () => Record<string, string>, string, string]>([
    [
      "forged signature",
      () => ({
        "x-ice-timestamp": String(T),
        "x-ice-signature": "0123456789abcdef0123456789abcdef",
      }),
      "mismatch",
      "rejected mismatch: X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and any of the 2 auth keys.",
    ],
    [
      "signed with a key that is not configured",
      () => signed("SomeOtherKey1"),
      "mismatch",
      "rejected mismatch: X-ICE-SIGNATURE does not match the configured callback URL, the timestamp and any of the 2 auth keys.",
    ],
    [
      "replay outside the window",
      () => signed(NEW_KEY, T - 301),
      "stale",
      "rejected stale: X-ICE-TIMESTAMP 1699999699 is 301 s old, beyond the tolerance of 300 s (a replay, or a clock out of sync).",
    ],
    [
      "timestamp too far ahead",
      () => signed(NEW_KEY, T + 301),
      "future",
      "rejected future: X-ICE-TIMESTAMP 1700000301 is 301 s in the future, beyond the tolerance of 300 s (check the clocks).",
    ],
    [
      "no signature headers",
      () => ({ "content-type": "application/json" }),
      "missing-header",
      "rejected missing-header: Missing X-ICE-TIMESTAMP and X-ICE-SIGNATURE headers; is callback authentication (AuthSwitch) on in IMS?",
    ],
    [
      "timestamp not in seconds",
      () => ({
        "x-ice-timestamp": "yesterday",
        "x-ice-signature": signed(NEW_KEY)["X-ICE-SIGNATURE"],
      }),
      "bad-timestamp",
      'rejected bad-timestamp: X-ICE-TIMESTAMP must be Unix seconds (digits only), got "yesterday".',
    ],
  ])("rejects %s with 401 and the reason", async (_name, headers, reason, logLine) => {
    const res = await post(h, headers());
    expect(res).toMatchObject({ status: 401, text: `${reason}\n` });
    expect(h.logs).toEqual([logLine]);
    expect(h.events).toEqual([]);
  });

  it.each<[string, string, string]>([
    ["not JSON", "hello", "not-json"],
    ["empty", "", "empty-body"],
    ["a JSON array", "[]", "not-an-object"],
    [
      "no EventType",
      JSON.stringify({ UserId: 1, EventTime: "2025-06-01T08:00:00Z", MessageBody: {} }),
      "missing-event-type",
    ],
    ["bad EventTime", EVENT.replace("2025-06-01T08:00:00Z", "2025-06-01"), "bad-event-time"],
  ])(
    "rejects a signed but malformed body (%s) with 400 and the reason",
    async (_name, body, reason) => {
      const res = await post(h, signed(NEW_KEY), body);
      expect(res).toMatchObject({ status: 400, text: `${reason}\n` });
      expect(h.logs).toHaveLength(1);
      expect(h.logs[0].startsWith(`rejected ${reason}: `)).toBe(true);
      expect(h.events).toEqual([]);
    },
  );

  it.each(["GET", "PUT", "DELETE"])("answers %s with 405 and Allow: POST", async (method) => {
    const res = await fetch(`${h.base}/ims/callback`, {
      method,
      headers: signed(NEW_KEY),
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.text()).toBe("method not allowed\n");
  });

  it("refuses a body above the size limit with 413", async () => {
    const res = await post(h, signed(NEW_KEY), Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    expect(res).toMatchObject({ status: 413, text: "body-too-large\n" });
  });
});

describe("examples/http-receiver: rotation finished", () => {
  it("rejects the rotated-out key once only the new key is configured", async () => {
    const h = await start({ authKeys: [NEW_KEY] });
    try {
      expect(await post(h, signed(OLD_KEY))).toMatchObject({ status: 401, text: "mismatch\n" });
      const delivered = h.nextEvent();
      expect(await post(h, signed(NEW_KEY))).toMatchObject({ status: 200 });
      await delivered;
    } finally {
      await stop(h);
    }
  });
});

describe("examples/http-receiver: answers before onEvent finishes", () => {
  it("sends 200 even when onEvent never settles", async () => {
    let called = false;
    const h = await start({
      onEvent: () => {
        called = true;
        return new Promise<void>(() => undefined); // never settles
      },
    });
    try {
      expect(await post(h, signed(NEW_KEY))).toMatchObject({ status: 200, text: "ok\n" });
      await new Promise((r) => setImmediate(r));
      expect(called).toBe(true);
    } finally {
      await stop(h);
    }
  });

  it("calls onEvent only after the response is complete, and logs its failure without affecting it", async () => {
    const h = await start({
      onEvent: () => {
        throw new Error("boom");
      },
    });
    let finishedBeforeOnEvent: boolean | undefined;
    h.server.prependListener("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.on("finish", () => {
        finishedBeforeOnEvent = !h.logs.some((l) => l.startsWith("onEvent failed"));
      });
    });
    try {
      expect(await post(h, signed(NEW_KEY))).toMatchObject({ status: 200, text: "ok\n" });
      for (let i = 0; i < 20 && !h.logs.some((l) => l.startsWith("onEvent failed")); i++)
        await new Promise((r) => setTimeout(r, 5));
      expect(h.logs).toContain("onEvent failed: boom");
      expect(finishedBeforeOnEvent).toBe(true);
    } finally {
      await stop(h);
    }
  });

  it("fails at creation, not at the first request, for bad options", () => {
    expect(() => createReceiver({ callbackUrl: CALLBACK_URL, authKeys: [] })).toThrow(
      new TypeError(
        "verifyCallback: options.authKeys is an empty list; pass at least one auth key.",
      ),
    );
    expect(() => createReceiver({ callbackUrl: "/ims/callback", authKeys: NEW_KEY })).toThrow(
      TypeError,
    );
  });
});
