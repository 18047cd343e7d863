/**
 * The SDKs generated from schema.json (`npm run sdk`, scripts/gen-sdks.sh): the Go SDK builds and vets
 * against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, the Python SDK byte-compiles, the
 * Java SDK has its Maven build, the C# SDK is generated with its project file; each asks the engine for
 * the plugin at this package's version and names the plugin's download URL. The SDKs are not
 * committed, so there is nothing to drift: every run generates them from the current schema.
 *
 * Programs on them run in languages.test.ts (Go), languagesPython.test.ts (the Python wheel) and
 * languagesJava.test.ts (the Java jar). What none proves: that the C# SDK compiles (no .NET SDK and no
 * NuGet on the build machines).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";

const VERSION: string = require("../../package.json").version;
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  name: string;
  license?: string;
  pluginDownloadURL?: string;
  resources: Record<string, unknown>;
  language: {
    go: { importBasePath: string };
    python?: { packageName?: string };
    java?: { basePackage?: string };
    csharp?: { rootNamespace?: string };
  };
};
/** What each SDK's pulumi-plugin.json (Java: plugin.json in the jar) says. */
const PLUGIN_JSON = {
  resource: true,
  name: "alicloud-ims-callback",
  version: VERSION,
  ...(SCHEMA.pluginDownloadURL ? { server: SCHEMA.pluginDownloadURL } : {}),
};
/** The Python package's name: the schema's, or the generator's default (`pulumi_<name>`). */
const PYTHON_PACKAGE =
  SCHEMA.language.python?.packageName ?? `pulumi_${SCHEMA.name.replace(/-/g, "_")}`;

let out: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "ims-sdks-"));
  run("bash", [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), out], REPO_ROOT, {
    SDK_LANGUAGES: "go python java dotnet",
  });
}, 1_800_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
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
    expect(plugin).toEqual(PLUGIN_JSON);
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
    expect(plugin).toEqual(PLUGIN_JSON);
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

/** The files under `dir`, recursively, relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((file) =>
    fs.statSync(path.join(dir, file)).isFile(),
  );
}

describe("the Java SDK", () => {
  test("has a class for every resource of the schema under the schema's base package", () => {
    const base = (SCHEMA.language.java?.basePackage ?? "com.pulumi").replace(/\./g, "/");
    const files = filesUnder(path.join(out, "java", "src", "main", "java"));
    for (const name of resourceNames()) {
      expect(
        files.some((file) => file.startsWith(`${base}/`) && file.endsWith(`/${name}.java`)),
      ).toBe(true);
    }
  });

  test("has a Maven build at this package's version and the plugin.json the Java host reads", () => {
    const javaDir = path.join(out, "java");
    const pom = fs.readFileSync(path.join(javaDir, "pom.xml"), "utf8");
    expect(pom).toContain(`<artifactId>${SCHEMA.name}</artifactId>`);
    expect(pom).toContain(`<version>${VERSION}</version>`);
    const pluginJson = filesUnder(path.join(javaDir, "src", "main", "resources")).find((file) =>
      file.endsWith("/plugin.json"),
    );
    expect(pluginJson).toBeDefined();
    expect(
      JSON.parse(
        fs.readFileSync(path.join(javaDir, "src", "main", "resources", pluginJson!), "utf8"),
      ),
    ).toEqual(PLUGIN_JSON);
  });
});

describe("the C# SDK (generated only: no .NET SDK here to compile it)", () => {
  test("has a class for every resource, a project file at this version and the plugin's JSON", () => {
    const dotnetDir = path.join(out, "dotnet");
    const files = fs.readdirSync(dotnetDir);
    for (const name of resourceNames()) expect(files).toContain(`${name}.cs`);
    const project = files.find((file) => file.endsWith(".csproj"));
    expect(project).toBeDefined();
    const csproj = fs.readFileSync(path.join(dotnetDir, project!), "utf8");
    expect(csproj).toContain(`<Version>${VERSION}</Version>`);
    expect(csproj).toMatch(/<PackageReference Include="Pulumi" Version="\[[\d.]+,4\)"/);
    if (SCHEMA.license)
      expect(csproj).toContain(
        `<PackageLicenseExpression>${SCHEMA.license}</PackageLicenseExpression>`,
      );
    expect(JSON.parse(fs.readFileSync(path.join(dotnetDir, "pulumi-plugin.json"), "utf8"))).toEqual(
      PLUGIN_JSON,
    );
  });
});
