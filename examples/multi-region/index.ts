import * as pulumi from "@pulumi/pulumi";
import { ImsCallback, ImsQueueAuthorization } from "pulumi-alicloud-ims-callback";

/** One entry of ims:callbacks: a region and either an HTTP(S) url or a queue name. */
interface RegionCallback {
  region: string;
  url?: string;
  queue?: string;
  eventTypes: string[];
}

/**
 * The callbacks of every region listed in ims:callbacks. Queues get one shared RAM authorization
 * (RAM is account-wide); each queue is created in its callback's region.
 */
export = async () => {
  const config = new pulumi.Config("ims");
  const callbacks = config.requireObject<RegionCallback[]>("callbacks");
  const authKey = config.getSecret("authKey");
  const manageQueues = config.getBoolean("manageQueues") ?? true;
  const queued = callbacks.filter((c) => c.queue !== undefined);

  const authorization =
    manageQueues && queued.length > 0
      ? new ImsQueueAuthorization("ims", {
          queues: queued.map((c) => ({ region: c.region, queueName: c.queue! })),
        })
      : undefined;

  const settings: Record<string, pulumi.Output<unknown>> = {};
  for (const entry of callbacks) {
    const name = `ims-${entry.region}`;
    const callback = entry.queue
      ? new ImsCallback(name, {
          region: entry.region,
          queue: manageQueues ? { name: entry.queue } : { existingQueueName: entry.queue },
          ...(authorization ? { authorization } : { skipAuthorization: true }),
          eventTypes: entry.eventTypes,
        })
      : new ImsCallback(name, {
          region: entry.region,
          http: { url: entry.url!, authKey },
          eventTypes: entry.eventTypes,
        });
    settings[entry.region] = callback.setting;
  }
  // Only outputs that apply: an undefined stack output is dropped with a warning.
  return authorization ? { settings, policyName: authorization.policyName } : { settings };
};
