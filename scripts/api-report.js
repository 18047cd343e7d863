// The API contract: one API Extractor report per entry point of package.json "exports", kept in
// api/<entry>.api.md, and the same for each workspace package (packages/<name>/api/). `npm run lint`
// runs `node scripts/api-report.js` and fails when the public surface differs from the committed
// report; `npm run api` (with --local) rewrites the reports after a deliberate change, to be reviewed
// in the diff. Either fails when a report carries a warning (a forgotten export, an unresolved
// link, an undocumented member). Needs `npm run build` first (it reads dist/*.d.ts of each package).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");

const root = path.resolve(__dirname, "..");
const reportTempFolder = path.join(root, "node_modules", ".cache", "api-extractor");
/** A finding API Extractor wrote into a report: "// Warning: (ae-...)" or the trailing list. */
const WARNING = /^\s*\/\/ (Warning: |Warnings were encountered|\S+\.d\.ts:\d+:\d+ - \()/;
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

/**
 * The entry points whose exports are all `@internal`. The build strips `@internal` declarations
 * (`stripInternal`), so their shipped .d.ts declare none of it; their report is made from the
 * declarations emitted without stripping, so that it still pins the names (the
 * dynamic provider's forwarder, stored in every stack, calls ./runtime's functions by name) and
 * marks each of them `@internal`.
 */
const INTERNAL_ENTRIES = new Set(["./runtime"]);
// Outside node_modules (TypeScript would take its files for another package's), removed after use.
const internalDeclarations = path.join(root, "dist", ".api-internal");
let internalEmitted = false;
function emitInternalDeclarations() {
  if (internalEmitted) return;
  fs.rmSync(internalDeclarations, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      ...["-p", path.join(root, "tsconfig.build.json"), "--emitDeclarationOnly"],
      ...["--stripInternal", "false", "--outDir", internalDeclarations],
    ],
    { stdio: "inherit" },
  );
  internalEmitted = true;
}

let failed = 0;
let reported = 0;
for (const { dir, tsconfig } of packages) {
  const pkg = require(path.join(dir, "package.json"));
  const entries = Object.entries(pkg.exports).filter(([, target]) => typeof target === "object");
  for (const [key, target] of entries) {
    // A workspace package's one entry is reported under the package's short name.
    const name = dir === root ? reportName(key) : path.basename(dir);
    let types = path.join(dir, target.types);
    if (dir === root && INTERNAL_ENTRIES.has(key)) {
      emitInternalDeclarations();
      types = path.join(internalDeclarations, path.relative(path.join(root, "dist"), types));
    }
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: dir,
        mainEntryPointFilePath: types,
        compiler: { tsconfigFilePath: path.join(dir, tsconfig) },
        apiReport: {
          enabled: true,
          reportFileName: `${name}.api.md`,
          reportFolder: path.join(dir, "api"),
          reportTempFolder,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          extractorMessageReporting: {
            // Every finding (a type an entry point uses but does not export, an unresolved
            // {@link}, an undocumented member) is written into the report, where the check below
            // fails on it: a report with a warning in it would hide a real change in noise.
            default: { logLevel: "warning", addToApiReportFile: true },
            // Everything an entry point exports is public; what is not is marked @internal (the
            // whole ./runtime entry, which the dynamic provider's stored forwarders load by name).
            "ae-missing-release-tag": { logLevel: "none", addToApiReportFile: false },
            "ae-internal-missing-underscore": { logLevel: "none", addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: "warning", addToApiReportFile: true } },
          compilerMessageReporting: { default: { logLevel: "warning", addToApiReportFile: true } },
        },
      },
      configObjectFullPath: path.join(dir, "api", `${name}.api-extractor.json`),
      packageJsonFullPath: path.join(dir, "package.json"),
    });
    const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
    reported++;
    // The report as generated now (written to the temporary folder in both modes).
    const generated = fs.readFileSync(path.join(reportTempFolder, `${name}.api.md`), "utf8");
    const warnings = generated.split("\n").filter((line) => WARNING.test(line));
    if (warnings.length > 0) {
      failed++;
      console.error(
        `api-report: ${pkg.name} ${key}: ${warnings.length} warning(s) in the report; fix their cause ` +
          "(export the type, document the member, fix the TSDoc), never silence them:\n  " +
          warnings.map((line) => line.trim()).join("\n  "),
      );
    }
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
fs.rmSync(internalDeclarations, { recursive: true, force: true });
if (failed) process.exit(1);
console.log(`api-report: ${reported} entry points match their api/*.api.md`);
