/**
 * Through the provider plugin, every recorded setting leaves as a secret: the stack's key, the
 * previous owner's setting (`previousSetting`) and, when a write cannot be confirmed, the setting it
 * replaced (`replacedSetting`) in the partial state handed to the engine. The engine stores in
 * clear what the plugin returns unwrapped, so an unwrapped key here would land in the state.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { ImsCallbackProvider } from "../../lib/plugin/provider";
import { REPLACED_SETTING, UNCONFIRMED_WRITE } from "../../lib/runtime/ownership";
import { useRuntimeTestEmulator } from "../helpers/emulator";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const REGION = "cn-hangzhou";
const URN = "urn:pulumi:dev::secrets::alicloud-ims-callback:index:EventCallback::media";
const THEIR_KEY = "TheirKey4Qw8";
const FIRST_KEY = "FirstKey7Zp2";
const SECOND_KEY = "SecondKey3Rt6";
const harness = useRuntimeTestEmulator("ims-plugin-secret-outputs-");

beforeAll(() => {
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
});

const isSecret = (value: unknown): value is { value: unknown } =>
  typeof value === "object" &&
  value !== null &&
  (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;

/** Every string in `value` outside a secret wrapper: what the engine would store in clear. */
function clearStrings(value: unknown): string[] {
  if (isSecret(value)) return [];
  if (typeof value === "string") return [value];
  if (value !== null && typeof value === "object")
    return Object.values(value).flatMap(clearStrings);
  return [];
}

const declared = (authKey: string) => ({
  region: REGION,
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete"],
  authKey,
  adoptExisting: true,
});

async function failure(
  promise: Promise<unknown>,
): Promise<{ properties?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { properties?: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

it("an unconfirmed write through the plugin comes back with every recorded setting wrapped as a secret", async () => {
  const { emulator } = harness;
  await emulator.putSetting(
    REGION,
    {
      CallbackType: "HTTP",
      CallbackURL: "https://theirs.example.com/ims",
      EventTypeList: "FileUploadComplete",
      AuthSwitch: "on",
      AuthKey: THEIR_KEY,
    },
    ACCOUNT,
  );
  const plugin = new ImsCallbackProvider();
  await plugin.configure({ get: () => undefined });

  // The takeover is recorded first (partial state), then written by the next update.
  const checked = await plugin.check(URN, {}, declared(FIRST_KEY));
  const recorded = await failure(plugin.create(URN, checked.inputs!));
  expect(recorded.properties).toMatchObject({ [UNCONFIRMED_WRITE]: true });
  expect(isSecret(recorded.properties!.previousSetting)).toBe(true);
  const taken = await plugin.update(REGION, URN, recorded.properties!, checked.inputs!);
  expect(isSecret(taken.outs!.authKey)).toBe(true);

  // A key change whose write gets no answer: every Set attempt and the look-up for it fail.
  for (const action of ["SetEventCallback", "GetEventCallback"]) {
    await emulator.injectFault({ action, region: REGION, kind: "server-error", count: 5 });
  }
  const rechecked = await plugin.check(URN, checked.inputs!, declared(SECOND_KEY));
  const unconfirmed = await failure(plugin.update(REGION, URN, taken.outs!, rechecked.inputs!));
  const partial = unconfirmed.properties!;
  expect(partial).toMatchObject({ [UNCONFIRMED_WRITE]: true });
  for (const output of ["authKey", "previousSetting", REPLACED_SETTING]) {
    expect([output, isSecret(partial[output])]).toEqual([output, true]);
  }
  expect(partial.authKey).toMatchObject({ value: SECOND_KEY });
  expect(partial.previousSetting).toMatchObject({ value: { authKey: THEIR_KEY } });
  expect(partial[REPLACED_SETTING]).toMatchObject({ value: { authKey: FIRST_KEY } });
  for (const key of [THEIR_KEY, FIRST_KEY, SECOND_KEY]) {
    expect(clearStrings(partial)).not.toContain(key);
  }
  await emulator.clearFaults();
});
