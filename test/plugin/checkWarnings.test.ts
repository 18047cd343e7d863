/**
 * The plugin's `check` logs the runtime's soft problems (plain http, retired or unknown event
 * types) as the engine's warnings on the checked resource, once each, before it answers; and
 * `engineWarnings` delivers them as the engine's `Log` RPC with the resource's URN (what the CLI
 * shows under the resource). The CLI's side: test/e2e/languagesYamlWarnings.test.ts.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogSeverity, type LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ImsCallbackProvider } from "../../lib/plugin/provider";
import { engineWarnings } from "../../lib/plugin/sdkWorkarounds";
import { validateCallbackInputs } from "../../lib/shared/validation";

const URN = "urn:pulumi:dev::ims-yaml::alicloud-ims-callback:index:EventCallback::media";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const softInputs = {
  region: "cn-shanghai",
  callbackType: "HTTP",
  callbackUrl: "http://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete", "TranscodeComplete", "ProduceMediaCompleet"],
};

/** What the dynamic provider's program-side warnings say for `inputs`. */
const expectedWarnings = (inputs: Record<string, unknown>) =>
  validateCallbackInputs(inputs)
    .filter((p) => p.severity === "warning")
    .map((p) => p.reason);

/** A plugin whose engine warnings are recorded, in order, with what had happened by then. */
function recordingPlugin() {
  const logged: { urn: string; message: string }[] = [];
  const plugin = new ImsCallbackProvider(async (urn, message) => {
    logged.push({ urn, message });
  });
  return { plugin, logged };
}

test("check warns once per soft problem on the checked resource and lets the inputs through", async () => {
  const { plugin, logged } = recordingPlugin();
  const checked = await plugin.check(URN, {}, softInputs);
  expect(checked.failures).toEqual([]);
  const expected = expectedWarnings(softInputs);
  expect(expected).toHaveLength(3);
  expect(logged).toEqual(expected.map((message) => ({ urn: URN, message })));
  expect(logged.map((l) => l.message).join("\n")).toMatch(
    /callbackUrl: uses plain http[\s\S]*"TranscodeComplete" is retired[\s\S]*"ProduceMediaCompleet" is not in the known event catalogue; did you mean "ProduceMediaComplete"\?/,
  );
});

test("check warns nothing for https, known event types, or values not known yet", async () => {
  const { plugin, logged } = recordingPlugin();
  await plugin.check(
    URN,
    {},
    {
      ...softInputs,
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
    },
  );
  await plugin.check(URN, {}, { ...softInputs, callbackUrl: UNKNOWN, eventTypes: [UNKNOWN] });
  expect(logged).toEqual([]);
});

test("a check that fails still warns about the soft problems, as the dynamic provider's program does", async () => {
  const { plugin, logged } = recordingPlugin();
  const checked = await plugin.check(URN, {}, { ...softInputs, region: "" });
  expect(checked.failures?.length).toBeGreaterThan(0);
  expect(logged.map((l) => l.message)).toEqual(expectedWarnings(softInputs));
});

test("the queue guard warns nothing", async () => {
  const { plugin, logged } = recordingPlugin();
  await plugin.check(
    "urn:pulumi:dev::p::alicloud-ims-callback:index:ImsCallback$alicloud-ims-callback:index:QueueDeletionGuard::q",
    {},
    { region: "cn-shanghai", queueName: "q", deleteWithMessages: false },
  );
  expect(logged).toEqual([]);
});

test("engineWarnings sends a WARNING Log request with the URN to the engine address it was started with", async () => {
  const received: { severity: number; message: string; urn: string }[] = [];
  const server = new grpc.Server();
  server.addService(EngineService, {
    log: (call: grpc.ServerUnaryCall<LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
      received.push({
        severity: call.request.getSeverity(),
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  try {
    const warn = engineWarnings(["--logtostderr", "-v=9", `127.0.0.1:${port}`]);
    await warn(URN, "callbackUrl: uses plain http");
    await warn(URN, "a second one");
    expect(received).toEqual([
      { severity: LogSeverity.WARNING, message: "callbackUrl: uses plain http", urn: URN },
      { severity: LogSeverity.WARNING, message: "a second one", urn: URN },
    ]);
  } finally {
    server.forceShutdown();
  }
});

test("engineWarnings without an engine writes the warning to stderr instead of failing", async () => {
  const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await engineWarnings([])(URN, "callbackUrl: uses plain http");
    expect(write).toHaveBeenCalledWith(`warning: ${URN}: callbackUrl: uses plain http\n`);
  } finally {
    write.mockRestore();
  }
});
