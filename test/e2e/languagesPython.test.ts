/**
 * A Python program through the provider plugin, as a Python user runs it: the SDK generated from
 * schema.json built into a wheel (`python -m build`, scripts/package-sdks.sh) and installed with pip
 * into a fresh virtual environment together with the Pulumi Python SDK from PyPI (`pulumi`, pinned to
 * the CLI's version), the program (examples/python) run by the Python language host
 * (`runtime: python`), the plugin installed from the packed release artifact, the real alicloud plugin
 * for the queue method. The program goes through the steps of languageSupport.ts's `describeProgram`;
 * mypy (pinned, scripts/python-tools.sh) type-checks it against the SDK's type hints and reports a
 * property of the wrong type; the wheel carries the names, version, dependency range and plugin
 * version users install.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";
import {
  describeProgram,
  lastLine,
  PLUGIN,
  runOrThrow,
  useLanguageSuite,
  VERSION,
  type LanguageProgram,
} from "./languageSupport";

/** The Pulumi Python SDK the program's environment gets: the CLI's version. */
const PULUMI_PYTHON_VERSION = "3.248.0";
const EXAMPLE = path.join(REPO_ROOT, "examples", "python");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  name: string;
  license?: string;
  pluginDownloadURL?: string;
  language?: { python?: { packageName?: string } };
};
/** The Python package's import name: the schema's, or the generator's default. */
const PYTHON_PACKAGE =
  SCHEMA.language?.python?.packageName ?? `pulumi_${SCHEMA.name.replace(/-/g, "_")}`;

let tools: string;
let wheel: string;

const suite = useLanguageSuite({
  sdkLanguages: ["python"],
  prepareSdks(sdkDir) {
    runOrThrow("bash", [path.join(REPO_ROOT, "scripts", "package-sdks.sh"), sdkDir], REPO_ROOT);
    const dist = path.join(sdkDir, "python", "dist");
    wheel = path.join(
      dist,
      fs.readdirSync(dist).find((file) => file.endsWith(".whl"))!,
    );
    tools = lastLine(
      runOrThrow("bash", [path.join(REPO_ROOT, "scripts", "python-tools.sh")], REPO_ROOT),
    );
  },
});

/** The program's directory, once written (the type checks run there, in its environment). */
let programDir: string;

const pythonProgram: LanguageProgram = {
  language: "Python",
  project: "ims-python",
  httpRegions: ["cn-beijing", "cn-shenzhen"],
  queueRegion: "cn-hangzhou",
  write(dir) {
    programDir = dir;
    for (const file of ["Pulumi.yaml", "__main__.py"]) {
      fs.copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));
    }
    // The environment Pulumi.yaml names (`virtualenv: venv`), as a user makes it.
    runOrThrow("python3", ["-m", "venv", "venv"], dir);
    runOrThrow(
      path.join(dir, "venv", "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        `pulumi==${PULUMI_PYTHON_VERSION}`,
        wheel,
      ],
      dir,
    );
  },
};

describeProgram(suite, pythonProgram);

describe("type checking the Python program against the SDK's type hints", () => {
  /** mypy from the pinned tools, reading the packages of the program's environment. */
  const mypy = (file: string) =>
    runWithStatus(
      path.join(tools, "bin", "python"),
      [
        "-m",
        "mypy",
        "--python-executable",
        path.join(programDir, "venv", "bin", "python"),
        "--no-incremental",
        "--strict-equality",
        file,
      ],
      programDir,
    );

  test("the example passes mypy", () => {
    const result = mypy("__main__.py");
    expect(result.stdout).toMatch(/^Success: no issues found in 1 source file/m);
    expect(result.status).toBe(0);
  });

  test("mypy reports a property of the wrong type, naming it", () => {
    const source = fs.readFileSync(path.join(programDir, "__main__.py"), "utf8");
    const wrong = source.replace(
      "polling_wait_seconds=20",
      'polling_wait_seconds="twenty seconds"',
    );
    expect(wrong).not.toBe(source);
    fs.writeFileSync(path.join(programDir, "wrong_type.py"), wrong);
    const result = mypy("wrong_type.py");
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/wrong_type\.py:\d+: error: .*"polling_wait_seconds"/);
  });
});

describe("the Python SDK's wheel", () => {
  /** The text of one file of the wheel. */
  const member = (name: string) =>
    runOrThrow(
      path.join(tools, "bin", "python"),
      [
        "-c",
        "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode(), end='')",
        wheel,
        name,
      ],
      REPO_ROOT,
    );
  const distInfo = () => `${path.basename(wheel).split("-").slice(0, 2).join("-")}.dist-info`;
  const metadata = () => member(`${distInfo()}/METADATA`);
  const header = (name: string) =>
    [...metadata().matchAll(new RegExp(`^${name}: (.*)$`, "gm"))].map((m) => m[1]);

  test("is named as the schema says, at this package's version", () => {
    expect(path.basename(wheel)).toBe(`${PYTHON_PACKAGE}-${VERSION}-py3-none-any.whl`);
    expect(header("Name")).toEqual([PYTHON_PACKAGE]);
    expect(header("Version")).toEqual([VERSION]);
  });

  test("depends on the Pulumi SDK with a range that takes the pinned release", () => {
    const pulumi = header("Requires-Dist").filter((r) => /^pulumi\b/.test(r));
    expect(pulumi).toHaveLength(1);
    expect(pulumi[0]).toMatch(/>=\s*3\.\d+/);
    expect(pulumi[0]).toMatch(/<\s*4/);
  });

  test("carries the license, the README and the plugin it asks the engine for", () => {
    const licensed = [...header("License"), ...header("License-Expression")];
    if (SCHEMA.license) expect(licensed).toContain(SCHEMA.license);
    // The README is the long description: the body after the headers.
    expect(metadata().split("\n\n").slice(1).join("\n\n").trim().length).toBeGreaterThan(0);
    const plugin = JSON.parse(member(`${PYTHON_PACKAGE}/pulumi-plugin.json`));
    expect(plugin).toEqual({
      resource: true,
      name: PLUGIN,
      version: VERSION,
      ...(SCHEMA.pluginDownloadURL ? { server: SCHEMA.pluginDownloadURL } : {}),
    });
  });
});

/** Runs a command to completion and returns its status and output (stdout, then stderr). */
function runWithStatus(
  command: string,
  args: string[],
  cwd: string,
): { status: number; stdout: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: `${result.stdout}${result.stderr}` };
}
