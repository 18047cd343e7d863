/**
 * `npm run bench`: numbers, printed, never asserted.
 *
 *   - IMS API calls per engine operation, from the emulator's counters;
 *   - the serialized provider's size per resource in the state;
 *   - wall time of `preview --refresh` over 6 regional settings against the same stack of bare
 *     no-op dynamic resources (same run), and of 6 regions vs 1 region with 200 ms API latency;
 *   - the emulator's and the receiver helpers' own throughput (their scripts);
 *   - the load time of the receiver entry point against the root's (bench-load.js);
 *   - the time the shipped policy pack adds to a preview (same project stack, with and without),
 *     and how much of it is the analyzer's own floor (a pack of one empty policy);
 *   - the provider plugin: the start-up time of the self-contained executable and of the Node.js
 *     launcher against a bare Node.js start, and `preview --refresh` of 6 settings through each
 *     against the dynamic provider and an empty program (same run).
 *
 * `npm run bench -- --quick` runs every section once with small counts (minutes, numbers not for
 * comparison); the end-to-end suite runs it so that the bench cannot break unnoticed.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { EventCallback, IMS_REGIONS } from "../lib";
import { PluginEventCallback } from "../lib/program/pluginEventCallback";
import {
  countApiCalls,
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorAccount,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import { format } from "node:util";
import { writeGeneratedText } from "./docs";
import { emulatorEnv, openStack, REPO_ROOT, startEngine, type Engine } from "./engine";
import { createPackedProject, packCurrentSource } from "./packedProject";

const PROJECT = path.join(REPO_ROOT, "examples", "http-callback");
const QUICK = process.argv.includes("--quick");
// bench-load.js reads BENCH_REPEATS too.
if (QUICK) process.env.BENCH_REPEATS ??= "1";
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/**
 * `--only=plugin,policy`: only these parts (micro, engine, policy, plugin), for working on one of
 * them; such a run does not write docs/benchmarks.md.
 */
const ONLY = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const runs = (part: "micro" | "engine" | "policy" | "plugin") => !ONLY || ONLY.includes(part);

/**
 * The account of the one-region stack of the latency section: the six-region stack owns
 * cn-shanghai in the default account, and a region has one owner per account.
 */
const SECOND_ACCOUNT: EmulatorAccount = {
  accountId: "2234567890123456",
  accessKeys: [{ id: "TESTAKBenchSecondAccount01", secret: "BenchSecondAccountSecret000001" }],
};

function settingsProgram(regions: readonly string[], eventTypes = ["ProduceMediaComplete"]) {
  return async () => {
    for (const region of regions) {
      new EventCallback(`cb-${region}`, {
        region,
        callbackType: "HTTP",
        callbackUrl: `https://bench.example.com/${region}`,
        eventTypes,
        authKey: "Bench123Key",
      });
    }
  };
}

function bareProgram(count: number) {
  // The baseline: dynamic resources whose provider does nothing (no API, no validation).
  const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
      return { id: `bare-${inputs.n}`, outs: inputs };
    },
    async read(id, props) {
      return { id, props };
    },
    async diff() {
      return { changes: false };
    },
  };
  class Bare extends pulumi.dynamic.Resource {}
  return async () => {
    for (let n = 0; n < count; n++)
      new Bare(provider, `bare-${n}`, { n }, undefined, "bench", "Bare");
  };
}

async function calls(emulator: EmulatorHandle): Promise<string> {
  const { get, set } = countApiCalls(await emulator.getCounters());
  return `${get} Get, ${set} Set`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function medianOf(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function stackOf(
  engine: Engine,
  name: string,
  program: () => Promise<void>,
  env?: Record<string, string>,
): Promise<Stack> {
  const stack = await openStack(engine, {
    projectDir: PROJECT,
    stackName: name,
    program,
    ...(env ? { env } : {}),
  });
  await stack.up();
  return stack;
}

async function engineNumbers(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-bench-"));
  const emulator = await startEmulator({
    stateFile: path.join(dir, "state.json"),
    accounts: [DEFAULT_TEST_ACCOUNT, SECOND_ACCOUNT],
  });
  const engine = await startEngine(
    emulatorEnv(emulator.endpoints, emulator.accounts[0].accessKeys[0]),
  );
  try {
    console.log(
      "\n## IMS API calls per operation (2 regional settings, from the emulator's counters)",
    );
    const two = ["cn-shanghai", "cn-hangzhou"];
    const stack = await openStack(engine, {
      projectDir: PROJECT,
      stackName: "calls",
      program: settingsProgram(two),
    });
    const measure = async (label: string, op: () => Promise<unknown>) => {
      await emulator.reset();
      await op();
      console.log(`  ${label.padEnd(34)} ${await calls(emulator)}`);
    };
    await measure("preview (first, nothing exists)", () => stack.preview());
    await measure("up (create)", () => stack.up());
    await measure("preview", () => stack.preview());
    await measure("refresh", () => stack.refresh());
    await measure("preview --refresh", () => stack.preview({ refresh: true }));
    await measure("up (no change)", () => stack.up());
    const changed = await openStack(engine, {
      projectDir: PROJECT,
      stackName: "calls",
      program: settingsProgram(two, ["SnapshotComplete"]),
    });
    await measure("up (update of both)", () => changed.up());
    await measure("destroy (restore: clear)", () => changed.destroy());

    console.log("\n## Serialized provider size per resource in the state");
    await stack.up();
    const state = await stack.exportStack();
    for (const r of state.deployment.resources.filter((x: { type: string }) =>
      x.type.endsWith("ims:EventCallback"),
    )) {
      // The engine keeps the serialized provider in each resource's state as `__provider`.
      console.log(
        `  ${r.urn.split("::").pop()}: ${Buffer.byteLength(r.outputs.__provider, "utf8")} bytes (target < 4096)`,
      );
    }
    await stack.destroy();

    console.log(`\n## preview --refresh wall time (median of ${REPEATS})`);
    const six = await stackOf(engine, "six", settingsProgram(IMS_REGIONS));
    const bare = await stackOf(engine, "bare", bareProgram(IMS_REGIONS.length));
    const tSix = await medianOf(() => six.preview({ refresh: true }));
    const tBare = await medianOf(() => bare.preview({ refresh: true }));
    console.log(`  6 regional settings:             ${tSix.toFixed(0)} ms`);
    console.log(`  6 bare no-op dynamic resources:  ${tBare.toFixed(0)} ms`);
    console.log(`  ratio: ${(tSix / tBare).toFixed(2)} (target <= 1.25)`);

    await emulator.setLatency(200);
    const one = await stackOf(
      engine,
      "one",
      settingsProgram(["cn-shanghai"]),
      emulatorEnv(emulator.endpoints, SECOND_ACCOUNT.accessKeys[0]),
    );
    const tSixSlow = await medianOf(() => six.preview({ refresh: true }));
    const tOneSlow = await medianOf(() => one.preview({ refresh: true }));
    await emulator.setLatency(0);
    console.log(`  with 200 ms API latency, 6 regions: ${tSixSlow.toFixed(0)} ms`);
    console.log(`  with 200 ms API latency, 1 region:  ${tOneSlow.toFixed(0)} ms`);
    console.log(
      `  ratio: ${(tSixSlow / tOneSlow).toFixed(2)} (target <= 1.5: regions are read in parallel)`,
    );
    for (const s of [six, bare, one]) await s.destroy();
  } finally {
    await emulator.close();
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A policy pack of one policy that checks nothing, in `dir` (inside the project, so that it finds
 * the project's @pulumi/policy as the shipped pack does): what any pack costs a preview, the
 * analyzer's own floor.
 */
function writeEmptyPolicyPack(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "PulumiPolicy.yaml"),
    "runtime:\n  name: nodejs\n  options:\n    typescript: false\ndescription: One empty policy.\n",
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "empty-pack", version: "0.0.1", private: true, main: "index.js" }),
  );
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("empty", {
  policies: [{ name: "empty", description: "Checks nothing.", enforcementLevel: "advisory", validateResource: () => {} }],
});\n`,
  );
  return dir;
}

/**
 * Preview of one project stack (6 compliant settings) without a pack, with a pack of one empty
 * policy (the analyzer's floor) and with the shipped pack, interleaved.
 */
async function policyPackNumbers(): Promise<void> {
  const engine = await startEngine();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-bench-policy-"));
  try {
    const program = `const { EventCallback } = require("pulumi-alicloud-ims-callback");
for (const region of ${JSON.stringify(IMS_REGIONS)}) {
  new EventCallback("cb-" + region, { region, callbackType: "HTTP", callbackUrl: "https://bench.example.com/" + region, eventTypes: ["ProduceMediaComplete"], authKey: "Bench123Key" });
}\n`;
    const project = await createPackedProject(engine, {
      dir: path.join(dir, "bench"),
      tarball: packCurrentSource(path.join(dir, "pack")),
      program,
      stackName: "bench",
    });
    const emptyPack = writeEmptyPolicyPack(path.join(project.dir, "empty-pack"));
    const timedPreview = async (args: string[]) => {
      const run = await project.pulumi(["preview", ...args]);
      if (run.code !== 0) throw new Error(`preview ${args.join(" ")} failed:\n${run.output}`);
      return run.ms;
    };
    await timedPreview([]); // warm-up: first start of the language host and the provider
    await timedPreview(["--policy-pack", emptyPack]);
    const without: number[] = [];
    const withEmpty: number[] = [];
    const withPack: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      without.push(await timedPreview([]));
      withEmpty.push(await timedPreview(["--policy-pack", emptyPack]));
      withPack.push(await timedPreview(["--policy-pack", project.policyPackDir]));
    }
    const [tWithout, tEmpty, tPack] = [median(without), median(withEmpty), median(withPack)];
    const added = tPack - tWithout;
    const own = tPack - tEmpty;
    console.log(
      `\n## Policy pack: preview of a project stack with 6 settings (median of ${REPEATS}, load average ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  without a pack:                         ${tWithout.toFixed(0)} ms`);
    console.log(`  with a pack of one empty policy:        ${tEmpty.toFixed(0)} ms`);
    console.log(`  with the shipped pack:                  ${tPack.toFixed(0)} ms`);
    console.log(`  added by the pack: ${added.toFixed(0)} ms`);
    console.log(`    the analyzer's floor (empty pack):    ${(tEmpty - tWithout).toFixed(0)} ms`);
    console.log(
      `    the shipped pack's own share:         ${own.toFixed(0)} ms (${added > 0 ? ((100 * own) / added).toFixed(0) : "-"}% of what it adds; target <= 50%)`,
    );
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Milliseconds from spawning `command` to the first bytes on its stdout (a plugin prints its port).
 */
function startupTime(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "inherit"], env });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${command} exited ${code} before printing`)));
    child.stdout.once("data", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      child.removeAllListeners("exit");
      child.kill();
      resolve(ms);
    });
  });
}

/**
 * The number of modules in `require.cache` when the launcher's plugin first writes to stdout (its
 * port line), counted by a module given with `NODE_OPTIONS=--require`.
 */
async function modulesAtPortLine(launcher: string, dir: string): Promise<number> {
  const reporter = path.join(dir, "count-modules.js");
  const report = path.join(dir, "modules.txt");
  fs.writeFileSync(
    reporter,
    `const fs = require("node:fs");
const write = process.stdout.write.bind(process.stdout);
let counted = false;
process.stdout.write = (chunk, ...rest) => {
  if (!counted) {
    counted = true;
    fs.writeFileSync(${JSON.stringify(report)}, String(Object.keys(require.cache).length - 1));
  }
  return write(chunk, ...rest);
};\n`,
  );
  await startupTime(launcher, [], { ...process.env, NODE_OPTIONS: `--require ${reporter}` });
  return Number(fs.readFileSync(report, "utf8"));
}

/**
 * The self-contained plugin executable of this machine's platform for the current dist/ (from the
 * cache of `scripts/plugin-sea.ts`, built there when missing), unpacked into `dir`; and the stock
 * Node.js binary it embeds.
 */
async function selfContainedPlugin(dir: string): Promise<{ executable: string; node: string }> {
  const sea = await import("./plugin-sea");
  const target = sea.hostTarget();
  const archives = await sea.ensurePluginArchives([target]);
  fs.mkdirSync(dir, { recursive: true });
  const untar = spawnSync("tar", ["-xzf", path.join(archives, sea.archiveName(target)), "-C", dir]);
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  return { executable: path.join(dir, sea.executableName(target)), node: sea.nodeBinary(target) };
}

/**
 * The provider plugin, as the self-contained executable (what users of the other languages
 * download) and as the Node.js launcher in bin/ (contributors: this checkout's dist/ run by the
 * node on PATH), each found on PATH by the engine like an installed plugin: start-up against a bare
 * Node.js start, then `preview --refresh` of 6 settings through each against the dynamic provider
 * and an empty program (the engine's floor), interleaved.
 */
async function pluginNumbers(): Promise<void> {
  const launcher = path.join(REPO_ROOT, "bin", "pulumi-resource-alicloud-ims-callback");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-bench-plugin-"));
  const bareNode = (node: string) => startupTime(node, ["-e", "process.stdout.write('12345\\n')"]);
  try {
    const sea = await selfContainedPlugin(path.join(dir, "sea"));
    const starts = {
      node: [] as number[],
      launcher: [] as number[],
      embedded: [] as number[],
      sea: [] as number[],
    };
    for (let i = 0; i < (QUICK ? 1 : Math.max(REPEATS, 7)); i++) {
      starts.node.push(await bareNode(process.execPath));
      starts.launcher.push(await startupTime(launcher, []));
      starts.embedded.push(await bareNode(sea.node));
      starts.sea.push(await startupTime(sea.executable, []));
    }
    const modules = await modulesAtPortLine(launcher, dir);
    const [tNode, tLauncher, tEmbedded, tSea] = [
      median(starts.node),
      median(starts.launcher),
      median(starts.embedded),
      median(starts.sea),
    ];
    const embeddedVersion = spawnSync(sea.node, ["--version"], { encoding: "utf8" }).stdout.trim();
    console.log(
      `\n## Provider plugin start-up (median of ${starts.node.length}, spawn to the port line; load average ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(
      `  bare Node.js ${process.version} (node -e, prints a port-like line):  ${tNode.toFixed(0)} ms`,
    );
    console.log(
      `  Node.js launcher (bin/, node on PATH):              ${tLauncher.toFixed(0)} ms   ${(tLauncher / tNode).toFixed(2)} x bare Node.js (target <= 2)`,
    );
    console.log(
      `  bare Node.js ${embeddedVersion} (the one the executable embeds):  ${tEmbedded.toFixed(0)} ms`,
    );
    console.log(
      `  self-contained executable:                          ${tSea.toFixed(0)} ms   ${(tSea / tNode).toFixed(2)} x bare Node.js ${process.version} (target <= 2), ${(tSea / tEmbedded).toFixed(2)} x bare Node.js ${embeddedVersion}`,
    );
    console.log(`  modules loaded when the launcher's plugin announces its port: ${modules}`);

    await previewThroughPlugin(dir, { launcher, executable: sea.executable });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `preview --refresh` of 6 settings through each plugin, the dynamic provider and an empty program. */
async function previewThroughPlugin(
  dir: string,
  plugins: { launcher: string; executable: string },
): Promise<void> {
  const emulator = await startEmulator({ stateFile: path.join(dir, "state.json") });
  const engine = await startEngine(
    emulatorEnv(emulator.endpoints, emulator.accounts[0].accessKeys[0]),
  );
  try {
    const settings = (resource: typeof EventCallback | typeof PluginEventCallback) => async () => {
      for (const region of IMS_REGIONS) {
        new resource(`cb-${region}`, {
          region,
          callbackType: "HTTP",
          callbackUrl: `https://bench.example.com/${region}`,
          eventTypes: ["ProduceMediaComplete"],
          authKey: "Bench123Key",
        });
      }
    };
    const onPath = (executable: string) => ({
      PATH: `${path.dirname(executable)}${path.delimiter}${engine.env.PATH}`,
    });
    const stacks = {
      executable: await openStack(engine, {
        projectDir: PROJECT,
        stackName: "executable",
        program: settings(PluginEventCallback),
        env: onPath(plugins.executable),
      }),
      launcher: await openStack(engine, {
        projectDir: PROJECT,
        stackName: "launcher",
        program: settings(PluginEventCallback),
        env: onPath(plugins.launcher),
      }),
      dynamic: await openStack(engine, {
        projectDir: PROJECT,
        stackName: "dynamic",
        program: settings(EventCallback),
      }),
      empty: await openStack(engine, {
        projectDir: PROJECT,
        stackName: "empty",
        program: async () => {},
      }),
    };
    // The setting stacks share the emulator's regions: each is created, measured and destroyed in turn.
    const times = {
      executable: [] as number[],
      launcher: [] as number[],
      dynamic: [] as number[],
      empty: [] as number[],
    };
    await stacks.empty.up();
    for (const kind of ["executable", "launcher", "dynamic"] as const) {
      await stacks[kind].up();
      await stacks[kind].preview({ refresh: true }); // warm-up
      for (let i = 0; i < REPEATS; i++) {
        times[kind].push(await timed(() => stacks[kind].preview({ refresh: true })));
        times.empty.push(await timed(() => stacks.empty.preview({ refresh: true })));
      }
      await stacks[kind].destroy();
    }
    const [tExecutable, tLauncher, tDynamic, tEmpty] = [
      median(times.executable),
      median(times.launcher),
      median(times.dynamic),
      median(times.empty),
    ];
    console.log(
      `\n## preview --refresh of 6 settings: plugin vs dynamic provider vs empty program (median of ${REPEATS}, load average ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  through the plugin, self-contained executable:  ${tExecutable.toFixed(0)} ms`);
    console.log(`  through the plugin, Node.js launcher:           ${tLauncher.toFixed(0)} ms`);
    console.log(`  through the dynamic provider:                   ${tDynamic.toFixed(0)} ms`);
    console.log(`  empty program (engine floor):                   ${tEmpty.toFixed(0)} ms`);
    console.log(
      `  plugin / dynamic: executable ${(tExecutable / tDynamic).toFixed(2)}, launcher ${(tLauncher / tDynamic).toFixed(2)} (target <= 1.15)`,
    );
    console.log(
      `  above the floor, plugin / dynamic: executable ${((tExecutable - tEmpty) / (tDynamic - tEmpty)).toFixed(2)}, launcher ${((tLauncher - tEmpty) / (tDynamic - tEmpty)).toFixed(2)}`,
    );
  } finally {
    await emulator.close();
    engine.dispose();
  }
}

async function main(): Promise<void> {
  console.log(
    `# pulumi-alicloud-ims-callback benchmark (${os.cpus().length} cores, Node ${process.version})${QUICK ? " (quick: one run each, small counts, not for comparison)" : ""}`,
  );
  // Each script's run() takes its own options; undefined keeps its defaults.
  const benches: Array<[string, string, unknown]> = [
    [
      "IMS emulator throughput",
      "./bench-emulator.js",
      QUICK ? { requests: 200, warmup: 20 } : undefined,
    ],
    ["Callback verification", "./bench-receiver.js", QUICK ? 2000 : undefined],
    ["Queue consumer throughput", "./bench-consumer.js", QUICK ? { messages: 64 } : undefined],
    ["Entry point load time (fresh process)", "./bench-load.js", undefined],
  ];
  for (const [title, file, options] of runs("micro") ? benches : []) {
    console.log(`\n## ${title}`);
    await (require(file) as { run(options: unknown): Promise<void> }).run(options);
  }
  if (runs("engine")) await engineNumbers();
  if (runs("policy")) await policyPackNumbers();
  if (runs("plugin")) await pluginNumbers();
}

/**
 * Runs the bench; a full run (not --quick) also writes its report into docs/benchmarks.md, so the
 * numbers in the docs are those of the last full run, never copied by hand.
 */
async function runAndRecord(): Promise<void> {
  const report: string[] = [];
  const print = console.log;
  console.log = (...args: unknown[]) => {
    report.push(format(...args));
    print(...args);
  };
  const [load1] = os.loadavg();
  await main();
  console.log = print;
  if (QUICK || ONLY) return;
  const when = new Date().toISOString().slice(0, 10);
  await writeGeneratedText(
    "docs/benchmarks.md",
    "benchmarks",
    `Last full run: ${when}, ${os.cpus().length} cores, load average ${load1.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.\n\n` +
      "```text\n" +
      report.join("\n").trim() +
      "\n```",
  );
  print("\nwrote docs/benchmarks.md");
}

runAndRecord().catch((e) => {
  console.error(e);
  process.exit(1);
});
