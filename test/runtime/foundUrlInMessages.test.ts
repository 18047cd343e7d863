/**
 * A callback URL found in IMS (written by someone else, from the console or another tool) reaches the
 * provider's errors only in the one safe form: no user info, no query string, whether or not
 * `new URL` can parse it. Proves it for the refusal of someone else's setting at create and for the
 * refusal at destroy of a setting changed outside Pulumi, against the emulator.
 */
import { DEFAULT_TEST_ACCOUNT, type EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import * as context from "../../lib/runtime/context";
import { useRuntimeTestEmulator } from "../helpers/emulator";
import type {
  EventCallbackInputs,
  EventCallbackOutputs,
} from "../../lib/runtime/eventCallbackOperations";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
/** Out-of-range port: `new URL` throws on it, so no parser strips the secrets. */
const FOUND_URL = "http://admin:PassW0rd@media.example.com:99999/ims?token=Tok";
const SHOWN = 'URL "http://…@media.example.com:99999/ims?…"';
const SECRETS = /admin|PassW0rd|token|Tok/;

const harness = useRuntimeTestEmulator("ims-found-url-");
let emulator: EmulatorHandle;

beforeAll(() => {
  emulator = harness.emulator;
  context.resetConfiguration();
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
});

const inputs = (region: string): EventCallbackInputs => ({
  region,
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete"],
  authKey: "Abc123def",
  adoptExisting: false,
  deletionPolicy: "restore",
  allowUndocumentedRegion: false,
  __provider: "exports.handler = () => ({});",
});
const FOUND = {
  CallbackType: "HTTP",
  CallbackURL: FOUND_URL,
  CallbackQueueName: "",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "off",
  AuthKey: "",
};

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const reasons = (error as { reasons?: unknown }).reasons;
    return [(error as Error).message, ...(Array.isArray(reasons) ? reasons : [])].join("\n");
  }
  throw new Error("expected a failure");
}

it("the refusal of someone else's setting shows its URL without user info or query", async () => {
  await emulator.putSetting("cn-shanghai", FOUND, ACCOUNT);
  const message = await messageOf(runtime.create(inputs("cn-shanghai")));
  expect(message).toContain("that this stack did not create");
  expect(message).toContain(SHOWN);
  expect(message).not.toMatch(SECRETS);
});

it("the refusal at destroy of a setting changed outside Pulumi shows its URL the same way", async () => {
  const { outs } = await runtime.create(inputs("cn-beijing"));
  await emulator.putSetting("cn-beijing", FOUND, ACCOUNT);
  const message = await messageOf(runtime.remove("cn-beijing", outs as EventCallbackOutputs));
  expect(message).toContain(SHOWN);
  expect(message).not.toMatch(SECRETS);
});
