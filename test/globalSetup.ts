/**
 * Runs once before the end-to-end suites (the e2e jest project only):
 *
 * 1. builds dist/ from the current source: inline programs run the source, but the dynamic-provider
 *    host loads `pulumi-alicloud-ims-callback/runtime` by package name, which is this repository's
 *    dist/ through the development self-dependency, and a stale dist/ would test old code; and the
 *    emulator package's dist/ (packages/emulator), which scripts run by the suites load by name;
 * 2. provides the pinned Pulumi CLI and the Node.js language host, so parallel suites do not race to
 *    build them (the first build from Go modules takes minutes; later runs reuse the cache);
 * 3. provides the alicloud resource plugin the queue suite installs (scripts/alicloud-plugin.sh:
 *    from PATH or the cache, else built once, 12-20 minutes on 2 cores), here rather than inside a
 *    suite, where a test timeout would cut the first build short;
 * 4. provides the Go, Python and YAML language hosts (scripts/language-hosts.sh, minutes the first
 *    time) when the run includes a language suite (test/e2e/languages*.test.ts), for the same reason;
 * 5. builds the self-contained plugin archives of the six platforms (scripts/plugin-sea.ts, cached
 *    by the content of dist/ and the lock file) when the run includes pluginDownload.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { GlobalConfig } from "jest";
import { ensureLanguageHosts, ensurePulumiCli, REPO_ROOT } from "../scripts/engine";
import { ensurePluginArchives } from "../scripts/plugin-sea";

/** Whether this jest run selects one of the suites that run Go or YAML programs. */
function runsLanguageSuites(
  globalConfig: GlobalConfig,
  pattern = /^(languages.*|pluginDownload)\.test\.ts$/,
): boolean {
  const e2eDir = path.join(REPO_ROOT, "test", "e2e");
  const suites = fs
    .readdirSync(e2eDir)
    .filter((file) => pattern.test(file))
    .map((file) => path.join(e2eDir, file));
  const selection = globalConfig.testPathPatterns.toExecutor({ rootDir: globalConfig.rootDir });
  return suites.some((suite) => selection.isMatch(suite));
}

export default async function globalSetup(globalConfig: GlobalConfig): Promise<void> {
  // The package, then the emulator package (the bench and the demo scripts load its dist/).
  for (const project of ["tsconfig.build.json", "packages/emulator/tsconfig.json"]) {
    const tsc = spawnSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc"), "-p", path.join(REPO_ROOT, project)],
      { cwd: REPO_ROOT, stdio: "inherit" },
    );
    if (tsc.status !== 0)
      throw new Error(`Building ${project} failed (tsc exit ${tsc.status}); see above.`);
  }
  const root = ensurePulumiCli();
  const plugin = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "alicloud-plugin.sh")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, ALICLOUD_VERSION: require("@pulumi/alicloud/package.json").version },
  });
  if (plugin.status !== 0)
    throw new Error(`scripts/alicloud-plugin.sh failed (exit ${plugin.status}); see above.`);
  const languageHosts = runsLanguageSuites(globalConfig)
    ? `; Go, Python and YAML language hosts in ${ensureLanguageHosts()}/bin`
    : "";
  // The suites use the archives built here (a later rebuild of dist/ by another run must not make
  // them build again): the test workers inherit the variable.
  if (runsLanguageSuites(globalConfig, /^pluginDownload\.test\.ts$/)) {
    process.env.IMS_CALLBACK_PLUGIN_ARCHIVES ??= await ensurePluginArchives();
  }
  const pluginArchives = process.env.IMS_CALLBACK_PLUGIN_ARCHIVES
    ? `; self-contained plugin archives in ${process.env.IMS_CALLBACK_PLUGIN_ARCHIVES}`
    : "";
  process.stderr.write(
    `\n[e2e] dist/ built from the current source; Pulumi CLI at ${root}/bin; alicloud plugin ${plugin.stdout.trim().split("\n").pop()}${languageHosts}${pluginArchives}\n`,
  );
}
