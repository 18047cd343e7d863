/**
 * The `alicloud-ims-callback` provider: one object that the SDK's provider server calls, which
 * dispatches on the type token. The custom resource forwards to the dynamic provider's runtime
 * (`lib/runtime`: the same IMS logic, ownership, validation and redaction), adding only what the
 * provider protocol needs: secrets in and out, and `read` without state for `pulumi import`. The
 * components are the program's own classes, constructed here with the plugin's setting resource.
 *
 * @packageDocumentation
 */
import * as fs from "node:fs";
import * as path from "node:path";
// Types only: the top-level @pulumi/pulumi loads the whole SDK (TypeScript included); the plugin
// loads the parts serving needs, and the rest with the first request that needs it.
import type * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as provider from "@pulumi/pulumi/provider";
import { ComponentResource } from "@pulumi/pulumi/resource";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import type { ImsCallbackArgs } from "../program/imsCallback";
import type { ImsQueueAuthorizationArgs } from "../program/queueAuthorization";
import {
  IMS_CALLBACK_TYPE,
  IMS_QUEUE_AUTHORIZATION_TYPE,
  PLUGIN_EVENT_CALLBACK_TYPE,
  PLUGIN_PACKAGE,
  PLUGIN_QUEUE_GUARD_TYPE,
  PLUGIN_VERSION,
  SECRET_SETTING_OUTPUTS,
} from "../shared/contract";
import type { StackConfigReader } from "../shared/credentials";
import type * as Runtime from "../runtime";
import { CALLBACK_INPUT_DEFAULTS, validateCallbackInputs } from "../shared/validation";
import { takeReadInputs, type EngineWarn } from "./sdkWorkarounds";
import { unwrapSecrets, wrapSecrets } from "./secrets";

/** The schema shipped with the package (`npm run schema` writes it from the TSDoc). */
export const SCHEMA_PATH = path.join(__dirname, "..", "..", "schema.json");

/** The type tokens of the components. */
export const COMPONENT_TYPES = {
  ImsCallback: IMS_CALLBACK_TYPE,
  ImsQueueAuthorization: IMS_QUEUE_AUTHORIZATION_TYPE,
} as const;

/** How the plugin serves one custom resource type from the runtime. */
interface CustomResourceRuntime {
  /** The dynamic-provider-shaped runtime (the same functions the dynamic provider forwards to). */
  readonly runtime: dynamic.ResourceProvider;
  /** `read` without state: adopt the existing resource `id` (`pulumi import`); none: not importable. */
  readonly importById?: (id: string) => Promise<dynamic.ReadResult>;
  /** Outputs always stored as secrets. */
  readonly secretOutputs: readonly string[];
  /**
   * Inputs that `check` fills with these values when unset: a refresh leaves out those the stored
   * inputs do not have while they hold that value, so the inputs stay as stored (an import stores
   * none of them) and the refresh shows no change.
   */
  readonly defaultedInputs?: Readonly<Record<string, unknown>>;
  /** The soft problems of checked inputs, logged as the engine's warnings on the resource. */
  readonly softProblems?: (inputs: Record<string, unknown>) => string[];
}

/** What `check` receives for a value the engine does not know yet (at preview). */
const UNKNOWN = rpc.unknownValue;

let loadedRuntime: typeof Runtime | undefined;

/**
 * The runtime, loaded by the first request that needs it (the provider's configuration, at the
 * latest), not at start-up: it loads the Alibaba Cloud SDK's clients.
 */
function runtimeModule(): typeof Runtime {
  return (loadedRuntime ??= require("../runtime") as typeof Runtime);
}

const CUSTOM_RESOURCES: Readonly<Record<string, CustomResourceRuntime>> = {
  [PLUGIN_EVENT_CALLBACK_TYPE]: {
    get runtime() {
      return runtimeModule().eventCallbackRuntime;
    },
    importById: (id) => runtimeModule().importSetting(id),
    secretOutputs: SECRET_SETTING_OUTPUTS,
    defaultedInputs: CALLBACK_INPUT_DEFAULTS,
    // The same rules and texts as the dynamic provider's program-side warnings (plain http,
    // retired or unknown event types); no rule's warning shows an input's value.
    softProblems: (inputs) =>
      validateCallbackInputs(inputs, (value) => value === UNKNOWN)
        .filter((problem) => problem.severity === "warning")
        .map((problem) => problem.reason),
  },
  [PLUGIN_QUEUE_GUARD_TYPE]: {
    get runtime() {
      return runtimeModule().queueGuardRuntime;
    },
    secretOutputs: [],
  },
};

/**
 * A shared `ImsQueueAuthorization` passed to the plugin's `ImsCallback` (`authorization:
 * ${auth}` in YAML): the engine sends a reference, which becomes this object, reading the
 * component's registered outputs.
 */
class ImsQueueAuthorizationReference extends ComponentResource {
  declare readonly roleName: pulumi.Output<string>;
  declare readonly policyName: pulumi.Output<string>;
  /** Whether IMS's role was found: the component's role name is `""` when it was not. */
  readonly serviceRoleFound: pulumi.Output<boolean>;

  constructor(name: string, urn: string) {
    super(
      COMPONENT_TYPES.ImsQueueAuthorization,
      name,
      { roleName: undefined, policyName: undefined },
      { urn },
    );
    this.serviceRoleFound = this.roleName.apply((role) => typeof role === "string" && role !== "");
  }
}

rpc.registerResourceModule(PLUGIN_PACKAGE, "index", {
  version: PLUGIN_VERSION,
  construct(name, type, urn) {
    if (type !== COMPONENT_TYPES.ImsQueueAuthorization) {
      throw new Error(`A reference to ${type} cannot be passed to the ${PLUGIN_PACKAGE} provider.`);
    }
    return new ImsQueueAuthorizationReference(name, urn);
  },
});

/** The resource type in a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
function typeOf(urn: string): string {
  return urn.split("::")[2]?.split("$").pop() ?? "";
}

function runtimeFor(urn: string): CustomResourceRuntime {
  const served = CUSTOM_RESOURCES[typeOf(urn)];
  if (!served)
    throw new Error(`The ${PLUGIN_PACKAGE} provider has no resource type ${typeOf(urn)}.`);
  return served;
}

/** Marks an error's partial state (create or update recorded although it failed) secret too. */
function withSecretPartialState(error: unknown, secretKeys: readonly string[]): unknown {
  const partial = error as { properties?: Record<string, unknown> } | undefined;
  if (partial && typeof partial === "object" && partial.properties) {
    partial.properties = wrapSecrets(partial.properties, secretKeys);
  }
  return error;
}

/**
 * The provider object given to `provider.main`.
 */
export class ImsCallbackProvider implements provider.Provider {
  readonly version = PLUGIN_VERSION;

  /**
   * @param warn - logs a warning of a resource in the engine (`engineWarnings` of the plugin's
   *   arguments); by default to stderr, which the CLI does not show.
   */
  constructor(private readonly warn: EngineWarn = stderrWarn) {}

  /**
   * Runs `operation` (a call of the runtime for the resource `urn`) with the runtime's warnings
   * logged in the engine under `urn`: `pulumi.log` has no engine in this process outside
   * `construct`, so they would go to stderr, which the CLI does not show.
   */
  private underUrn<R>(urn: string, operation: () => Promise<R>): Promise<R> {
    return runtimeModule().withWarner((message) => this.warn(urn, message), operation);
  }

  /** Reads the schema when the engine asks for it (SDK generation, YAML programs). */
  async getSchema(): Promise<string> {
    return fs.promises.readFile(SCHEMA_PATH, "utf8");
  }

  /** Hands the provider configuration to the runtime (called before any resource operation). */
  async configure(config: StackConfigReader): Promise<void> {
    const request = { config } as unknown as dynamic.ConfigureRequest;
    for (const served of Object.values(CUSTOM_RESOURCES)) await served.runtime.configure?.(request);
  }

  async check(
    urn: pulumi.URN,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<provider.CheckResult> {
    const served = runtimeFor(urn);
    const declared = unwrapSecrets(news);
    const check = served.runtime.check;
    const result = check
      ? await this.underUrn(urn, () => check(unwrapSecrets(olds).value, declared.value))
      : { inputs: declared.value };
    // Once per check, so once per resource and deployment: the CLI shows it under the resource.
    // Hard problems are the failures, which stop the deployment; soft ones let the value through.
    for (const reason of served.softProblems?.(declared.value) ?? []) await this.warn(urn, reason);
    return {
      inputs: wrapSecrets(result.inputs ?? declared.value, [
        ...declared.secretKeys,
        ...served.secretOutputs,
      ]),
      failures: result.failures ? [...result.failures] : [],
    };
  }

  async diff(
    id: pulumi.ID,
    urn: pulumi.URN,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<provider.DiffResult> {
    const { runtime } = runtimeFor(urn);
    if (!runtime.diff) return {};
    const diff = runtime.diff;
    return this.underUrn(urn, () => diff(id, unwrapSecrets(olds).value, unwrapSecrets(news).value));
  }

  async create(urn: pulumi.URN, inputs: Record<string, unknown>): Promise<provider.CreateResult> {
    const served = runtimeFor(urn);
    const declared = unwrapSecrets(inputs);
    const secretKeys = [...declared.secretKeys, ...served.secretOutputs];
    try {
      const result = await this.underUrn(urn, () => served.runtime.create!(declared.value));
      return { id: result.id, outs: wrapSecrets(result.outs ?? {}, secretKeys) };
    } catch (error) {
      throw withSecretPartialState(error, secretKeys);
    }
  }

  async read(
    id: pulumi.ID,
    urn: pulumi.URN,
    props?: Record<string, unknown>,
  ): Promise<provider.ReadResult> {
    const served = runtimeFor(urn);
    const storedInputs = takeReadInputs(urn);
    const stored = unwrapSecrets(props);
    if (Object.keys(stored.value).length === 0) {
      // `pulumi import`: no state. The inputs hold no secret (the generated code shows them all).
      // importById throws, saying why, when there is nothing to import or it cannot be imported.
      if (!served.importById) throw new Error(`${typeOf(urn)} cannot be imported.`);
      const importById = served.importById;
      const adopted = await this.underUrn(urn, () => importById(id));
      if (!adopted.id) return { id: "", props: {} };
      return {
        id: adopted.id,
        props: wrapSecrets(adopted.props ?? {}, served.secretOutputs),
        inputs: adopted.inputs,
      };
    }
    const secretKeys = [...stored.secretKeys, ...served.secretOutputs];
    if (!served.runtime.read) return { id, props: wrapSecrets(stored.value, secretKeys) };
    const read = served.runtime.read;
    const result = await this.underUrn(urn, () => read(id, stored.value));
    if (!result.id) return { id: "", props: {} };
    return {
      id: result.id,
      props: wrapSecrets(result.props ?? {}, secretKeys),
      inputs:
        result.inputs === undefined
          ? undefined
          : wrapSecrets(asStored(result.inputs, storedInputs, served.defaultedInputs), secretKeys),
    };
  }

  async update(
    id: pulumi.ID,
    urn: pulumi.URN,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<provider.UpdateResult> {
    const served = runtimeFor(urn);
    const previous = unwrapSecrets(olds);
    const declared = unwrapSecrets(news);
    const secretKeys = [...declared.secretKeys, ...previous.secretKeys, ...served.secretOutputs];
    try {
      if (!served.runtime.update) return { outs: wrapSecrets(declared.value, secretKeys) };
      const update = served.runtime.update;
      const result = await this.underUrn(urn, () => update(id, previous.value, declared.value));
      return { outs: wrapSecrets(result.outs ?? {}, secretKeys) };
    } catch (error) {
      throw withSecretPartialState(error, secretKeys);
    }
  }

  async delete(id: pulumi.ID, urn: pulumi.URN, props: Record<string, unknown>): Promise<void> {
    const remove = runtimeFor(urn).runtime.delete;
    if (remove) await this.underUrn(urn, () => remove(id, unwrapSecrets(props).value));
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    // Loaded here, not at start-up: the components load @pulumi/alicloud and the top-level
    // @pulumi/pulumi, which the custom resources never need.
    const { ImsCallback } = await import("../program/imsCallback");
    const { ImsQueueAuthorization } = await import("../program/queueAuthorization");
    const { PluginEventCallback, PluginQueueDeletionGuard } =
      await import("../program/pluginEventCallback");
    let component: pulumi.ComponentResource;
    if (type === COMPONENT_TYPES.ImsCallback) {
      component = new ImsCallback(
        name,
        inputs as unknown as ImsCallbackArgs,
        options,
        // The plugin's custom resources, for the plugin's own components.
        { EventCallback: PluginEventCallback, QueueDeletionGuard: PluginQueueDeletionGuard },
      );
    } else if (type === COMPONENT_TYPES.ImsQueueAuthorization) {
      component = new ImsQueueAuthorization(
        name,
        inputs as unknown as ImsQueueAuthorizationArgs,
        options,
      );
    } else {
      throw new Error(`The ${PLUGIN_PACKAGE} provider has no component type ${type}.`);
    }
    return { urn: component.urn, state: await componentState(type, component) };
  }
}

/** Warns on stderr: the plugin's default when it is given no connection to the engine. */
async function stderrWarn(urn: string, message: string): Promise<void> {
  process.stderr.write(`warning: ${urn}: ${message}\n`);
}

/**
 * `inputs` (a refresh's) without the defaulted inputs that the stored inputs do not have and that
 * hold their default: the stored form, so a refresh of an imported resource shows no change.
 */
function asStored(
  inputs: Record<string, unknown>,
  storedInputs: Record<string, unknown> | undefined,
  defaults: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  if (!storedInputs || !defaults) return inputs;
  return Object.fromEntries(
    Object.entries(inputs).filter(
      ([key, value]) => key in storedInputs || !(key in defaults) || defaults[key] !== value,
    ),
  );
}

/** The component's outputs as the schema declares them (the schema is the one list). */
async function componentState(
  type: string,
  component: pulumi.ComponentResource,
): Promise<pulumi.Inputs> {
  const schema = JSON.parse(await fs.promises.readFile(SCHEMA_PATH, "utf8")) as {
    resources: Record<string, { properties?: Record<string, unknown> }>;
  };
  const names = Object.keys(schema.resources[type]?.properties ?? {});
  const record = component as unknown as Record<string, pulumi.Input<unknown>>;
  return Object.fromEntries(names.map((key) => [key, record[key]]));
}
