/**
 * Runs policies without the engine: builds the argument bags @pulumi/policy's server builds, with
 * the properties behind the same unknown-checking proxy, and collects the reported violations.
 */
import {
  unknownCheckingProxy,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { EVENT_CALLBACK_TYPE } from "../../lib/policy";
import { PLUGIN_EVENT_CALLBACK_TYPE } from "../../lib/shared/contract";

/**
 * A value the engine does not know yet (preview), as the framework represents it: the sentinel its
 * deserializer puts in place of an unknown string (internal to @pulumi/policy, hence the require).
 */
export const UNKNOWN_AT_PREVIEW: unknown = (
  require("@pulumi/policy/proxy") as { unknownStringValue: unknown }
).unknownStringValue;

/** One violation: the message and the URN it was reported against (stack policies). */
export interface Violation {
  readonly message: string;
  readonly urn?: string;
}

/** A resource given to {@link runResourcePolicy} or {@link runStackPolicy}. */
export interface FakeResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly provider?: { type: string; name: string; props: Record<string, unknown> };
  /** Names of resources (in the same list) each property depends on. */
  readonly propertyDependencies?: Record<string, string[]>;
}

function urnOf(r: { type: string; name: string }): string {
  return `urn:pulumi:test::policy::${r.type}::${r.name}`;
}

function notApplicable(reason?: string): never {
  throw new Error(`notApplicable called: ${reason ?? ""}`);
}

function providerOf(r: FakeResource) {
  return (
    r.provider && {
      ...r.provider,
      urn: urnOf(r.provider),
      props: unknownCheckingProxy(r.provider.props),
    }
  );
}

/** Runs a resource policy on one resource with the given pack config; returns the messages. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: FakeResource,
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const messages: string[] = [];
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) {
    const args: ResourceValidationArgs = {
      type: resource.type,
      name: resource.name,
      urn: urnOf(resource),
      props: unknownCheckingProxy(resource.props),
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      provider: providerOf(resource),
      stackTags: new Map(),
      isType: () => false,
      asType: () => undefined,
      getConfig: <T extends object>() => config as T,
      notApplicable,
    };
    await validate(args, (message) => messages.push(message));
  }
  return messages;
}

/** Runs a stack policy over the given resources; returns the violations with their URNs. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: FakeResource[],
  config: Record<string, unknown> = {},
): Promise<Violation[]> {
  const built: PolicyResource[] = resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urnOf(r),
    props: unknownCheckingProxy(r.props),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    provider: providerOf(r),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  resources.forEach((r, i) => {
    for (const [property, names] of Object.entries(r.propertyDependencies ?? {})) {
      built[i].propertyDependencies[property] = names.map((n) => {
        const found = built.find((b) => b.name === n);
        if (!found) throw new Error(`no resource named ${n}`);
        return found;
      });
    }
  });
  const violations: Violation[] = [];
  await policy.validateStack(
    {
      resources: built,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable,
    },
    (message, urn) => violations.push({ message, urn }),
  );
  return violations;
}

/** An HTTP callback setting that every policy accepts with the default config. */
export function compliantHttpCallback(
  overrides: Record<string, unknown> = {},
  name = "web-setting",
): FakeResource {
  return {
    type: EVENT_CALLBACK_TYPE,
    name,
    props: {
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims/events",
      eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
      authKey: "Sup3rSecretKeyValue",
      adoptExisting: false,
      deletionPolicy: "restore",
      allowUndocumentedRegion: false,
      __provider: "exports.handler = __f0;",
      ...overrides,
    },
  };
}

/** An MNS callback setting that every policy accepts with the default config. */
export function compliantQueueCallback(
  overrides: Record<string, unknown> = {},
  name = "queue-setting",
): FakeResource {
  return {
    type: EVENT_CALLBACK_TYPE,
    name,
    props: {
      region: "cn-shanghai",
      callbackType: "MNS",
      queueName: "ice-callback-orders",
      eventTypes: ["ProduceMediaComplete"],
      adoptExisting: false,
      deletionPolicy: "restore",
      ...overrides,
    },
  };
}

/**
 * `setting` as the provider plugin serves it (`PluginEventCallback`, or the setting the plugin's
 * `ImsCallback` registers for a YAML or Go program): the type token the plugin registers, and
 * without the dynamic provider's own input `__provider`.
 */
export function servedByPlugin(setting: FakeResource): FakeResource {
  const { __provider: _dynamicProvider, ...props } = setting.props;
  return { ...setting, type: PLUGIN_EVENT_CALLBACK_TYPE, props };
}

/**
 * `props` as the engine sends them to a policy pack and @pulumi/policy decodes them: through a
 * protobuf Struct, secrets as `{ <sig>: <secret sig>, value }` wrappers for the SDK to take off.
 * Pass a secret with {@link secretOnTheWire}.
 */
export function asTheEngineSends(props: Record<string, unknown>): Record<string, unknown> {
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
  };
  const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: unknown, proxySecrets: boolean): Record<string, unknown>;
  };
  const defined = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  return deserializeProperties(Struct.fromJavaScript(defined), false);
}

/** A secret value as the engine puts it on the wire to a policy pack. */
export function secretOnTheWire(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}
