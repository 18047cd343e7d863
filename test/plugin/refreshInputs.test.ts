/**
 * A refresh through the plugin returns the inputs in the form the state stores them: an imported
 * resource's inputs (no defaulted input, as the generated code declares them) stay as they are, and
 * a created resource's (with the defaults `check` adds) too, so `preview --refresh` shows no diff.
 * The stored inputs reach the provider only through the plugin's `Read` decoder (sdkWorkarounds).
 */
import * as grpcService from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ReadRequest } from "@pulumi/pulumi/proto/provider_pb";
import { DEFAULT_TEST_ACCOUNT } from "pulumi-alicloud-ims-emulator";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ImsCallbackProvider } from "../../lib/plugin/provider";
import { installSdkWorkarounds } from "../../lib/plugin/sdkWorkarounds";
import { useRuntimeTestEmulator } from "../helpers/emulator";

const ACCOUNT = DEFAULT_TEST_ACCOUNT.accountId;
const URN = "urn:pulumi:dev::refresh::alicloud-ims-callback:index:EventCallback::media";
const harness = useRuntimeTestEmulator("ims-plugin-refresh-");

beforeAll(() => {
  process.env.IMS_CALLBACK_RACE_CHECK_DELAY_MS = "0";
  installSdkWorkarounds(() => undefined);
});

/** A refresh as the engine sends it: the stored outputs and inputs, through the plugin's decoder. */
async function refresh(
  plugin: ImsCallbackProvider,
  outputs: Record<string, unknown>,
  inputs: Record<string, unknown>,
) {
  const request = new ReadRequest();
  request.setId("cn-shanghai");
  request.setUrn(URN);
  request.setProperties(Struct.fromJavaScript(outputs as never));
  request.setInputs(Struct.fromJavaScript(inputs as never));
  const definitions = grpcService.ResourceProviderService as unknown as {
    read: { requestDeserialize: (bytes: Buffer) => ReadRequest };
  };
  const decoded = definitions.read.requestDeserialize(Buffer.from(request.serializeBinary()));
  return plugin.read("cn-shanghai", URN, decoded.getProperties()!.toJavaScript());
}

it("a refresh of an imported setting returns the imported inputs unchanged (no defaults added)", async () => {
  await harness.emulator.putSetting(
    "cn-shanghai",
    {
      CallbackType: "HTTP",
      CallbackURL: "https://console.example.com/ims",
      EventTypeList: "ProduceMediaComplete",
      AuthSwitch: "on",
      AuthKey: "ConsoleKey7Tz4",
    },
    ACCOUNT,
  );
  const plugin = new ImsCallbackProvider();
  const imported = await plugin.read("cn-shanghai", URN, {});
  expect(imported.inputs).not.toHaveProperty("deletionPolicy");
  const refreshed = await refresh(plugin, imported.props!, imported.inputs!);
  expect(refreshed.inputs).toEqual(imported.inputs);
});

it("a refresh of a created setting keeps the defaulted inputs check stored", async () => {
  await harness.emulator.clearSetting("cn-shanghai", ACCOUNT);
  const plugin = new ImsCallbackProvider();
  const checked = await plugin.check(
    URN,
    {},
    {
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
    },
  );
  const created = await plugin.create(URN, checked.inputs!);
  const refreshed = await refresh(plugin, created.outs!, checked.inputs!);
  expect(refreshed.inputs).toEqual(checked.inputs);
  expect(refreshed.inputs).toMatchObject({ deletionPolicy: "restore", adoptExisting: false });
});
