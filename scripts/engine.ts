/**
 * The real Pulumi engine, offline: the pinned CLI and the Node.js language host (built when needed,
 * see scripts/pulumi-cli.sh), a local file backend, a throwaway PULUMI_HOME and the passphrase
 * secrets provider. Shared by the end-to-end tests, `npm run demo` and `npm run bench`.
 *
 * Two ways to run a program:
 * - {@link runPulumi}: the CLI binary in a project directory, as a user types it (needs the
 *   language host, `pulumi-language-nodejs`, next to the CLI);
 * - {@link openStack}: the Automation API's inline runtime (part of @pulumi/pulumi), which needs no
 *   language host; the suites that drive the engine through the API use it.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** A prepared offline engine. */
export interface Engine {
  /** Directory holding bin/pulumi. */
  readonly root: string;
  readonly command: PulumiCommand;
  /** The file backend and PULUMI_HOME live here. */
  readonly stateDir: string;
  /** Environment given to every CLI run (and so to the dynamic-provider host). */
  readonly env: Record<string, string>;
  /** Removes stateDir and the work directories created by {@link openStack}. */
  dispose(): void;
}

let cachedRoot: string | undefined;

/**
 * Provides the pinned CLI (PATH, cache, or a build from Go modules with progress on stderr) and
 * returns its root directory.
 */
export function ensurePulumiCli(): string {
  if (cachedRoot) return cachedRoot;
  const run = spawnSync("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  if (run.status !== 0) {
    throw new Error(`scripts/pulumi-cli.sh failed (exit ${run.status}); see its output above.`);
  }
  cachedRoot = run.stdout.trim().split("\n").pop()!;
  return cachedRoot;
}

/** A language host that scripts/language-hosts.sh provides beside the CLI. */
export type LanguageHost = "go" | "python" | "yaml" | "java" | "dotnet";

/**
 * Provides language hosts beside the pinned CLI (PATH, cache, or built with progress on stderr:
 * minutes the first time, see scripts/language-hosts.sh) and returns the CLI's root directory. By
 * default the hosts of the languages the e2e suites run: Go, Python, YAML and Java.
 */
export function ensureLanguageHosts(
  languages: readonly LanguageHost[] = ["go", "python", "yaml", "java"],
): string {
  const run = spawnSync(
    "bash",
    [path.join(REPO_ROOT, "scripts", "language-hosts.sh"), ...languages],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
  );
  if (run.status !== 0) {
    throw new Error(`scripts/language-hosts.sh failed (exit ${run.status}); see its output above.`);
  }
  return run.stdout.trim().split("\n").pop()!;
}

/** Whether the CLI at `root` has the Node.js language host beside it (needed for project directories). */
export function hasLanguageHost(root: string): boolean {
  return fs.existsSync(
    path.join(
      root,
      "bin",
      process.platform === "win32" ? "pulumi-language-nodejs.exe" : "pulumi-language-nodejs",
    ),
  );
}

/**
 * The environment of an offline CLI run with its state under `stateDir`: a file backend, a private
 * PULUMI_HOME, no update check, no plugin download, and the CLI first on PATH.
 */
export function offlineEnv(root: string, stateDir: string): Record<string, string> {
  fs.mkdirSync(path.join(stateDir, "backend"), { recursive: true });
  return {
    PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_HOME: path.join(stateDir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PATH: `${path.join(root, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  };
}

/** What a CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `pulumi <args>` in `cwd` as a person would type it, without blocking the event loop (an
 * in-process emulator keeps answering). `env` is added to this process's environment;
 * `onOutput` receives stdout and stderr as they arrive.
 */
export function runPulumi(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
  onOutput?: (text: string) => void,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onOutput?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      onOutput?.(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Prepares the CLI and a fresh local backend. `extraEnv` reaches the CLI and the providers. */
export async function startEngine(extraEnv: Record<string, string> = {}): Promise<Engine> {
  const root = ensurePulumiCli();
  const command = await PulumiCommand.get({ root, version: undefined });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-callback-engine-"));
  const workDirs: string[] = [];
  const env: Record<string, string> = { ...offlineEnv(root, stateDir), ...extraEnv };
  const engine: Engine & { workDirs: string[] } = {
    root,
    command,
    stateDir,
    env,
    workDirs,
    dispose() {
      for (const dir of [...workDirs, stateDir]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return engine;
}

/**
 * The environment that points the provider at a local emulator: its endpoints and, optionally, an
 * AccessKey pair (leave it out to pass credentials through stack config instead).
 */
export function emulatorEnv(
  endpoints: Readonly<Record<string, string>>,
  accessKey?: { id: string; secret: string },
): Record<string, string> {
  return {
    IMS_CALLBACK_ENDPOINTS: JSON.stringify(endpoints),
    ...(accessKey
      ? {
          ALIBABA_CLOUD_ACCESS_KEY_ID: accessKey.id,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKey.secret,
        }
      : {}),
  };
}

/** Options of {@link openStack}. */
export interface OpenStackOptions {
  /** A directory with Pulumi.yaml and Pulumi.<stack>.yaml files (copied, never written). */
  readonly projectDir: string;
  readonly stackName: string;
  /** The program; by default the project's index.ts, which exports the program function. */
  readonly program?: PulumiFn;
  /** Share the work directory with another stack of the same project. */
  readonly workDir?: string;
  /** Environment for this stack only (on top of the engine's). */
  readonly env?: Record<string, string>;
}

/**
 * Selects or creates a stack of a project in a private copy of its directory (so config set by a
 * run never touches the repository), with `node_modules` linked so the dynamic-provider host finds
 * this package and @pulumi/pulumi.
 */
export async function openStack(engine: Engine, options: OpenStackOptions): Promise<Stack> {
  const workDir = options.workDir ?? prepareWorkDir(engine, options.projectDir);
  const projectFile = fs.readFileSync(path.join(options.projectDir, "Pulumi.yaml"), "utf8");
  const projectName = yamlField(projectFile, "name");
  if (!projectName) throw new Error(`${options.projectDir}/Pulumi.yaml has no name`);
  const main = yamlField(projectFile, "main") ?? "index.ts";
  const program = options.program ?? loadProgram(path.resolve(options.projectDir, main));
  return LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName, projectName, program },
    { workDir, pulumiCommand: engine.command, envVars: { ...engine.env, ...(options.env ?? {}) } },
  );
}

/** Copies a project's Pulumi*.yaml files into a new work directory and links node_modules. */
export function prepareWorkDir(engine: Engine, projectDir: string): string {
  const workDir = fs.mkdtempSync(path.join(engine.stateDir, "work-"));
  for (const file of fs.readdirSync(projectDir)) {
    if (/^Pulumi(\..+)?\.ya?ml$/.test(file)) {
      // The program runs inline, so the project's `main` (a path relative to its own directory) is dropped.
      const text = fs.readFileSync(path.join(projectDir, file), "utf8");
      fs.writeFileSync(
        path.join(workDir, file),
        /^Pulumi\.ya?ml$/.test(file) ? text.replace(/^main:.*$/m, "") : text,
      );
    }
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
  (engine as Engine & { workDirs: string[] }).workDirs.push(workDir);
  return workDir;
}

/** The program exported (`export = async () => ...`) by a project's main file. */
export function loadProgram(indexFile: string): PulumiFn {
  return async () => {
    const exported = require(indexFile) as PulumiFn | { default: PulumiFn };
    const fn = typeof exported === "function" ? exported : exported.default;
    return fn();
  };
}

function yamlField(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:\\s*([^\\s#]+)`, "m").exec(text)?.[1];
}
