/**
 * Programs in other languages through the provider plugin, as a user without npm runs them: a YAML
 * program (`runtime: yaml`) and a Go program on the Go SDK generated from schema.json, each in a fresh
 * directory that holds only the program, with the plugin installed from the packed release artifact
 * (`pulumi plugin install resource alicloud-ims-callback <version> --file <tarball>`) into the stack's
 * PULUMI_HOME, and the real alicloud plugin for the queue method. Each program declares `ImsCallback`
 * twice with the HTTP method (two regions) and once with the queue method (a third region); each goes
 * through `up`, an unchanged preview with no change at all, `preview --refresh --expect-no-changes`
 * failing on a setting edited in the emulator, and `destroy` restoring every region.
 *
 * What it does not prove: Python, .NET and Java programs (their SDKs cannot be installed here; the
 * Python SDK is byte-compiled in languagesSdk.test.ts).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, runPulumi, type CliRun } from "../../scripts/engine";
import type { ImsRegion } from "../../lib/shared/regions";
import { NEVER_CONFIGURED } from "../helpers/emulator";
import {
  changedResources,
  E2E_ACCOUNT_ID,
  E2E_AUTH_KEY,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
} from "./support";
import { installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";

const VERSION: string = require("../../package.json").version;
const PLUGIN = "alicloud-ims-callback";
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  language: { go: { importBasePath: string } };
};
const EVENT_TYPES = ["ProduceMediaComplete", "MediaConvertComplete"];

/** One program in one language, in the regions it owns in the shared emulator. */
interface LanguageProgram {
  readonly language: string;
  readonly httpRegions: readonly [ImsRegion, ImsRegion];
  readonly queueRegion: ImsRegion;
  /** Writes the program into an empty directory and prepares it (module download, first build). */
  write(dir: string, sdkDir: string): void;
}

/** The URL a program declares for an HTTP region. */
const urlOf = (region: string) => `https://media.example.com/ims/${region}`;

const yamlProgram: LanguageProgram = {
  language: "YAML",
  httpRegions: ["cn-beijing", "cn-shenzhen"],
  queueRegion: "cn-hangzhou",
  write(dir) {
    const http = this.httpRegions.map(
      (region) => `  http-${region}:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${region}
      http:
        url: ${urlOf(region)}
        authKey: \${authKey}
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
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
${http.join("")}  queued:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${this.queueRegion}
      queue:
        options:
          pollingWaitSeconds: 20
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
outputs:
  queueName: \${queued.queueName}
`,
    );
  },
};

const goProgram: LanguageProgram = {
  language: "Go",
  httpRegions: ["ap-southeast-1", "us-west-1"],
  queueRegion: "cn-shanghai",
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
\t\teventTypes := pulumi.ToStringArray([]string{${EVENT_TYPES.map((e) => JSON.stringify(e)).join(", ")}})
\t\tfor _, region := range []string{${this.httpRegions.map((r) => JSON.stringify(r)).join(", ")}} {
\t\t\t_, err := ims.NewImsCallback(ctx, "http-"+region, &ims.ImsCallbackArgs{
\t\t\t\tRegion:     pulumi.String(region),
\t\t\t\tHttp:       &ims.ImsCallbackHttpTargetArgs{Url: pulumi.String(${JSON.stringify(urlOf(""))} + region), AuthKey: authKey},
\t\t\t\tEventTypes: eventTypes,
\t\t\t})
\t\t\tif err != nil {
\t\t\t\treturn err
\t\t\t}
\t\t}
\t\tqueued, err := ims.NewImsCallback(ctx, "queued", &ims.ImsCallbackArgs{
\t\t\tRegion:     pulumi.String(${JSON.stringify(this.queueRegion)}),
\t\t\tQueue:      &ims.ImsCallbackQueueTargetArgs{Options: &ims.ImsCallbackQueueOptionsArgs{PollingWaitSeconds: pulumi.Float64(20)}},
\t\t\tEventTypes: eventTypes,
\t\t})
\t\tif err != nil {
\t\t\treturn err
\t\t}
\t\tctx.Export("queueName", queued.QueueName)
\t\treturn nil
\t})
}
`,
    );
    // go.sum, and the first build of the program and the Pulumi Go SDK into the machine's Go build
    // cache (minutes the first time), here rather than inside the first `pulumi up`.
    runOrThrow("go", ["mod", "tidy"], dir);
    runOrThrow("go", ["build", "-o", os.devNull, "."], dir);
  },
};

let e2e: E2E;
let scratch: string;
let sdkDir: string;
const transcript: string[] = [];
const record = (s: string) => transcript.push(s);

/** Runs a command to completion and returns its stdout; throws with its stderr when it fails. */
function runOrThrow(command: string, args: string[], cwd: string, env = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** The last line a script printed on stdout (the tool scripts print their result there). */
const lastLine = (stdout: string) => stdout.trim().split("\n").pop()!;

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
  // The plugin installed from the artifact, never a launcher on PATH (this checkout's package.json
  // links one into node_modules/.bin, which npm scripts and jest put on PATH).
  e2e.engine.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ims-languages-"));
  const tarball = lastLine(
    runOrThrow("bash", [path.join(REPO_ROOT, "scripts", "plugin-artifact.sh"), scratch], REPO_ROOT),
  );
  runOrThrow(
    path.join(e2e.engine.root, "bin", "pulumi"),
    ["plugin", "install", "resource", PLUGIN, VERSION, "--file", tarball, "--non-interactive"],
    scratch,
    { ...process.env, ...e2e.engine.env },
  );
  installAlicloudPlugin(e2e.engine);
  sdkDir = lastLine(
    runOrThrow(
      "bash",
      [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), path.join(scratch, "sdk")],
      REPO_ROOT,
      { ...process.env, SDK_LANGUAGES: "go" },
    ),
  );
}, 1_800_000);

afterAll(async () => {
  await e2e?.dispose();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe.each([yamlProgram, goProgram])("a $language program in a fresh directory", (program) => {
  let dir: string;
  let stack: Stack;
  const regions = [...program.httpRegions, program.queueRegion];
  const pulumi = (args: string[]): Promise<CliRun> =>
    runPulumi(dir, [...args, "--stack", "dev", "--non-interactive"], e2e.engine.env, record);
  let queueName: string;
  let declared: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(scratch, `${program.language.toLowerCase()}-`));
    program.write(dir, sdkDir);
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "dev", workDir: dir },
      { pulumiCommand: e2e.engine.command, envVars: e2e.engine.env },
    );
    await stack.setConfig(`ims-${program.language.toLowerCase()}:authKey`, {
      value: E2E_AUTH_KEY,
      secret: true,
    });
    await e2e.useStackCredentials(stack);
    await pointAlicloudAtEmulator(stack, e2e, program.queueRegion);
    // The plugin receives only its own configuration: the queue guard's Mns-open endpoint as well.
    const emulatorHost = new URL(e2e.emulator.endpoints[program.queueRegion]).host;
    await stack.setAllConfig({
      [`${PLUGIN}:mnsOpenEndpoint`]: { value: emulatorHost },
      [`${PLUGIN}:protocol`]: { value: "HTTP" },
    });
  }, 1_800_000);

  test("up sets the HTTP method in two regions and the queue method in a third", async () => {
    const up = await stack.up({ onOutput: record });
    expect(up.summary.result).toBe("succeeded");
    for (const region of program.httpRegions) {
      expect(await e2e.live(region)).toEqual({
        CallbackType: "HTTP",
        CallbackURL: urlOf(region),
        CallbackQueueName: "",
        EventTypeList: [...EVENT_TYPES].sort().join(","),
        AuthSwitch: "on",
        AuthKey: E2E_AUTH_KEY,
      });
    }
    queueName = up.outputs.queueName.value as string;
    expect(
      await e2e.emulator.getQueue(program.queueRegion, queueName, E2E_ACCOUNT_ID),
    ).toBeTruthy();
    expect(await e2e.live(program.queueRegion)).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: queueName,
    });
  });

  test("an unchanged preview shows no change at all", async () => {
    const events = e2e.collectEvents();
    await stack.preview({ onEvent: events });
    expect(changedResources(e2e.events())).toEqual([]);
    const preview = await pulumi(["preview", "--diff", "--expect-no-changes"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).not.toContain("[unknown]");
    expect(preview.stdout).not.toMatch(/^\s*~ /m);
  });

  test("preview --refresh --expect-no-changes fails and names the property edited in the emulator", async () => {
    const region = program.httpRegions[0];
    declared = await e2e.live(region);
    await e2e.editInConsole(region, { CallbackURL: "https://console.example.com/edited" });
    const preview = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout).toMatch(/~ callbackUrl\s*:/);
    expect(preview.stdout).toContain(`http-${region}`);
    // Put the declared setting back: destroy leaves a setting changed outside Pulumi alone.
    await e2e.editInConsole(region, declared);
  });

  test("destroy restores every region and removes the queue", async () => {
    expect(queueName).toBeTruthy();
    const destroy = await stack.destroy({ onOutput: record });
    expect(destroy.summary.result).toBe("succeeded");
    for (const region of regions) expect(await e2e.live(region)).toEqual(NEVER_CONFIGURED);
    expect(await e2e.emulator.getQueue(program.queueRegion, queueName, E2E_ACCOUNT_ID)).toBeFalsy();
  });

  test("no secret appears in the output or the state", () => {
    const state = e2e
      .filesUnder(e2e.engine.stateDir)
      .filter((file) => !file.includes(`${path.sep}plugins${path.sep}`))
      .map((file) => fs.readFileSync(file, "utf8"))
      .join("\n");
    for (const text of [transcript.join(""), state]) {
      expect(text).not.toContain(E2E_AUTH_KEY);
      expect(text).not.toContain(E2E_SECRET_CANARY);
    }
  });
});
