/**
 * Gaps of `@pulumi/pulumi/provider` (3.248.0) closed where the provider's gRPC requests are
 * decoded, before the SDK's server sees them. Nothing else of the SDK is changed, and only this
 * plugin's process is affected. Install once, before `provider.main`.
 *
 * 1. `pulumi import` crashes the SDK's `read` (`Cannot read properties of undefined (reading
 *    'toJavaScript')`): an import's `ReadRequest` carries no properties, and the server calls
 *    `req.getProperties().toJavaScript()`. Decoded requests without properties get an empty
 *    `Struct`, which the provider's `read` takes for "no state: import".
 * 2. The SDK's `configure` answers without passing the configuration to the provider, so provider
 *    config (`alicloud-ims-callback:*` in the stack) would never arrive. The decoded
 *    `ConfigureRequest` is handed to `onConfigure` first.
 * 3. The SDK's `read` passes the provider the stored outputs but not the stored inputs the engine
 *    sends with a refresh, so the provider cannot return inputs shaped as they were stored (an
 *    imported resource's inputs lack the defaults a program's `check` adds, and a refresh that adds
 *    them shows as a diff). The decoded inputs are kept for {@link takeReadInputs}.
 * 4. The SDK gives the provider no way to log to the engine: `pulumi.log` reaches it only while a
 *    `construct` or `call` is served, so a warning of `check`, or one the runtime logs in any
 *    operation (`lib/runtime/warnings.ts`: a destroy's let-go, the queue guard's), would go to the
 *    plugin's stderr, which the CLI does not show. {@link engineWarnings} sends it as the engine's own `Log` RPC with the
 *    resource's URN (what providers written in Go do through their host), at the engine address the
 *    plugin was started with (or attached to, `PULUMI_DEBUG_PROVIDERS`).
 *
 * @packageDocumentation
 */
import type * as grpcJs from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import type { PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import type * as grpcService from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { ConfigureRequest, ReadRequest } from "@pulumi/pulumi/proto/provider_pb";
import type { Struct as StructType } from "google-protobuf/google/protobuf/struct_pb";

/** The stored inputs of each `Read` being served, by URN, until the provider takes them. */
const pendingReadInputs = new Map<string, Record<string, unknown>>();

/**
 * The stored inputs the engine sent with the `Read` of `urn` now being served (a refresh), as plain
 * values with secret wrappers; `undefined` when it sent none (an import). Taken once.
 */
export function takeReadInputs(urn: string): Record<string, unknown> | undefined {
  const inputs = pendingReadInputs.get(urn);
  pendingReadInputs.delete(urn);
  return inputs;
}

/** A method of a gRPC service definition: only the decoder is replaced. */
interface MethodDefinition<Request> {
  requestDeserialize: (bytes: Buffer) => Request;
}

/**
 * Wraps the decoders of `Read` and `Configure` of the provider service definition the SDK's server
 * registers. Idempotent.
 */
export function installSdkWorkarounds(onConfigure: (request: ConfigureRequest) => void): void {
  const service = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof grpcService;
  const definitions = service.ResourceProviderService as unknown as {
    read: MethodDefinition<ReadRequest>;
    configure: MethodDefinition<ConfigureRequest>;
    attach: MethodDefinition<PluginAttach>;
  };
  if ((definitions as { patchedByImsCallback?: true }).patchedByImsCallback) return;
  (definitions as { patchedByImsCallback?: true }).patchedByImsCallback = true;

  // google-protobuf is @pulumi/pulumi's dependency: load the copy it uses.
  const { Struct } = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", {
      paths: [require.resolve("@pulumi/pulumi")],
    }),
  ) as { Struct: typeof StructType };

  const decodeRead = definitions.read.requestDeserialize;
  definitions.read.requestDeserialize = (bytes) => {
    const request = decodeRead(bytes);
    if (!request.hasProperties()) request.setProperties(new Struct());
    const inputs = request.getInputs();
    if (inputs) pendingReadInputs.set(request.getUrn(), inputs.toJavaScript());
    else pendingReadInputs.delete(request.getUrn());
    return request;
  };
  const decodeConfigure = definitions.configure.requestDeserialize;
  definitions.configure.requestDeserialize = (bytes) => {
    const request = decodeConfigure(bytes);
    onConfigure(request);
    return request;
  };
  const decodeAttach = definitions.attach.requestDeserialize;
  definitions.attach.requestDeserialize = (bytes) => {
    const request = decodeAttach(bytes);
    engineAddress = request.getAddress();
    engine = undefined;
    return request;
  };
}

/** The engine's address: from the plugin's arguments, or the last `Attach`. */
let engineAddress: string | undefined;
/** The connection to the engine at {@link engineAddress}, opened at the first warning. */
let engine: EngineClient | undefined;

/** Logs `message` as a warning of the resource `urn` in the engine (its CLI output). */
export type EngineWarn = (urn: string, message: string) => Promise<void>;

/**
 * Warnings to the engine that started the plugin with `args` (the plugin's command-line
 * arguments): each is shown by the CLI under the resource its URN names. The returned promise
 * settles once the engine has it (or could not be reached: the warning then goes to stderr), so a
 * `check` that awaits it answers after its warnings.
 */
export function engineWarnings(args: readonly string[]): EngineWarn {
  // The SDK's own reading of the arguments (`provider.main` takes the address from it too); its
  // declarations are stripped, so it is typed here.
  const { parseArgs } = require("@pulumi/pulumi/provider/internals") as {
    parseArgs(args: string[]): { engineAddress: string } | undefined;
  };
  engineAddress = parseArgs([...args])?.engineAddress;
  // The copy of grpc-js the SDK's generated client uses (its credentials are checked by class).
  const grpc = require(
    require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/pulumi")] }),
  ) as typeof grpcJs;
  return (urn, message) =>
    new Promise<void>((resolve) => {
      const toStderr = () => {
        process.stderr.write(`warning: ${urn}: ${message}\n`);
        resolve();
      };
      if (!engineAddress) return toStderr();
      engine ??= new EngineClient(engineAddress, grpc.credentials.createInsecure());
      const request = new LogRequest();
      request.setSeverity(LogSeverity.WARNING);
      request.setMessage(message);
      request.setUrn(urn);
      engine.log(request, (error) => (error ? toStderr() : resolve()));
    });
}
