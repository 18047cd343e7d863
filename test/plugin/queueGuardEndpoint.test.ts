/**
 * The queue guard's Mns-open endpoint can be repaired at destroy. A destroy configures the provider
 * from the inputs recorded at the last `pulumi up`, so a stack config set afterwards does not reach
 * the guard; the environment of the command does. When the guard cannot count (here: the plugin
 * asks the public endpoint, because it never reads `alicloud:endpoints`), its refusal names that
 * variable, and running the delete again with it set lets the delete through an empty queue, and
 * still refuses a queue with messages.
 */
import { DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { MNS_OPEN_VERSION } from "../../packages/emulator/src/mnsOpen/actions";
import { callRpc, sdkClient } from "../../packages/emulator/test/helpers";
import { mnsClient } from "../../packages/emulator/test/mnsClient";
import { queueGuardDelete } from "../../lib/runtime/queueGuard";
import { configure } from "../../lib/runtime/context";
import { useRuntimeTestEmulator } from "../helpers/emulator";
import { pluginWith } from "../helpers/plugin";

const REGION = "cn-hangzhou";
const PACKAGE = "alicloud-ims-callback";
const GUARD_URN = `urn:pulumi:dev::guard::${PACKAGE}:index:ImsCallback$${PACKAGE}:index:QueueDeletionGuard::media-queue-guard`;
const [{ id: ACCESS_KEY_ID, secret: ACCESS_KEY_SECRET }] = DEFAULT_TEST_ACCOUNT.accessKeys;
const harness = useRuntimeTestEmulator("ims-guard-endpoint-");
/** The variable the refusal names, taken from the message (what a user would copy). */
const FIX = /run the command again with ([A-Z_]+)=/;

const endpoint = () => harness.emulator.endpoints[REGION];
const createQueue = (name: string) =>
  callRpc(sdkClient(endpoint(), { v2: true }), "CreateQueue", MNS_OPEN_VERSION, {
    QueueName: name,
  });
async function send(queue: string, count: number): Promise<void> {
  const client = mnsClient(endpoint(), harness.emulator.defaultAccountId);
  for (let i = 0; i < count; i++) await client.sendMessage(queue, { MessageBody: `m${i}` });
}
async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

let fixVariable: string | undefined;
afterEach(() => {
  if (fixVariable) delete process.env[fixVariable];
  fixVariable = undefined;
});

/** A stack config as the issue has it: the alicloud provider pointed at the emulator, nothing else. */
const alicloudOnly = (): Record<string, string> => ({
  "alicloud:endpoints": JSON.stringify([{ mnsOpen: new URL(endpoint()).host }]),
  "alicloud:protocol": "HTTP",
  [`${PACKAGE}:accessKey`]: ACCESS_KEY_ID,
  [`${PACKAGE}:secretKey`]: ACCESS_KEY_SECRET,
  [`${PACKAGE}:timeoutMs`]: "3000",
});

const guardState = (queueName: string) => ({
  region: REGION,
  queueName,
  deleteWithMessages: false,
});

it("plugin with only alicloud:endpoints: the refusal names the variable, and the delete with it set goes through an empty queue", async () => {
  await createQueue("ice-callback-empty");
  const plugin = await pluginWith(alicloudOnly());
  const message = await failureOf(
    plugin.delete(`${REGION}/ice-callback-empty`, GUARD_URN, guardState("ice-callback-empty")),
  );
  expect(message).toContain(`Could not count the messages in queue "ice-callback-empty"`);
  expect(message).toContain(`mns-open.${REGION}.aliyuncs.com`);
  fixVariable = FIX.exec(message)?.[1];
  expect(fixVariable).toBe("IMS_CALLBACK_MNS_OPEN_ENDPOINT");
  // Nothing else changes: same plugin, same recorded configuration, as at `pulumi destroy`.
  process.env[fixVariable!] = endpoint();
  expect(
    await failureOf(
      plugin.delete(`${REGION}/ice-callback-empty`, GUARD_URN, guardState("ice-callback-empty")),
    ),
  ).toBe("");
});

it("with the variable set, a queue holding messages is still refused, with the count", async () => {
  await createQueue("ice-callback-full");
  await send("ice-callback-full", 2);
  const plugin = await pluginWith(alicloudOnly());
  fixVariable = "IMS_CALLBACK_MNS_OPEN_ENDPOINT";
  process.env[fixVariable] = endpoint();
  const message = await failureOf(
    plugin.delete(`${REGION}/ice-callback-full`, GUARD_URN, guardState("ice-callback-full")),
  );
  expect(message).toContain('Queue "ice-callback-full" in cn-hangzhou still holds 2 messages');
});

it("the variable wins over a wrong alicloud-ims-callback:mnsOpenEndpoint recorded at the last up", async () => {
  await createQueue("ice-callback-moved");
  const plugin = await pluginWith({
    ...alicloudOnly(),
    [`${PACKAGE}:mnsOpenEndpoint`]: "http://127.0.0.1:1",
  });
  const message = await failureOf(
    plugin.delete(`${REGION}/ice-callback-moved`, GUARD_URN, guardState("ice-callback-moved")),
  );
  expect(message).toContain("127.0.0.1:1");
  fixVariable = FIX.exec(message)?.[1];
  process.env[fixVariable!] = endpoint();
  expect(
    await failureOf(
      plugin.delete(`${REGION}/ice-callback-moved`, GUARD_URN, guardState("ice-callback-moved")),
    ),
  ).toBe("");
});

it("dynamic provider: the same variable repairs a wrong alicloud:endpoints mnsOpen", async () => {
  await createQueue("ice-callback-dynamic");
  const config: Record<string, string> = {
    "alicloud:endpoints": JSON.stringify([{ mnsOpen: "127.0.0.1:1" }]),
    "alicloud:protocol": "HTTP",
  };
  configure({ get: (key) => config[key] });
  const message = await failureOf(queueGuardDelete("id", guardState("ice-callback-dynamic")));
  fixVariable = FIX.exec(message)?.[1];
  expect(fixVariable).toBe("IMS_CALLBACK_MNS_OPEN_ENDPOINT");
  process.env[fixVariable!] = endpoint();
  expect(await failureOf(queueGuardDelete("id", guardState("ice-callback-dynamic")))).toBe("");
});

it("a malformed variable is refused naming it, without quoting it", async () => {
  await createQueue("ice-callback-typo");
  const plugin = await pluginWith(alicloudOnly());
  fixVariable = "IMS_CALLBACK_MNS_OPEN_ENDPOINT";
  process.env[fixVariable] = "ftp://user:Pa55word@mns.example.com";
  const message = await failureOf(
    plugin.delete(`${REGION}/ice-callback-typo`, GUARD_URN, guardState("ice-callback-typo")),
  );
  expect(message).toContain("IMS_CALLBACK_MNS_OPEN_ENDPOINT must be");
  expect(message).not.toContain("Pa55word");
});
