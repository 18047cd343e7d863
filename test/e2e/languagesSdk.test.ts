/**
 * The SDKs generated from schema.json (`npm run sdk`, scripts/gen-sdks.sh) compile: the Go SDK builds
 * and vets against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, the Python SDK
 * byte-compiles, and each asks the engine for the plugin at this package's version. The SDKs are not
 * committed, so there is nothing to drift: every run generates them from the current schema.
 *
 * What it does not prove: that a Python program runs (the `pulumi` Python package cannot be installed
 * here); Go programs on the generated SDK run in test/e2e/languages.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";

const VERSION: string = require("../../package.json").version;
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  name: string;
  resources: Record<string, unknown>;
  language: { go: { importBasePath: string }; python?: { packageName?: string } };
};
/** The Python package's name: the schema's, or the generator's default (`pulumi_<name>`). */
const PYTHON_PACKAGE =
  SCHEMA.language.python?.packageName ?? `pulumi_${SCHEMA.name.replace(/-/g, "_")}`;

let out: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "ims-sdks-"));
  run("bash", [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), out], REPO_ROOT);
}, 1_800_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The schema's resource names (`EventCallback`, `ImsCallback`, ...). */
function resourceNames(): string[] {
  return Object.keys(SCHEMA.resources).map((token) => token.split(":")[2]);
}

describe("the Go SDK", () => {
  const packageDir = () =>
    path.join(out, "go", SCHEMA.language.go.importBasePath.split("/").pop()!);

  test("has a constructor for every resource of the schema", () => {
    const code = fs
      .readdirSync(packageDir())
      .filter((file) => file.endsWith(".go"))
      .map((file) => fs.readFileSync(path.join(packageDir(), file), "utf8"))
      .join("\n");
    for (const name of resourceNames()) expect(code).toContain(`func New${name}(`);
  });

  test("asks for the plugin at this package's version", () => {
    const plugin = JSON.parse(
      fs.readFileSync(path.join(packageDir(), "pulumi-plugin.json"), "utf8"),
    );
    expect(plugin).toEqual({ resource: true, name: "alicloud-ims-callback", version: VERSION });
  });

  test("builds and vets as a module at the schema's import path", () => {
    const goDir = path.join(out, "go");
    expect(fs.readFileSync(path.join(goDir, "go.mod"), "utf8")).toMatch(
      new RegExp(`^module ${path.posix.dirname(SCHEMA.language.go.importBasePath)}$`, "m"),
    );
    run("go", ["build", "./..."], goDir);
    run("go", ["vet", "./..."], goDir);
  }, 1_800_000);
});

describe("the Python SDK", () => {
  const packageDir = () => path.join(out, "python", PYTHON_PACKAGE);

  test("has a module for every resource of the schema and asks for this package's version", () => {
    const modules = fs.readdirSync(packageDir());
    for (const name of resourceNames()) {
      const snake = name.replace(/(?<=[a-z0-9])([A-Z])/g, "_$1").toLowerCase();
      expect(modules).toContain(`${snake}.py`);
    }
    const plugin = JSON.parse(
      fs.readFileSync(path.join(packageDir(), "pulumi-plugin.json"), "utf8"),
    );
    expect(plugin.version).toBe(VERSION);
  });

  test("byte-compiles", () => {
    const cacheDir = fs.mkdtempSync(path.join(out, "pycache-"));
    // -q prints only errors; a syntax error makes compileall exit non-zero.
    const result = spawnSync("python3", ["-m", "compileall", "-q", path.join(out, "python")], {
      encoding: "utf8",
      env: { ...process.env, PYTHONPYCACHEPREFIX: cacheDir },
    });
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });
});
