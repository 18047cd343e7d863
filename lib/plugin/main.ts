/**
 * The entry point of the provider plugin `pulumi-resource-alicloud-ims-callback` (the launcher in
 * `bin/` runs it with the user's Node.js): serves {@link ImsCallbackProvider} to the engine.
 *
 * `IMS_CALLBACK_PLUGIN_STARTUP_LOG=<file>`: appends one line with the milliseconds from process
 * start to the gRPC server announcing its port (for `npm run bench`).
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import * as provider from "@pulumi/pulumi/provider";
import { configFromRequest } from "./config";
import { ImsCallbackProvider } from "./provider";
import { engineWarnings, installSdkWorkarounds } from "./sdkWorkarounds";

if (process.argv[2] === "adopt") {
  // `pulumi-resource-alicloud-ims-callback adopt ...`: the adoption command, for installs without npm.
  void import("./adopt").then(
    async ({ adopt }) => (process.exitCode = await adopt(process.argv.slice(3))),
  );
} else {
  serve();
}

function serve(): void {
  const args = process.argv.slice(2);
  const imsCallbackProvider = new ImsCallbackProvider(engineWarnings(args));
  installSdkWorkarounds((request) => {
    void imsCallbackProvider.configure(configFromRequest(request));
  });

  const startupLog = process.env.IMS_CALLBACK_PLUGIN_STARTUP_LOG;
  if (startupLog) {
    // The SDK's server prints the port on stdout once it listens: that is when the engine can connect.
    const write = process.stdout.write.bind(process.stdout);
    let logged = false;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (!logged) {
        logged = true;
        fs.appendFileSync(startupLog, `${Math.round(performance.now())}\n`);
      }
      return write(chunk, ...rest);
    }) as typeof process.stdout.write;
  }

  void provider.main(imsCallbackProvider, args);
}
