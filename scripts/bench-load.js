/**
 * Load time of each entry point in a fresh Node process (what a serverless receiver pays on every
 * cold start): the receiver entry against the root entry, measured in the same run. Uses the built
 * package (dist/), which `npm run bench` builds first.
 */
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

function loadOnce(entry) {
  const script =
    "const t=process.hrtime.bigint();require(process.argv[1]);" +
    "const ms=Number(process.hrtime.bigint()-t)/1e6;" +
    "process.stdout.write(JSON.stringify({ms,modules:Object.keys(require.cache).length}))";
  return JSON.parse(
    execFileSync(process.execPath, ["-e", script, entry], { cwd: ROOT, encoding: "utf8" }),
  );
}

function median(entry) {
  const runs = Array.from({ length: REPEATS }, () => loadOnce(entry)).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

async function run() {
  const entries = [
    ["pulumi-alicloud-ims-callback/receiver", path.join(ROOT, "dist", "receiver", "index.js")],
    ["pulumi-alicloud-ims-callback (root)", path.join(ROOT, "dist", "index.js")],
  ];
  const results = entries.map(([label, file]) => [label, median(file)]);
  for (const [label, r] of results) {
    console.log(
      `  ${label.padEnd(40)} ${r.ms.toFixed(1).padStart(8)} ms  ${String(r.modules).padStart(5)} modules`,
    );
  }
  const [receiver, root] = results.map(([, r]) => r);
  console.log(
    `  ratio receiver/root: ${(receiver.ms / root.ms).toFixed(3)} (median of ${REPEATS} fresh processes)`,
  );
}

module.exports = { run };
if (require.main === module) run();
