/**
 * The `./policy` entry point and the shipped pack: the type tokens the policies match are the ones
 * the real classes register, only this entry point loads @pulumi/policy (an optional peer), and the
 * pack, started as Pulumi starts it, registers the entry point's policies under the package's
 * version. Running the pack through the CLI is test/e2e/policyPack.test.ts.
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CALLBACK_SETTING_TYPES,
  EVENT_CALLBACK_TYPE,
  PLUGIN_EVENT_CALLBACK_TYPE,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  RAM_ROLE_TYPE,
  RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
  RESOURCE_MANAGER_POLICY_TYPE,
  RESOURCE_MANAGER_POLICY_VERSION_TYPE,
  RESOURCE_MANAGER_ROLE_TYPE,
  SERVICE_QUEUE_TYPE,
} from "../../lib/policy";
import type { EventCallbackArgs } from "../../lib/program/eventCallback";

const ROOT = path.resolve(__dirname, "../..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

const pulumiType = (resourceClass: unknown) =>
  (resourceClass as { __pulumiType: string }).__pulumiType;

test("the alicloud type tokens are the ones @pulumi/alicloud registers", () => {
  expect(SERVICE_QUEUE_TYPE).toBe(pulumiType(alicloud.message.ServiceQueue));
  expect(RAM_POLICY_TYPE).toBe(pulumiType(alicloud.ram.Policy));
  expect(RAM_ROLE_POLICY_ATTACHMENT_TYPE).toBe(pulumiType(alicloud.ram.RolePolicyAttachment));
  expect(RAM_ROLE_TYPE).toBe(pulumiType(alicloud.ram.Role));
  expect(RESOURCE_MANAGER_POLICY_TYPE).toBe(pulumiType(alicloud.resourcemanager.Policy));
  expect(RESOURCE_MANAGER_POLICY_VERSION_TYPE).toBe(
    pulumiType(alicloud.resourcemanager.PolicyVersion),
  );
  expect(RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE).toBe(
    pulumiType(alicloud.resourcemanager.PolicyAttachment),
  );
  expect(RESOURCE_MANAGER_ROLE_TYPE).toBe(pulumiType(alicloud.resourcemanager.Role));
});

test("the setting's type tokens are the ones the dynamic resource and the plugin's resource register", async () => {
  const types: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        types.push(args.type);
        return { id: args.name, state: args.inputs };
      },
      call: () => ({}),
    },
    "policy",
    "test",
    false,
  );
  const { EventCallback } = await import("../../lib/program/eventCallback");
  const { PluginEventCallback } = await import("../../lib/program/pluginEventCallback");
  const args: EventCallbackArgs = {
    region: "cn-shanghai",
    callbackType: "HTTP",
    callbackUrl: "https://a.example/x",
    eventTypes: ["ProduceMediaComplete"],
  };
  for (const callback of [
    new EventCallback("setting", args),
    new PluginEventCallback("plugin-setting", args),
  ]) {
    await new Promise<void>((resolve) => callback.urn.apply(() => resolve()));
  }
  // The dynamic resource registers after serializing its provider, so the order is not fixed.
  expect(types.sort()).toEqual([PLUGIN_EVENT_CALLBACK_TYPE, EVENT_CALLBACK_TYPE].sort());
  expect([...CALLBACK_SETTING_TYPES].sort()).toEqual(types);
});

function modulesLoadedBy(entries: string[]): string[] {
  const script = `${entries.map((e) => `require(${JSON.stringify(e)});`).join("")} process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "-e", script],
    { cwd: ROOT, encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}

const POLICY_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]policy[\\/]/;
const ALICLOUD_SDK = /[\\/]node_modules[\\/]@pulumi[\\/]alicloud[\\/]/;

test("no entry point but ./policy loads @pulumi/policy (an optional peer dependency)", () => {
  const loaded = modulesLoadedBy(
    ["lib", "lib/receiver", "lib/runtime"].map((e) => path.join(ROOT, e)),
  );
  expect(loaded.some((m) => ALICLOUD_SDK.test(m))).toBe(true);
  expect(loaded.filter((m) => POLICY_SDK.test(m))).toEqual([]);
});

test("the ./policy entry point loads @pulumi/policy but not the alicloud SDK", () => {
  const loaded = modulesLoadedBy([path.join(ROOT, "lib/policy")]);
  expect(loaded.some((m) => POLICY_SDK.test(m))).toBe(true);
  expect(loaded.filter((m) => ALICLOUD_SDK.test(m))).toEqual([]);
});

/**
 * What the shipped pack registers when Pulumi runs it: `policy-pack/index.js` is started in its own
 * directory (as `pulumi preview --policy-pack` does) in a fresh Node process, its relative
 * `../dist/policy` served from the current source, and @pulumi/policy's `serve` (which would wait
 * for the engine) replaced by a recorder of the pack's name, version and policies.
 */
function servedPack(): { name: string; version: string; policies: string[]; entry: string[] } {
  const script = `
    const Module = require("node:module");
    const path = require("node:path");
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      const from = parent && parent.filename ? path.dirname(parent.filename) : process.cwd();
      if (request.startsWith(".") && path.resolve(from, request) === ${JSON.stringify(path.join(ROOT, "dist", "policy"))})
        return ${JSON.stringify(path.join(ROOT, "lib", "policy", "index.ts"))};
      return resolve.call(this, request, parent, ...rest);
    };
    let served;
    require("@pulumi/policy/server").serve = (name, version, level, args) => {
      served = { name, version, policies: args.policies.map((p) => p.name) };
    };
    require(${JSON.stringify(path.join(ROOT, "policy-pack", "index.js"))});
    const entry = require(${JSON.stringify(path.join(ROOT, "lib", "policy"))}).imsCallbackPolicies;
    process.stdout.write(JSON.stringify({ ...served, entry: entry.map((p) => p.name) }));
  `;
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "-e", script],
    { cwd: path.join(ROOT, "policy-pack"), encoding: "utf8" },
  );
  return JSON.parse(out) as ReturnType<typeof servedPack>;
}

describe("policy-pack/, run as Pulumi runs it", () => {
  const pack = servedPack();

  test("registers every policy of the ./policy entry point, in its order", () => {
    expect(pack.policies.length).toBeGreaterThan(0);
    expect(pack.policies).toEqual(pack.entry);
  });

  test("is served under the package's version (PolicyPack reads it from policy-pack/package.json)", () => {
    expect(pack.name).toBe("ims-callback");
    expect(pack.version).toBe(readJson("package.json").version);
  });
});
