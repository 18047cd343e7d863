/**
 * `npm run bench`: numbers, printed, never asserted.
 *
 *   - IMS API calls per engine operation, from the emulator's counters;
 *   - the serialized provider's size per resource in the state;
 *   - wall time of `preview --refresh` over 6 regional settings against the same stack of bare
 *     no-op dynamic resources (same run), and of 6 regions vs 1 region with 200 ms API latency;
 *   - the emulator's and the receiver helpers' own throughput (their scripts);
 *   - the load time of the receiver entry point against the root's (bench-load.js);
 *   - the time the shipped policy pack adds to a preview (same project stack, with and without);
 *   - the provider plugin: its start-up time against a bare Node.js start, and `preview --refresh`
 *     of 6 settings through the plugin against the dynamic provider and an empty program (same run).
 *
 * `npm run bench -- --quick` runs every section once with small counts (minutes, numbers not for
 * comparison); the end-to-end suite runs it so that the bench cannot break unnoticed.
 */
import { spawn } from "node:child_process";
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

/** Preview of one project stack (6 compliant settings) with and without the shipped pack, interleaved. */
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
    const timedPreview = async (args: string[]) => {
      const run = await project.pulumi(["preview", ...args]);
      if (run.code !== 0) throw new Error(`preview ${args.join(" ")} failed:\n${run.output}`);
      return run.ms;
    };
    await timedPreview([]); // warm-up: first start of the language host and the provider
    const without: number[] = [];
    const withPack: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      without.push(await timedPreview([]));
      withPack.push(await timedPreview(["--policy-pack", project.policyPackDir]));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `\n## Policy pack: preview of a project stack with 6 settings (median of ${REPEATS}, load average ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  without the pack:  ${median(without).toFixed(0)} ms`);
    console.log(`  with the pack:     ${median(withPack).toFixed(0)} ms`);
    console.log(`  added by the pack: ${(median(withPack) - median(without)).toFixed(0)} ms`);
  } finally {
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds from spawning `command` to the first bytes on its stdout (a plugin prints its port). */
function startupTime(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "inherit"] });
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
 * The provider plugin (the launcher in bin/, run from this checkout's dist/, found on PATH by the
 * engine like an installed plugin): start-up, then `preview --refresh` of 6 settings through the
 * plugin, through the dynamic provider, and of an empty program (the engine's floor), interleaved.
 */
async function pluginNumbers(): Promise<void> {
  const launcher = path.join(REPO_ROOT, "bin", "pulumi-resource-alicloud-ims-callback");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const pluginStarts: number[] = [];
  const nodeStarts: number[] = [];
  for (let i = 0; i < (QUICK ? 1 : Math.max(REPEATS, 5)); i++) {
    pluginStarts.push(await startupTime(launcher, []));
    nodeStarts.push(
      await startupTime(process.execPath, ["-e", "process.stdout.write('ready\\n')"]),
    );
  }
  console.log(`\n## Provider plugin start-up (median of ${pluginStarts.length})`);
  console.log(`  plugin, spawn to port announced: ${median(pluginStarts).toFixed(0)} ms`);
  console.log(`  bare Node.js, spawn to output:   ${median(nodeStarts).toFixed(0)} ms`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-bench-plugin-"));
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
    const stacks = {
      plugin: await openStack(engine, {
        projectDir: PROJECT,
        stackName: "plugin",
        program: settings(PluginEventCallback),
        env: { PATH: `${path.dirname(launcher)}${path.delimiter}${engine.env.PATH}` },
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
    // The two setting stacks share the emulator's regions: each is created, measured and destroyed in turn.
    const times = { plugin: [] as number[], dynamic: [] as number[], empty: [] as number[] };
    await stacks.empty.up();
    for (const kind of ["plugin", "dynamic"] as const) {
      await stacks[kind].up();
      await stacks[kind].preview({ refresh: true }); // warm-up
      for (let i = 0; i < REPEATS; i++) {
        times[kind].push(await timed(() => stacks[kind].preview({ refresh: true })));
        times.empty.push(await timed(() => stacks.empty.preview({ refresh: true })));
      }
      await stacks[kind].destroy();
    }
    const [tPlugin, tDynamic, tEmpty] = [
      median(times.plugin),
      median(times.dynamic),
      median(times.empty),
    ];
    console.log(
      `\n## preview --refresh of 6 settings: plugin vs dynamic provider vs empty program (median of ${REPEATS}, load average ${os.loadavg()[0].toFixed(1)})`,
    );
    console.log(`  through the plugin:            ${tPlugin.toFixed(0)} ms`);
    console.log(`  through the dynamic provider:  ${tDynamic.toFixed(0)} ms`);
    console.log(`  empty program (engine floor):  ${tEmpty.toFixed(0)} ms`);
    console.log(`  plugin / dynamic: ${(tPlugin / tDynamic).toFixed(2)}`);
    console.log(
      `  above the floor, plugin / dynamic: ${((tPlugin - tEmpty) / (tDynamic - tEmpty)).toFixed(2)}`,
    );
  } finally {
    await emulator.close();
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
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
  for (const [title, file, options] of benches) {
    console.log(`\n## ${title}`);
    await (require(file) as { run(options: unknown): Promise<void> }).run(options);
  }
  await engineNumbers();
  await policyPackNumbers();
  await pluginNumbers();
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
  if (QUICK) return;
  const when = new Date().toISOString().slice(0, 10);
  await writeGeneratedText(
    "docs/benchmarks.md",
    "benchmarks",
    `Last full run: ${when}, ${os.cpus().length} cores, load average ${load1.toFixed(1)} at the start.\n\n` +
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
