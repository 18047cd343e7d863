/**
 * `QueueDeletionGuard`: keeps the engine from deleting a queue that still holds messages, as a
 * Pulumi dynamic resource (type `pulumi-nodejs:dynamic/ims:QueueDeletionGuard`).
 *
 * @packageDocumentation
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE, QUEUE_GUARD_TYPE_NAME } from "../shared/contract";

/** The runtime the forwarder calls; a type only, so nothing of it is serialized. */
type Runtime = typeof import("../runtime");

/**
 * The provider serialized into the state: forwards only, like the setting's (see eventCallback.ts).
 * Do not reference anything from this file in these bodies.
 */
const queueDeletionGuardProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    (require("pulumi-alicloud-ims-callback/runtime") as Runtime).configureQueueGuard(req.config);
  },
  async check(olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).queueGuardCheck(olds, news);
  },
  async diff(id, olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).queueGuardDiff(
      id,
      olds,
      news,
    );
  },
  async create(inputs) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).queueGuardCreate(inputs);
  },
  async update(id, olds, news) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).queueGuardUpdate(
      id,
      olds,
      news,
    );
  },
  async delete(id, props) {
    return (require("pulumi-alicloud-ims-callback/runtime") as Runtime).queueGuardDelete(id, props);
  },
};

/** Arguments of {@link QueueDeletionGuard}. */
export interface QueueDeletionGuardArgs {
  /** The queue's region. */
  readonly region: pulumi.Input<string>;
  /** The guarded queue (give the guard `dependsOn` the queue resource, so that it is deleted first). */
  readonly queueName: pulumi.Input<string>;
  /**
   * Let the queue be deleted while it holds messages (they are lost).
   *
   * @default false
   */
  readonly deleteWithMessages?: pulumi.Input<boolean>;
}

/**
 * The guard's inputs, the same for the dynamic resource and the plugin's.
 *
 * @internal
 */
export const queueGuardInputs = (args: QueueDeletionGuardArgs): pulumi.Inputs => ({
  region: args.region,
  queueName: args.queueName,
  deleteWithMessages: args.deleteWithMessages ?? false,
});

/**
 * Depends on a queue and refuses its own delete while the queue holds messages (Mns-open
 * GetQueueAttributes), so that the engine, which deletes dependents first, never reaches the
 * queue's delete. A replacement of the queue (a rename) creates a new guard; the old one is deleted
 * at the end of the update, after the setting has moved. Preview warns with the count when a
 * replacement will meet messages.
 *
 * @internal
 */
export class QueueDeletionGuard extends pulumi.dynamic.Resource {
  /** The queue's region. */
  declare readonly region: pulumi.Output<string>;
  /** The guarded queue. */
  declare readonly queueName: pulumi.Output<string>;
  /** Whether the queue may be deleted with messages. */
  declare readonly deleteWithMessages: pulumi.Output<boolean>;

  constructor(name: string, args: QueueDeletionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      queueDeletionGuardProvider,
      name,
      queueGuardInputs(args),
      opts,
      DYNAMIC_MODULE,
      QUEUE_GUARD_TYPE_NAME,
    );
  }
}
