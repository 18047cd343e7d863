/**
 * Set-up of the queue-method suites: the real alicloud resource plugin installed into the engine's
 * PULUMI_HOME, and a stack's `alicloud:*` config pointing that plugin at the emulator.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, type Engine } from "../../scripts/engine";
import { E2E_ACCOUNT_ID, type E2E } from "./support";

/** The plugin version @pulumi/alicloud asks for. */
export const ALICLOUD_PLUGIN_VERSION: string = require("@pulumi/alicloud/package.json").version;

/**
 * Provides the plugin (scripts/alicloud-plugin.sh: cached, built once) and installs it into the
 * engine's PULUMI_HOME, as `pulumi plugin install resource alicloud <version> --file` does for a user.
 */
export function installAlicloudPlugin(engine: Engine): void {
  const provide = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "alicloud-plugin.sh")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, ALICLOUD_VERSION: ALICLOUD_PLUGIN_VERSION },
  });
  if (provide.status !== 0)
    throw new Error(
      `scripts/alicloud-plugin.sh failed (exit ${provide.status}); see its output above.`,
    );
  const binary = provide.stdout.trim().split("\n").pop()!;
  const install = spawnSync(
    path.join(engine.root, "bin", "pulumi"),
    [
      "plugin",
      "install",
      "resource",
      "alicloud",
      ALICLOUD_PLUGIN_VERSION,
      "--file",
      binary,
      "--non-interactive",
    ],
    { env: { ...process.env, ...engine.env }, encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`pulumi plugin install failed: ${install.stderr}`);
}

/**
 * Points the stack's alicloud provider at the emulator's endpoint of `region` (Mns-open, RAM and STS
 * are served there), over HTTP, with the account id and type set so that configuring the provider
 * calls nothing else.
 */
export async function pointAlicloudAtEmulator(
  stack: Stack,
  e2e: E2E,
  region: string,
): Promise<void> {
  const host = new URL(e2e.emulator.endpoints[region as keyof typeof e2e.emulator.endpoints]).host;
  await stack.setAllConfig({
    "alicloud:region": { value: region },
    "alicloud:protocol": { value: "HTTP" },
    "alicloud:accountId": { value: E2E_ACCOUNT_ID },
    "alicloud:accountType": { value: "Domestic" },
  });
  for (const key of ["mnsOpen", "ram", "sts"]) {
    await stack.setConfig(`alicloud:endpoints[0].${key}`, { value: host }, true);
  }
}

/** Resource names whose operation `op` completed, in completion order. */
export function completed(events: EngineEvent[], op: string): string[] {
  return events
    .filter((e) => e.resOutputsEvent?.metadata.op === op)
    .map((e) => e.resOutputsEvent!.metadata.urn)
    .map((urn) => urn.slice(urn.lastIndexOf("::") + 2));
}
