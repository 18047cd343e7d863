/**
 * The provider plugin `alicloud-ims-callback` through the real engine, installed from the release
 * archive (scripts/plugin-artifact.sh) with `pulumi plugin install ... --file`, against the emulator:
 * `pulumi import` of a region set in the console and the clean preview after it (refreshed too),
 * what the import refuses (nothing configured, a setting that would not preview, a URL that may hold
 * a secret) and the adoption the refusal advises instead, the adoption
 * command, a component through `construct`, and the canary rule on the plugin path (no auth key and
 * no AccessKey secret in any output, generated code, error, state file or plugin log).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  specialSecretSig as SECRET_SIG,
  specialSigKey as SECRET_SIG_KEY,
} from "@pulumi/pulumi/runtime/rpc";
import { PluginEventCallback } from "../../lib/program/pluginEventCallback";
import { runPulumi } from "../../scripts/engine";
import { installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";
import {
  E2E_ACCOUNT_ID,
  E2E_AUTH_KEY,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
  installPluginArchive,
} from "./support";

const VERSION = (require("../../package.json") as { version: string }).version;
const TYPE = "alicloud-ims-callback:index:EventCallback";
/** A token in the query of a URL set in the console: never in the import's output or the state. */
const URL_TOKEN_CANARY = "UrlTok9Vq3Lm";
/** A password in the user info of a URL set in the console. */
const URL_PASSWORD_CANARY = "UrlPass7Hd2";
/** A key from `pulumi.secret(...)`, not from secret config: the engine's config masking does not hide it. */
const KEY_CANARY = "PluginKey5Rt8Wq2Zx";
const CONSOLE_SETTING = {
  CallbackType: "HTTP",
  CallbackURL: "https://console.example.com/ims",
  EventTypeList: "ProduceMediaComplete,FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: E2E_AUTH_KEY,
};

let e2e: E2E;
let work: string;
let projectDir: string;
/** Everything the runs printed, generated or wrote, searched for the canaries at the end. */
const exposed: string[] = [];

/** Runs a command with the engine's environment (emulator endpoints, credentials, PULUMI_HOME). */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd,
      env: { ...process.env, ...e2e.engine.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.on("error", reject);
    child.on("close", (code) => {
      exposed.push(output);
      resolve({ code: code ?? 1, output });
    });
  });
}

const pluginDir = () =>
  path.join(e2e.engine.env.PULUMI_HOME, "plugins", `resource-alicloud-ims-callback-v${VERSION}`);

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "env" });
  // The installed archive, not the launcher that npm links into node_modules/.bin (on jest's PATH).
  e2e.engine.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ims-plugin-e2e-"));
  await installPluginArchive(work, e2e.engine.env);
  projectDir = path.join(work, "project");
  fs.mkdirSync(projectDir);
  fs.writeFileSync(
    path.join(projectDir, "Pulumi.yaml"),
    "name: plugin-e2e\nruntime: nodejs\ndescription: the provider plugin through the engine\n",
  );
}, 900_000);

afterAll(async () => {
  await e2e?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const importedProgram = () => async () => {
  new PluginEventCallback(
    "shanghai",
    {
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: CONSOLE_SETTING.CallbackURL,
      eventTypes: ["ProduceMediaComplete", "FileUploadComplete"],
      keepExistingAuthKey: true,
    },
    { protect: true },
  );
};

describe("pulumi import through the plugin", () => {
  let stack: Stack;

  test("adopts a region set in the console: the generated code declares it without the key", async () => {
    await e2e.editInConsole("cn-shanghai", CONSOLE_SETTING);
    stack = await e2e.openStack({ projectDir, stackName: "import", program: importedProgram() });
    const code = path.join(work, "import.ts");
    const imported = await runPulumi(
      stack.workspace.workDir,
      ["import", TYPE, "shanghai", "cn-shanghai", "--yes", "--out", code, "--stack", "import"],
      e2e.engine.env,
    );
    exposed.push(imported.stdout, imported.stderr);
    expect(imported.code).toBe(0);
    const generated = fs.readFileSync(code, "utf8");
    exposed.push(generated);
    expect(generated).toContain('region: "cn-shanghai"');
    expect(generated).toContain("keepExistingAuthKey: true");
    expect(generated).not.toMatch(/authKey:/);
  });

  test("the program with the imported inputs previews with no change at all, refreshed or not", async () => {
    const preview = await stack.preview({ expectNoChanges: true, diff: true });
    exposed.push(preview.stdout);
    expect(preview.changeSummary).toEqual({ same: 1 + 1 });
    const refreshed = await stack.preview({ expectNoChanges: true, refresh: true });
    exposed.push(refreshed.stdout);
    expect(await e2e.live("cn-shanghai")).toMatchObject({ AuthKey: E2E_AUTH_KEY });
    // The refresh returns the inputs the import stored (what the generated code declares): no diff.
    const detailed = await stack.preview({ expectNoChanges: true, refresh: true, diff: true });
    exposed.push(detailed.stdout);
    expect(`${refreshed.stdout}\n${detailed.stdout}`).not.toMatch(
      /adoptExisting|deletionPolicy|allowUndocumentedRegion|refresh\s+\[diff/,
    );
  });

  test("a change of another property keeps the region's key; destroy puts the imported setting back", async () => {
    await e2e.editInConsole("cn-shanghai", {
      ...CONSOLE_SETTING,
      EventTypeList: "ProduceMediaComplete",
    });
    const up = await stack.up({ refresh: true });
    exposed.push(up.stdout);
    const live = await e2e.live("cn-shanghai");
    expect(live.EventTypeList.split(",").sort()).toEqual([
      "FileUploadComplete",
      "ProduceMediaComplete",
    ]);
    expect(live).toMatchObject({ AuthSwitch: "on", AuthKey: E2E_AUTH_KEY });
    await runPulumi(
      stack.workspace.workDir,
      ["state", "unprotect", "--all", "--yes", "--stack", "import"],
      e2e.engine.env,
    );
    await e2e.editInConsole("cn-shanghai", CONSOLE_SETTING);
    const destroyed = await stack.destroy();
    exposed.push(destroyed.stdout);
    expect(await e2e.live("cn-shanghai")).toMatchObject(CONSOLE_SETTING);
  });
});

describe("what pulumi import refuses, saying why and what to do", () => {
  const REGION = "cn-hangzhou";
  let stack: Stack;

  beforeAll(async () => {
    stack = await e2e.openStack({ projectDir, stackName: "refusals", program: async () => {} });
  });
  afterEach(async () => {
    await e2e.emulator.clearSetting(REGION, E2E_ACCOUNT_ID);
  });

  /** `pulumi import` of the region into the empty stack: the CLI's output and the generated code. */
  async function importRegion(): Promise<{ code: number; output: string; generated: string }> {
    const code = path.join(work, "refused.ts");
    fs.rmSync(code, { force: true });
    const imported = await runPulumi(
      stack.workspace.workDir,
      ["import", TYPE, "hz", REGION, "--yes", "--out", code, "--stack", "refusals"],
      e2e.engine.env,
    );
    const generated = fs.existsSync(code) ? fs.readFileSync(code, "utf8") : "";
    exposed.push(imported.stdout, imported.stderr, generated);
    return { code: imported.code, output: `${imported.stdout}${imported.stderr}`, generated };
  }

  test("a region with nothing configured: says there is no callback setting there", async () => {
    const imported = await importRegion();
    expect(imported.code).not.toBe(0);
    expect(imported.output).toContain(
      `There is no IMS event callback setting to import in ${REGION}: nothing is configured there`,
    );
    expect(imported.output).not.toMatch(/does not support importing/);
  });

  test("a URL with a comma: refused, naming the problem, instead of a program that fails preview", async () => {
    await e2e.editInConsole(REGION, {
      ...CONSOLE_SETTING,
      CallbackURL: "https://console.example.com/ims/a,b",
    });
    const imported = await importRegion();
    expect(imported.code).not.toBe(0);
    expect(imported.output).toMatch(/cannot be imported/);
    expect(imported.output).toMatch(/callbackUrl: contains ","/);
    expect(imported.output).not.toMatch(/almost certainly a bug/);
    expect(imported.generated).toBe("");
  });

  test("a URL with user credentials: refused without showing them", async () => {
    await e2e.editInConsole(REGION, {
      ...CONSOLE_SETTING,
      CallbackURL: `https://ims:${URL_PASSWORD_CANARY}@console.example.com/ims`,
    });
    const imported = await importRegion();
    expect(imported.code).not.toBe(0);
    expect(imported.output).toMatch(/cannot be imported/);
    expect(imported.output).toMatch(/callbackUrl: holds user credentials/);
    expect(imported.output).toContain('"https://…@console.example.com/ims"');
    expect(imported.output).not.toContain(URL_PASSWORD_CANARY);
    expect(imported.generated).toBe("");
  });

  test("a URL with a token: refused without showing it; the adoption it advises keeps the URL secret and writes nothing", async () => {
    const url = `https://console.example.com/ims?token=${URL_TOKEN_CANARY}`;
    await e2e.editInConsole(REGION, { ...CONSOLE_SETTING, CallbackURL: url });
    const imported = await importRegion();
    expect(imported.code).not.toBe(0);
    expect(imported.output).toMatch(/cannot be imported/);
    expect(imported.output).toContain('"https://console.example.com/ims?…"');
    expect(imported.output).not.toContain(URL_TOKEN_CANARY);
    expect(imported.output).toMatch(/pulumi config set --secret callbackUrl/);
    expect(imported.generated).toBe("");

    // The advice: the URL from secret config, adoptExisting and keepExistingAuthKey, then up.
    const adopted = await e2e.openStack({
      projectDir,
      stackName: "adopted-secret-url",
      program: async () => {
        new PluginEventCallback("hz", {
          region: REGION,
          callbackType: "HTTP",
          callbackUrl: new pulumi.Config().requireSecret("callbackUrl"),
          eventTypes: ["ProduceMediaComplete", "FileUploadComplete"],
          keepExistingAuthKey: true,
          adoptExisting: true,
        });
      },
    });
    await adopted.setConfig("callbackUrl", { value: url, secret: true });
    await e2e.resetCounters();
    const up = await adopted.up();
    exposed.push(up.stdout);
    expect(up.summary.result).toBe("succeeded");
    expect((await e2e.apiCalls()).set).toBe(0);
    expect(await e2e.live(REGION)).toMatchObject({ CallbackURL: url, AuthKey: E2E_AUTH_KEY });
    const preview = await adopted.preview({ expectNoChanges: true, refresh: true });
    exposed.push(preview.stdout);
    // The URL is a secret in the state (the canary test below reads the state files themselves).
    const { deployment } = (await adopted.exportStack()) as {
      deployment: { resources: { type: string; inputs: object; outputs: object }[] };
    };
    const resource = deployment.resources.find((r) => r.type === TYPE)!;
    for (const bag of [resource.inputs, resource.outputs]) {
      expect(bag).toMatchObject({ callbackUrl: { [SECRET_SIG_KEY]: SECRET_SIG } });
    }
    exposed.push((await adopted.destroy()).stdout);
    expect(await e2e.live(REGION)).toMatchObject({ CallbackURL: url, AuthKey: E2E_AUTH_KEY });
  });
});

describe("the adoption command", () => {
  test("lists every region with the key masked and writes an import document `pulumi import --file` takes", async () => {
    await e2e.editInConsole("cn-shanghai", CONSOLE_SETTING);
    await e2e.editInConsole("cn-beijing", {
      CallbackType: "MNS",
      CallbackQueueName: "ice-callback-orders",
      EventTypeList: "ProduceMediaComplete",
      AuthSwitch: "off",
    });
    const stack = await e2e.openStack({ projectDir, stackName: "adopt", program: async () => {} });
    const file = path.join(work, "adopt.json");
    const listed = await run(
      path.join(pluginDir(), "pulumi-resource-alicloud-ims-callback"),
      ["adopt", "--out", file],
      work,
    );
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(
      /cn-shanghai\s+HTTP\s+"https:\/\/console\.example\.com\/ims"\s+.*on \(key \*+\)/,
    );
    expect(listed.output).toMatch(/cn-beijing\s+MNS\s+ice-callback-orders/);
    expect(listed.output).toMatch(/cn-hangzhou\s+-\s+\(nothing configured\)/);
    const document = JSON.parse(fs.readFileSync(file, "utf8")) as { resources: unknown[] };
    expect(document.resources).toHaveLength(2);
    expect(document.resources).toEqual(
      expect.arrayContaining([
        { type: TYPE, name: "cn-beijing", id: "cn-beijing" },
        { type: TYPE, name: "cn-shanghai", id: "cn-shanghai" },
      ]),
    );
    const code = path.join(work, "adopt.ts");
    const imported = await runPulumi(
      stack.workspace.workDir,
      ["import", "--file", file, "--yes", "--out", code, "--stack", "adopt"],
      e2e.engine.env,
    );
    exposed.push(imported.stdout, imported.stderr, fs.readFileSync(code, "utf8"));
    expect(imported.code).toBe(0);
    expect(fs.readFileSync(code, "utf8")).toContain('queueName: "ice-callback-orders"');
  });
});

describe("a component through construct", () => {
  test("ImsCallback served by the plugin applies the setting, previews clean and restores on destroy", async () => {
    await e2e.emulator.clearSetting("cn-hangzhou", E2E_ACCOUNT_ID);
    const stack = await e2e.openStack({
      projectDir,
      stackName: "construct",
      program: async () => {
        const component = new pulumi.ComponentResource(
          "alicloud-ims-callback:index:ImsCallback",
          "media",
          {
            region: "cn-hangzhou",
            http: { url: "https://media.example.com/ims", authKey: pulumi.secret(KEY_CANARY) },
            eventTypes: ["ProduceMediaComplete"],
            setting: undefined,
            authKey: undefined,
          },
          { version: VERSION },
          true,
        ) as pulumi.ComponentResource & { setting: pulumi.Output<unknown> };
        return { setting: component.setting };
      },
    });
    const up = await stack.up();
    exposed.push(up.stdout, JSON.stringify(up.outputs));
    expect(await e2e.live("cn-hangzhou")).toMatchObject({
      CallbackURL: "https://media.example.com/ims",
      AuthKey: KEY_CANARY,
    });
    const preview = await stack.preview({ expectNoChanges: true, refresh: true });
    exposed.push(preview.stdout);
    const destroyed = await stack.destroy();
    exposed.push(destroyed.stdout);
    expect(await e2e.live("cn-hangzhou")).toMatchObject({ CallbackType: "" });
  });
});

describe("the queue method through construct", () => {
  test("ImsCallback with a shared ImsQueueAuthorization (a resource reference) creates the queue, the grant, the plugin's queue guard and the setting; preview clean; destroy", async () => {
    installAlicloudPlugin(e2e.engine);
    const queueName = "ice-callback-plugin-shared";
    const stack = await e2e.openStack({
      projectDir,
      stackName: "queue",
      program: async () => {
        const remote = (type: string, name: string, args: pulumi.Inputs) =>
          new pulumi.ComponentResource(
            `alicloud-ims-callback:index:${type}`,
            name,
            args,
            { version: VERSION },
            true,
          ) as pulumi.ComponentResource & Record<string, pulumi.Output<unknown>>;
        const auth = remote("ImsQueueAuthorization", "ims", {
          queues: [{ region: "ap-southeast-1", queueName }],
          roleName: undefined,
          policyName: undefined,
        });
        const media = remote("ImsCallback", "media", {
          region: "ap-southeast-1",
          queue: { name: queueName },
          authorization: auth,
          eventTypes: ["ProduceMediaComplete"],
          queueName: undefined,
          policyName: undefined,
        });
        return { queueName: media.queueName, policyName: media.policyName, grant: auth.policyName };
      },
    });
    await pointAlicloudAtEmulator(stack, e2e, "ap-southeast-1");
    const host = new URL(e2e.emulator.endpoints["ap-southeast-1"]).host;
    await stack.setConfig("alicloud-ims-callback:mnsOpenEndpoint", { value: host });
    await stack.setConfig("alicloud-ims-callback:protocol", { value: "HTTP" });
    const up = await stack.up();
    exposed.push(up.stdout);
    expect(up.outputs.queueName.value).toBe(queueName);
    expect(up.outputs.policyName.value).toBe(up.outputs.grant.value);
    expect(await e2e.live("ap-southeast-1")).toMatchObject({
      CallbackType: "MNS",
      CallbackQueueName: queueName,
    });
    const preview = await stack.preview({ expectNoChanges: true });
    exposed.push(preview.stdout);
    exposed.push((await stack.destroy()).stdout);
    expect(
      await e2e.emulator.getQueue("ap-southeast-1", queueName, E2E_ACCOUNT_ID),
    ).toBeUndefined();
  });
});

describe("install for people who do not use npm", () => {
  test("from a directory holding only the release archive, the CLI and Node.js: install, adopt a region, import it into a YAML program, preview clean", async () => {
    await e2e.editInConsole("us-west-1", {
      ...CONSOLE_SETTING,
      CallbackURL: "https://us.example.com/ims",
    });
    const fresh = fs.mkdtempSync(path.join(work, "fresh-"));
    const archive = fs.readdirSync(work).find((f) => f.endsWith(".tar.gz"))!;
    fs.copyFileSync(path.join(work, archive), path.join(fresh, archive));
    const home = path.join(fresh, ".pulumi-home");
    // Only the CLI's directory, Node.js's and the system's: no npm project, no repository.
    const env: Record<string, string> = {
      PATH: [
        path.join(e2e.engine.root, "bin"),
        path.dirname(process.execPath),
        "/usr/bin",
        "/bin",
      ].join(":"),
      HOME: fresh,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${fresh}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    const credentials = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: e2e.engine.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: E2E_SECRET_CANARY,
      IMS_CALLBACK_ENDPOINTS: e2e.engine.env.IMS_CALLBACK_ENDPOINTS,
    };
    const sh = (command: string, extra: Record<string, string> = {}) =>
      new Promise<{ code: number; output: string }>((resolve, reject) => {
        const child = spawn("bash", ["-c", command], {
          cwd: fresh,
          env: { ...env, ...extra },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
        child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
        child.on("error", reject);
        child.on("close", (code) => {
          exposed.push(output);
          resolve({ code: code ?? 1, output });
        });
      });
    const steps = [
      `pulumi plugin install resource alicloud-ims-callback ${VERSION} --file ./${archive}`,
      `"$PULUMI_HOME/plugins/resource-alicloud-ims-callback-v${VERSION}/pulumi-resource-alicloud-ims-callback" adopt --region us-west-1 --out import.json`,
    ];
    for (const step of steps) {
      const result = await sh(step, credentials);
      expect({ step, ...result }).toMatchObject({ code: 0 });
    }
    fs.writeFileSync(path.join(fresh, "Pulumi.yaml"), "name: adopted\nruntime: yaml\n");
    // The provider's own config this time, instead of the environment.
    for (const step of [
      "pulumi stack init dev",
      `pulumi config set alicloud-ims-callback:accessKey ${credentials.ALIBABA_CLOUD_ACCESS_KEY_ID}`,
      `pulumi config set --secret alicloud-ims-callback:secretKey ${E2E_SECRET_CANARY}`,
      `pulumi config set alicloud-ims-callback:endpoints '${credentials.IMS_CALLBACK_ENDPOINTS}'`,
      "pulumi import --file import.json --yes --out generated.yaml",
    ]) {
      const result = await sh(step);
      expect({ step, ...result }).toMatchObject({ code: 0 });
    }
    const generated = fs.readFileSync(path.join(fresh, "generated.yaml"), "utf8");
    exposed.push(generated);
    expect(generated).toContain("keepExistingAuthKey: true");
    fs.appendFileSync(path.join(fresh, "Pulumi.yaml"), generated);
    const preview = await sh("pulumi preview --expect-no-changes --refresh --diff");
    expect(preview).toMatchObject({ code: 0 });
  });
});

describe("secrets on the plugin path", () => {
  test("a failed update reports the fault without the key, the AccessKey secret or a signature", async () => {
    const stack = await e2e.openStack({
      projectDir,
      stackName: "canary",
      program: async () => {
        new PluginEventCallback("shenzhen", {
          region: "cn-shenzhen",
          callbackType: "HTTP",
          callbackUrl: "https://media.example.com/ims",
          eventTypes: ["ProduceMediaComplete"],
          authKey: pulumi.secret(KEY_CANARY),
        });
      },
    });
    exposed.push((await stack.up()).stdout);
    await e2e.emulator.injectFault({ kind: "throttle", count: 1000, region: "cn-shenzhen" });
    await stack.setConfig("ims-callback:timeoutMs", { value: "500" });
    const failed = await stack.refresh().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failed).toBeInstanceOf(Error);
    exposed.push(failed!.message, String(failed!.stack));
    await e2e.emulator.clearFaults();
    exposed.push((await stack.destroy()).stdout);
  });

  test("no output, generated code, error, state file or plugin log holds a canary", async () => {
    for (const file of e2e.filesUnder(e2e.engine.stateDir)) {
      if (file.includes(`${path.sep}plugins${path.sep}`)) continue;
      exposed.push(fs.readFileSync(file, "utf8"));
    }
    const text = exposed.join("\n");
    expect(text.length).toBeGreaterThan(1000);
    for (const canary of [
      E2E_AUTH_KEY,
      KEY_CANARY,
      E2E_SECRET_CANARY,
      URL_TOKEN_CANARY,
      URL_PASSWORD_CANARY,
    ]) {
      expect(text.includes(canary) ? canary : "").toBe("");
    }
  });
});
