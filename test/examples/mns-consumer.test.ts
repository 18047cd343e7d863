/**
 * The mns-consumer example against the emulator: events IMS writes into the queue are logged, a
 * message that is no event lands in the dead-letter file, and a stop returns the counts. Proves the
 * example wires the consumer together; the consumer's own guarantees are tested in test/consumer.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_TEST_ACCOUNT, EmulatorHandle, startEmulator } from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";
import { main } from "../../examples/mns-consumer";
import { callRpc, removeTempDirs, sdkClient, tempDir } from "../../packages/emulator/test/helpers";

const REGION = "cn-hangzhou";
const QUEUE = "ice-callback-example-consumer";
const KEY = DEFAULT_TEST_ACCOUNT.accessKeys[0];
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({
    stateFile: `${tempDir()}/state.json`,
    behaviour: { imsQueueGrant: "ice-callback-queues" },
  });
  await callRpc(
    sdkClient(emulator.endpoints[REGION], { v2: true }),
    "CreateQueue",
    MNS_OPEN_VERSION,
    { QueueName: QUEUE },
  );
  await emulator.putSetting(
    REGION,
    { CallbackType: "MNS", CallbackQueueName: QUEUE, EventTypeList: "ProduceMediaComplete" },
    DEFAULT_TEST_ACCOUNT.accountId,
  );
});
afterAll(async () => {
  delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  await emulator.close();
  removeTempDirs();
});

test("logs each event IMS writes into the queue, keeps what it cannot parse in the dead-letter file, and stops with its counts", async () => {
  // Credentials come from the process environment, as the alicloud provider's do.
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = KEY.id;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = KEY.secret;
  const deadLetters = `${tempDir()}/dead.jsonl`;
  const lines: string[] = [];
  const worker = main(
    {
      QUEUE_NAME: QUEUE,
      REGION,
      ACCOUNT_ID: DEFAULT_TEST_ACCOUNT.accountId,
      MNS_ENDPOINT: emulator.endpoints[REGION],
      DEAD_LETTER_FILE: deadLetters,
      WAIT_SECONDS: "1",
    },
    (line) => lines.push(line),
  );
  const report = await emulator.emitEvent({
    region: REGION,
    eventType: "ProduceMediaComplete",
    eventTime: "2025-06-01T08:00:00Z",
    messageBody: { Status: "Success", JobId: "j-1" },
  });
  expect(report.outcome).toBe("delivered");
  const Client = require("@alicloud/mns");
  await new Client(DEFAULT_TEST_ACCOUNT.accountId, {
    endpoint: emulator.endpoints[REGION],
    accessKeyId: KEY.id,
    accessKeySecret: KEY.secret,
  }).sendMessage(QUEUE, { MessageBody: "not an event" });
  const deadline = Date.now() + 15_000;
  while (
    !(lines.some((l) => l.startsWith("event ")) && readIfExists(deadLetters) !== "") &&
    Date.now() < deadline
  )
    await new Promise((r) => setTimeout(r, 50));
  const summary = await worker.stop();
  expect(lines).toContain(
    `event ProduceMediaComplete user=${DEFAULT_TEST_ACCOUNT.accountId} time=2025-06-01T08:00:00Z status=Success id=j-1`,
  );
  expect(JSON.parse(readIfExists(deadLetters))).toMatchObject({
    reason: "unparseable",
    receives: 1,
    body: "not an event",
  });
  expect(summary).toMatchObject({ received: 2, handled: 1, deadLettered: 1, failed: 0, errors: 0 });
  expect((await emulator.getQueue(REGION, QUEUE))!.messages).toEqual({
    visible: 0,
    invisible: 0,
    delayed: 0,
  });
});

function readIfExists(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
