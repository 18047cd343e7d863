/**
 * Queues: the Mns-open 2022-01-19 operations through Alibaba's OpenAPI client (as the alicloud
 * plugin calls them), and the MNS data API through Alibaba's official `@alicloud/mns` client —
 * send, receive with long polling, batches, peek, delete, visibility timeout, MNS error codes.
 */
import { createHash } from "node:crypto";
import { EmulatorHandle, startEmulator } from "../src";
import { MNS_OPEN_VERSION } from "../src/mnsOpen/actions";
import { callRpc, KEY, removeTempDirs, sdkClient, sdkError, STS, tempDir } from "./helpers";
import { mnsClient, mnsErrorName } from "./mnsClient";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;
const mnsOpen = (
  action: string,
  body: Record<string, string | number | boolean>,
  region = SH,
): Promise<Record<string, unknown>> =>
  callRpc(
    sdkClient(emulator.endpoints[region as typeof SH], { v2: true }),
    action,
    MNS_OPEN_VERSION,
    body,
  );
const openError = async (
  action: string,
  body: Record<string, string | number | boolean>,
  region = SH,
): Promise<[number, string]> => {
  const error = await sdkError(mnsOpen(action, body, region));
  return [error.statusCode, error.code];
};
const client = () => mnsClient(emulator.endpoints[SH], emulator.defaultAccountId);
const createQueue = (name: string, attributes: Record<string, number> = {}) =>
  mnsOpen("CreateQueue", { QueueName: name, ...attributes });

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
  removeTempDirs();
});

describe("Mns-open queue operations", () => {
  it("creates a queue with attributes and tags and reads it back in the shape the plugin parses", async () => {
    const created = await mnsOpen("CreateQueue", {
      QueueName: "q-attrs",
      VisibilityTimeout: 60,
      DelaySeconds: 0,
      EnableLogging: false,
      "Tag.1.Key": "env",
      "Tag.1.Value": "dev",
    });
    expect(created).toMatchObject({ Code: 200, Success: true });
    const read = await mnsOpen("GetQueueAttributes", { QueueName: "q-attrs", RegionId: SH });
    expect(read.Data).toEqual({
      QueueName: "q-attrs",
      CreateTime: expect.any(Number),
      LastModifyTime: expect.any(Number),
      DelaySeconds: 0,
      MaximumMessageSize: 65536,
      MessageRetentionPeriod: 345600,
      VisibilityTimeout: 60,
      PollingWaitSeconds: 0,
      LoggingEnabled: false,
      QueueType: "normal",
      ActiveMessages: 0,
      InactiveMessages: 0,
      DelayMessages: 0,
      Tags: [{ TagKey: "env", TagValue: "dev" }],
    });
  });

  it("updates attributes and tags, deletes, then answers QueueNotExist with 404", async () => {
    await createQueue("q-update");
    await mnsOpen("SetQueueAttributes", {
      QueueName: "q-update",
      VisibilityTimeout: 120,
      PollingWaitSeconds: 5,
    });
    await mnsOpen("TagResources", {
      ResourceType: "queue",
      "ResourceId.1": "q-update",
      "Tag.1.Key": "a",
      "Tag.1.Value": "1",
      "Tag.2.Key": "b",
      "Tag.2.Value": "2",
    });
    await mnsOpen("UntagResources", {
      ResourceType: "queue",
      "ResourceId.1": "q-update",
      "TagKey.1": "a",
    });
    expect(
      (await mnsOpen("ListTagResources", { ResourceType: "queue", "ResourceId.1": "q-update" }))
        .TagResources,
    ).toEqual([{ ResourceId: "q-update", ResourceType: "queue", TagKey: "b", TagValue: "2" }]);
    expect((await mnsOpen("GetQueueAttributes", { QueueName: "q-update" })).Data).toMatchObject({
      VisibilityTimeout: 120,
      PollingWaitSeconds: 5,
    });
    await mnsOpen("DeleteQueue", { QueueName: "q-update" });
    expect(await openError("GetQueueAttributes", { QueueName: "q-update" })).toEqual([
      404,
      "QueueNotExist",
    ]);
    expect(await openError("DeleteQueue", { QueueName: "q-update" })).toEqual([
      404,
      "QueueNotExist",
    ]);
  });

  it("applies MNS's name and range rules; a same-name create is accepted only with the same attributes", async () => {
    expect(await openError("CreateQueue", { QueueName: "-starts-with-hyphen" })).toEqual([
      400,
      "InvalidQueueName",
    ]);
    expect(await openError("CreateQueue", { QueueName: "under_score" })).toEqual([
      400,
      "InvalidQueueName",
    ]);
    expect(await openError("CreateQueue", { QueueName: "q".repeat(121) })).toEqual([
      400,
      "InvalidQueueName",
    ]);
    expect(await openError("CreateQueue", { QueueName: "q-range", VisibilityTimeout: 0 })).toEqual([
      400,
      "InvalidParameter",
    ]);
    await createQueue("q".repeat(120));
    await createQueue("q-same", { VisibilityTimeout: 40 });
    await createQueue("q-same", { VisibilityTimeout: 40 });
    expect(await openError("CreateQueue", { QueueName: "q-same", VisibilityTimeout: 50 })).toEqual([
      409,
      "QueueAlreadyExist",
    ]);
  });

  it("keeps queues per region: a queue made at one regional endpoint does not exist at another", async () => {
    await createQueue("q-regional");
    expect(
      await openError("GetQueueAttributes", { QueueName: "q-regional" }, "cn-beijing"),
    ).toEqual([404, "QueueNotExist"]);
    expect((await emulator.listQueues(SH)).map((q) => q.name)).toContain("q-regional");
    expect((await emulator.listQueues("cn-beijing")).map((q) => q.name)).not.toContain(
      "q-regional",
    );
  });

  it("keeps queues, their messages and RAM in the state file across a restart", async () => {
    const stateFile = `${tempDir()}/state.json`;
    const first = await startEmulator({ stateFile });
    try {
      await callRpc(sdkClient(first.endpoints[SH]), "CreateQueue", MNS_OPEN_VERSION, {
        QueueName: "q-persist",
      });
      await mnsClient(first.endpoints[SH], first.defaultAccountId).sendMessage("q-persist", {
        MessageBody: "kept",
      });
    } finally {
      await first.close();
    }
    const second = await startEmulator({ stateFile });
    try {
      const received = await mnsClient(
        second.endpoints[SH],
        second.defaultAccountId,
      ).receiveMessage("q-persist");
      expect(received.body.MessageBody).toBe("kept");
    } finally {
      await second.close();
    }
  });
});

describe("MNS data API through @alicloud/mns", () => {
  it("sends, receives and deletes a message; MD5 and dequeue count as MNS reports them", async () => {
    await createQueue("d-basic");
    const sent = await client().sendMessage("d-basic", {
      MessageBody: '{"EventType":"ProduceMediaComplete"}',
    });
    expect(sent.code).toBe(201);
    expect(sent.body.MessageBodyMD5).toBe(
      createHash("md5").update('{"EventType":"ProduceMediaComplete"}').digest("hex").toUpperCase(),
    );
    const received = await client().receiveMessage("d-basic");
    expect(received.body).toMatchObject({
      MessageId: sent.body.MessageId,
      MessageBody: '{"EventType":"ProduceMediaComplete"}',
      DequeueCount: "1",
      Priority: "8",
    });
    expect(received.body.MessageBodyMD5).toBe(sent.body.MessageBodyMD5);
    expect((await client().deleteMessage("d-basic", received.body.ReceiptHandle)).code).toBe(204);
    expect(await mnsErrorName(client().receiveMessage("d-basic"))).toBe("MNSMessageNotExistError");
  });

  it("hides a received message for the visibility timeout, then delivers it again with a new handle and a higher dequeue count", async () => {
    await createQueue("d-visibility", { VisibilityTimeout: 1 });
    await client().sendMessage("d-visibility", { MessageBody: "again" });
    const first = await client().receiveMessage("d-visibility");
    expect(await mnsErrorName(client().receiveMessage("d-visibility"))).toBe(
      "MNSMessageNotExistError",
    );
    const second = await client().receiveMessage("d-visibility", 3);
    expect(second.body).toMatchObject({ MessageId: first.body.MessageId, DequeueCount: "2" });
    expect(second.body.ReceiptHandle).not.toBe(first.body.ReceiptHandle);
    expect(
      await mnsErrorName(client().deleteMessage("d-visibility", first.body.ReceiptHandle)),
    ).toBe("MNSMessageNotExistError");
    await client().deleteMessage("d-visibility", second.body.ReceiptHandle);
  });

  it("long polling returns as soon as a message arrives", async () => {
    await createQueue("d-longpoll");
    const waiting = client().receiveMessage("d-longpoll", 10);
    await new Promise((r) => setTimeout(r, 200));
    await client().sendMessage("d-longpoll", { MessageBody: "late" });
    expect((await waiting).body.MessageBody).toBe("late");
  });

  it("a long poll on an empty queue ends with MessageNotExist once the wait is over", async () => {
    await createQueue("d-empty");
    const started = Date.now();
    expect(await mnsErrorName(client().receiveMessage("d-empty", 1))).toBe(
      "MNSMessageNotExistError",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("batch send, batch receive of up to 16, batch delete; priorities first, then send order", async () => {
    await createQueue("d-batch");
    await client().batchSendMessage("d-batch", [
      { MessageBody: "m1" },
      { MessageBody: "m2", Priority: 1 },
      { MessageBody: "m3" },
    ]);
    const received = await client().batchReceiveMessage("d-batch", 16);
    expect(received.body.map((m) => m.MessageBody)).toEqual(["m2", "m1", "m3"]);
    const result = await client().batchDeleteMessage("d-batch", [
      ...received.body.map((m) => m.ReceiptHandle),
      "1-unknownhandle",
    ]);
    expect(result.body).toEqual([
      expect.objectContaining({ ErrorCode: "MessageNotExist", ReceiptHandle: "1-unknownhandle" }),
    ]);
    expect((await emulator.getQueue(SH, "d-batch"))?.messages).toEqual({
      visible: 0,
      invisible: 0,
      delayed: 0,
    });
  });

  it("peek neither hides the message nor counts a dequeue; change visibility gives a new handle", async () => {
    await createQueue("d-peek");
    await client().sendMessage("d-peek", { MessageBody: "peeked" });
    expect((await client().peekMessage("d-peek")).body).toMatchObject({
      MessageBody: "peeked",
      DequeueCount: "0",
    });
    expect((await client().batchPeekMessage("d-peek", 5)).body).toHaveLength(1);
    const received = await client().receiveMessage("d-peek");
    const changed = await client().changeMessageVisibility(
      "d-peek",
      received.body.ReceiptHandle,
      1,
    );
    expect(changed.body.ReceiptHandle).not.toBe(received.body.ReceiptHandle);
    expect(await mnsErrorName(client().deleteMessage("d-peek", received.body.ReceiptHandle))).toBe(
      "MNSMessageNotExistError",
    );
    await client().deleteMessage("d-peek", changed.body.ReceiptHandle);
  });

  it("delays a message by DelaySeconds", async () => {
    await createQueue("d-delay");
    await client().sendMessage("d-delay", { MessageBody: "later", DelaySeconds: 1 });
    expect((await emulator.getQueue(SH, "d-delay"))?.messages.delayed).toBe(1);
    expect(await mnsErrorName(client().receiveMessage("d-delay"))).toBe("MNSMessageNotExistError");
    expect((await client().receiveMessage("d-delay", 3)).body.MessageBody).toBe("later");
  });

  it("answers MNS's error codes: unknown queue, bad handle, bad signature, unknown key, STS tokens", async () => {
    expect(await mnsErrorName(client().receiveMessage("no-such-queue"))).toBe(
      "MNSQueueNotExistError",
    );
    await createQueue("d-errors");
    expect(await mnsErrorName(client().deleteMessage("d-errors", "not-a-handle"))).toBe(
      "MNSReceiptHandleErrorError",
    );
    const wrongSecret = mnsClient(emulator.endpoints[SH], emulator.defaultAccountId, {
      id: KEY.id,
      secret: "wrong",
    });
    expect(await mnsErrorName(wrongSecret.sendMessage("d-errors", { MessageBody: "x" }))).toBe(
      "MNSSignatureDoesNotMatchError",
    );
    const unknownKey = mnsClient(emulator.endpoints[SH], emulator.defaultAccountId, {
      id: "TESTAKUnknown",
      secret: "x",
    });
    expect(await mnsErrorName(unknownKey.sendMessage("d-errors", { MessageBody: "x" }))).toBe(
      "MNSInvalidAccessKeyIdError",
    );
    const sts = mnsClient(emulator.endpoints[SH], emulator.defaultAccountId, {
      id: STS.accessKeyId,
      secret: STS.accessKeySecret,
      securityToken: STS.securityToken,
    });
    expect((await sts.sendMessage("d-errors", { MessageBody: "with token" })).code).toBe(201);
    const noToken = mnsClient(emulator.endpoints[SH], emulator.defaultAccountId, {
      id: STS.accessKeyId,
      secret: STS.accessKeySecret,
    });
    expect(await mnsErrorName(noToken.sendMessage("d-errors", { MessageBody: "x" }))).toBe(
      "MNSAccessDeniedError",
    );
    expect(await mnsErrorName(client().batchReceiveMessage("d-errors", 17))).toBe(
      "MNSInvalidArgumentError",
    );
  });

  it("reads the queue's attributes over the data API", async () => {
    await createQueue("d-attributes", { VisibilityTimeout: 45 });
    expect((await client().getQueueAttributes("d-attributes")).body).toMatchObject({
      QueueName: "d-attributes",
      VisibilityTimeout: "45",
    });
  });
});
