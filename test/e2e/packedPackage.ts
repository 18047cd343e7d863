/**
 * Support of the packed-package suite: a clean checkout to pack from, user projects made from the
 * examples with the tarball installed, the README's "try it" commands, and the offline CLI
 * environment. Nothing here links a project to this repository's source or node_modules.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";

/** The package's name, as users install it. */
export const PACKAGE_NAME = "pulumi-alicloud-ims-callback";

/** The emulator package's name (packages/emulator), installed beside the package for tests. */
export const EMULATOR_PACKAGE_NAME = "pulumi-alicloud-ims-emulator";

/** The two tarballs `npm pack --workspaces --include-workspace-root` writes. */
export interface PackedTarballs {
  /** The package (`pulumi-alicloud-ims-callback-<version>.tgz`). */
  readonly main: string;
  /** The emulator package (`pulumi-alicloud-ims-emulator-<version>.tgz`). */
  readonly emulator: string;
}

/** What a shell command printed and how it exited. */
export interface ShellRun {
  readonly code: number;
  readonly output: string;
  readonly ms: number;
}

/**
 * Runs `command` with bash in `cwd` with exactly the environment `env`, without blocking the event
 * loop (the in-process emulator keeps answering). stdout and stderr are captured together, in order.
 */
export function sh(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ShellRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output, ms: Date.now() - started }));
  });
}

/**
 * Copies what a fresh clone holds and `npm pack` reads (package.json, sources, build config,
 * README, CHANGELOG, licence, the emulator workspace package) plus the example projects into `dir`,
 * without dist/ (the packs' `prepack` build it from the source) and with the dependencies of this
 * checkout linked, as
 * `npm ci` would have installed them. Packing from the copy keeps this checkout's dist/ untouched.
 */
export function stageCheckout(dir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    files: string[];
  };
  const entries = [
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "lib",
    "packages",
    "LICENSE",
    ...manifest.files.filter((f) => f !== "dist"),
  ];
  for (const entry of entries) {
    if (!fs.existsSync(path.join(REPO_ROOT, entry))) continue;
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), {
      recursive: true,
      filter: (src) =>
        !src.includes(`${path.sep}node_modules`) &&
        !/[\\/]packages[\\/][^\\/]+[\\/]dist$/.test(src),
    });
  }
  for (const example of fs.readdirSync(path.join(REPO_ROOT, "examples"))) {
    copyExample(path.join(REPO_ROOT, "examples", example), path.join(dir, "examples", example));
  }
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/** Copies an example's files (not its node_modules, lock file or build output). */
export function copyExample(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) =>
      !/(^|[\\/])(node_modules|bin|dist|package-lock\.json)$/.test(path.relative(from, src)),
  });
}

/**
 * Makes a user's project from an example: its files, with the package's dependency (and the
 * emulator's dev dependency, where the example has one) pointing at the tarballs (what
 * `npm install <tarball>` records), then `npm install`, reusing the npm cache of the main install.
 * Returns the install time.
 */
export async function createProject(
  example: string,
  tarballs: PackedTarballs,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<ShellRun> {
  copyExample(path.join(REPO_ROOT, "examples", example), dir);
  const manifestFile = path.join(dir, "package.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  manifest.dependencies[PACKAGE_NAME] = `file:${tarballs.main}`;
  if (manifest.devDependencies?.[EMULATOR_PACKAGE_NAME] !== undefined) {
    manifest.devDependencies[EMULATOR_PACKAGE_NAME] = `file:${tarballs.emulator}`;
  }
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return sh("npm install --prefer-offline --no-audit --no-fund", dir, env);
}

/** The shell blocks of the README's CLI walkthrough: `setup`, the `emulator` command, then `commands`. */
export interface TryItWalkthrough {
  readonly setup: string[];
  readonly emulator: string;
  readonly commands: string[];
}

/** The heading of the README section whose commands the packed-package suite runs. */
export const TRY_IT_HEADING = "### With the Pulumi CLI, as in your own project";

/**
 * Reads the README's CLI walkthrough: the three bash blocks under {@link TRY_IT_HEADING}, one
 * command a line (comments after `#` dropped).
 */
export function readTryIt(readme: string): TryItWalkthrough {
  const start = readme.indexOf(`${TRY_IT_HEADING}\n`);
  if (start < 0) throw new Error(`README.md has no section "${TRY_IT_HEADING}"`);
  const end = readme.slice(start + TRY_IT_HEADING.length).search(/\n##+ /);
  const section =
    end < 0 ? readme.slice(start) : readme.slice(start, start + TRY_IT_HEADING.length + end);
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "" && !line.startsWith("#")),
  );
  if (blocks.length !== 3 || blocks[1].length !== 1) {
    throw new Error(
      `README "${TRY_IT_HEADING}": expected three bash blocks (setup, the emulator command, the Pulumi commands)`,
    );
  }
  return { setup: blocks[0], emulator: blocks[1][0], commands: blocks[2] };
}

/** The README's emulator ports (base 18600, region i on 18600 + i) moved to `base`. */
export function withPorts(text: string, base: number): string {
  return text.replace(/\b186(\d\d)\b/g, (_m, offset: string) => String(base + Number(offset)));
}

/** A base port with the next `count` ports free on 127.0.0.1 (checked by listening on each). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const servers: net.Server[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const server = net.createServer();
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(base + i, "127.0.0.1", resolve);
        });
        servers.push(server);
      }
      return base;
    } catch {
      // taken: try another base
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** npm's cache directory, so runs with another HOME still reuse the main install's cache. */
export async function npmCacheDir(): Promise<string> {
  const run = await sh("npm config get cache", REPO_ROOT);
  if (run.code !== 0) throw new Error(`npm config get cache failed: ${run.output}`);
  return run.output.trim();
}
