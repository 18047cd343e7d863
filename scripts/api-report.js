// The API contract: one API Extractor report per entry point of package.json "exports", kept in
// api/<entry>.api.md, and the same for each workspace package (packages/<name>/api/). `npm run lint`
// runs `node scripts/api-report.js` and fails when the public surface differs from the committed
// report; `npm run api` (with --local) rewrites the reports after a deliberate change, to be reviewed
// in the diff. Needs `npm run build` first (it reads dist/*.d.ts of each package).
"use strict";
const path = require("node:path");
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");

const root = path.resolve(__dirname, "..");
const local = process.argv.includes("--local");

/** "./receiver" -> "receiver", "." -> "index" (the report's file name). */
const reportName = (key) => (key === "." ? "index" : key.slice(2).replace(/\//g, "-"));

/**
 * The packages reported: this one (built with tsconfig.build.json) and each workspace package
 * (built with its own tsconfig.json), each with its reports in <package>/api/.
 */
const packages = [
  { dir: root, tsconfig: "tsconfig.build.json" },
  ...(require(path.join(root, "package.json")).workspaces ?? []).map((workspace) => ({
    dir: path.join(root, workspace),
    tsconfig: "tsconfig.json",
  })),
];

let failed = 0;
let reported = 0;
for (const { dir, tsconfig } of packages) {
  const pkg = require(path.join(dir, "package.json"));
  const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === "object");
  for (const [key, target] of entries) {
    // A workspace package's one entry is reported under the package's short name.
    const name = dir === root ? reportName(key) : path.basename(dir);
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: path.join(dir, target.types),
        compiler: { tsconfigFilePath: path.join(dir, tsconfig) },
        apiReport: {
          enabled: true,
          reportFileName: `${name}.api.md`,
          reportFolder: path.join(dir, "api"),
          reportTempFolder: path.join(root, "node_modules", ".cache", "api-extractor"),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          extractorMessageReporting: {
            default: { logLevel: "warning", addToApiReportFile: true },
            // Entry points share types (the runtime's inputs are the program's); each report lists
            // what its own entry point exposes, so a type exported by a sibling entry is not "forgotten".
            "ae-forgotten-export": { logLevel: "none", addToApiReportFile: true },
            // Everything an entry point exports is public; what is not is marked @internal.
            "ae-missing-release-tag": { logLevel: "none", addToApiReportFile: false },
            "ae-internal-missing-underscore": { logLevel: "none", addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: "warning" } },
        },
      },
      configObjectFullPath: path.join(dir, "api", `${name}.api-extractor.json`),
      packageJsonFullPath: path.join(dir, "package.json"),
    });
    const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
    reported++;
    if (!result.succeeded) {
      failed++;
      console.error(
        `api-report: ${pkg.name} ${key}: ${result.errorCount} error(s), ${result.warningCount} warning(s)` +
          (result.apiReportChanged
            ? ` — the public API changed; run \`npm run api\` and review ${path.relative(root, path.join(dir, "api")) || "api"}/`
            : ""),
      );
    }
  }
}
if (failed) process.exit(1);
console.log(`api-report: ${reported} entry points match their api/*.api.md`);
