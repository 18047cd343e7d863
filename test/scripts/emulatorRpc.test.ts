/**
 * scripts/emulatorRpc.js (the bench scripts' signed RPC call) shares httpx's keep-alive agent with
 * `@alicloud/mns` in one process: a read timer it leaves on a socket must not cut a later MNS call
 * on that socket (the queue consumer bench failed with ReadTimeout while filling its queue).
 */
import { createRequire } from "node:module";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";

const load = createRequire(__filename);
const { emulatorRpc } = load("../../scripts/emulatorRpc.js") as {
  emulatorRpc(
    endpoint: string,
    action: string,
    version: string,
  ): (query?: Record<string, string>) => Promise<unknown>;
};
const MnsClient = load("@alicloud/mns") as new (
  accountId: string,
  options: object,
) => { receiveMessage(queue: string, waitSeconds: number): Promise<unknown> };

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ adminPort: false });
});
afterAll(() => emulator.close());

test("an MNS long poll right after an RPC call runs its full wait", async () => {
  const endpoint = emulator.endpoints["cn-shanghai"];
  await emulatorRpc(endpoint, "CreateQueue", MNS_OPEN_VERSION)({ QueueName: "ice-callback-rpc" });
  const key = DEFAULT_TEST_ACCOUNT.accessKeys[0];
  const client = new MnsClient(DEFAULT_TEST_ACCOUNT.accountId, {
    endpoint,
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    readTimeout: 20_000,
  });
  // The queue is empty: the poll waits 5 s, past httpx's default read timeout of 3 s, and then
  // answers MessageNotExist (not a ReadTimeout).
  await expect(client.receiveMessage("ice-callback-rpc", 5)).rejects.toMatchObject({
    name: expect.stringContaining("MessageNotExist"),
  });
});
