/**
 * The package as users meet it: `npm pack` once (the package and the emulator package), a fresh
 * project directory per example with the tarballs installed (no link to this repository, no
 * self-dependency), and the Pulumi CLI binary
 * with its Node.js language host driven exactly as a person types it — `stack init`, `config set`
 * (secrets with `--secret`), `up`, `preview --refresh --expect-no-changes`, drift made through the
 * emulator, `up --refresh`, `destroy` — against the IMS emulator. The README's CLI walkthrough is
 * run command by command.
 *
 * Does not prove: the alicloud resource plugin (the stacks here create no queue or RAM resource:
 * existing queues, authorization "skip"), or the real IMS API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ensurePulumiCli,
  hasLanguageHost,
  offlineEnv,
  REPO_ROOT,
  runPulumi,
  type CliRun,
} from "../../scripts/engine";
import {
  EmulatorAdminClient,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import { countCalls, NEVER_CONFIGURED } from "../helpers/emulator";
import { E2E_ACCESS_KEY_ID, E2E_ACCOUNT_ID, E2E_AUTH_KEY, E2E_SECRET_CANARY } from "./support";
import {
  createProject,
  EMULATOR_PACKAGE_NAME,
  freePortRange,
  npmCacheDir,
  PACKAGE_NAME,
  readTryIt,
  sh,
  stageCheckout,
  withPorts,
  type PackedTarballs,
  type TryItWalkthrough,
} from "./packedPackage";

const cliRoot = ensurePulumiCli();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ims-projects-"));
const stage = path.join(scratch, "checkout");
const timings: string[] = [];
const time = (label: string, ms: number) => timings.push(`${label}: ${(ms / 1000).toFixed(1)} s`);
const suiteStarted = Date.now();

/** This process's environment without anything that would point a run elsewhere. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && !/^(PULUMI_|ALIBABA_CLOUD_|ALICLOUD_|IMS_CALLBACK_|npm_)/i.test(e[0]),
    ),
  );
}

let walkthrough: TryItWalkthrough;
let tarballs: PackedTarballs;

beforeAll(async () => {
  expect(hasLanguageHost(cliRoot)).toBe(true);
  fs.mkdirSync(stage);
  stageCheckout(stage);
  walkthrough = readTryIt(fs.readFileSync(path.join(stage, "README.md"), "utf8"));
  // The walkthrough's first command packs the package and the emulator package; it is this run's
  // one `npm pack`.
  expect(walkthrough.setup[0]).toBe("npm pack --workspaces --include-workspace-root");
  const pack = await sh(walkthrough.setup[0], stage, cleanEnv());
  time("npm pack (prepack: clean build from the source)", pack.ms);
  expect({ code: pack.code, output: pack.code === 0 ? "" : pack.output }).toEqual({
    code: 0,
    output: "",
  });
  const version = (manifest: string) =>
    (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, manifest), "utf8")) as { version: string })
      .version;
  tarballs = {
    main: path.join(stage, `${PACKAGE_NAME}-${version("package.json")}.tgz`),
    emulator: path.join(
      stage,
      `${EMULATOR_PACKAGE_NAME}-${version("packages/emulator/package.json")}.tgz`,
    ),
  };
  expect(fs.existsSync(tarballs.main)).toBe(true);
  expect(fs.existsSync(tarballs.emulator)).toBe(true);
}, 900_000);

afterAll(() => {
  time("packed-package suite, total", Date.now() - suiteStarted);
  process.stderr.write(`\n[projects] timings\n  ${timings.join("\n  ")}\n`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

test("the README's CLI walkthrough runs as written: npm install, the emulator, stack init, up, a clean preview --refresh, destroy", async () => {
  const base = await freePortRange(7);
  // The environment a person has, plus a private PULUMI_HOME (CLI settings, workspaces) and npm's
  // cache of the main install.
  const env = {
    ...cleanEnv(),
    PULUMI_HOME: path.join(scratch, "readme-pulumi-home"),
    npm_config_cache: await npmCacheDir(),
    npm_config_prefer_offline: "true",
    npm_config_audit: "false",
    npm_config_fund: "false",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PATH: `${path.join(cliRoot, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  };
  const setup = await sh(
    `set -euo pipefail\n${walkthrough.setup.slice(1).join("\n")}\npwd`,
    stage,
    env,
  );
  time("README walkthrough: npm install of the example", setup.ms);
  expect({ code: setup.code, output: setup.code === 0 ? "" : setup.output }).toEqual({
    code: 0,
    output: "",
  });
  const projectDir = setup.output.trim().split("\n").pop()!;
  expect(path.relative(stage, projectDir)).toBe(path.join("examples", "multi-region"));
  expectInstalledFromTarball(projectDir);
  expectInstalledFromTarball(projectDir, EMULATOR_PACKAGE_NAME);

  const emulator = await startCommand(
    withPorts(walkthrough.emulator, base),
    projectDir,
    env,
    /is listening/,
  );
  try {
    const script = `set -euo pipefail -x\n${walkthrough.commands.map((c) => withPorts(c, base)).join("\n")}`;
    const run = await sh(script, projectDir, env);
    time("README walkthrough: the Pulumi commands", run.ms);
    expect({ code: run.code, tail: run.code === 0 ? "" : run.output.slice(-4000) }).toEqual({
      code: 0,
      tail: "",
    });
    expect(run.output).toMatch(/\+ 5 created/);
    expect(run.output).toMatch(/- 5 deleted/);
    const admin = new EmulatorAdminClient(`http://127.0.0.1:${base + 6}`);
    // up wrote both regions once, destroy cleared both: IMS is as before.
    expect(countCalls(await admin.getCounters()).set).toBe(4);
    for (const region of ["cn-shanghai", "cn-hangzhou"]) {
      expect({ region, events: (await admin.getSetting(region))?.EventTypeList ?? "" }).toEqual({
        region,
        events: "",
      });
    }
  } finally {
    stopCommand(emulator);
  }
});

/** One stack of an example project, and the drift the suite makes in it. */
interface StackCase {
  readonly stack: string;
  /** `pulumi config set` arguments, as typed (after the stack's own Pulumi.<stack>.yaml). */
  readonly config: string[][];
  /** What each region holds after `up` (wire fields). */
  readonly live: Record<string, Record<string, string>>;
  /** Resources in the stack (for "N unchanged"). */
  readonly resources: number;
  /** The out-of-band edit and the property the drift preview must name. */
  readonly drift: { region: string; fields: Record<string, string>; property: string };
}

const credentials = [
  ["alicloud:accessKey", E2E_ACCESS_KEY_ID],
  ["--secret", "alicloud:secretKey", E2E_SECRET_CANARY],
];

describe.each<[string, StackCase[]]>([
  [
    "http-callback",
    [
      {
        stack: "dev",
        config: [...credentials, ["--secret", "ims:authKey", E2E_AUTH_KEY]],
        live: {
          "cn-shanghai": {
            CallbackType: "HTTP",
            CallbackURL: "https://media.example.com/ims/events",
            EventTypeList: "FileUploadComplete,MediaConvertComplete,ProduceMediaComplete",
            AuthSwitch: "on",
          },
        },
        resources: 3,
        drift: {
          region: "cn-shanghai",
          fields: { CallbackURL: "https://someone-else.example.net/hook" },
          property: "callbackUrl",
        },
      },
    ],
  ],
  [
    "multi-region",
    [
      {
        stack: "dev",
        config: [...credentials, ["--secret", "ims:authKey", E2E_AUTH_KEY]],
        live: {
          "cn-shanghai": {
            CallbackType: "HTTP",
            CallbackURL: "https://dev.media.example.com/ims/cn-shanghai",
            EventTypeList: "MediaConvertComplete,ProduceMediaComplete",
            AuthSwitch: "on",
          },
          "cn-hangzhou": {
            CallbackType: "HTTP",
            CallbackURL: "https://dev.media.example.com/ims/cn-hangzhou",
            EventTypeList: "FileUploadComplete,ProduceMediaComplete",
            AuthSwitch: "on",
          },
        },
        resources: 5,
        drift: {
          region: "cn-hangzhou",
          fields: { EventTypeList: "ProduceMediaComplete" },
          property: "eventTypes",
        },
      },
      {
        // prod's queues and RAM are managed elsewhere here, so no alicloud resource is involved.
        stack: "prod",
        config: [...credentials, ["ims:manageQueues", "false"]],
        live: {
          "cn-beijing": {
            CallbackType: "MNS",
            CallbackQueueName: "ice-callback-prod-beijing",
            EventTypeList: "AIMediaAuditComplete,MediaConvertComplete,ProduceMediaComplete",
          },
          "cn-shenzhen": {
            CallbackType: "MNS",
            CallbackQueueName: "ice-callback-prod-shenzhen",
            EventTypeList: "MediaConvertComplete,ProduceMediaComplete",
          },
          "ap-southeast-1": {
            CallbackType: "MNS",
            CallbackQueueName: "ice-callback-prod-singapore",
            EventTypeList: "ProduceMediaComplete",
          },
        },
        resources: 7,
        drift: {
          region: "cn-shenzhen",
          fields: { CallbackQueueName: "ice-callback-someone-else" },
          property: "queueName",
        },
      },
    ],
  ],
  [
    "mns-queue",
    [
      {
        stack: "dev",
        config: [
          ...credentials,
          ["ims:existingQueueName", "ice-callback-mine"],
          ["ims:authorization", "skip"],
        ],
        live: {
          "cn-hangzhou": {
            CallbackType: "MNS",
            CallbackQueueName: "ice-callback-mine",
            EventTypeList: "MediaConvertComplete,ProduceMediaComplete",
            AuthSwitch: "off",
          },
        },
        resources: 3,
        drift: {
          region: "cn-hangzhou",
          fields: { EventTypeList: "ProduceMediaComplete,SnapshotComplete" },
          property: "eventTypes",
        },
      },
    ],
  ],
])("examples/%s as a user's project, from the packed package", (example, stacks) => {
  let emulator: EmulatorHandle;
  let projectDir: string;
  let env: Record<string, string>;
  const outputs: string[] = [];
  const pulumi = async (stack: string, ...args: string[]): Promise<CliRun> => {
    const run = await runPulumi(projectDir, [...args, "--stack", stack, "--non-interactive"], env);
    outputs.push(run.stdout, run.stderr);
    return run;
  };
  const ok = (run: CliRun) => ({
    code: run.code,
    error: run.code === 0 ? "" : `${run.stdout.slice(-3000)}\n${run.stderr}`,
  });
  const live = async (region: string) => ({
    ...NEVER_CONFIGURED,
    ...(await emulator.getSetting(region, E2E_ACCOUNT_ID)),
  });

  beforeAll(async () => {
    emulator = await startEmulator({
      accounts: [
        {
          accountId: E2E_ACCOUNT_ID,
          accessKeys: [{ id: E2E_ACCESS_KEY_ID, secret: E2E_SECRET_CANARY }],
        },
      ],
    });
    const dir = fs.mkdtempSync(path.join(scratch, `${example}-`));
    projectDir = path.join(dir, "project");
    env = {
      ...cleanEnv(),
      ...offlineEnv(cliRoot, path.join(dir, "state")),
      PULUMI_CONFIG_PASSPHRASE: "e2e passphrase",
    };
    const install = await createProject(example, tarballs, projectDir, {
      ...cleanEnv(),
      npm_config_cache: await npmCacheDir(),
    });
    time(`npm install --prefer-offline (${example})`, install.ms);
    expect({ code: install.code, output: install.code === 0 ? "" : install.output }).toEqual({
      code: 0,
      output: "",
    });
    expectInstalledFromTarball(projectDir);
  }, 900_000);

  afterAll(async () => {
    await emulator?.close();
  });

  for (const c of stacks) {
    const regions = Object.keys(c.live);
    let started = 0;

    test(`${c.stack}: stack init and config set, as typed`, async () => {
      started = Date.now();
      expect(ok(await pulumi(c.stack, "stack", "init"))).toEqual({ code: 0, error: "" });
      for (const args of c.config)
        expect(ok(await pulumi(c.stack, "config", "set", ...args))).toEqual({ code: 0, error: "" });
      for (const region of regions) {
        const endpoint = emulator.endpoints[region as keyof typeof emulator.endpoints];
        expect(
          ok(
            await pulumi(
              c.stack,
              "config",
              "set",
              "--path",
              `ims-callback:endpoints.${region}`,
              endpoint,
            ),
          ),
        ).toEqual({ code: 0, error: "" });
      }
    });

    test(`${c.stack}: up applies the declared settings, with no undefined stack outputs`, async () => {
      const up = await pulumi(c.stack, "up", "--yes");
      expect(ok(up)).toEqual({ code: 0, error: "" });
      expect(`${up.stdout}${up.stderr}`).not.toMatch(/Undefined value/);
      for (const region of regions)
        expect({ region, ...(await live(region)) }).toMatchObject({ region, ...c.live[region] });
    });

    test(`${c.stack}: preview of an unchanged stack shows no change: no [unknown], no ~`, async () => {
      const preview = await pulumi(c.stack, "preview", "--diff");
      expect(ok(preview)).toEqual({ code: 0, error: "" });
      expect(preview.stdout).not.toContain("[unknown]");
      expect(preview.stdout.split("\n").filter((line) => line.includes("~"))).toEqual([]);
      expect(preview.stdout).toMatch(
        new RegExp(`Resources:\\s+${c.resources} unchanged\\s*$`, "m"),
      );
    });

    test(`${c.stack}: preview --refresh --expect-no-changes exits 0, then fails naming the property changed through the emulator`, async () => {
      expect(ok(await pulumi(c.stack, "preview", "--refresh", "--expect-no-changes"))).toEqual({
        code: 0,
        error: "",
      });
      await emulator.putSetting(c.drift.region, c.drift.fields, E2E_ACCOUNT_ID);
      const drifted = await pulumi(c.stack, "preview", "--refresh", "--expect-no-changes");
      expect(drifted.code).not.toBe(0);
      expect(drifted.stdout).toContain(`[diff: ~${c.drift.property}]`);
      expect(drifted.stderr).toContain("no changes were expected");
    });

    test(`${c.stack}: up --refresh puts the declared setting back`, async () => {
      expect(ok(await pulumi(c.stack, "up", "--refresh", "--yes"))).toEqual({ code: 0, error: "" });
      expect({ region: c.drift.region, ...(await live(c.drift.region)) }).toMatchObject({
        region: c.drift.region,
        ...c.live[c.drift.region],
      });
      expect(ok(await pulumi(c.stack, "preview", "--refresh", "--expect-no-changes"))).toEqual({
        code: 0,
        error: "",
      });
    });

    test(`${c.stack}: destroy leaves the regions as they were`, async () => {
      expect(ok(await pulumi(c.stack, "destroy", "--yes"))).toEqual({ code: 0, error: "" });
      for (const region of regions)
        expect({ region, ...(await live(region)) }).toEqual({ region, ...NEVER_CONFIGURED });
      time(`${example} ${c.stack}: CLI steps`, Date.now() - started);
    });
  }

  test("no auth key or AccessKey secret in any CLI output or state file", () => {
    const stateFiles = listFiles(path.join(path.dirname(projectDir), "state"));
    const places: Array<[string, string]> = [
      ["CLI output", outputs.join("\n")],
      ...stateFiles.map((f): [string, string] => [f, fs.readFileSync(f, "utf8")]),
    ];
    expect(outputs.join("").length).toBeGreaterThan(1000);
    for (const [where, text] of places) {
      expect({
        where,
        key: text.includes(E2E_AUTH_KEY),
        secret: text.includes(E2E_SECRET_CANARY),
      }).toEqual({ where, key: false, secret: false });
    }
  });
});

/**
 * A package in the project is the tarball's copy: a real directory, no link, no self-dependency.
 * The package holds the runtime and no emulator code; the emulator package holds its command.
 */
function expectInstalledFromTarball(projectDir: string, name = PACKAGE_NAME): void {
  const installed = path.join(projectDir, "node_modules", name);
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(path.relative(REPO_ROOT, fs.realpathSync(installed)).startsWith("..")).toBe(true);
  if (name === PACKAGE_NAME) {
    expect(fs.existsSync(path.join(installed, "dist", "runtime", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "dist", "emulator"))).toBe(false);
  } else {
    expect(fs.existsSync(path.join(installed, "dist", "cli.js"))).toBe(true);
  }
  expect(fs.existsSync(path.join(installed, "node_modules", name))).toBe(false);
  const lock = JSON.parse(fs.readFileSync(path.join(projectDir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { resolved?: string }>;
  };
  expect(lock.packages[`node_modules/${name}`].resolved).toMatch(/\.tgz$/);
}

/** Starts a long-running command (a second terminal) and waits until its output matches `ready`. */
async function startCommand(
  command: string,
  cwd: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn("bash", ["-c", command], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`"${command}" not ready after 120 s:\n${output}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`"${command}" exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/** Stops what {@link startCommand} started: its whole process group (npx runs the emulator as a child). */
function stopCommand(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
