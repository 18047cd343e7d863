/**
 * The queue guard's verdict on answers that carry no count, through Alibaba's OpenAPI runtime the
 * guard uses: the queue really holds 3 unread messages in the emulator, and a small proxy in front
 * of it rewrites the real GetQueueAttributes answer (no `Data`, empty `Data`, `null` or string
 * counters, `Success: false`). A count is a number that was read, or the delete is refused; and a
 * refusal names its real cause (an endpoint that does not resolve or refuses connections, an answer
 * that is not JSON, a permission error), advising the RAM grant only for a permission error.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";
import {
  DELETE_QUEUES_WITH_MESSAGES_VARIABLE,
  queueGuardDelete,
  queueGuardDiff,
  type QueueGuardState,
} from "../../lib/runtime/queueGuard";
import { configure } from "../../lib/runtime/context";
import { callRpc, sdkClient } from "../../packages/emulator/test/helpers";
import { mnsClient } from "../../packages/emulator/test/mnsClient";

const REGION = "cn-hangzhou";
const KEY = DEFAULT_TEST_ACCOUNT.accessKeys[0];
const QUEUE = "ice-callback-unread";
const GRANT_ADVICE = "mns:GetQueueAttributes";
const savedEnv = { ...process.env };
let emulator: EmulatorHandle;

/** What the proxy does to an answer: rewrite its JSON body, or answer on its own. */
type Rewrite = (body: Record<string, unknown>) => unknown;
let rewrite: Rewrite = (body) => body;
let ownAnswer: { status: number; body: string } | undefined;
let proxy: http.Server;

const guard: QueueGuardState = { region: REGION, queueName: QUEUE, deleteWithMessages: false };
const endpoint = () => emulator.endpoints[REGION as keyof typeof emulator.endpoints];
const proxyHost = () => `127.0.0.1:${(proxy.address() as AddressInfo).port}`;

/** Points the guard's Mns-open endpoint (the stack's alicloud config) at `host`. */
function useMnsOpenEndpoint(host: string): void {
  const config: Record<string, string> = {
    "alicloud:endpoints": JSON.stringify([{ mnsOpen: host }]),
    "alicloud:protocol": "HTTP",
  };
  configure({ get: (key: string) => config[key] });
}

/** Forwards a request to the emulator as it came (signature and all), then rewrites the answer. */
function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (ownAnswer) {
      res.writeHead(ownAnswer.status, { "Content-Type": "application/json" });
      res.end(ownAnswer.body);
      return;
    }
    const target = new URL(endpoint());
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          const text = Buffer.concat(parts).toString("utf8");
          const body = JSON.stringify(rewrite(JSON.parse(text) as Record<string, unknown>));
          res.writeHead(answer.statusCode ?? 502, { "Content-Type": "application/json" });
          res.end(body);
        });
      },
    );
    upstream.on("error", () => res.destroy());
    upstream.end(Buffer.concat(chunks));
  });
}

async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the delete to be refused");
}

/** Data with one counter replaced. */
const withData =
  (change: (data: Record<string, unknown>) => Record<string, unknown>) =>
  (body: Record<string, unknown>): Record<string, unknown> => ({
    ...body,
    Data: change({ ...(body.Data as Record<string, unknown>) }),
  });

beforeAll(async () => {
  emulator = await startEmulator();
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = KEY.id;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
  delete process.env.ALICLOUD_ACCESS_KEY;
  delete process.env.ALICLOUD_SECRET_KEY;
  delete process.env[DELETE_QUEUES_WITH_MESSAGES_VARIABLE];
  proxy = http.createServer(forward);
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  await callRpc(sdkClient(endpoint(), { v2: true }), "CreateQueue", MNS_OPEN_VERSION, {
    QueueName: QUEUE,
  });
  const client = mnsClient(endpoint(), emulator.defaultAccountId);
  for (let i = 0; i < 3; i++) await client.sendMessage(QUEUE, { MessageBody: `event-${i}` });
});
afterAll(async () => {
  process.env = savedEnv;
  await new Promise((resolve) => proxy.close(resolve));
  await emulator.close();
});
beforeEach(async () => {
  rewrite = (body) => body;
  ownAnswer = undefined;
  await emulator.clearFaults();
  useMnsOpenEndpoint(proxyHost());
});

describe("a count is a number that was read", () => {
  it("the proxy passes the real answer: 3 unread messages refuse the delete", async () => {
    expect(await failureOf(queueGuardDelete("id", guard))).toContain(
      `Queue "${QUEUE}" in ${REGION} still holds 3 messages (3 visible, 0 received and not deleted, 0 delayed)`,
    );
  });

  it.each<[string, Rewrite, string]>([
    [
      "HTTP 200 without Data",
      ({ Data: _data, ...rest }) => rest,
      "the answer carries no Data (no message count)",
    ],
    ["an empty Data", (body) => ({ ...body, Data: {} }), "Data.ActiveMessages is missing"],
    [
      "null counters",
      withData((d) => ({
        ...d,
        ActiveMessages: null,
        InactiveMessages: null,
        DelayMessages: null,
      })),
      "Data.ActiveMessages is null",
    ],
    [
      "one counter null, the others read",
      withData((d) => ({ ...d, DelayMessages: null })),
      "Data.DelayMessages is null",
    ],
    [
      "a counter as a string (the API documents an integer)",
      withData((d) => ({ ...d, ActiveMessages: "3" })),
      'Data.ActiveMessages is "3", not a whole number',
    ],
    [
      "a negative counter",
      withData((d) => ({ ...d, ActiveMessages: -3 })),
      "Data.ActiveMessages is -3, not a whole number",
    ],
    [
      "Success: false without Data",
      ({ Data: _data, ...rest }) => ({
        ...rest,
        Code: 500,
        Status: "InternalError",
        Success: false,
        Message: "internal error",
      }),
      "the answer says Success: false (Code 500, internal error)",
    ],
    [
      "an answer that does not say Success",
      ({ Success: _success, ...rest }) => rest,
      "the answer does not say Success: true",
    ],
    [
      "Success: false with counts of 0",
      (body) => ({
        ...withData((d) => ({ ...d, ActiveMessages: 0 }))(body),
        Success: false,
        Code: 500,
        Message: "internal error",
      }),
      "the answer says Success: false (Code 500, internal error)",
    ],
  ])(
    "%s: the delete of a queue with 3 unread messages is refused, naming the cause",
    async (_name, change, expected) => {
      rewrite = change;
      const message = await failureOf(queueGuardDelete("id", guard));
      expect(message).toContain(
        `Could not count the messages in queue "${QUEUE}" in ${REGION} before deleting it, so it was left in place: ` +
          `Mns-open GetQueueAttributes in ${REGION} failed: ${expected}`,
      );
      expect(message).toContain(`${DELETE_QUEUES_WITH_MESSAGES_VARIABLE}=true`);
      expect(message).not.toContain(GRANT_ADVICE);
      expect(message).not.toContain(KEY.secret);
      expect(message).not.toContain(KEY.id);
    },
  );

  it("a replacement's preview warns that the count could not be read, instead of staying silent", async () => {
    rewrite = ({ Data: _data, ...rest }) => rest;
    const warnings: string[] = [];
    const spy = jest
      .spyOn(console, "warn")
      .mockImplementation((m: string) => void warnings.push(m));
    try {
      await queueGuardDiff("id", guard, { ...guard, queueName: "ice-callback-next" });
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual([
      expect.stringContaining(
        `Queue "${QUEUE}" in ${REGION} is replaced; its messages could not be counted (Mns-open GetQueueAttributes in ${REGION} failed: the answer carries no Data`,
      ),
    ]);
  });
});

describe("a refusal names the real cause", () => {
  it("an endpoint whose name does not resolve is named, with no grant advice", async () => {
    useMnsOpenEndpoint("mns-open.cn-hangzhou.invalid");
    const message = await failureOf(queueGuardDelete("id", guard));
    expect(message).toMatch(
      /Mns-open GetQueueAttributes in cn-hangzhou failed: the endpoint mns-open\.cn-hangzhou\.invalid could not be resolved \((ENOTFOUND|EAI_AGAIN)\)/,
    );
    expect(message).toContain("Check the Mns-open endpoint");
    expect(message).not.toContain(GRANT_ADVICE);
  });

  it("an endpoint that refuses connections is named, with no grant advice", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    useMnsOpenEndpoint(host);
    const message = await failureOf(queueGuardDelete("id", guard));
    expect(message).toContain(
      `Mns-open GetQueueAttributes in cn-hangzhou failed: could not connect to the endpoint ${host} (ECONNREFUSED)`,
    );
    expect(message).toContain("Check the Mns-open endpoint");
    expect(message).not.toContain(GRANT_ADVICE);
  });

  it.each(["malformed", "gateway-html"] as const)(
    "an answer that is not JSON (emulator fault %s) is named, with no grant advice",
    async (kind) => {
      useMnsOpenEndpoint(new URL(endpoint()).host);
      await emulator.injectFault({ kind, count: 5, action: "GetQueueAttributes" });
      const message = await failureOf(queueGuardDelete("id", guard));
      expect(message).toContain(
        `Mns-open GetQueueAttributes in cn-hangzhou failed: the answer of ${new URL(endpoint()).host} is not JSON, so it does not come from Mns-open`,
      );
      expect(message).toContain("Check the Mns-open endpoint");
      expect(message).not.toContain(GRANT_ADVICE);
    },
  );

  it("a permission error advises the grant", async () => {
    ownAnswer = {
      status: 403,
      body: JSON.stringify({
        RequestId: "r-1",
        Code: "Forbidden.RAM",
        Message: "User not authorized to operate on the specified resource.",
      }),
    };
    const message = await failureOf(queueGuardDelete("id", guard));
    expect(message).toContain(
      "Mns-open GetQueueAttributes in cn-hangzhou failed: Forbidden.RAM: User not authorized to operate on the specified resource.",
    );
    expect(message).toContain(
      `Grant the deploying credentials ${GRANT_ADVICE} on acs:mns:cn-hangzhou:*:/queues/${QUEUE}`,
    );
  });

  it("a wrong AccessKey secret is a credential problem, not a missing grant", async () => {
    useMnsOpenEndpoint(new URL(endpoint()).host);
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "WrongSecretCanary123";
    try {
      const message = await failureOf(queueGuardDelete("id", guard));
      expect(message).toContain(
        "Mns-open GetQueueAttributes in cn-hangzhou failed: SignatureDoesNotMatch",
      );
      expect(message).toContain("Check the deploying credentials");
      expect(message).not.toContain(GRANT_ADVICE);
      expect(message).not.toContain("WrongSecretCanary123");
    } finally {
      process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
    }
  });
});
