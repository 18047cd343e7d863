/**
 * Requests an attacker on the same machine can send: names that are Object.prototype keys
 * (`__proto__`, `constructor`, `toString`, ...) in every place a request value names something,
 * junk action names by the hundred, and XML the data API cannot read. None may touch an object
 * prototype, grow the emulator's memory without bound, or get a 500.
 */
import { createRequire } from "node:module";
import { request as httpRequest } from "node:http";
import { EMULATOR_REGIONS, startEmulator, type EmulatorHandle } from "../src";
import { MAX_UNHANDLED_CALLS, UNSERVED_ACTION } from "../src/ground/requestLog";
import { MNS_OPEN_VERSION } from "../src/mnsOpen/actions";
import { RAM_VERSION } from "../src/ram/actions";
import { callRpc, KEY, sdkClient, sdkError, send } from "./helpers";

const SH = "cn-shanghai";
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

/** Every object a `obj[key][region] = n` write through a prototype key would land on. */
function prototypeTargets(): [string, object][] {
  const targets: [string, object][] = [
    ["Object.prototype", Object.prototype],
    ["Object", Object],
    ["Function.prototype", Function.prototype],
  ];
  for (const key of PROTOTYPE_KEYS) {
    const value = (Object.prototype as unknown as Record<string, unknown>)[key];
    if (typeof value === "function") targets.push([`Object.prototype.${key}`, value]);
  }
  return targets;
}

/** Own properties added to any prototype target since `before`, removed again so no other test sees them. */
function pollutionSince(before: Map<object, string[]>): string[] {
  const found: string[] = [];
  for (const [name, target] of prototypeTargets()) {
    const known = before.get(target) ?? [];
    for (const key of Object.getOwnPropertyNames(target)) {
      if (known.includes(key)) continue;
      found.push(`${name}.${key}`);
      delete (target as Record<string, unknown>)[key];
    }
  }
  return found;
}

function snapshot(): Map<object, string[]> {
  return new Map(prototypeTargets().map(([, t]) => [t, Object.getOwnPropertyNames(t)]));
}

let emulator: EmulatorHandle;
let before: Map<object, string[]>;
beforeAll(async () => {
  emulator = await startEmulator({ adminPort: false });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.reset();
  before = snapshot();
});
afterEach(() => {
  // Clean up what the old code polluted, so one failure does not spread to other tests.
  pollutionSince(before);
});

const unsigned = (region: string, action: string) =>
  send(emulator.endpoints[region as (typeof EMULATOR_REGIONS)[number]], {
    method: "POST",
    query: { Action: action },
    headers: {},
    body: "",
  });

describe("request values that are Object.prototype keys", () => {
  it("an unsigned action named __proto__, constructor or toString on any region touches no prototype", async () => {
    for (const region of EMULATOR_REGIONS)
      for (const action of PROTOTYPE_KEYS) {
        const answer = await unsigned(region, action);
        expect([action, answer.status]).toEqual([action, 404]);
      }
    expect(({} as Record<string, unknown>)[SH]).toBeUndefined();
    expect(pollutionSince(before)).toEqual([]);
  });

  it("RAM policy and role names that are prototype keys are policies and roles that do not exist", async () => {
    const ram = sdkClient(emulator.endpoints[SH]);
    const call = (action: string, body: Record<string, string>) =>
      sdkError(callRpc(ram, action, RAM_VERSION, body));
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      const outcomes = [
        await call("GetPolicy", { PolicyName: name, PolicyType: "Custom" }),
        await call("GetPolicy", { PolicyName: name, PolicyType: "System" }),
        await call("UpdatePolicyDescription", { PolicyName: name, NewDescription: "x" }),
        await call("CreatePolicyVersion", {
          PolicyName: name,
          PolicyDocument: JSON.stringify({
            Version: "1",
            Statement: [{ Effect: "Allow", Action: "mns:*", Resource: "*" }],
          }),
        }),
        await call("AttachPolicyToRole", {
          PolicyName: name,
          PolicyType: "System",
          RoleName: "AliyunICEDefaultRole",
        }),
        await call("UpdateRole", { RoleName: name, NewDescription: "x" }),
        await call("GetRole", { RoleName: name }),
      ].map((e) => [e.statusCode, e.code]);
      expect([name, outcomes]).toEqual([
        name,
        [
          [404, "EntityNotExist.Policy"],
          [404, "EntityNotExist.Policy"],
          [404, "EntityNotExist.Policy"],
          [404, "EntityNotExist.Policy"],
          [404, "EntityNotExist.Policy"],
          [404, "EntityNotExist.Role"],
          [404, "EntityNotExist.Role"],
        ],
      ]);
    }
    expect(pollutionSince(before)).toEqual([]);
  });

  it("a tag key __proto__ is stored and listed like any other key", async () => {
    const client = sdkClient(emulator.endpoints[SH]);
    await callRpc(client, "CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-tags" });
    await callRpc(client, "TagResources", MNS_OPEN_VERSION, {
      ResourceType: "queue",
      "ResourceId.1": "ice-callback-tags",
      "Tag.1.Key": "__proto__",
      "Tag.1.Value": "polluted",
      "Tag.2.Key": "constructor",
      "Tag.2.Value": "c",
    });
    const listed = await callRpc(client, "ListTagResources", MNS_OPEN_VERSION, {
      ResourceType: "queue",
      "ResourceId.1": "ice-callback-tags",
    });
    expect(
      (listed.TagResources as { TagKey: string; TagValue: string }[]).map((t) => [
        t.TagKey,
        t.TagValue,
      ]),
    ).toEqual([
      ["__proto__", "polluted"],
      ["constructor", "c"],
    ]);
    await callRpc(client, "DeleteQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-tags" });
    expect(pollutionSince(before)).toEqual([]);
  });

  it("behaviour switches and queue attributes named after prototype keys are refused as unknown", async () => {
    for (const key of ["__proto__", "constructor", "toString"]) {
      const changes = JSON.parse(`{"${key}": "replace"}`) as never;
      await expect(emulator.setBehaviour(changes)).rejects.toThrow(
        `Unknown behaviour switch '${key}'`,
      );
    }
    await callRpc(sdkClient(emulator.endpoints[SH]), "CreateQueue", MNS_OPEN_VERSION, {
      QueueName: "ice-callback-attributes",
    });
    for (const key of ["__proto__", "constructor", "toString"]) {
      const attributes = JSON.parse(`{"${key}": 5}`) as never;
      await expect(
        emulator.putQueueAttributes(SH, "ice-callback-attributes", attributes),
      ).rejects.toThrow(`Unknown or read-only attribute '${key}'`);
    }
    expect(pollutionSince(before)).toEqual([]);
  });
});

describe("junk action names", () => {
  it("are counted under one key and listed at most MAX_UNHANDLED_CALLS times, with names cut short", async () => {
    const junk = MAX_UNHANDLED_CALLS + 50;
    for (let i = 0; i < junk; i++) await unsigned(SH, `Junk${i}`);
    await unsigned(SH, "X".repeat(1_000));
    const counters = await emulator.getCounters();
    expect(counters).toEqual({ [UNSERVED_ACTION]: { [SH]: junk + 1 } });
    const calls = await emulator.getUnhandledCalls();
    expect(calls).toHaveLength(MAX_UNHANDLED_CALLS);
    expect(calls.reduce((sum, call) => sum + call.count, 0)).toBe(junk + 1);
    expect(calls[0]).toMatchObject({ action: "Junk0", count: 1 });
    expect(calls.at(-1)).toMatchObject({ product: "", version: "", action: UNSERVED_ACTION });
    expect(Math.max(...calls.map((c) => c.action.length))).toBeLessThanOrEqual(200);
  });

  it("a long name within the cap is listed cut short", async () => {
    await unsigned(SH, "Y".repeat(1_000));
    const [call] = await emulator.getUnhandledCalls();
    expect(call.action).toMatch(/^Y{100,200}…\[\+\d+ characters\]$/);
  });
});

/** A request to the MNS data API signed by Alibaba's own `@alicloud/mns` signer. */
function mnsRequest(
  method: string,
  path: string,
  body = "",
): Promise<{ status: number; text: string }> {
  const Client = createRequire(__filename)("@alicloud/mns") as new (
    id: string,
    o: object,
  ) => { sign(verb: string, headers: Record<string, string>, resource: string): string };
  const signer = new Client(emulator.defaultAccountId, {
    endpoint: emulator.endpoints[SH],
    accessKeyId: KEY.id,
    accessKeySecret: KEY.secret,
  });
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    "x-mns-version": "2015-06-06",
    "content-type": "text/xml;charset=utf-8",
  };
  headers.authorization = `MNS ${KEY.id}:${signer.sign(method, headers, path)}`;
  const url = new URL(emulator.endpoints[SH]);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the MNS data API with XML it cannot read", () => {
  const queue = "ice-callback-xml";
  beforeAll(async () => {
    await callRpc(sdkClient(emulator.endpoints[SH]), "CreateQueue", MNS_OPEN_VERSION, {
      QueueName: queue,
    });
  });

  const message = (content: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mns.aliyuncs.com/doc/v1/">${content}</Message>`;

  it.each([
    ["deeply nested elements", message(`${"<A>".repeat(100_000)}${"</A>".repeat(100_000)}`)],
    ["a character reference past U+10FFFF", message("<MessageBody>&#x110000;</MessageBody>")],
    ["a huge character reference", message(`<MessageBody>&#${"9".repeat(400)};</MessageBody>`)],
    ["a NUL character reference", message("<MessageBody>a&#0;b</MessageBody>")],
    ["a surrogate character reference", message("<MessageBody>&#xD800;</MessageBody>")],
    ["an entity named constructor", message("<MessageBody>&constructor;</MessageBody>")],
  ])("answers 400 MalformedXML to %s", async (_what, body) => {
    const answer = await mnsRequest("POST", `/queues/${queue}/messages`, body);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("<Code>MalformedXML</Code>");
  });

  it("answers 400 InvalidRequestURL to a malformed escape in the queue name", async () => {
    const answer = await mnsRequest("GET", "/queues/ice-callback-%E0%A4%A/messages");
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("<Code>InvalidRequestURL</Code>");
  });

  it("keeps a query parameter named __proto__ in the request log", async () => {
    const answer = await mnsRequest("GET", `/queues/${queue}/messages?__proto__=x&waitseconds=0`);
    expect(answer.status).toBe(404);
    const [entry] = (await emulator.getRequestLog()).filter((e) => e.product === "MNS");
    expect(Object.hasOwn(entry.params, "__proto__")).toBe(true);
    expect(pollutionSince(before)).toEqual([]);
  });
});
