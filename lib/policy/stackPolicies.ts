/**
 * Stack policies: rules that need several resources at once (settings of the same region, a
 * setting and its queue, IMS's role and the policies attached to it).
 *
 * @packageDocumentation
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { IMS_SERVICE_ROLE_NAME, QUEUE_SEND_ACTIONS } from "../shared/ram";
import { QUEUE_NAME_PREFIX } from "../shared/validation";
import { callbackSubject, readCallback, type CallbackUnderPolicy } from "./callbackPolicies";
import { queueSendGrantProblems } from "./ramGrants";
import {
  EVENT_CALLBACK_TYPE,
  providerRegion,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  readString,
  SERVICE_QUEUE_TYPE,
  UNKNOWN,
} from "./resources";

interface CallbackResource {
  readonly resource: PolicyResource;
  readonly callback: CallbackUnderPolicy;
}

function callbacksOf(resources: readonly PolicyResource[]): CallbackResource[] {
  return resources
    .filter((r) => r.type === EVENT_CALLBACK_TYPE)
    .map((resource) => ({ resource, callback: readCallback(resource.name, resource.props) }));
}

/**
 * `ims-callback-one-setting-per-region`: at most one callback setting per region in a stack.
 *
 * A region has exactly one setting per account; two resources for it overwrite each other on every
 * update, and deleting one undoes the other.
 */
export const callbackOneSettingPerRegion: StackValidationPolicy = {
  name: "ims-callback-one-setting-per-region",
  description:
    "A stack may hold at most one IMS callback setting per region: a region has exactly one setting, so two resources for it overwrite each other on every update.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const byRegion = new Map<string, CallbackResource[]>();
    for (const entry of callbacksOf(args.resources)) {
      const region = entry.callback.region;
      if (region === UNKNOWN || region === undefined) continue;
      byRegion.set(region, [...(byRegion.get(region) ?? []), entry]);
    }
    for (const [region, entries] of byRegion) {
      if (entries.length < 2) continue;
      for (const entry of entries) {
        const others = entries.filter((e) => e !== entry).map((e) => `"${e.resource.name}"`);
        report(
          `${callbackSubject(entry.callback)}: region "${region}" is also set by EventCallback ${others.join(", ")}; a region has one callback setting, so they overwrite each other. ` +
            "Fix: keep one EventCallback (or ImsCallback) per region and list all wanted events in it.",
          entry.resource.urn,
        );
      }
    }
  },
};

/**
 * `ims-callback-queue-region`: the queue of an MNS setting is created in the setting's region.
 *
 * `alicloud.message.ServiceQueue` has no region input: it lands in its provider's region. A queue in
 * another region than the setting is a silent failure (IMS retries twice, then drops every event).
 *
 * Limits: the queue's region is read from its provider's `region` configuration; queues created
 * outside the stack, and providers whose region comes only from the environment, are not checked.
 */
export const callbackQueueRegion: StackValidationPolicy = {
  name: "ims-callback-queue-region",
  description:
    "The queue of an MNS callback setting must be in the setting's region: IMS writes only to a queue in the same region and silently drops every event otherwise.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const queues = args.resources
      .filter((r) => r.type === SERVICE_QUEUE_TYPE)
      .map((resource) => ({
        resource,
        queueName: readString(resource.props, "queueName"),
        region: providerRegion(resource.provider),
      }));
    for (const { resource, callback } of callbacksOf(args.resources)) {
      const { region, queueName } = callback;
      if (
        callback.callbackType !== "MNS" ||
        typeof region !== "string" ||
        typeof queueName !== "string"
      )
        continue;
      const sameName = queues.filter((q) => q.queueName === queueName);
      if (
        sameName.length === 0 ||
        sameName.some((q) => typeof q.region !== "string" || q.region === region)
      )
        continue;
      for (const queue of sameName) {
        report(
          `${callbackSubject(callback)}: region "${region}" delivers to queue "${queueName}", but ServiceQueue "${queue.resource.name}" creates it in region "${String(queue.region)}" ` +
            `(the region of its provider "${queue.resource.provider?.name ?? "default"}"); IMS writes only to a queue in the setting's region and drops every event otherwise. ` +
            `Fix: give the queue an alicloud provider for region "${region}" (opts.provider), or set the setting's region to "${String(queue.region)}".`,
          resource.urn,
        );
      }
    }
  },
};

/** Pack config of {@link imsRoleLeastPrivilege}. */
export interface ImsRoleConfig {
  /**
   * The roles IMS writes to queues with.
   *
   * @default ["AliyunICEDefaultRole"]
   */
  readonly roleNames?: string[];
}

/**
 * `ims-callback-ram-least-privilege`: policies attached to IMS's role grant only sending
 * (`mns:SendMessage`, `mns:BatchSendMessage`) to the messages of `ice-callback-` queues, with no
 * wildcard action or resource, and no system policy is attached to it.
 *
 * Limits: a custom policy attached by name but not managed in the same stack cannot be read, so it
 * is not checked.
 */
export const imsRoleLeastPrivilege: StackValidationPolicy = {
  name: "ims-callback-ram-least-privilege",
  description:
    "Policies attached to IMS's service role may grant only mns:SendMessage (and mns:BatchSendMessage) on ice-callback- queue messages, with no wildcards: IMS acts on behalf of every media job in the account.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      roleNames: { type: "array", items: { type: "string" }, default: [IMS_SERVICE_ROLE_NAME] },
    },
  },
  validateStack: (args, report) => {
    const config = args.getConfig<ImsRoleConfig>();
    const roles = (
      Array.isArray(config.roleNames) ? config.roleNames : [IMS_SERVICE_ROLE_NAME]
    ).map((r) => r.toLowerCase());
    const policies = args.resources.filter((r) => r.type === RAM_POLICY_TYPE);
    const reported = new Set<string>();
    for (const attachment of args.resources.filter(
      (r) => r.type === RAM_ROLE_POLICY_ATTACHMENT_TYPE,
    )) {
      const roleName = readString(attachment.props, "roleName");
      if (typeof roleName !== "string" || !roles.includes(roleName.toLowerCase())) continue;
      const policyName = readString(attachment.props, "policyName");
      const policyType = readString(attachment.props, "policyType");
      const subject = `RolePolicyAttachment "${attachment.name}"`;
      if (typeof policyType === "string" && policyType.toLowerCase() === "system") {
        report(
          `${subject}: attaches system policy ${typeof policyName === "string" ? `"${policyName}" ` : ""}to IMS's role "${roleName}"; a system policy grants far more than sending to ${QUEUE_NAME_PREFIX} queues. ` +
            `Fix: attach a custom policy that allows only ${QUEUE_SEND_ACTIONS.join(" / ")} on the queues' messages (ImsQueueAuthorization creates one).`,
          attachment.urn,
        );
        continue;
      }
      const policy = attachedPolicy(attachment, policyName, policies);
      if (!policy || reported.has(policy.urn)) continue;
      const document =
        readString(policy.props, "policyDocument") ?? readString(policy.props, "document");
      if (document === UNKNOWN || document === undefined) continue;
      const problems = queueSendGrantProblems(document);
      if (problems.length === 0) continue;
      reported.add(policy.urn);
      report(
        `Policy "${policy.name}": attached to IMS's role "${roleName}" by ${subject}, its policyDocument grants more than sending to ${QUEUE_NAME_PREFIX} queues: ${problems.join("; ")}. ` +
          `Fix: allow only ${QUEUE_SEND_ACTIONS.join(" / ")} on acs:mns:<region>:<account>:/queues/${QUEUE_NAME_PREFIX}<name>/messages, without wildcards (as ImsQueueAuthorization does).`,
        policy.urn,
      );
    }
  },
};

/**
 * The policy resource an attachment attaches: the one its `policyName` depends on, else the one of
 * that name in the stack.
 */
function attachedPolicy(
  attachment: PolicyResource,
  policyName: ReturnType<typeof readString>,
  policies: readonly PolicyResource[],
): PolicyResource | undefined {
  const dependency = (attachment.propertyDependencies.policyName ?? []).find(
    (r) => r.type === RAM_POLICY_TYPE,
  );
  if (dependency) return dependency;
  if (typeof policyName !== "string") return undefined;
  return policies.find((p) => {
    const name = readString(p.props, "policyName");
    return typeof name === "string" && name === policyName;
  });
}
