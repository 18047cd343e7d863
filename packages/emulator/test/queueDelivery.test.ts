/**
 * IMS's delivery into a queue, as the emulator does it: only into an existing queue of the
 * setting's region that AliyunICEDefaultRole may send to (its attached policies, evaluated), else
 * two retries and dropped with every attempt recorded; the message read back with @alicloud/mns.
 */
import { EmulatorHandle, startEmulator } from "../src";
import { IMS_SERVICE_ROLE } from "../src/ram/state";
import { MNS_OPEN_VERSION } from "../src/mnsOpen/actions";
import { RAM_VERSION } from "../src/ram/actions";
import { callRpc, sdkClient } from "./helpers";
import { mnsClient } from "./mnsClient";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;
const rpc = (
  action: string,
  version: string,
  body: Record<string, string | number | boolean>,
  region = SH,
) => callRpc(sdkClient(emulator.endpoints[region as typeof SH]), action, version, body);
const sendPolicy = (resource: string, effect = "Allow"): string =>
  JSON.stringify({
    Version: "1",
    Statement: [{ Effect: effect, Action: ["mns:SendMessage"], Resource: [resource] }],
  });
const attach = async (name: string, document: string): Promise<void> => {
  await rpc("CreatePolicy", RAM_VERSION, { PolicyName: name, PolicyDocument: document });
  await rpc("AttachPolicyToRole", RAM_VERSION, {
    PolicyType: "Custom",
    PolicyName: name,
    RoleName: IMS_SERVICE_ROLE,
  });
};
const detachAndDelete = async (name: string): Promise<void> => {
  await rpc("DeletePolicy", RAM_VERSION, { PolicyName: name, CascadingDelete: true });
};
const configure = (queue: string, region = SH) =>
  emulator.putSetting(region, {
    CallbackType: "MNS",
    CallbackQueueName: queue,
    CallbackURL: "",
    EventTypeList: "ProduceMediaComplete",
  });
const emit = (region = SH) =>
  emulator.emitEvent({
    region,
    eventType: "ProduceMediaComplete",
    messageBody: { Status: "Success", JobId: "job-1" },
  });

beforeAll(async () => {
  emulator = await startEmulator({ deliveryPolicy: { retryDelayMs: 20 } });
});
afterAll(async () => {
  await emulator.close();
});

it("writes the event envelope into the queue when an attached policy allows mns:SendMessage on it", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-allowed" });
  await attach(
    "ims-send-allowed",
    sendPolicy(`acs:mns:${SH}:${emulator.defaultAccountId}:/queues/ice-callback-allowed/messages`),
  );
  await configure("ice-callback-allowed");
  const report = await emit();
  expect(report).toMatchObject({
    outcome: "delivered",
    method: "MNS",
    target: "ice-callback-allowed",
    messageId: expect.any(String),
  });
  expect(report.attempts).toHaveLength(1);
  const received = await mnsClient(
    emulator.endpoints[SH],
    emulator.defaultAccountId,
  ).receiveMessage("ice-callback-allowed");
  expect(received.body.MessageId).toBe(report.messageId);
  expect(JSON.parse(received.body.MessageBody)).toEqual({
    EventType: "ProduceMediaComplete",
    UserId: Number(emulator.defaultAccountId),
    EventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    MessageBody: { Status: "Success", JobId: "job-1" },
  });
  await detachAndDelete("ims-send-allowed");
});

it("without a policy that allows it, retries twice, records every attempt, drops the event and writes nothing", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-denied" });
  await configure("ice-callback-denied");
  const report = await emit();
  expect(report.outcome).toBe("dropped");
  expect(report.attempts).toHaveLength(3);
  for (const attempt of report.attempts)
    expect(attempt.error).toMatch(
      /^AccessDenied: AliyunICEDefaultRole may not mns:SendMessage on acs:mns:cn-shanghai:\d+:\/queues\/ice-callback-denied\/messages/,
    );
  expect((await emulator.getQueue(SH, "ice-callback-denied"))?.messages.visible).toBe(0);
  expect((await emulator.getDeliveries()).at(-1)).toEqual(report);
});

it("matches wildcards in the resource, and an explicit Deny wins over an Allow", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-wild" });
  await configure("ice-callback-wild");
  await attach("ims-send-wild", sendPolicy("acs:mns:*:*:/queues/ice-callback-*/messages"));
  expect((await emit()).outcome).toBe("delivered");
  await attach("ims-deny-wild", sendPolicy("acs:mns:*:*:/queues/ice-callback-wild/*", "Deny"));
  const denied = await emit();
  expect(denied.outcome).toBe("dropped");
  expect(denied.attempts[0].error).toContain("denied by Custom policy ims-deny-wild");
  await detachAndDelete("ims-send-wild");
  await detachAndDelete("ims-deny-wild");
});

it("never writes into a queue of another region: the setting's region must hold the queue", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-elsewhere" }, "cn-beijing");
  await attach("ims-send-any", sendPolicy("*"));
  await configure("ice-callback-elsewhere");
  const report = await emit();
  expect(report.outcome).toBe("dropped");
  expect(report.attempts.map((a) => a.error)).toEqual(
    Array(3).fill("QueueNotExist: no queue ice-callback-elsewhere in cn-shanghai"),
  );
  await detachAndDelete("ims-send-any");
});

it("with IMS not activated there is no service role, so nothing is delivered", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-inactive" });
  await configure("ice-callback-inactive");
  await emulator.setImsActivated(false);
  try {
    const report = await emit();
    expect(report.outcome).toBe("dropped");
    expect(report.attempts[0].error).toContain("the role AliyunICEDefaultRole does not exist");
  } finally {
    await emulator.setImsActivated(true);
  }
});

it("behaviour imsQueueGrant: IMS's own grant covers ice-callback-* queues, not others; Base64 bodies on request", async () => {
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "ice-callback-granted" });
  await rpc("CreateQueue", MNS_OPEN_VERSION, { QueueName: "other-queue" });
  await emulator.setBehaviour({
    imsQueueGrant: "ice-callback-queues",
    queueMessageEncoding: "base64",
  });
  try {
    await configure("ice-callback-granted");
    expect((await emit()).outcome).toBe("delivered");
    const body = (
      await mnsClient(emulator.endpoints[SH], emulator.defaultAccountId).receiveMessage(
        "ice-callback-granted",
      )
    ).body.MessageBody;
    expect(JSON.parse(Buffer.from(body, "base64").toString("utf8")).EventType).toBe(
      "ProduceMediaComplete",
    );
    await configure("other-queue");
    expect((await emit()).outcome).toBe("dropped");
  } finally {
    await emulator.setBehaviour({ imsQueueGrant: "none", queueMessageEncoding: "raw" });
  }
});
