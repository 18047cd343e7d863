/**
 * Following the provider plugin's advice from a YAML program (a `languages*` suite, so the e2e
 * global setup provides the YAML language host), through the real engine, with the
 * plugin installed from the release archive:
 *
 * - the queue guard's endpoint at destroy: with only `alicloud:endpoints` set, the plugin's guard
 *   counts at the public Mns-open endpoint and refuses; a config set after the last `up` does not
 *   reach it (destroy configures the plugin from the inputs recorded then); the refusal names the
 *   environment variable, and the destroy run again with it set succeeds;
 * - missing credentials: the message names the plugin's own keys, and setting them makes `up` work.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { runPulumi, type CliRun } from "../../scripts/engine";
import { CREDENTIAL_SECRET_VARIABLES, CREDENTIAL_SETTINGS } from "../../lib/shared/credentials";
import { NEVER_CONFIGURED } from "../helpers/emulator";
import { installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";
import {
  E2E_ACCESS_KEY_ID,
  E2E_ACCOUNT_ID,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
  installPluginArchive,
} from "./support";

const PLUGIN = "alicloud-ims-callback";

let e2e: E2E;
let work: string;
const transcript: string[] = [];

/** Runs the CLI in `dir` on stack `dev`, with the engine's environment and `extraEnv` on top. */
function pulumi(
  dir: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<CliRun> {
  return runPulumi(
    dir,
    [...args, "--stack", "dev", "--non-interactive"],
    { ...e2e.engine.env, ...extraEnv },
    (text) => void transcript.push(text),
  );
}

/** A fresh directory holding only `Pulumi.yaml` with `resources`, and its stack `dev`. */
async function yamlProject(name: string, resources: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime: yaml\nresources:\n${resources}`,
  );
  const init = await runPulumi(dir, ["stack", "init", "dev", "--non-interactive"], e2e.engine.env);
  expect(init).toMatchObject({ code: 0 });
  return dir;
}

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
  // The installed archive, not the launcher npm links into node_modules/.bin (on jest's PATH).
  e2e.engine.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ims-plugin-repairs-"));
  await installPluginArchive(work, e2e.engine.env);
}, 900_000);

afterAll(async () => {
  await e2e?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the queue guard's Mns-open endpoint, repaired at destroy", () => {
  const region = "cn-hangzhou";
  let dir: string;
  let queueName: string;

  // The queue and the RAM resources are the alicloud provider's.
  beforeAll(() => installAlicloudPlugin(e2e.engine), 1_800_000);

  test("up with only alicloud:endpoints set creates the queue, the guard and the setting", async () => {
    dir = await yamlProject(
      "guard-endpoint",
      `  queued:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${region}
      queue: {}
      eventTypes: ["ProduceMediaComplete"]
outputs:
  queueName: \${queued.queueName}
`,
    );
    const stack = await LocalWorkspace.selectStack(
      { stackName: "dev", workDir: dir },
      { pulumiCommand: e2e.engine.command, envVars: e2e.engine.env },
    );
    await pointAlicloudAtEmulator(stack, e2e, region);
    const up = await pulumi(dir, ["up", "--yes", "--skip-preview"]);
    expect(up).toMatchObject({ code: 0 });
    queueName = (await stack.outputs()).queueName.value as string;
    expect(await e2e.emulator.getQueue(region, queueName, E2E_ACCOUNT_ID)).toBeTruthy();
    expect(await e2e.live(region)).toMatchObject({ CallbackQueueName: queueName });
  });

  let fix: { variable: string } | undefined;

  test("destroy is refused: the plugin's guard asks the public endpoint; the message names the variable", async () => {
    const destroy = await pulumi(dir, ["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).not.toBe(0);
    const output = destroy.stdout + destroy.stderr;
    expect(output).toContain(`Could not count the messages in queue "${queueName}"`);
    expect(output).toContain(`mns-open.${region}.aliyuncs.com`);
    const variable = /run the command again with ([A-Z_]+)=/.exec(output)?.[1];
    expect(variable).toBe("IMS_CALLBACK_MNS_OPEN_ENDPOINT");
    fix = { variable: variable! };
    expect(await e2e.emulator.getQueue(region, queueName, E2E_ACCOUNT_ID)).toBeTruthy();
  });

  test("the plugin's config set after the last up does not reach a destroy", async () => {
    const host = new URL(e2e.emulator.endpoints[region]).host;
    for (const [key, value] of [
      [`${PLUGIN}:mnsOpenEndpoint`, host],
      [`${PLUGIN}:protocol`, "HTTP"],
    ]) {
      expect(await pulumi(dir, ["config", "set", key, value])).toMatchObject({ code: 0 });
    }
    const destroy = await pulumi(dir, ["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code).not.toBe(0);
    expect(destroy.stdout + destroy.stderr).toContain(`mns-open.${region}.aliyuncs.com`);
  });

  test("destroy run again with the variable the message names succeeds: queue deleted, region restored", async () => {
    expect(fix).toBeDefined();
    const destroy = await pulumi(dir, ["destroy", "--yes", "--skip-preview"], {
      [fix!.variable]: e2e.emulator.endpoints[region],
    });
    expect(destroy).toMatchObject({ code: 0 });
    expect(await e2e.emulator.getQueue(region, queueName, E2E_ACCOUNT_ID)).toBeFalsy();
    expect(await e2e.live(region)).toEqual(NEVER_CONFIGURED);
  });
});

describe("missing credentials on the plugin's path", () => {
  test("the message names alicloud-ims-callback:accessKey/secretKey; setting them as it says makes up succeed", async () => {
    const region = "cn-shenzhen";
    const dir = await yamlProject(
      "plugin-credentials",
      `  media:
    type: ${PLUGIN}:index:EventCallback
    properties:
      region: ${region}
      callbackType: HTTP
      callbackUrl: https://media.example.com/ims
      eventTypes: ["ProduceMediaComplete"]
`,
    );
    // No credential anywhere: every variable the chain reads is empty.
    const noCredentials = Object.fromEntries(
      [
        ...Object.values(CREDENTIAL_SETTINGS).flatMap((s) => s.envVars),
        ...CREDENTIAL_SECRET_VARIABLES,
      ].map((name) => [name, ""]),
    );
    const failed = await pulumi(dir, ["up", "--yes", "--skip-preview"], noCredentials);
    expect(failed.code).not.toBe(0);
    const output = failed.stdout + failed.stderr;
    expect(output).toContain("No Alibaba Cloud credentials found");
    expect(output).not.toMatch(/(^|[^-\w])alicloud:(accessKey|secretKey)/m);
    const idKey = /pulumi config set ([\w-]+:\w+) <id>/.exec(output)?.[1];
    const secretKey = /pulumi config set --secret ([\w-]+:\w+) <secret>/.exec(output)?.[1];
    expect([idKey, secretKey]).toEqual([`${PLUGIN}:accessKey`, `${PLUGIN}:secretKey`]);
    expect(await pulumi(dir, ["config", "set", idKey!, E2E_ACCESS_KEY_ID])).toMatchObject({
      code: 0,
    });
    expect(
      await pulumi(dir, ["config", "set", "--secret", secretKey!, E2E_SECRET_CANARY]),
    ).toMatchObject({ code: 0 });
    const up = await pulumi(dir, ["up", "--yes", "--skip-preview"], noCredentials);
    expect(up).toMatchObject({ code: 0 });
    expect(await e2e.live(region)).toMatchObject({ CallbackURL: "https://media.example.com/ims" });
    expect(await pulumi(dir, ["destroy", "--yes", "--skip-preview"], noCredentials)).toMatchObject({
      code: 0,
    });
  });

  test("no AccessKey secret in any output", () => {
    expect(transcript.join("").includes(E2E_SECRET_CANARY)).toBe(false);
  });
});
