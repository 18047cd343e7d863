/**
 * Runs this package the way a user installs it: the current source compiled and packed with
 * `npm pack` (so package.json's "files" decide what ships), unpacked into a project directory's
 * node_modules, driven by the pinned CLI and its Node.js language host (project directories and
 * policy packs do not run as inline programs). Shared by test/e2e/policyPack.test.ts and
 * `npm run bench`.
 *
 * The project's other dependencies are links to this repository's node_modules (one copy of
 * @pulumi/pulumi); nothing is downloaded.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { hasLanguageHost, REPO_ROOT, runPulumi, type Engine } from "./engine";

const PACKAGE_NAME = "pulumi-alicloud-ims-callback";

/** What a CLI run returned. */
export interface TimedCliRun {
  readonly code: number;
  /** stdout, then stderr. */
  readonly output: string;
  readonly ms: number;
}

/** A project directory with this package installed, bound to an engine. */
export interface PackedProject {
  readonly dir: string;
  /** The shipped pack, at the path a user would pass to `--policy-pack`. */
  readonly policyPackDir: string;
  /** Runs `pulumi <args> --non-interactive` in the project directory with the engine's environment. */
  pulumi(args: readonly string[]): Promise<TimedCliRun>;
}

/**
 * Compiles the current source and packs the package into `outDir`; returns the tarball path.
 * Compiles into `outDir`, never into the repository's dist/.
 */
export function packCurrentSource(outDir: string): string {
  const stage = path.join(outDir, "package");
  fs.mkdirSync(stage, { recursive: true });
  run(
    "npx",
    [
      "tsc",
      "-p",
      path.join(REPO_ROOT, "tsconfig.build.json"),
      "--outDir",
      path.join(stage, "dist"),
    ],
    REPO_ROOT,
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    files: string[];
  };
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(stage, "package.json"));
  for (const entry of manifest.files.filter((f) => f !== "dist")) {
    fs.cpSync(path.join(REPO_ROOT, entry), path.join(stage, entry), { recursive: true });
  }
  const packed = run(
    "npm",
    ["pack", stage, "--pack-destination", outDir, "--ignore-scripts", "--silent"],
    outDir,
  );
  return path.join(outDir, packed.trim().split("\n").pop()!);
}

/**
 * A project directory `dir` with `Pulumi.yaml` (Node.js, plain JavaScript), the given `index.js`,
 * the packed package unpacked into node_modules, and a stack `stackName` of the engine's backend.
 */
export async function createPackedProject(
  engine: Engine,
  options: { dir: string; tarball: string; program: string; stackName: string },
): Promise<PackedProject> {
  if (!hasLanguageHost(engine.root)) {
    throw new Error(
      `no pulumi-language-nodejs beside ${engine.root}/bin/pulumi: project directories and policy packs need it (see scripts/pulumi-cli.sh)`,
    );
  }
  const { dir } = options;
  const modules = path.join(dir, "node_modules");
  const installed = path.join(modules, PACKAGE_NAME);
  fs.mkdirSync(installed, { recursive: true });
  run("tar", ["-xzf", options.tarball, "-C", installed, "--strip-components=1"], dir);
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
    // The repository links itself for its own tests; the project gets the packed copy instead.
    if (entry === PACKAGE_NAME || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry), "dir");
  }
  const projectName = path.basename(dir).replace(/[^A-Za-z0-9_.-]/g, "-");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${projectName}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
  );
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: projectName,
        private: true,
        dependencies: { [PACKAGE_NAME]: "*", "@pulumi/pulumi": "*", "@pulumi/policy": "*" },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, "index.js"), options.program);
  const project: PackedProject = {
    dir,
    policyPackDir: path.join("node_modules", PACKAGE_NAME, "policy-pack"),
    async pulumi(args) {
      const started = Date.now();
      const result = await runPulumi(dir, [...args, "--non-interactive"], engine.env);
      return {
        code: result.code,
        output: `${result.stdout}${result.stderr}`,
        ms: Date.now() - started,
      };
    },
  };
  const init = await project.pulumi(["stack", "init", options.stackName]);
  if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${init.output}`);
  return project;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}
