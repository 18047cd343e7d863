/**
 * The Mns-open 2022-01-19 queue operations (what `alicloud.message.ServiceQueue` calls): queue
 * create, read, update, delete, list and tags, one small handler per action in a table, over the
 * {@link QueueStore} of the endpoint's region (the MNS queues, shared with the data API).
 *
 * @packageDocumentation
 */
import { ApiError } from "../ground/errors";
import { keyMap } from "../ground/records";
import { Queue, QUEUE_LIMITS, QueueAttributes, queueNameProblem, QueueStore } from "../mns/queues";
import {
  bindActions,
  booleanParam,
  integerParam,
  invalidParameter,
  listParam,
  required,
  type RpcCall,
  type RpcProduct,
  type StateAction,
  tagsParam,
} from "../ground/rpcProduct";

/** The Mns-open API version served. */
export const MNS_OPEN_VERSION = "2022-01-19";

const QUEUE_NOT_EXIST = "The queue name you provided is not exist.";

/** The `Data` of a write operation, as the generated SDK models it. */
const DONE = Object.freeze({ Code: 200, Success: true, Message: "operation success" });

/** The Mns-open answer envelope around `Data`. */
function envelope(data?: unknown): Record<string, unknown> {
  return {
    Code: 200,
    Status: "Success",
    Message: "operation success",
    Success: true,
    ...(data === undefined ? {} : { Data: data }),
  };
}

/** Reads the queue attributes a CreateQueue / SetQueueAttributes call sends. */
function attributesOf(call: RpcCall): Partial<QueueAttributes> {
  const attributes: Partial<QueueAttributes> = {};
  for (const [name, [min, max]] of Object.entries(QUEUE_LIMITS) as [
    keyof typeof QUEUE_LIMITS,
    readonly [number, number],
  ][]) {
    const value = integerParam(call.params, name, min, max);
    if (value !== undefined) attributes[name] = value;
  }
  const logging = booleanParam(call.params, "EnableLogging");
  if (logging !== undefined) attributes.LoggingEnabled = logging;
  const type = call.params.QueueType;
  if (type !== undefined && type !== "") {
    if (type !== "normal" && type !== "fifo")
      throw invalidParameter("QueueType", "it must be normal or fifo.");
    attributes.QueueType = type;
  }
  if (call.params.DlqPolicy) {
    let policy: unknown;
    try {
      policy = JSON.parse(call.params.DlqPolicy);
    } catch {
      throw invalidParameter("DlqPolicy", "it must be a JSON object.");
    }
    if (typeof policy !== "object" || policy === null || Array.isArray(policy))
      throw invalidParameter("DlqPolicy", "it must be a JSON object.");
    if (Object.keys(policy).length > 0)
      attributes.DlqPolicy = policy as QueueAttributes["DlqPolicy"];
  }
  return attributes;
}

/** The `Data` of GetQueueAttributes (and a ListQueue page entry). */
export function queueView(queue: Queue, now: number): Record<string, unknown> {
  const retentionMs = queue.attributes.MessageRetentionPeriod * 1000;
  const live = queue.messages.filter((m) => m.EnqueueTime + retentionMs > now);
  const { DlqPolicy, ...attributes } = queue.attributes;
  return {
    QueueName: queue.QueueName,
    CreateTime: queue.CreateTime,
    LastModifyTime: queue.LastModifyTime,
    ...attributes,
    ActiveMessages: live.filter((m) => m.NextVisibleTime <= now).length,
    InactiveMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount > 0).length,
    DelayMessages: live.filter((m) => m.NextVisibleTime > now && m.DequeueCount === 0).length,
    ...(DlqPolicy ? { DlqPolicy } : {}),
    Tags: Object.entries(queue.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
  };
}

const queueOf = (queues: QueueStore, call: RpcCall, name: string): Queue => {
  const queue = queues.get(call.accountId, call.region, name);
  if (!queue) throw new ApiError("QueueNotExist", QUEUE_NOT_EXIST);
  return queue;
};

/** The queue the `QueueName` parameter names; `QueueNotExist` when there is none. */
const namedQueue = (queues: QueueStore, call: RpcCall): Queue =>
  queueOf(queues, call, required(call.params, "QueueName"));

/** A new queue's name, checked. */
const queueName = (call: RpcCall): string => {
  const name = required(call.params, "QueueName");
  const problem = queueNameProblem(name);
  if (problem)
    throw new ApiError("InvalidQueueName", `The queue name you provided is invalid: ${problem}.`);
  return name;
};

/** `ResourceType` of a tag operation: queues only. */
const checkResourceType = (call: RpcCall): void => {
  const type = required(call.params, "ResourceType");
  if (type.toLowerCase() !== "queue")
    throw invalidParameter("ResourceType", "the emulator serves tags of queues only.");
};

/** The queues a tag operation names (`ResourceId.N`, at least one). */
const taggedQueues = (queues: QueueStore, call: RpcCall): Queue[] => {
  checkResourceType(call);
  const ids = listParam(call.params, "ResourceId");
  if (ids.length === 0)
    throw new ApiError(
      "MissingParameter",
      'The input parameter "ResourceId" that is mandatory for processing this request is not supplied.',
    );
  return ids.map((id) => queueOf(queues, call, id));
};

/** One Mns-open action: reads its parameters, changes or reads `queues`, returns the answer. */
type MnsOpenAction = StateAction<QueueStore>;

const ACTIONS: Readonly<Record<string, MnsOpenAction>> = keyMap({
  CreateQueue: async (queues, call) => {
    const name = queueName(call);
    const attributes = attributesOf(call);
    const tags = tagsParam(call.params);
    const existing = queues.get(call.accountId, call.region, name);
    if (existing) {
      const differs = (Object.keys(attributes) as (keyof QueueAttributes)[]).some(
        (key) => JSON.stringify(attributes[key]) !== JSON.stringify(existing.attributes[key]),
      );
      if (differs)
        throw new ApiError("QueueAlreadyExist", "The queue you want to create is already exist.");
      return envelope(DONE);
    }
    await queues.create(call.accountId, call.region, name, attributes, tags);
    return envelope(DONE);
  },
  GetQueueAttributes: (queues, call) => envelope(queueView(namedQueue(queues, call), call.now)),
  SetQueueAttributes: async (queues, call) => {
    const queue = namedQueue(queues, call);
    const attributes = attributesOf(call);
    if (attributes.QueueType !== undefined && attributes.QueueType !== queue.attributes.QueueType) {
      throw invalidParameter("QueueType", "the type of an existing queue cannot change.");
    }
    await queues.update(queue, attributes);
    return envelope(DONE);
  },
  DeleteQueue: async (queues, call) => {
    await queues.delete(namedQueue(queues, call));
    return envelope(DONE);
  },
  ListQueue: (queues, call) => {
    const pageNum = integerParam(call.params, "PageNum", 1, 1_000_000) ?? 1;
    const pageSize = integerParam(call.params, "PageSize", 1, 50) ?? 20;
    const prefix = call.params.QueueName ?? "";
    const all = queues
      .list(call.accountId, call.region)
      .filter((q) => q.QueueName.startsWith(prefix))
      .sort((a, b) => a.QueueName.localeCompare(b.QueueName));
    return envelope({
      PageNum: pageNum,
      PageSize: pageSize,
      Total: all.length,
      Pages: Math.ceil(all.length / pageSize),
      PageData: all
        .slice((pageNum - 1) * pageSize, pageNum * pageSize)
        .map((q) => queueView(q, call.now)),
    });
  },
  TagResources: async (queues, call) => {
    const tags = tagsParam(call.params);
    for (const queue of taggedQueues(queues, call)) {
      Object.assign(queue.tags, tags);
      await queues.touched(queue);
    }
    return envelope(DONE);
  },
  UntagResources: async (queues, call) => {
    const keys = listParam(call.params, "TagKey");
    const all = booleanParam(call.params, "All") ?? false;
    for (const queue of taggedQueues(queues, call)) {
      if (all) queue.tags = keyMap();
      else for (const key of keys) delete queue.tags[key];
      await queues.touched(queue);
    }
    return envelope(DONE);
  },
  ListTagResources: (queues, call) => {
    const ids = listParam(call.params, "ResourceId");
    checkResourceType(call);
    const selected =
      ids.length > 0
        ? ids.map((id) => queueOf(queues, call, id))
        : queues.list(call.accountId, call.region);
    return {
      ...envelope(),
      TagResources: selected.flatMap((q) =>
        Object.entries(q.tags).map(([TagKey, TagValue]) => ({
          ResourceId: q.QueueName,
          ResourceType: "queue",
          TagKey,
          TagValue,
        })),
      ),
    };
  },
});

/** The Mns-open product, over `queues`. */
export function mnsOpenProduct(queues: QueueStore): RpcProduct {
  return {
    name: "Mns-open",
    version: MNS_OPEN_VERSION,
    host: (region) => `mns-open.${region}.aliyuncs.com`,
    actions: bindActions(queues, ACTIONS),
  };
}
