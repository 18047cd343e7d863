/**
 * What each stack stores as the EventCallback's `__provider`: the forwarder serialized by the Pulumi
 * SDK itself (the dynamic resource calls `pulumi.runtime.serializeFunction` on registration). It
 * must load the runtime by package name and nothing else, and capture no value: every state holds
 * it, so a credential or a module it captured would sit in every user's state.
 */
import * as pulumi from "@pulumi/pulumi";
import { EventCallback } from "../../lib/program/eventCallback";

const CANARY_SECRET = "canaryAccessKeySecret0123456789";
const CANARY_TOKEN = "canarySecurityTokenValue42";
const saved = { ...process.env };
let stored: string;

beforeAll(async () => {
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = "canaryAccessKeyId";
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = CANARY_SECRET;
  process.env.ALIBABA_CLOUD_SECURITY_TOKEN = CANARY_TOKEN;
  const registered = new Promise<string>((resolve) => {
    void pulumi.runtime.setMocks(
      {
        newResource(args) {
          if (args.type === "pulumi-nodejs:dynamic/ims:EventCallback") {
            resolve(String(args.inputs.__provider));
          }
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
  });
  new EventCallback("forwarded", {
    region: "cn-shanghai",
    callbackType: "HTTP",
    callbackUrl: "https://media.example.com/ims/events",
    eventTypes: ["ProduceMediaComplete"],
    authKey: "Abc123def",
  });
  stored = await registered;
});
afterAll(() => {
  process.env = saved;
});

/** The modules `text` requires by literal name. */
function requiredModules(text: string): string[] {
  return [...text.matchAll(/\brequire\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((m) => m[2]);
}

/**
 * What `text` captures: serializeFunction runs each function body inside `with({ <captured> })`,
 * where `this` and `arguments` are always listed; the exported handler captures the provider itself.
 */
function capturedNames(text: string): string[] {
  const scopes = [...text.matchAll(/with\(\{([^}]*)\}\)/g)].map((m) => m[1]);
  return scopes
    .flatMap((scope) => scope.split(",").map((entry) => entry.split(":")[0].trim()))
    .filter((name) => name !== "" && name !== "this" && name !== "arguments");
}

describe("the serialized forwarder in each stack's state", () => {
  it("requires pulumi-alicloud-ims-callback/runtime and no other module", () => {
    const required = requiredModules(stored);
    expect(required).toHaveLength(7);
    expect(new Set(required)).toEqual(new Set(["pulumi-alicloud-ims-callback/runtime"]));
    // Every require is one of those literal ones: none through a variable or a captured module.
    expect(stored.match(/\brequire\b/g)).toHaveLength(required.length);
  });

  it("captures nothing but the provider object itself", () => {
    expect(capturedNames(stored)).toEqual(["provider"]);
    expect([...stored.matchAll(/^var (\w+)/gm)].map((m) => m[1])).toEqual(["__provider"]);
  });

  it("holds no credential and no auth key, and stays small", () => {
    for (const value of [CANARY_SECRET, CANARY_TOKEN, "canaryAccessKeyId", "Abc123def"]) {
      expect(stored).not.toContain(value);
    }
    expect(Buffer.byteLength(stored, "utf8")).toBeLessThan(4096);
  });
});
