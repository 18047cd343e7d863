/**
 * Stack policies: rules that need several resources at once (settings of the same region, a
 * setting and its queue).
 *
 * @packageDocumentation
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { callbackSubject, readCallback, type CallbackUnderPolicy } from "./callbackPolicies";
import {
  isCallbackSetting,
  providerRegion,
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
    .filter((r) => isCallbackSetting(r.type))
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
