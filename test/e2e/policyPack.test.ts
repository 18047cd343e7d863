/**
 * The policy pack through the real CLI and its Node.js language host, from the packed package
 * installed in a project directory (policy packs do not run with inline programs):
 * - the shipped pack at node_modules/pulumi-alicloud-ims-callback/policy-pack blocks a plain-http
 *   callback (non-zero exit, the policy's message), only warns when its config makes that policy
 *   advisory, and passes a compliant stack;
 * - an organisation's own pack composed from the `./policy` entry point applies its config and
 *   runs the stack policies on the engine's view of the stack.
 * Only previews: nothing is applied, so no emulator is involved.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEngine, type Engine } from "../../scripts/engine";
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
});
setting("web");
if (config.getBoolean("secondSetting")) setting("web-again");
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
