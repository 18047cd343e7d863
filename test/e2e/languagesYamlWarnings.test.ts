/**
 * The runtime's soft warnings (plain http, a retired event type, an event type not in the
 * catalogue) reach a YAML program's user as the engine's warnings, through the provider plugin's
 * `check`, like they reach a TypeScript user of the dynamic provider: each once per resource in the
 * CLI's diagnostics of `preview` and of `up`, under the resource's name. A `languages*` suite, so
 * the e2e global setup provides the YAML language host; the plugin is installed from the release
 * archive. Both ways a YAML program declares a setting: the `ImsCallback` component (constructed in
 * the plugin) and the `EventCallback` custom resource. The runtime's warnings outside `check` (a
 * destroy that lets go of a region the stack never wrote) reach the user the same way, under the
 * resource's name.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi, type CliRun } from "../../scripts/engine";
import { validateCallbackInputs } from "../../lib/shared/validation";
import { NEVER_CONFIGURED } from "../helpers/emulator";
import { startE2E, type E2E, installPluginArchive } from "./support";

const PLUGIN = "alicloud-ims-callback";

/** Event types with a soft problem each (retired, not in the catalogue), beside a known one. */
const EVENT_TYPES = ["ProduceMediaComplete", "TranscodeComplete", "ProduceMediaCompleet"];
const COMPONENT_REGION = "cn-beijing";
const CUSTOM_REGION = "cn-shenzhen";
const plainHttp = (region: string) => `http://media.example.com/ims/${region}`;

/** The warnings the runtime's rules find in these inputs: what the user must see. */
const WARNINGS = validateCallbackInputs({
  region: CUSTOM_REGION,
  callbackType: "HTTP",
  callbackUrl: plainHttp(CUSTOM_REGION),
  eventTypes: EVENT_TYPES,
})
  .filter((p) => p.severity === "warning")
  .map((p) => p.reason);

let e2e: E2E;
let work: string;
let dir: string;

function pulumi(args: string[]): Promise<CliRun> {
  return runPulumi(dir, [...args, "--stack", "dev", "--non-interactive"], e2e.engine.env);
}

/**
 * The CLI's `Diagnostics:` section as one block of lines per resource: the header line names the
 * resource (`<type> (<name>):`), the indented lines below are its messages.
 */
function diagnosticsByResource(stdout: string): Map<string, string> {
  const section = stdout.split(/^Diagnostics:$/m)[1]?.split(/^\S/m)[0] ?? "";
  const blocks = new Map<string, string>();
  let current = "";
  for (const line of section.split("\n")) {
    const header = /^ {2}(\S.*\((.+)\)):$/.exec(line);
    if (header) {
      current = header[2]!;
      blocks.set(current, "");
    } else if (current) {
      blocks.set(current, `${blocks.get(current)!}${line}\n`);
    }
  }
  return blocks;
}

/** How often `text` occurs in `within`. */
const count = (within: string, text: string) => within.split(text).length - 1;

/** Each warning once in the block of the resource `name`, and in no other block. */
function expectEachWarningOnceUnder(stdout: string, names: readonly string[]): void {
  const blocks = diagnosticsByResource(stdout);
  for (const name of names) {
    const block = blocks.get(name) ?? "";
    for (const warning of WARNINGS) {
      expect({ name, warning, times: count(block, warning) }).toEqual({ name, warning, times: 1 });
    }
  }
  const total = [...blocks.values()].join("");
  for (const warning of WARNINGS) {
    expect({ warning, times: count(total, warning) }).toEqual({ warning, times: names.length });
  }
}

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
  // The installed archive, not the launcher npm links into node_modules/.bin (on jest's PATH).
  e2e.engine.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ims-plugin-warnings-"));
  await installPluginArchive(work, e2e.engine.env);

  dir = fs.mkdtempSync(path.join(work, "warnings-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ims-warnings
runtime: yaml
resources:
  component:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${COMPONENT_REGION}
      http:
        url: ${plainHttp(COMPONENT_REGION)}
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
  custom:
    type: ${PLUGIN}:index:EventCallback
    properties:
      region: ${CUSTOM_REGION}
      callbackType: HTTP
      callbackUrl: ${plainHttp(CUSTOM_REGION)}
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
`,
  );
  const init = await runPulumi(dir, ["stack", "init", "dev", "--non-interactive"], e2e.engine.env);
  expect(init).toMatchObject({ code: 0 });
}, 900_000);

afterAll(async () => {
  await e2e?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The component's setting resource: the `EventCallback` the plugin's `ImsCallback` registers. */
let componentSetting: string;

test("the inputs have the three soft problems the test looks for", () => {
  expect(WARNINGS).toHaveLength(3);
  expect(WARNINGS.join("\n")).toMatch(/plain http[\s\S]*retired[\s\S]*not in the known event/);
});

test("preview: each warning once per setting, under the resource's name", async () => {
  const preview = await pulumi(["preview"]);
  expect(preview.code).toBe(0);
  const names = [...diagnosticsByResource(preview.stdout).keys()];
  componentSetting = names.find((name) => name !== "custom" && name.startsWith("component")) ?? "";
  expect({ componentSetting, stdout: preview.stdout }).toEqual({
    componentSetting: expect.stringMatching(/^component/),
    stdout: preview.stdout,
  });
  expectEachWarningOnceUnder(preview.stdout, [componentSetting, "custom"]);
});

test("up: the same warnings, once per setting; the setting is applied as given", async () => {
  const up = await pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code).toBe(0);
  expectEachWarningOnceUnder(up.stdout, [componentSetting, "custom"]);
  expect(await e2e.live(CUSTOM_REGION)).toMatchObject({
    CallbackURL: plainHttp(CUSTOM_REGION),
    EventTypeList: [...EVENT_TYPES].sort().join(","),
  });
});

test("destroy restores both regions", async () => {
  const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.code).toBe(0);
  for (const region of [COMPONENT_REGION, CUSTOM_REGION]) {
    expect(await e2e.live(region)).toEqual(NEVER_CONFIGURED);
  }
});

test("destroy of a takeover that never wrote: the let-go warning under the resource's name", async () => {
  const region = "ap-southeast-1";
  const theirs = {
    CallbackType: "HTTP",
    CallbackURL: "https://theirs.example.com/ims",
    CallbackQueueName: "",
    EventTypeList: "FileUploadComplete",
    AuthSwitch: "on",
    AuthKey: "TheirOwnKey7Abcd",
  };
  await e2e.editInConsole(region, theirs);
  const takeoverDir = fs.mkdtempSync(path.join(work, "letting-go-"));
  fs.writeFileSync(
    path.join(takeoverDir, "Pulumi.yaml"),
    `name: ims-letting-go
runtime: yaml
resources:
  taken:
    type: ${PLUGIN}:index:EventCallback
    properties:
      region: ${region}
      callbackType: HTTP
      callbackUrl: https://own.example.com/ims
      eventTypes: ["ProduceMediaComplete"]
      adoptExisting: true
`,
  );
  const inDir = (args: string[]) =>
    runPulumi(takeoverDir, [...args, "--stack", "dev", "--non-interactive"], e2e.engine.env);
  const init = await runPulumi(
    takeoverDir,
    ["stack", "init", "dev", "--non-interactive"],
    e2e.engine.env,
  );
  expect(init).toMatchObject({ code: 0 });
  // The first run records the takeover and writes nothing.
  const up = await inDir(["up", "--yes", "--skip-preview"]);
  expect(up.code).not.toBe(0);
  expect(up.stdout + up.stderr).toContain("Took over the IMS event callback setting in");
  expect(await e2e.live(region)).toEqual(theirs);

  const destroy = await inDir(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.code).toBe(0);
  expect(await e2e.live(region)).toEqual(theirs);
  const block = diagnosticsByResource(destroy.stdout).get("taken") ?? "";
  expect({ block, stdout: destroy.stdout }).toEqual({
    block: expect.stringMatching(
      new RegExp(
        `This stack never wrote the IMS event callback setting in ${region} [\\s\\S]*left as it is`,
      ),
    ),
    stdout: destroy.stdout,
  });
  // Once in the diagnostics (the progress lines repeat the resource's last message).
  const diagnostics = [...diagnosticsByResource(destroy.stdout).values()].join("");
  expect(count(diagnostics, "This stack never wrote")).toBe(1);
  expect(destroy.stdout + destroy.stderr).not.toContain(theirs.AuthKey);
}, 300_000);
