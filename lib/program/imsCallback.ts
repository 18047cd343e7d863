/**
 * `ImsCallback`: the whole IMS callback setup of one region — the `ice-callback-` queue, IMS's
 * authorization to write to it, and the callback setting — as one component.
 *
 * @packageDocumentation
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
  defaultPolicyName,
  IMS_SERVICE_ROLE_NAME,
  ImsQueueAuthorization,
} from "./queueAuthorization";
import { EventCallback } from "./eventCallback";
import type { CallbackType } from "../shared/setting";
import type { PluginEventCallback, PluginQueueDeletionGuard } from "./pluginEventCallback";
import { QueueDeletionGuard } from "./queueDeletionGuard";
import { providerRegionMatches, regionalProviderArgs } from "./regionalProvider";
import { IMS_CALLBACK_TYPE } from "../shared/contract";
import { stackScopedName } from "../shared/names";
import {
  eventListProblem,
  MAX_QUEUE_NAME_LENGTH,
  queueNameProblems,
  QUEUE_NAME_PREFIX,
  regionProblem,
  type DeletionPolicy,
} from "../shared/validation";

/** The HTTP(S) method. */
export interface ImsCallbackHttpTarget {
  /**
   * The one http(s) URL that receives events (at most 256 bytes).
   *
   * @example "https://media.example.com/ims/events"
   */
  readonly url: pulumi.Input<string>;
  /**
   * Turns on callback authentication with this key (stored as a secret).
   *
   * @default undefined (authentication off)
   */
  readonly authKey?: pulumi.Input<string>;
}

/** Queue options passed to `alicloud.message.ServiceQueue` when the component creates the queue. */
export interface ImsCallbackQueueOptions {
  /** Seconds before a new message becomes visible. `@default` the service's (0) */
  readonly delaySeconds?: pulumi.Input<number>;
  /** Largest message in bytes. `@default` the service's (65536) */
  readonly maximumMessageSize?: pulumi.Input<number>;
  /** Seconds a message is kept. `@default` the service's (345600, 4 days) */
  readonly messageRetentionPeriod?: pulumi.Input<number>;
  /** Long-poll wait of ReceiveMessage in seconds. `@default` the service's (0) */
  readonly pollingWaitSeconds?: pulumi.Input<number>;
  /** Seconds a received message stays invisible. `@default` the service's (30) */
  readonly visibilityTimeout?: pulumi.Input<number>;
  /** Log the queue's operations. `@default false` */
  readonly loggingEnabled?: pulumi.Input<boolean>;
  /** Tags of the queue. `@default` none */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The queue (MNS) method. */
export interface ImsCallbackQueueTarget {
  /**
   * The queue to create: starts with `ice-callback-`, then letters, digits and hyphens, at most 120
   * characters, unique per account and region.
   *
   * @default `ice-callback-<project>-<stack>-<component name>-<hash>` (unique per project and stack)
   */
  readonly name?: string;
  /**
   * Use this existing queue instead of creating one (same region, name starting with `ice-callback-`).
   *
   * @default undefined (a queue is created)
   */
  readonly existingQueueName?: pulumi.Input<string>;
  /** Options of the created queue. `@default` the service's defaults */
  readonly options?: ImsCallbackQueueOptions;
  /**
   * Let a rename (which replaces the queue) or a destroy delete the created queue while it still
   * holds messages; they are lost. Without it, that delete is refused with the count and the update
   * or destroy stops before the queue, after the setting has moved; consume the messages and run it
   * again. The choice in force is the one of the last `up`: set it, run `pulumi up`, then rename or
   * destroy. For a queue the program no longer declares (after a refused rename), run the command
   * once with `IMS_CALLBACK_DELETE_QUEUES_WITH_MESSAGES=true` instead.
   *
   * @default false
   */
  readonly deleteWithMessages?: pulumi.Input<boolean>;
}

/**
 * Arguments of {@link ImsCallback}.
 *
 * Providers come from the component's options, as for any component: `{ provider }` or
 * `{ providers: [...] }` with an alicloud provider is used for the queue and the RAM resources, and
 * must be for `region` (checked at preview). Without one, the component derives a provider for
 * `region` from the stack's `alicloud:*` config for the queue, and RAM uses the default provider.
 */
export interface ImsCallbackArgs {
  /**
   * The IMS region of the setting, and of the queue.
   *
   * @example "cn-shanghai"
   */
  readonly region: pulumi.Input<string>;
  /** Deliver by HTTP(S) POST. Give exactly one of `http` and `queue`. */
  readonly http?: ImsCallbackHttpTarget;
  /** Deliver to a queue (Alibaba's recommendation for reliability). Give exactly one of `http` and `queue`. */
  readonly queue?: ImsCallbackQueueTarget;
  /**
   * The event types to send.
   *
   * @example ["ProduceMediaComplete", "MediaConvertComplete"]
   */
  readonly eventTypes: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Queue method only: a shared {@link ImsQueueAuthorization} (one per account, for multi-region
   * stacks) that lets IMS write to this queue, instead of one created for this queue alone. IMS
   * always writes as its service role `AliyunICEDefaultRole`, which must exist.
   *
   * @default undefined (a least-privilege authorization for this queue alone is created, unless skipAuthorization)
   */
  readonly authorization?: ImsQueueAuthorization;
  /**
   * Queue method only: create no authorization, when you manage IMS's RAM permission yourself.
   *
   * @default false
   */
  readonly skipAuthorization?: boolean;
  /** Account id in the queue ARN. `@default` the caller's account */
  readonly accountId?: pulumi.Input<string>;
  /** {@inheritDoc EventCallbackArgs.adoptExisting} */
  readonly adoptExisting?: pulumi.Input<boolean>;
  /** {@inheritDoc EventCallbackArgs.deletionPolicy} */
  readonly deletionPolicy?: pulumi.Input<DeletionPolicy>;
  /** {@inheritDoc EventCallbackArgs.allowUndocumentedRegion} */
  readonly allowUndocumentedRegion?: boolean;
}

/** The key-free view of the applied setting. */
export interface AppliedCallbackSetting {
  /** The IMS region of the setting. */
  readonly region: string;
  /** `"HTTP"` or `"MNS"`. */
  readonly callbackType: CallbackType;
  /** The URL that receives events (HTTP method only). */
  readonly callbackUrl?: string;
  /** The queue IMS writes to (queue method only). */
  readonly queueName?: string;
  /** The event types IMS sends. */
  readonly eventTypes: string[];
  /** `"on"` when callback authentication is on. */
  readonly authSwitch: "on" | "off";
}

/**
 * The custom resources an {@link ImsCallback} registers: the dynamic ones in a Node.js program, the
 * provider plugin's when the plugin constructs the component.
 *
 * @internal
 */
export interface ImsCallbackResourceClasses {
  readonly EventCallback: typeof EventCallback | typeof PluginEventCallback;
  readonly QueueDeletionGuard: typeof QueueDeletionGuard | typeof PluginQueueDeletionGuard;
}

const DYNAMIC_RESOURCE_CLASSES: ImsCallbackResourceClasses = { EventCallback, QueueDeletionGuard };

/**
 * The IMS event callback of one region, with everything it needs.
 *
 * - HTTP method: the setting only.
 * - Queue method: the queue (`alicloud.message.ServiceQueue` in `region`, or an existing one), the
 *   RAM authorization for IMS to send to it, then the setting — applied only after both exist. A
 *   created queue also gets a guard that refuses its deletion while it holds messages (see
 *   {@link ImsCallbackQueueTarget.deleteWithMessages}).
 *
 * @example
 * ```ts
 * const media = new ImsCallback("media", {
 *   region: "cn-shanghai",
 *   queue: {}, // creates "ice-callback-<project>-<stack>-media-<hash>" in cn-shanghai
 *   eventTypes: ["ProduceMediaComplete"],
 * });
 * export const queueName = media.queueName; // what a consumer reads
 * ```
 */
export class ImsCallback extends pulumi.ComponentResource {
  /** The low-level setting resource. */
  readonly callback: EventCallback | PluginEventCallback;
  /** The applied setting, without the key. */
  readonly setting: pulumi.Output<AppliedCallbackSetting>;
  /** The authentication key (secret), HTTP only; `null` when authentication is off. */
  readonly authKey: pulumi.Output<string | null>;
  /** The queue name (queue method); `null` for HTTP. */
  readonly queueName: pulumi.Output<string | null>;
  /** The RAM role name (queue method with an authorization); else `null`. */
  readonly roleName: pulumi.Output<string | null>;
  /** The RAM policy name (queue method with an authorization); else `null`. */
  readonly policyName: pulumi.Output<string | null>;
  /** The created queue, if any. */
  readonly queue?: alicloud.message.ServiceQueue;
  /**
   * Refuses to let the created queue be deleted while it holds messages, see
   * {@link ImsCallbackQueueTarget.deleteWithMessages}.
   *
   * @internal
   */
  readonly queueGuard?: QueueDeletionGuard | PluginQueueDeletionGuard;
  /** The authorization in use (created or shared), if any. */
  readonly authorization?: ImsQueueAuthorization;

  constructor(name: string, args: ImsCallbackArgs, opts?: pulumi.ComponentResourceOptions);
  /**
   * The provider plugin passes its own custom resources: a dynamic resource cannot be registered
   * from a component provider (pulumi/pulumi#5455).
   *
   * @internal
   */
  constructor(
    name: string,
    args: ImsCallbackArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
    resourceClasses: ImsCallbackResourceClasses,
  );
  constructor(
    name: string,
    args: ImsCallbackArgs,
    opts?: pulumi.ComponentResourceOptions,
    resourceClasses: ImsCallbackResourceClasses = DYNAMIC_RESOURCE_CLASSES,
  ) {
    super(IMS_CALLBACK_TYPE, name, {}, opts);
    validateComponentArgs(name, args);
    const parts = args.queue
      ? queueParts(name, this, args, args.queue, resourceClasses.QueueDeletionGuard)
      : undefined;
    this.authorization = parts?.authorization;
    this.queue = parts?.queue;
    this.queueGuard = parts?.queueGuard;
    this.callback = registerSetting(name, this, args, parts, resourceClasses.EventCallback);
    this.setting = appliedSetting(this.callback);
    // Outputs that do not apply are null: an undefined stack output is dropped with a warning.
    this.authKey = this.callback.authKey;
    this.queueName = pulumi.output(parts?.queueName ?? null);
    this.roleName = this.authorization ? this.authorization.roleName : pulumi.output(null);
    this.policyName = this.authorization ? this.authorization.policyName : pulumi.output(null);
    this.registerOutputs({
      setting: this.setting,
      authKey: this.authKey,
      queueName: this.queueName,
      roleName: this.roleName,
      policyName: this.policyName,
    });
  }
}

/** What the queue method registers before the setting, which waits for all of it. */
interface QueueParts {
  /** The queue the setting names: the created queue's name, or the existing queue's. */
  readonly queueName: pulumi.Input<string>;
  /** The authorization in use (created or shared), if any. */
  readonly authorization?: ImsQueueAuthorization;
  /** The created queue, if any. */
  readonly queue?: alicloud.message.ServiceQueue;
  /** The guard of the created queue, if any. */
  readonly queueGuard?: QueueDeletionGuard | PluginQueueDeletionGuard;
  /** What the setting depends on. */
  readonly dependsOn: pulumi.Resource[];
}

/** What the queue method decided from the arguments, before registering anything. */
interface QueuePlan {
  /** The component's name, the prefix of its children's names. */
  readonly name: string;
  /** The component: the parent of what the queue method registers. */
  readonly parent: pulumi.ComponentResource;
  /** The region of the setting and of the queue. */
  readonly region: pulumi.Input<string>;
  /** The component's `queue` argument. */
  readonly target: ImsCallbackQueueTarget;
  /** Whether the component creates the queue (no `existingQueueName`). */
  readonly creating: boolean;
  /** The queue's name, known at preview (also while a rename replaces the queue). */
  readonly plannedName: pulumi.Input<string>;
  /** The alicloud provider the component was given for the queue, if any. */
  readonly inherited?: pulumi.ProviderResource;
  /** Whether the component creates IMS's authorization (neither shared nor skipped). */
  readonly createsAuthorization: boolean;
  /** The name of the policy the component's authorization gets. */
  readonly plannedPolicyName: pulumi.Output<string>;
  /** `deletionPolicy: "retain"`: the queue and the grant are kept with the setting. */
  readonly retained: boolean;
  /**
   * Checks at preview: a failed one logs its error and turns the names of what the component
   * creates into "", which the service refuses, so that nothing is created, not even by an up
   * without preview.
   */
  readonly checks: pulumi.Output<boolean>[];
}

/** The queue method's parts, in order: the authorization, then the queue and its guard. */
function queueParts(
  name: string,
  parent: pulumi.ComponentResource,
  args: ImsCallbackArgs,
  target: ImsCallbackQueueTarget,
  Guard: ImsCallbackResourceClasses["QueueDeletionGuard"],
): QueueParts {
  const plan = planQueue(name, parent, args, target);
  const authorization =
    args.authorization ?? (plan.createsAuthorization ? authorize(plan, args) : undefined);
  if (plan.retained) {
    warnWhatIsRetained(name, parent, {
      region: plan.region,
      queueName: plan.plannedName,
      createdQueue: plan.creating,
      policyName: plan.createsAuthorization ? plan.plannedPolicyName : undefined,
      sharedAuthorization: args.authorization,
    });
  }
  // The queue waits for IMS's role too: without it the authorization is not created.
  const checks = [...plan.checks, ...(authorization ? [authorization.serviceRoleFound] : [])];
  const created = plan.creating ? createQueue(plan, checks, Guard) : undefined;
  return {
    queueName: created ? created.queue.queueName : plan.plannedName,
    authorization,
    queue: created?.queue,
    queueGuard: created?.queueGuard,
    dependsOn: [
      ...(authorization ? [authorization] : []),
      ...(created ? [created.queue, created.queueGuard] : []),
    ],
  };
}

/** Reads the queue method's arguments and starts the checks at preview; registers nothing. */
function planQueue(
  name: string,
  parent: pulumi.ComponentResource,
  args: ImsCallbackArgs,
  target: ImsCallbackQueueTarget,
): QueuePlan {
  const region = args.region;
  const creating = target.existingQueueName === undefined;
  const plannedName: pulumi.Input<string> = creating
    ? (target.name ?? defaultQueueName(name))
    : target.existingQueueName!;
  const checks: pulumi.Output<boolean>[] = [];
  const inherited = creating
    ? parent.getProvider("alicloud:message/serviceQueue:ServiceQueue")
    : undefined;
  if (inherited) checks.push(providerRegionMatches(name, parent, inherited, region));
  const createsAuthorization = !args.authorization && args.skipAuthorization !== true;
  if ((creating || createsAuthorization) && isDeferred(args.deletionPolicy)) {
    checks.push(deletionPolicyIsPlain(name, parent, args.deletionPolicy));
  }
  const plannedPolicyName = pulumi
    .all([region, plannedName])
    .apply(([r, q]) => defaultPolicyName(name, [{ region: r, queueName: q }]));
  return {
    name,
    parent,
    region,
    target,
    creating,
    plannedName,
    inherited,
    createsAuthorization,
    plannedPolicyName,
    // A setting kept after the stack needs the queue and IMS's grant kept too: deleted, every
    // later event would be dropped (AccessDenied, then QueueNotExist).
    retained: args.deletionPolicy === "retain",
    checks,
  };
}

/** `retainOnDelete` for what the plan creates, when the setting is kept. */
function retainOpts(plan: QueuePlan): { retainOnDelete?: boolean } {
  return plan.retained ? { retainOnDelete: true } : {};
}

/** The least-privilege authorization for this queue alone. */
function authorize(plan: QueuePlan, args: ImsCallbackArgs): ImsQueueAuthorization {
  return new ImsQueueAuthorization(
    `${plan.name}-authorization`,
    {
      queues: [{ region: plan.region, queueName: plan.plannedName }],
      accountId: args.accountId,
      // Named after the queue: a rename replaces the grant, whose old copy is deleted at the end
      // of the update, after the setting has moved (no event refused meanwhile).
      policyName: onlyIf(plan.checks, plan.plannedPolicyName),
    },
    { parent: plan.parent, ...retainOpts(plan) },
  );
}

/** The created queue (with a provider for its region unless one was given) and its guard. */
function createQueue(
  plan: QueuePlan,
  checks: pulumi.Output<boolean>[],
  Guard: ImsCallbackResourceClasses["QueueDeletionGuard"],
): {
  queue: alicloud.message.ServiceQueue;
  queueGuard: QueueDeletionGuard | PluginQueueDeletionGuard;
} {
  const { name, parent, region, target } = plan;
  const provider =
    plan.inherited ??
    new alicloud.Provider(`${name}-provider`, regionalProviderArgs(region), { parent });
  const checkedName = onlyIf(checks, plan.plannedName);
  const queue = new alicloud.message.ServiceQueue(
    `${name}-queue`,
    { ...(target.options ?? {}), queueName: checkedName },
    { parent, provider, ...retainOpts(plan) },
  );
  // The setting depends on the guard: a destroy moves the setting away first, then the guard
  // checks that the queue is empty before the engine reaches the queue's delete. It takes the
  // planned name, known at preview also while a rename replaces the queue, so that the preview
  // can count the old queue's messages.
  const queueGuard = new Guard(
    `${name}-queue-guard`,
    { region, queueName: checkedName, deleteWithMessages: target.deleteWithMessages },
    { parent, dependsOn: [queue], ...retainOpts(plan) },
  );
  return { queue, queueGuard };
}

/**
 * The setting, after what the queue method registered. The dynamic resource gets the region as an
 * input and never an alicloud provider.
 */
function registerSetting(
  name: string,
  parent: pulumi.ComponentResource,
  args: ImsCallbackArgs,
  parts: QueueParts | undefined,
  Setting: ImsCallbackResourceClasses["EventCallback"],
): EventCallback | PluginEventCallback {
  return new Setting(
    `${name}-setting`,
    {
      region: args.region,
      callbackType: args.http ? "HTTP" : "MNS",
      callbackUrl: args.http?.url,
      authKey: args.http?.authKey,
      queueName: parts?.queueName,
      eventTypes: args.eventTypes,
      adoptExisting: args.adoptExisting,
      deletionPolicy: args.deletionPolicy,
      allowUndocumentedRegion: args.allowUndocumentedRegion,
    },
    { parent, dependsOn: parts?.dependsOn ?? [] },
  );
}

/** The key-free view of the setting's outputs. */
function appliedSetting(
  c: EventCallback | PluginEventCallback,
): pulumi.Output<AppliedCallbackSetting> {
  return pulumi
    .all([c.region, c.callbackType, c.callbackUrl, c.queueName, c.eventTypes, c.authSwitch])
    .apply(([region, callbackType, callbackUrl, queueName, eventTypes, authSwitch]) => ({
      region,
      callbackType,
      ...(callbackUrl ? { callbackUrl } : {}),
      ...(queueName ? { queueName } : {}),
      eventTypes,
      authSwitch,
    }));
}

/**
 * Checks the plain (already known) arguments of an {@link ImsCallback} and throws one error listing
 * every problem, each naming the argument and the fix. Values that are Outputs are checked later by
 * the provider, at preview.
 */
export function validateComponentArgs(name: string, args: ImsCallbackArgs): void {
  if (!args) {
    throw new Error(`Invalid ImsCallback "${name}":\n  - args: required.`);
  }
  // The setting's own rules (lib/shared/validation.ts) for the plain values the component passes
  // on; the provider checks Outputs at preview, with the same texts.
  const plainRegion = args.region === undefined || typeof args.region === "string";
  const region = plainRegion && regionProblem(args.region, args.allowUndocumentedRegion);
  const eventList = Array.isArray(args.eventTypes) && eventListProblem(args.eventTypes);
  const problems = [
    ...(!!args.http === !!args.queue
      ? [
          "http / queue: give exactly one of them: http: { url } for HTTP(S) delivery, or queue: {} for a queue.",
        ]
      : []),
    ...(region ? [`region: ${region}`] : []),
    ...(args.queue ? queueArgProblems(args, args.queue) : queueOnlyArgsGiven(args)),
    ...(eventList ? [`eventTypes: ${eventList}`] : []),
  ];
  if (problems.length > 0) {
    throw new Error(
      `Invalid ImsCallback "${name}":\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** The problems of the queue method's arguments. */
function queueArgProblems(args: ImsCallbackArgs, queue: ImsCallbackQueueTarget): string[] {
  const problems: string[] = [];
  const existing = queue.existingQueueName !== undefined;
  if (queue.name !== undefined && existing) {
    problems.push(
      "queue.name / queue.existingQueueName: give one: name creates a queue, existingQueueName uses one.",
    );
  }
  const names: Array<[string, unknown]> = [
    ["queue.name", queue.name],
    ["queue.existingQueueName", queue.existingQueueName],
  ];
  for (const [property, value] of names) {
    if (typeof value === "string") {
      for (const reason of queueNameProblems(value)) problems.push(`${property}: ${reason}`);
    }
  }
  if (existing && queue.options !== undefined) {
    problems.push(
      "queue.options: only apply to a queue this component creates; remove them or drop existingQueueName.",
    );
  }
  if (existing && queue.deleteWithMessages !== undefined) {
    problems.push(
      "queue.deleteWithMessages: only applies to a queue this component creates (an existing queue is never deleted); remove it.",
    );
  }
  if (args.authorization !== undefined && args.skipAuthorization === true) {
    problems.push(
      "authorization / skipAuthorization: give one: authorization shares an authorization, skipAuthorization creates none.",
    );
  }
  return problems;
}

/** The queue method's arguments given to the HTTP method, each a problem. */
function queueOnlyArgsGiven(args: ImsCallbackArgs): string[] {
  return (["authorization", "skipAuthorization", "accountId"] as const)
    .filter((property) => args[property] !== undefined)
    .map((property) => `${property}: only used with the queue method; remove it.`);
}

/** Whether a deletion policy is given as an Output or a promise (its value not known at construction). */
function isDeferred(
  policy: pulumi.Input<DeletionPolicy> | undefined,
): policy is pulumi.Output<DeletionPolicy> | Promise<DeletionPolicy> {
  return policy !== undefined && typeof policy !== "string";
}

/**
 * Which resources a destroy keeps is decided when the component is constructed (`retainOnDelete`),
 * so `"retain"` must be a plain value when the component creates a queue or an authorization. An
 * Output that turns out to be `"retain"` is refused: logged against the component, `false`.
 *
 * @internal
 */
export function deletionPolicyIsPlain(
  name: string,
  parent: pulumi.Resource,
  policy: pulumi.Input<DeletionPolicy>,
): pulumi.Output<boolean> {
  return pulumi.output(policy).apply((value) => {
    if (value !== "retain") return true;
    void pulumi.log.error(
      `ImsCallback "${name}": deletionPolicy: "retain" must be given as a plain value, not an Output, with the queue method: ` +
        "the component decides when it is constructed that the queue and IMS's permission to write to it are kept with " +
        'the setting. Write deletionPolicy: "retain" (e.g. from config.require), or use "restore" or "clear".',
      parent,
    );
    return false;
  });
}

/** What a kept queue-method setting needs, for {@link warnWhatIsRetained}. */
interface RetainedParts {
  readonly region: pulumi.Input<string>;
  readonly queueName: pulumi.Input<string>;
  readonly createdQueue: boolean;
  /** The policy name of the authorization the component creates, if any (known at preview). */
  readonly policyName?: pulumi.Output<string>;
  /** The shared authorization given in `authorization`, if any. */
  readonly sharedAuthorization?: ImsQueueAuthorization;
}

/**
 * Warns at preview that `deletionPolicy: "retain"` keeps the queue and IMS's grant with the setting
 * (so that the region keeps delivering after the stack lets go), and, for a shared authorization not
 * created with `retainOnDelete: true`, that a destroy deletes the grant the kept setting needs.
 */
function warnWhatIsRetained(name: string, parent: pulumi.Resource, parts: RetainedParts): void {
  const shared = parts.sharedAuthorization;
  const sharedRetained = shared instanceof ImsQueueAuthorization && shared.retainsOnDelete;
  void pulumi
    .all([parts.region, parts.queueName, parts.policyName ?? null])
    .apply(([region, queue, policy]) => {
      const kept = [
        ...(parts.createdQueue ? [`the queue "${queue}"`] : []),
        ...(policy
          ? [
              `IMS's permission to write to it (RAM policy "${policy}" and its attachment to ${IMS_SERVICE_ROLE_NAME})`,
            ]
          : []),
      ];
      const head =
        `ImsCallback "${name}": deletionPolicy "retain" leaves the setting in ${region} pointing at queue "${queue}" ` +
        "when the stack is destroyed or this component removed";
      const lines: string[] = [];
      if (kept.length > 0) {
        lines.push(
          `${head}, so ${kept.join(" and ")} ${kept.length > 1 ? "are" : "is"} kept too (retainOnDelete) and events keep ` +
            "arriving. Pulumi no longer manages them then: delete them yourself once the region's setting points elsewhere.",
        );
      }
      if (shared && !sharedRetained) {
        lines.push(
          `${head}, but the ImsQueueAuthorization given in authorization is deleted with its stack unless it was created with ` +
            "retainOnDelete: true; IMS's events to the queue would then be refused and dropped. Create it with " +
            '{ retainOnDelete: true } (its policy and attachment are kept), or use deletionPolicy "restore" or "clear".',
        );
      }
      for (const line of lines) void pulumi.log.warn(line, parent);
    });
}

/** `value`, or `""` (an empty name, which the service refuses) when any check failed. */
function onlyIf(
  checks: pulumi.Output<boolean>[],
  value: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi
    .all([pulumi.all(checks), value])
    .apply(([passed, v]) => (passed.every(Boolean) ? v : ""));
}

/**
 * The queue an {@link ImsCallback} creates by default, unique per project, stack and component name
 * (queue names are unique per account and region, so two stacks of one account need two names).
 */
export function defaultQueueName(name: string): string {
  return stackScopedName({
    prefix: QUEUE_NAME_PREFIX,
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    name,
    maxLength: MAX_QUEUE_NAME_LENGTH,
  });
}
