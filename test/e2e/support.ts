/**
 * Shared set-up of the end-to-end suites: the IMS emulator (in-process, real HTTP, real signature
 * checks) and the real engine (scripts/engine.ts), plus small readers of what both recorded.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import {
  emulatorEnv,
  openStack,
  REPO_ROOT,
  runPulumi,
  startEngine,
  type Engine,
  type OpenStackOptions,
} from "../../scripts/engine";
import { startEmulator, type EmulatorHandle } from "pulumi-alicloud-ims-emulator";
import { countCalls, NEVER_CONFIGURED } from "../helpers/emulator";

/** The account the suites deploy into. */
export const E2E_ACCOUNT_ID = "1111222233334444";
/** Its AccessKey id. */
export const E2E_ACCESS_KEY_ID = "TESTAKe2eTestKey0000001";
/** Its AccessKey secret: a canary searched for in state, output and logs. */
export const E2E_SECRET_CANARY = "CanarySecretQ7x9Zp2Lw4Vb";
/** The callback auth key the suites configure: a canary as well. */
export const E2E_AUTH_KEY = "KeyCanary8Hq3Rt5Yu";

/**
 * Packs the provider plugin's release archive (scripts/plugin-artifact.sh) into `dir` and installs it
 * into the PULUMI_HOME of `env` with `pulumi plugin install resource ... --file`, as a user without
 * npm does. Returns the archive's path. Suites that use it set PULUMI_IGNORE_AMBIENT_PLUGINS, so the
 * launcher npm links into node_modules/.bin (on jest's PATH) is never used instead.
 */
export async function installPluginArchive(
  dir: string,
  env: Record<string, string>,
): Promise<string> {
  const pack = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "plugin-artifact.sh"), dir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  expect({ status: pack.status, stderr: pack.status === 0 ? "" : pack.stderr }).toEqual({
    status: 0,
    stderr: "",
  });
  const archive = pack.stdout.trim().split("\n").pop()!;
  const version = (require("../../package.json") as { version: string }).version;
  const install = await runPulumi(
    dir,
    ["plugin", "install", "resource", "alicloud-ims-callback", version, "--file", archive],
    env,
  );
  expect(install.code).toBe(0);
  return archive;
}

/** One resource the engine planned to change. */
export interface ChangedResource {
  name: string;
  op: string;
  diffs: string[];
}

/** An emulator plus an engine wired to it. */
export interface E2E {
  readonly engine: Engine;
  readonly emulator: EmulatorHandle;
  openStack(options: OpenStackOptions): Promise<Stack>;
  /** Puts the account's AccessKey pair into the stack config (the secret as a secret). */
  useStackCredentials(stack: Stack): Promise<void>;
  /** The region's setting as the emulator holds it (wire shape). */
  live(region: string): Promise<Record<string, string>>;
  /** Changes a region's setting behind the engine's back, as someone in the console would. */
  editInConsole(region: string, fields: Record<string, string>): Promise<void>;
  /** Clears the emulator's counters, request log and pending faults. */
  resetCounters(): Promise<void>;
  /** Get/Set calls the emulator answered since the last reset, over all regions. */
  apiCalls(): Promise<{ get: number; set: number }>;
  /** An onEvent callback collecting engine events (cleared at each call). */
  collectEvents(): (event: EngineEvent) => void;
  events(): EngineEvent[];
  /** Runs the CLI in the stack's work directory and returns stdout. */
  run(stack: Stack, args: string[]): Promise<string>;
  filesUnder(dir: string): string[];
  requestLog(): Promise<unknown>;
  dispose(): Promise<void>;
}

/** Starts the emulator and the engine. Credentials reach the provider by env or by stack config. */
export async function startE2E(options: { credentialsIn: "env" | "stack-config" }): Promise<E2E> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-e2e-"));
  const emulator = await startEmulator({
    stateFile: path.join(dir, "state.json"),
    accounts: [
      {
        accountId: E2E_ACCOUNT_ID,
        accessKeys: [{ id: E2E_ACCESS_KEY_ID, secret: E2E_SECRET_CANARY }],
      },
    ],
  });
  const accessKey = { id: E2E_ACCESS_KEY_ID, secret: E2E_SECRET_CANARY };
  const engine = await startEngine(
    emulatorEnv(emulator.endpoints, options.credentialsIn === "env" ? accessKey : undefined),
  );
  let collected: EngineEvent[] = [];
  const workDirs = new Map<string, string>();
  return {
    engine,
    emulator,
    async openStack(opts) {
      // Stacks of one project share a work directory, as they would in a repository.
      const stack = await openStack(engine, {
        ...opts,
        workDir: opts.workDir ?? workDirs.get(opts.projectDir),
      });
      workDirs.set(opts.projectDir, stack.workspace.workDir);
      return stack;
    },
    async useStackCredentials(stack) {
      await stack.setConfig("alicloud:accessKey", { value: E2E_ACCESS_KEY_ID });
      await stack.setConfig("alicloud:secretKey", { value: E2E_SECRET_CANARY, secret: true });
    },
    async live(region) {
      return { ...NEVER_CONFIGURED, ...(await emulator.getSetting(region, E2E_ACCOUNT_ID)) };
    },
    async editInConsole(region, fields) {
      await emulator.putSetting(region, fields, E2E_ACCOUNT_ID);
    },
    async resetCounters() {
      await emulator.reset();
    },
    async apiCalls() {
      return countCalls(await emulator.getCounters());
    },
    collectEvents() {
      collected = [];
      return (event) => collected.push(event);
    },
    events() {
      return collected;
    },
    async run(stack, args) {
      const result = spawnSync(
        path.join(engine.root, "bin", "pulumi"),
        [...args, "--stack", stack.name, "--non-interactive"],
        {
          cwd: stack.workspace.workDir,
          env: { ...process.env, ...engine.env },
          encoding: "utf8",
        },
      );
      if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${result.stderr}`);
      return result.stdout;
    },
    filesUnder(root) {
      const out: string[] = [];
      const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
          const full = path.join(d, entry.name);
          if (entry.isSymbolicLink()) continue;
          if (entry.isDirectory()) walk(full);
          else if (entry.isFile()) out.push(full);
        }
      };
      walk(root);
      return out;
    },
    async requestLog() {
      return emulator.getRequestLog();
    },
    async dispose() {
      await emulator.close();
      engine.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The resources an engine run planned to change (refresh steps and unchanged ones left out). */
export function changedResources(events: EngineEvent[]): ChangedResource[] {
  const out: ChangedResource[] = [];
  for (const event of events) {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || ["same", "refresh", "read"].includes(meta.op)) continue;
    out.push({
      name: meta.urn.slice(meta.urn.lastIndexOf("::") + 2),
      op: meta.op,
      diffs: [...(meta.diffs ?? [])].sort(),
    });
  }
  return out;
}

/**
 * The properties the engine's own diff display marks as changed (`~`, `+`, `-`) in each resource it
 * plans to update, read from the output of `preview --diff`. Keyed by resource name.
 */
export function updatedPropertiesInDisplay(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const lines = stdout.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/: \(update\)\s*$/.test(lines[i])) continue;
    const urn = lines.slice(i + 1, i + 4).find((l) => l.includes("[urn="));
    const name = urn ? urn.slice(urn.lastIndexOf("::") + 2).replace(/\]\s*$/, "") : "?";
    const indent = lines[i].search(/\S/);
    const changed: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j];
      if (
        line.includes("--outputs:--") ||
        (line.trim() !== "" && line.search(/\S/) <= indent && !/^\s*[~+-] /.test(line))
      )
        break;
      const m = /^\s*[~+-] (\w+)\s*:/.exec(line);
      if (m && line.search(/\S/) <= indent + 4) changed.push(m[1]);
    }
    out[name] = changed.sort();
  }
  return out;
}
