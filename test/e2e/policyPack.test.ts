/**
 * The policy pack through the real CLI and its Node.js language host, from the packed package
 * installed in a project directory (policy packs do not run with inline programs):
 * - the shipped pack at node_modules/pulumi-alicloud-ims-callback/policy-pack blocks a plain-http
 *   callback (non-zero exit, the policy's message), only warns when its config makes that policy
 *   advisory, and passes a compliant stack;
 * - an organisation's own pack composed from the `./policy` entry point applies its config and
 *   runs the stack policies on the engine's view of the stack;
 * - the shipped pack judges the settings the provider plugin serves too (installed from its release
 *   archive): a plain-http `PluginEventCallback`, and the plugin's `ImsCallback` whose setting the
 *   plugin's construct registers.
 * Those are previews only. The RAM cases apply: through the real alicloud plugin against the
 * emulator, `pulumi up` with the shipped pack is stopped before a broad grant reaches IMS's role (at
 * preview, and with --skip-preview at the attachment itself), a ROS stack instance whose parameter
 * override points its stack group's template at IMS's role is refused at preview, while
 * ImsQueueAuthorization's send-only policy passes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runPulumi, startEngine, type Engine } from "../../scripts/engine";
import {
  E2E_ACCESS_KEY_ID,
  E2E_ACCOUNT_ID,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
  installPluginArchive,
} from "./support";
import { installAlicloudPlugin } from "./queueSupport";
import {
  createPackedProject,
  packCurrentSource,
  type PackedProject,
} from "../../scripts/packedProject";

const AUTH_KEY = "PolicyCanary7Kx2Wq9";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { EventCallback } = require("pulumi-alicloud-ims-callback");
const config = new pulumi.Config();
const setting = (name) => new EventCallback(name, {
  region: "cn-shanghai",
  callbackType: "HTTP",
  callbackUrl: config.require("callbackUrl"),
  eventTypes: ["ProduceMediaComplete"],
  authKey: config.requireSecret("authKey"),
  ...(config.getBoolean("recovery") ? { adoptExisting: true, deletionPolicy: "clear" } : {}),
});
if (config.getBoolean("plugin")) {
  const { PluginEventCallback } = require("pulumi-alicloud-ims-callback");
  new PluginEventCallback("plugin-web", {
    region: "cn-shanghai",
    callbackType: "HTTP",
    callbackUrl: config.require("callbackUrl"),
    eventTypes: ["ProduceMediaComplete"],
    authKey: config.requireSecret("authKey"),
  });
  // The plugin's component, as YAML and Go programs reach it: the plugin's construct registers its setting.
  new pulumi.ComponentResource(
    "alicloud-ims-callback:index:ImsCallback",
    "plugin-media",
    {
      region: "cn-beijing",
      http: { url: config.require("callbackUrl"), authKey: config.requireSecret("authKey") },
      eventTypes: ["ProduceMediaComplete"],
      setting: undefined,
      authKey: undefined,
    },
    { version: require("./node_modules/pulumi-alicloud-ims-callback/package.json").version },
    true,
  );
} else {
  setting("web");
  if (config.getBoolean("secondSetting")) setting("web-again");
}
`;

const ACME_PACK = `
const { PolicyPack } = require("@pulumi/policy");
const { imsCallbackPolicies } = require("pulumi-alicloud-ims-callback/policy");
new PolicyPack("acme", {
  policies: [
    ...imsCallbackPolicies,
    { name: "acme-no-protect", description: "Acme's own rule beside the IMS ones.", enforcementLevel: "advisory", validateResource: () => {} },
  ],
});
`;

let engine: Engine;
let workDir: string;
let project: PackedProject;

beforeAll(async () => {
  engine = await startEngine();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-policy-e2e-"));
  const tarball = packCurrentSource(path.join(workDir, "pack"));
  project = await createPackedProject(engine, {
    dir: path.join(workDir, "media"),
    tarball,
    program: PROGRAM,
    stackName: "dev",
  });
  expect((await project.pulumi(["config", "set", "--secret", "authKey", AUTH_KEY])).code).toBe(0);
}, 600_000);

afterAll(() => {
  engine?.dispose();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function setUrl(url: string): Promise<void> {
  expect((await project.pulumi(["config", "set", "callbackUrl", url])).code).toBe(0);
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(workDir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

const HTTPS_MESSAGE =
  'EventCallback "web": callbackUrl "http://media.example.com/ims/events" uses plain http, so events and their signature headers travel unencrypted. ' +
  'Fix: serve the receiver over https and set callbackUrl to "https://media.example.com/ims/events".';

test("the shipped pack fails the preview of a plain-http callback with the policy's message", async () => {
  await setUrl("http://media.example.com/ims/events");
  const run = await project.pulumi(["preview", "--policy-pack", project.policyPackDir]);
  expect(run.code).not.toBe(0);
  expect(run.output).toContain("[mandatory]  ims-callback-url-https");
  expect(run.output).toContain(HTTPS_MESSAGE);
  expect(run.output).not.toContain(AUTH_KEY);
}, 300_000);

test("with the pack config making that policy advisory, the preview passes with the warning", async () => {
  await setUrl("http://media.example.com/ims/events");
  const config = writeJson("advisory.json", { "ims-callback-url-https": "advisory" });
  const run = await project.pulumi([
    "preview",
    "--policy-pack",
    project.policyPackDir,
    "--policy-pack-config",
    config,
  ]);
  expect(run.output).toContain("[advisory]  ims-callback-url-https");
  expect(run.output).toContain(HTTPS_MESSAGE);
  expect(run.code).toBe(0);
}, 300_000);

test("a compliant stack passes the shipped pack with no violation", async () => {
  await setUrl("https://media.example.com/ims/events");
  const run = await project.pulumi(["preview", "--policy-pack", project.policyPackDir]);
  expect(run.code).toBe(0);
  expect(run.output).toContain("ims-callback@v");
  expect(run.output).not.toMatch(/\[(mandatory|advisory)\]/);
}, 300_000);

test("the recovery settings are refused with the config that allows them, and that config lets them through", async () => {
  await setUrl("https://media.example.com/ims/events");
  expect((await project.pulumi(["config", "set", "recovery", "true"])).code).toBe(0);
  try {
    const refused = await project.pulumi(["preview", "--policy-pack", project.policyPackDir]);
    expect(refused.code).not.toBe(0);
    const recoveryConfig =
      '{"ims-callback-adopt-existing": {"allow": true}, "ims-callback-deletion-policy-clear": {"allow": true}}';
    for (const policy of ["ims-callback-adopt-existing", "ims-callback-deletion-policy-clear"]) {
      expect(refused.output).toContain(`[mandatory]  ${policy}`);
    }
    expect(refused.output).toContain(`needs both: ${recoveryConfig}.`);
    const allowed = await project.pulumi([
      "preview",
      "--policy-pack",
      project.policyPackDir,
      "--policy-pack-config",
      writeJson("recovery.json", JSON.parse(recoveryConfig)),
    ]);
    expect(allowed.output).not.toMatch(/\[(mandatory|advisory)\]/);
    expect(allowed.code).toBe(0);
  } finally {
    await project.pulumi(["config", "rm", "recovery"]);
  }
}, 300_000);

test("an organisation's pack composed from ./policy applies its config and the stack policies", async () => {
  const packDir = path.join(project.dir, "acme-pack");
  fs.mkdirSync(packDir);
  fs.writeFileSync(
    path.join(packDir, "PulumiPolicy.yaml"),
    "runtime:\n  name: nodejs\n  options:\n    typescript: false\n",
  );
  fs.writeFileSync(
    path.join(packDir, "package.json"),
    JSON.stringify({ name: "acme-pack", version: "1.0.0", main: "index.js" }),
  );
  fs.writeFileSync(path.join(packDir, "index.js"), ACME_PACK);
  await setUrl("https://attacker.example.net/ims/events");
  expect((await project.pulumi(["config", "set", "secondSetting", "true"])).code).toBe(0);
  const config = writeJson("acme.json", {
    "ims-callback-url-allowed-hosts": { allowedHostSuffixes: ["example.com"] },
  });
  try {
    const run = await project.pulumi([
      "preview",
      "--policy-pack",
      "acme-pack",
      "--policy-pack-config",
      config,
    ]);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("acme@v1.0.0");
    expect(run.output).toContain(
      'EventCallback "web": callbackUrl "https://attacker.example.net/ims/events" points at host "attacker.example.net", which is not allowed (domains "example.com").',
    );
    expect(run.output).toContain(
      'EventCallback "web": region "cn-shanghai" is also set by EventCallback "web-again"',
    );
    expect(run.output).toContain(
      'EventCallback "web-again": region "cn-shanghai" is also set by EventCallback "web"',
    );
    expect(run.output).not.toContain(AUTH_KEY);
  } finally {
    await project.pulumi(["config", "rm", "secondSetting"]);
  }
}, 300_000);

test("the shipped pack refuses plain http on the settings the provider plugin serves: PluginEventCallback and the plugin's ImsCallback", async () => {
  const archiveDir = path.join(workDir, "plugin-archive");
  fs.mkdirSync(archiveDir, { recursive: true });
  await installPluginArchive(archiveDir, engine.env);
  await setUrl("http://media.example.com/ims/events");
  expect((await project.pulumi(["config", "set", "plugin", "true"])).code).toBe(0);
  try {
    // The installed archive, not the launcher npm links into node_modules/.bin (on jest's PATH).
    const run = await runPulumi(
      project.dir,
      ["preview", "--policy-pack", project.policyPackDir, "--non-interactive"],
      { ...engine.env, PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.code).not.toBe(0);
    expect(output).toContain("[mandatory]  ims-callback-url-https");
    for (const name of ["plugin-web", "plugin-media-setting"]) {
      expect(output).toContain(
        HTTPS_MESSAGE.replace('EventCallback "web"', `EventCallback "${name}"`),
      );
    }
    expect(output).not.toContain(AUTH_KEY);
  } finally {
    await project.pulumi(["config", "rm", "plugin"]);
  }
}, 600_000);

describe("IMS's role through the alicloud plugin and the emulator", () => {
  const REGION = "cn-shanghai";
  const RAM_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const alicloud = require("@pulumi/alicloud");
const { ImsQueueAuthorization } = require("pulumi-alicloud-ims-callback");
const ramCase = new pulumi.Config().require("ramCase");
if (ramCase === "statements") {
  const broad = new alicloud.ram.Policy("broad", {
    policyName: "e2e-broad-mns",
    statements: [{ effect: "Allow", actions: ["mns:*"], resources: ["*"] }],
  });
  new alicloud.ram.RolePolicyAttachment("broad-attachment", {
    roleName: "AliyunICEDefaultRole",
    policyName: broad.policyName,
    policyType: "Custom",
  });
}
if (ramCase === "system") {
  new alicloud.ram.RolePolicyAttachment("mns-full-access", {
    roleName: "AliyunICEDefaultRole",
    policyName: "AliyunMNSFullAccess",
    policyType: "System",
  });
}
if (ramCase === "ros-instance") {
  // A harmless-looking stack group (the role is a parameter defaulting to another role) and an
  // instance of it whose parameter override names IMS's role.
  const group = new alicloud.ros.StackGroup("baseline", {
    stackGroupName: "e2e-baseline",
    templateBody: JSON.stringify({
      ROSTemplateFormatVersion: "2015-09-01",
      Parameters: { RoleName: { Type: "String", Default: "Deployers" } },
      Resources: {
        Attach: {
          Type: "ALIYUN::RAM::AttachPolicyToRole",
          Properties: { PolicyType: "System", PolicyName: "AliyunMNSFullAccess", RoleName: { Ref: "RoleName" } },
        },
      },
    }),
  });
  new alicloud.ros.StackInstance("media-account", {
    stackGroupName: group.stackGroupName,
    stackInstanceAccountId: "${E2E_ACCOUNT_ID}",
    stackInstanceRegionId: "${REGION}",
    parameterOverrides: [{ parameterKey: "RoleName", parameterValue: "AliyunICEDefaultRole" }],
  });
}
if (ramCase === "send-only") {
  new ImsQueueAuthorization("ims", { queues: [{ region: "${REGION}", queueName: "ice-callback-e2e-orders" }] });
}
`;
  let e2e: E2E;
  let ramProject: PackedProject;
  let initialAttachments: unknown;

  const imsRoleAttachments = async () =>
    (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).roles.find((r) => r.name === "AliyunICEDefaultRole")
      ?.attachments;
  const policyNames = async () =>
    (await e2e.emulator.getRam(E2E_ACCOUNT_ID)).policies.map((p) => p.name);
  const config = async (key: string, value: string, ...flags: string[]) =>
    expect((await ramProject.pulumi(["config", "set", ...flags, key, value])).code).toBe(0);
  const up = (...flags: string[]) =>
    ramProject.pulumi(["up", "--yes", "--policy-pack", ramProject.policyPackDir, ...flags]);

  beforeAll(async () => {
    e2e = await startE2E({ credentialsIn: "stack-config" });
    installAlicloudPlugin(e2e.engine);
    const tarball = packCurrentSource(path.join(workDir, "ram-pack"));
    ramProject = await createPackedProject(e2e.engine, {
      dir: path.join(workDir, "ram"),
      tarball,
      program: RAM_PROGRAM,
      stackName: "dev",
    });
    const host = new URL(e2e.emulator.endpoints[REGION]).host;
    await config("alicloud:region", REGION);
    await config("alicloud:protocol", "HTTP");
    await config("alicloud:accountId", E2E_ACCOUNT_ID);
    await config("alicloud:accountType", "Domestic");
    await config("alicloud:accessKey", E2E_ACCESS_KEY_ID);
    await config("alicloud:secretKey", E2E_SECRET_CANARY, "--secret");
    for (const endpoint of ["mnsOpen", "ram", "sts"])
      await config(`alicloud:endpoints[0].${endpoint}`, host, "--path");
    initialAttachments = await imsRoleAttachments();
    expect(initialAttachments).toEqual([
      { policyName: "AliyunICEDefaultRolePolicy", policyType: "System" },
    ]);
  }, 1_800_000);

  afterAll(async () => {
    await e2e?.dispose();
  });

  test("a statements-form mns:* policy attached to IMS's role is stopped before anything is created", async () => {
    await config("ramCase", "statements");
    const run = await up();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("[mandatory]  ims-callback-ram-least-privilege");
    expect(run.output).toContain(
      'ram.RolePolicyAttachment "broad-attachment": attaches custom policy "e2e-broad-mns" to IMS\'s role "AliyunICEDefaultRole", and the policy grants more than sending to ice-callback- queues: ' +
        'statements Statement[0] Action "mns:*" is a wildcard; statements Statement[0] Resource "*" is a wildcard.',
    );
    expect(await imsRoleAttachments()).toEqual(initialAttachments);
    expect(await policyNames()).not.toContain("e2e-broad-mns");
  }, 600_000);

  test("with --skip-preview the attachment itself is refused before it is created", async () => {
    const run = await up("--skip-preview");
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("ims-callback-ram-least-privilege");
    expect(await imsRoleAttachments()).toEqual(initialAttachments);
  }, 600_000);

  test("a system policy attached to IMS's role is stopped before it is attached", async () => {
    await config("ramCase", "system");
    const run = await up();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'ram.RolePolicyAttachment "mns-full-access": attaches system policy "AliyunMNSFullAccess" to IMS\'s role "AliyunICEDefaultRole"',
    );
    expect(await imsRoleAttachments()).toEqual(initialAttachments);
  }, 600_000);

  test("a ROS stack instance overriding its stack group's role parameter with IMS's role is refused at preview", async () => {
    await config("ramCase", "ros-instance");
    const run = await ramProject.pulumi(["preview", "--policy-pack", ramProject.policyPackDir]);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(
      'ros.StackInstance "media-account": with its parameterOverrides, stack group "e2e-baseline"\'s template resource "Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName resolves to IMS\'s role "AliyunICEDefaultRole"',
    );
    expect(run.output).not.toContain('ros.StackGroup "baseline"');
    expect(await imsRoleAttachments()).toEqual(initialAttachments);
  }, 600_000);

  test("ImsQueueAuthorization's send-only policy passes the pack, on up and on the next preview", async () => {
    await config("ramCase", "send-only");
    const run = await up();
    expect(run.output).not.toMatch(/\[(mandatory|advisory)\]/);
    expect(run.code).toBe(0);
    expect(await imsRoleAttachments()).toEqual([
      ...(initialAttachments as unknown[]),
      { policyName: expect.stringMatching(/^ims-callback-/), policyType: "Custom" },
    ]);
    const again = await ramProject.pulumi(["preview", "--policy-pack", ramProject.policyPackDir]);
    expect(again.output).not.toMatch(/\[(mandatory|advisory)\]/);
    expect(again.code).toBe(0);
  }, 600_000);
});
