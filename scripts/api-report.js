// The API contract: one API Extractor report per entry point of package.json "exports", kept in
// api/<entry>.api.md. `npm run lint` runs `node scripts/api-report.js` and fails when the public
// surface differs from the committed report; `npm run api` (with --local) rewrites the reports after
// a deliberate change, to be reviewed in the diff. Needs `npm run build` first (it reads dist/*.d.ts).
"use strict";
const path = require("node:path");
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");

const root = path.resolve(__dirname, "..");
const pkg = require(path.join(root, "package.json"));
const local = process.argv.includes("--local");

/** "./receiver" -> "receiver", "." -> "index" (the report's file name). */
const reportName = (key) => (key === "." ? "index" : key.slice(2).replace(/\//g, "-"));

const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === "object");
let failed = 0;
for (const [key, target] of entries) {
  const name = reportName(key);
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: path.join(root, target.types),
      compiler: { tsconfigFilePath: path.join(root, "tsconfig.build.json") },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: path.join(root, "api"),
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
    configObjectFullPath: path.join(root, "api", `${name}.api-extractor.json`),
    packageJsonFullPath: path.join(root, "package.json"),
  });
  const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
  if (!result.succeeded) {
    failed++;
    console.error(
      `api-report: ${key}: ${result.errorCount} error(s), ${result.warningCount} warning(s)` +
        (result.apiReportChanged
          ? " — the public API changed; run `npm run api` and review api/"
          : ""),
    );
  }
}
if (failed) process.exit(1);
console.log(`api-report: ${entries.length} entry points match api/*.api.md`);
