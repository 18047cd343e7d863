/**
 * The queue guard's runtime against the local emulator (real HTTP, real signatures, Mns-open
 * GetQueueAttributes): a delete that would lose messages is refused with the count and the fix,
 * unless the user said so; a replacement that will meet messages warns with the count.
 */
import { DEFAULT_TEST_ACCOUNT, startEmulator } from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";
import type { EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import * as runtimeEntry from "../../lib/runtime";
import {
  DELETE_QUEUES_WITH_MESSAGES_VARIABLE,
  queueGuardDelete,
  queueGuardDiff,
  type QueueGuardState,
} from "../../lib/runtime/queueGuard";
import { configure } from "../../lib/runtime/context";
import { callRpc, removeTempDirs, sdkClient } from "../../packages/emulator/test/helpers";
import { mnsClient } from "../../packages/emulator/test/mnsClient";

const REGION = "cn-hangzhou";
const KEY = DEFAULT_TEST_ACCOUNT.accessKeys[0];
const savedEnv = { ...process.env };
let emulator: EmulatorHandle;

const guard = (queueName: string, deleteWithMessages = false): QueueGuardState => ({
  region: REGION,
  queueName,
  deleteWithMessages,
});
const endpoint = () => emulator.endpoints[REGION as keyof typeof emulator.endpoints];
const createQueue = (name: string) =>
  callRpc(sdkClient(endpoint(), { v2: true }), "CreateQueue", MNS_OPEN_VERSION, {
    QueueName: name,
  });
async function send(queue: string, count: number): Promise<void> {
  const client = mnsClient(endpoint(), emulator.defaultAccountId);
  for (let i = 0; i < count; i++) await client.sendMessage(queue, { MessageBody: `m${i}` });
}
async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

beforeAll(async () => {
  emulator = await startEmulator();
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = KEY.id;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
  delete process.env.ALICLOUD_ACCESS_KEY;
  delete process.env.ALICLOUD_SECRET_KEY;
});
afterAll(async () => {
  process.env = savedEnv;
  await emulator.close();
  removeTempDirs();
});
beforeEach(async () => {
  await emulator.reset();
  delete process.env[DELETE_QUEUES_WITH_MESSAGES_VARIABLE];
  // The Mns-open endpoint comes from the stack's alicloud config, as for the alicloud provider.
  const config: Record<string, string> = {
    "alicloud:endpoints": JSON.stringify([{ mnsOpen: new URL(endpoint()).host }]),
    "alicloud:protocol": "HTTP",
  };
  configure({ get: (key: string) => config[key] });
});

describe("queue guard delete", () => {
  it("refuses while the queue holds messages, naming the count and both ways out", async () => {
    await createQueue("ice-callback-full");
    await send("ice-callback-full", 3);
    const message = await failureOf(queueGuardDelete("id", guard("ice-callback-full")));
    expect(message).toContain(
      'Queue "ice-callback-full" in cn-hangzhou still holds 3 messages (3 visible, 0 received and not deleted, 0 delayed)',
    );
    expect(message).toContain("deleteWithMessages: true");
    expect(message).toContain(`${DELETE_QUEUES_WITH_MESSAGES_VARIABLE}=true`);
    expect(message).not.toContain(KEY.secret);
  });

  it("counts received but undeleted messages too", async () => {
    await createQueue("ice-callback-held");
    await send("ice-callback-held", 1);
    await mnsClient(endpoint(), emulator.defaultAccountId).receiveMessage("ice-callback-held");
    expect(await failureOf(queueGuardDelete("id", guard("ice-callback-held")))).toContain(
      "holds 1 message (0 visible, 1 received and not deleted, 0 delayed)",
    );
  });

  it("lets an empty or missing queue go", async () => {
    await createQueue("ice-callback-empty");
    await expect(queueGuardDelete("id", guard("ice-callback-empty"))).resolves.toBeUndefined();
    await expect(queueGuardDelete("id", guard("ice-callback-gone"))).resolves.toBeUndefined();
  });

  it("lets a queue with messages go when the user said so, by input or for one run by environment", async () => {
    await createQueue("ice-callback-said");
    await send("ice-callback-said", 2);
    await expect(queueGuardDelete("id", guard("ice-callback-said", true))).resolves.toBeUndefined();
    process.env[DELETE_QUEUES_WITH_MESSAGES_VARIABLE] = "true";
    await expect(queueGuardDelete("id", guard("ice-callback-said"))).resolves.toBeUndefined();
  });

  it("fails closed, without the secret, when the count cannot be read", async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "WrongSecretCanary123";
    try {
      const message = await failureOf(queueGuardDelete("id", guard("ice-callback-any")));
      expect(message).toMatch(
        /^Could not count the messages in queue "ice-callback-any" in cn-hangzhou before deleting it, so it was left in place: Mns-open GetQueueAttributes in cn-hangzhou failed: \w+/,
      );
      expect(message).not.toContain("WrongSecretCanary123");
    } finally {
      process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
    }
  });
});

describe("queue guard diff", () => {
  let warnings: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    warnings = [];
    spy = jest.spyOn(console, "warn").mockImplementation((m: string) => void warnings.push(m));
  });
  afterEach(() => spy.mockRestore());

  it("a rename replaces the guard and warns with the old queue's count", async () => {
    await createQueue("ice-callback-old");
    await send("ice-callback-old", 4);
    const result = await queueGuardDiff("id", guard("ice-callback-old"), guard("ice-callback-new"));
    expect(result).toEqual({ changes: true, replaces: ["queueName"], deleteBeforeReplace: false });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'Queue "ice-callback-old" in cn-hangzhou holds 4 messages (4 visible, 0 received and not deleted, 0 delayed). This update replaces it',
    );
    expect(warnings[0]).toContain("deleteWithMessages: true");
  });

  it("no warning and no replacement when nothing changes, no warning for an empty queue", async () => {
    await createQueue("ice-callback-same");
    expect(
      await queueGuardDiff("id", guard("ice-callback-same"), guard("ice-callback-same")),
    ).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    await queueGuardDiff("id", guard("ice-callback-same"), guard("ice-callback-other"));
    expect(warnings).toEqual([]);
  });

  it("the entry point's guard functions are the redacting forwards the serialized provider calls", () => {
    for (const name of [
      "configureQueueGuard",
      "queueGuardCheck",
      "queueGuardDiff",
      "queueGuardCreate",
      "queueGuardUpdate",
      "queueGuardDelete",
    ] as const) {
      expect(typeof runtimeEntry[name]).toBe("function");
    }
  });
});
