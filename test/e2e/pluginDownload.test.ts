/**
 * The plugin as a user without Node.js gets it: `pulumi up` downloads the self-contained executable
 * (`npm run plugin:dist`, Node.js embedded) from the release the schema's `pluginDownloadURL` names,
 * by itself. A local HTTP server serves the built archives at the GitHub release's layout and
 * `PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES` maps `github://api.github.com/<owner>/<repo>` to it;
 * automatic plugin acquisition is on, nothing runs `pulumi plugin install`, and neither the CLI nor
 * the plugin has a `node` on PATH (the PATH given to them is built without one, and checked).
 *
 * A YAML program (the URL in its resource options, as a YAML user writes it) and a Go program on the
 * SDK `scripts/gen-sdks.sh` generates (the URL from the schema, in the SDK's pulumi-plugin.json and
 * resource options) each run `up`, an unchanged preview with no change, `preview --refresh
 * --expect-no-changes` failing on a setting edited in the emulator, and `destroy`, each with its own
 * PULUMI_HOME, into which the CLI unpacked the plugin it downloaded.
 *
 * What goes wrong on the way, and what the user sees: a corrupted archive, an archive whose sha256 is
 * not the one given to `pulumi plugin install --checksum` (automatic acquisition verifies no
 * checksum at CLI v3.248.0: a checksum reaches the engine only from a program's resource options or
 * a language host, and neither the YAML nor the Go SDK can give one), and a platform with no asset.
 *
 * The other five platforms' executables cannot run here: their format (ELF, Mach-O, PE), architecture,
 * embedded blob and size are checked instead, and the checksums file against the archives.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, runPulumi, type CliRun } from "../../scripts/engine";
import {
  archiveName,
  cacheRoot,
  checksumsName,
  ensurePluginArchives,
  executableName,
  findRcodesign,
  hostTarget,
  SEA_FUSE,
  sha256File,
  TARGETS,
  type Target,
} from "../../scripts/plugin-sea";
import type { ImsRegion } from "../../lib/shared/regions";
import { NEVER_CONFIGURED } from "../helpers/emulator";
import { changedResources, E2E_AUTH_KEY, E2E_SECRET_CANARY, startE2E, type E2E } from "./support";

const VERSION: string = require("../../package.json").version;
const PLUGIN = "alicloud-ims-callback";
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  pluginDownloadURL: string;
  language: { go: { importBasePath: string } };
};
const EVENT_TYPES = ["ProduceMediaComplete"];
const urlOf = (region: string) => `https://media.example.com/ims/${region}`;

let archives: string;
let scratch: string;
/** The PATH of the CLI and the plugin: this process's, without any node. */
let noNodePath: string;

/** Runs a command to completion and returns its stdout; throws with its stderr when it fails. */
function runOrThrow(command: string, args: string[], cwd: string, env = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/**
 * A PATH without any `node`: the directories of this process's PATH that hold none, plus one
 * directory of links to everything else in the ones that do.
 */
function pathWithoutNode(): string {
  // One stable directory: Go's build cache keys cgo packages by the C compiler's path, so a new
  // directory each run would rebuild the Pulumi Go SDK each run.
  const shadow = path.join(cacheRoot(), "no-node-bin");
  fs.mkdirSync(shadow, { recursive: true });
  const kept: string[] = [];
  const isNode = (name: string) => /^(node|nodejs|npm|npx|corepack)(\.exe|\.cmd)?$/.test(name);
  for (const entry of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!entry || !fs.existsSync(entry) || !fs.statSync(entry).isDirectory()) continue;
    const names = fs.readdirSync(entry);
    if (!names.some(isNode)) {
      kept.push(entry);
      continue;
    }
    // node_modules/.bin holds only npm tools (and this package's launcher): leave it out.
    if (entry.includes(`${path.sep}node_modules${path.sep}`)) continue;
    for (const name of names) {
      const link = path.join(shadow, name);
      if (isNode(name) || fs.existsSync(link)) continue;
      try {
        fs.symlinkSync(path.join(entry, name), link);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }
  return [...kept, shadow].join(path.delimiter);
}

/** How the release server answers the archive of this machine's platform. */
type ServeMode = "archives" | "corrupted" | "missing";

/** The release's files at the GitHub download layout, and every path asked for. */
interface ReleaseServer {
  readonly base: string;
  readonly requests: string[];
  mode: ServeMode;
  close(): Promise<void>;
}

async function startReleaseServer(dir: string): Promise<ReleaseServer> {
  const prefix = `/releases/download/v${VERSION}/`;
  const hostArchive = archiveName(hostTarget());
  const state = { mode: "archives" as ServeMode, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    state.requests.push(url);
    const file = url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : "";
    const full = path.join(dir, path.basename(file));
    if (!file || file.includes("/") || !fs.existsSync(full)) {
      res.writeHead(404).end("Not Found");
    } else if (file === hostArchive && state.mode === "missing") {
      res.writeHead(404).end("Not Found");
    } else if (file === hostArchive && state.mode === "corrupted") {
      // The first 4 KiB of the gzip stream, served whole: what an interrupted upload leaves.
      const bytes = fs.readFileSync(full).subarray(0, 4096);
      res
        .writeHead(200, { "Content-Type": "application/gzip", "Content-Length": bytes.length })
        .end(bytes);
    } else {
      res.writeHead(200, {
        "Content-Type": "application/gzip",
        "Content-Length": fs.statSync(full).size,
      });
      fs.createReadStream(full).pipe(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/releases/download/v${VERSION}`,
    requests: state.requests,
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The release URL of the schema mapped to the local server, as the CLI reads the variable. */
function downloadOverride(base: string): string {
  const escaped = SCHEMA.pluginDownloadURL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `^${escaped}$=${base}`;
}

/** The plugin the CLI unpacked into a PULUMI_HOME. */
const installedPlugin = (home: string) =>
  path.join(home, "plugins", `resource-${PLUGIN}-v${VERSION}`, executableName(hostTarget()));

beforeAll(async () => {
  // IMS_CALLBACK_PLUGIN_ARCHIVES: archives already built (npm run plugin:dist's output directory).
  archives = process.env.IMS_CALLBACK_PLUGIN_ARCHIVES ?? (await ensurePluginArchives());
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ims-download-"));
  noNodePath = pathWithoutNode();
}, 1_800_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("the release archives of `npm run plugin:dist`", () => {
  /** The single executable of an archive, extracted. */
  function extract(target: Target): { file: string; entries: string[] } {
    const dir = fs.mkdtempSync(path.join(scratch, `${target.name}-`));
    const archive = path.join(archives, archiveName(target));
    const entries = runOrThrow("tar", ["-tzvf", archive], dir).trim().split("\n");
    runOrThrow("tar", ["-xzf", archive, "-C", dir], dir);
    return { file: path.join(dir, executableName(target)), entries };
  }

  /** Format and CPU from the executable's header. */
  function headerOf(file: string): { format: string; arch: string; codeSignature?: boolean } {
    const fd = fs.openSync(file, "r");
    const head = Buffer.alloc(64 * 1024);
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    if (head.readUInt32BE(0) === 0x7f454c46) {
      const machine = head.readUInt16LE(18);
      return { format: "ELF", arch: { 0x3e: "amd64", 0xb7: "arm64" }[machine] ?? `0x${machine}` };
    }
    if (head.readUInt32LE(0) === 0xfeedfacf) {
      const cpu = head.readUInt32LE(4);
      const commands = head.readUInt32LE(16);
      let offset = 32;
      let codeSignature = false;
      for (let i = 0; i < commands; i++) {
        if (head.readUInt32LE(offset) === 0x1d) codeSignature = true; // LC_CODE_SIGNATURE
        offset += head.readUInt32LE(offset + 4);
      }
      const arch = { 0x01000007: "amd64", 0x0100000c: "arm64" }[cpu] ?? `0x${cpu.toString(16)}`;
      return { format: "Mach-O", arch, codeSignature };
    }
    if (head.toString("latin1", 0, 2) === "MZ") {
      const pe = head.readUInt32LE(0x3c);
      expect(head.toString("latin1", pe, pe + 4)).toBe("PE\0\0");
      const machine = head.readUInt16LE(pe + 4);
      return {
        format: "PE",
        arch: { 0x8664: "amd64", 0xaa64: "arm64" }[machine] ?? `0x${machine}`,
      };
    }
    return { format: "unknown", arch: "unknown" };
  }

  test.each(TARGETS.map((t) => [t.name, t] as const))(
    "%s: one executable at the archive root, of the platform's format and CPU, carrying the plugin",
    (_name, target) => {
      const { file, entries } = extract(target);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatch(new RegExp(`^-rwxr-xr-x .* ${executableName(target)}$`));
      const header = headerOf(file);
      expect({ format: header.format, arch: header.arch }).toEqual({
        format: { linux: "ELF", darwin: "Mach-O", windows: "PE" }[target.os],
        arch: target.arch,
      });
      // Node.js with the blob injected: the fuse flipped, the bundled plugin inside.
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(`${SEA_FUSE}:1`)).toBe(true);
      expect(bytes.includes("alicloud-ims-callback:index:EventCallback")).toBe(true);
      // Stock Node.js 22 is 75-125 MB; the bundle adds about 9 MB.
      expect(bytes.length).toBeGreaterThan(70e6);
      expect(bytes.length).toBeLessThan(160e6);
      expect(fs.statSync(path.join(archives, archiveName(target))).size).toBeLessThan(60e6);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  );

  (findRcodesign() ? test : test.skip)(
    "the darwin executables carry an ad-hoc signature over their final content (rcodesign)",
    () => {
      for (const target of TARGETS.filter((t) => t.os === "darwin")) {
        const { file } = extract(target);
        expect(headerOf(file).codeSignature).toBe(true);
        const info = runOrThrow(findRcodesign()!, ["print-signature-info", file], scratch);
        expect(info).toMatch(/adhoc/i);
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    },
  );

  test("the checksums file lists each archive's sha256 as goreleaser writes it", () => {
    const lines = fs.readFileSync(path.join(archives, checksumsName()), "utf8").trim().split("\n");
    expect(lines).toEqual(
      TARGETS.map((t) => archiveName(t))
        .sort()
        .map((file) => `${sha256File(path.join(archives, file))}  ${file}`),
    );
  });
});

/** One program in one language. */
interface DownloadProgram {
  readonly language: string;
  readonly regions: readonly [ImsRegion, ImsRegion];
  /** Writes the program into an empty directory and prepares it. */
  write(dir: string, sdkDir: string): void;
}

const yamlProgram: DownloadProgram = {
  language: "YAML",
  regions: ["cn-beijing", "cn-shenzhen"],
  write(dir) {
    const resources = this.regions.map(
      (region) => `  http-${region}:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${region}
      http:
        url: ${urlOf(region)}
        authKey: \${authKey}
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
    options:
      version: ${VERSION}
      pluginDownloadURL: ${SCHEMA.pluginDownloadURL}
`,
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: ims-yaml
runtime: yaml
config:
  authKey:
    type: string
resources:
${resources.join("")}`,
    );
  },
};

const goProgram: DownloadProgram = {
  language: "Go",
  regions: ["ap-southeast-1", "us-west-1"],
  write(dir, sdkDir) {
    const sdkModule = path.posix.dirname(SCHEMA.language.go.importBasePath);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ims-go\nruntime: go\n");
    fs.writeFileSync(
      path.join(dir, "go.mod"),
      `module example.com/ims-go

go 1.25

require (
\tgithub.com/pulumi/pulumi/sdk/v3 v3.248.0
\t${sdkModule} v${VERSION}
)

replace ${sdkModule} => ${path.join(sdkDir, "go")}
`,
    );
    fs.writeFileSync(
      path.join(dir, "main.go"),
      `package main

import (
\tims "${SCHEMA.language.go.importBasePath}"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
\tpulumi.Run(func(ctx *pulumi.Context) error {
\t\tauthKey := config.RequireSecret(ctx, "ims-go:authKey")
\t\tfor _, region := range []string{${this.regions.map((r) => JSON.stringify(r)).join(", ")}} {
\t\t\t_, err := ims.NewImsCallback(ctx, "http-"+region, &ims.ImsCallbackArgs{
\t\t\t\tRegion:     pulumi.String(region),
\t\t\t\tHttp:       &ims.ImsCallbackHttpTargetArgs{Url: pulumi.String(${JSON.stringify(urlOf(""))} + region), AuthKey: authKey},
\t\t\t\tEventTypes: pulumi.ToStringArray([]string{${EVENT_TYPES.map((e) => JSON.stringify(e)).join(", ")}}),
\t\t\t})
\t\t\tif err != nil {
\t\t\t\treturn err
\t\t\t}
\t\t}
\t\treturn nil
\t})
}
`,
    );
    // go.sum and the first build into the machine's Go build cache, before the first `pulumi up`,
    // with the PATH the CLI gets (the C compiler's path is part of the cache key).
    const env = { ...process.env, PATH: noNodePath };
    runOrThrow("go", ["mod", "tidy"], dir, env);
    runOrThrow("go", ["build", "-o", os.devNull, "."], dir, env);
  },
};

describe("automatic download of the plugin, no Node.js on PATH", () => {
  let e2e: E2E;
  let release: ReleaseServer;
  let sdkDir: string;
  const transcript: string[] = [];
  const record = (s: string) => transcript.push(s);

  /** The engine's environment with a PULUMI_HOME of its own, download on, no node on PATH. */
  const envFor = (home: string): Record<string, string> => ({
    ...e2e.engine.env,
    PULUMI_HOME: home,
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: downloadOverride(release.base),
    PATH: `${path.join(e2e.engine.root, "bin")}${path.delimiter}${noNodePath}`,
  });

  beforeAll(async () => {
    e2e = await startE2E({ credentialsIn: "env" });
    release = await startReleaseServer(archives);
    sdkDir = runOrThrow(
      "bash",
      [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), path.join(scratch, "sdk")],
      REPO_ROOT,
      { ...process.env, SDK_LANGUAGES: "go" },
    )
      .trim()
      .split("\n")
      .pop()!;
  }, 1_800_000);

  afterAll(async () => {
    await release?.close();
    await e2e?.dispose();
  });

  test("the PATH given to the CLI and the plugin has no node", () => {
    const which = spawnSync("sh", ["-c", "command -v node nodejs || true"], {
      env: { PATH: envFor(scratch).PATH },
      encoding: "utf8",
    });
    expect(which.stdout.trim()).toBe("");
    expect(
      spawnSync("sh", ["-c", "command -v pulumi go"], {
        env: { PATH: envFor(scratch).PATH },
        encoding: "utf8",
      }).stdout.trim(),
    ).not.toBe("");
  });

  describe.each([yamlProgram, goProgram])("a $language program", (program) => {
    let dir: string;
    let home: string;
    let stack: Stack;
    const pulumi = (args: string[]): Promise<CliRun> =>
      runPulumi(dir, [...args, "--stack", "dev", "--non-interactive"], envFor(home), record);
    let declared: Record<string, string>;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(scratch, `${program.language.toLowerCase()}-`));
      home = path.join(dir, ".pulumi-home");
      program.write(dir, sdkDir);
      stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", workDir: dir },
        { pulumiCommand: e2e.engine.command, envVars: envFor(home) },
      );
      await stack.setConfig(`ims-${program.language.toLowerCase()}:authKey`, {
        value: E2E_AUTH_KEY,
        secret: true,
      });
      await stack.setAllConfig({ [`${PLUGIN}:protocol`]: { value: "HTTP" } });
      release.mode = "archives";
      release.requests.length = 0;
    }, 1_800_000);

    test("up downloads the plugin, unpacks it into PULUMI_HOME and sets both regions", async () => {
      expect(fs.existsSync(installedPlugin(home))).toBe(false);
      const up = await pulumi(["up", "--yes", "--skip-preview"]);
      expect(up.stderr + up.stdout).not.toMatch(/error:/);
      expect(up.code).toBe(0);
      expect(release.requests).toContain(
        `/releases/download/v${VERSION}/${archiveName(hostTarget())}`,
      );
      // The executable the archive holds, not a launcher: no Node.js was needed to run it.
      const installed = installedPlugin(home);
      expect(fs.statSync(installed).size).toBeGreaterThan(70e6);
      for (const region of program.regions) {
        expect(await e2e.live(region)).toMatchObject({
          CallbackType: "HTTP",
          CallbackURL: urlOf(region),
          AuthSwitch: "on",
          AuthKey: E2E_AUTH_KEY,
        });
      }
    });

    test("an unchanged preview shows no change", async () => {
      const events = e2e.collectEvents();
      await stack.preview({ onEvent: events });
      expect(changedResources(e2e.events())).toEqual([]);
      const preview = await pulumi(["preview", "--diff", "--expect-no-changes"]);
      expect(preview.code).toBe(0);
      expect(preview.stdout).not.toMatch(/^\s*~ /m);
    });

    test("preview --refresh --expect-no-changes catches a setting edited in the emulator", async () => {
      const region = program.regions[0];
      declared = await e2e.live(region);
      await e2e.editInConsole(region, { CallbackURL: "https://console.example.com/edited" });
      const preview = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout).toMatch(/~ callbackUrl\s*:/);
      await e2e.editInConsole(region, declared);
    });

    test("destroy restores both regions", async () => {
      const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
      expect(destroy.code).toBe(0);
      for (const region of program.regions)
        expect(await e2e.live(region)).toEqual(NEVER_CONFIGURED);
      // One download for the whole lifecycle: later runs used the unpacked plugin.
      expect(release.requests.filter((r) => r.endsWith(archiveName(hostTarget())))).toHaveLength(1);
    });
  });

  describe("what the user sees when the download goes wrong", () => {
    let dir: string;
    const attempt = async (mode: ServeMode, name: string): Promise<CliRun & { home: string }> => {
      if (!dir) {
        dir = fs.mkdtempSync(path.join(scratch, "failures-"));
        yamlProgram.write(dir, sdkDir);
      }
      const home = path.join(scratch, `home-${name}`);
      release.mode = mode;
      const env = envFor(home);
      await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", workDir: dir },
        { pulumiCommand: e2e.engine.command, envVars: env },
      );
      for (const args of [
        ["--secret", "authKey", E2E_AUTH_KEY],
        [`${PLUGIN}:protocol`, "HTTP"],
      ]) {
        runOrThrow(
          path.join(e2e.engine.root, "bin", "pulumi"),
          ["config", "set", ...args, "--stack", "dev"],
          dir,
          { ...process.env, ...env },
        );
      }
      const run = await runPulumi(dir, ["preview", "--stack", "dev", "--non-interactive"], env);
      return { ...run, home };
    };

    afterEach(() => {
      release.mode = "archives";
    });

    test("a platform with no asset: the URL that answered 404 and the plugin's name and version", async () => {
      const run = await attempt("missing", "missing");
      expect(run.code).not.toBe(0);
      const output = run.stdout + run.stderr;
      expect(output).toContain(`404 HTTP error fetching plugin from ${release.base}/`);
      expect(output).toContain(archiveName(hostTarget()));
      expect(output).toMatch(new RegExp(`${PLUGIN}.*${VERSION.replace(/\./g, "\\.")}`));
      expect(fs.existsSync(installedPlugin(run.home))).toBe(false);
    });

    test("a corrupted archive: the unpacking error; the next run downloads it again", async () => {
      const run = await attempt("corrupted", "corrupted");
      expect(run.code).not.toBe(0);
      const output = run.stdout + run.stderr;
      expect(output).toContain(
        `Could not automatically download and install resource plugin 'pulumi-resource-${PLUGIN}' at version v${VERSION}`,
      );
      expect(output).toMatch(/unexpected EOF/);
      // Left marked partial, so the CLI does not take it for installed...
      const pluginDir = path.dirname(installedPlugin(run.home));
      expect(fs.existsSync(`${pluginDir}.partial`)).toBe(true);
      // ...and once the release is fixed, the same command simply works.
      release.mode = "archives";
      const again = await runPulumi(
        dir,
        ["preview", "--stack", "dev", "--non-interactive"],
        envFor(run.home),
      );
      expect(again.stderr).not.toMatch(/error:/);
      expect(again.code).toBe(0);
      expect(fs.existsSync(`${pluginDir}.partial`)).toBe(false);
    });

    test("a checksum mismatch: `pulumi plugin install --checksum` names the expected and actual sha256, installs nothing", async () => {
      const home = path.join(scratch, "home-checksum");
      const sums = fs.readFileSync(path.join(archives, checksumsName()), "utf8");
      const other = TARGETS.find((t) => t.name !== hostTarget().name)!;
      const otherSum = sums
        .split("\n")
        .find((line) => line.endsWith(`  ${archiveName(other)}`))!
        .split(" ")[0];
      // Asynchronously: the release server answers from this process.
      const wrong = await runPulumi(
        scratch,
        [
          "plugin",
          "install",
          "resource",
          PLUGIN,
          VERSION,
          "--server",
          SCHEMA.pluginDownloadURL,
        ].concat(["--checksum", otherSum, "--non-interactive"]),
        envFor(home),
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(
        new RegExp(
          `${PLUGIN}-${VERSION}: invalid checksum, expected ${otherSum}, actual [0-9a-f]{64}`,
        ),
      );
      expect(fs.existsSync(installedPlugin(home))).toBe(false);
      // What docs/languages.md tells a user who wants the check: the checksums file's line for the
      // archive downloaded (sha256sum -c), then an install from the file.
      const download = path.join(scratch, archiveName(hostTarget()));
      const response = await fetch(`${release.base}/${archiveName(hostTarget())}`);
      fs.writeFileSync(download, Buffer.from(await response.arrayBuffer()));
      expect(sums).toContain(`${sha256File(download)}  ${archiveName(hostTarget())}\n`);
      runOrThrow(
        path.join(e2e.engine.root, "bin", "pulumi"),
        ["plugin", "install", "resource", PLUGIN, VERSION, "--file", download, "--non-interactive"],
        scratch,
        { ...process.env, ...envFor(home) },
      );
      expect(fs.existsSync(installedPlugin(home))).toBe(true);
    });
  });

  test("no secret appears in the output", () => {
    const text = transcript.join("");
    expect(text).not.toContain(E2E_AUTH_KEY);
    expect(text).not.toContain(E2E_SECRET_CANARY);
  });
});
