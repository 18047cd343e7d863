/**
 * The control operations of a running emulator (what the admin API and tests call): settings "in
 * the console", faults, counters, the request log, event emission, behaviour, queues and RAM. Each
 * calls the products' domain methods directly, never an API action.
 *
 * @packageDocumentation
 */
import type { EmulatorAccount } from "../ground/accounts";
import { type EmulatorBehaviour, resolveBehaviour } from "../ground/behaviour";
import { EMULATOR_REGIONS, type EmulatorRegion } from "../ground/regions";
import { UNCONFIGURED_SETTING } from "../ims/api";
import { deliverEvent, type DeliveryPolicy, type DeliveryReport } from "../ims/delivery";
import { imsQueueWriter } from "./queueWriter";
import {
  completeSetting,
  SETTING_FIELDS,
  type SettingStore,
  type StoredSetting,
} from "../ims/settings";
import {
  type Queue,
  queueArn,
  type QueueAttributes,
  QUEUE_LIMITS,
  type QueueStore,
} from "../mns/queues";
import type { EmulatorHandle } from "./options";
import type { RamState } from "../ram/state";
import { ownValue } from "../ground/records";
import { checkLatency, type FaultInjection, type FaultTable } from "../ground/faults";
import type { RequestCounters, RequestLog } from "../ground/requestLog";
import type { EmulatorControl, EmulatorInfo, QueueInfo, RamInfo } from "./contract";

/** What the control operations act on: the products' state and the emulator's switches. */
export interface EmulatorParts {
  readonly accounts: readonly EmulatorAccount[];
  readonly store: SettingStore;
  readonly ram: RamState;
  readonly queues: QueueStore;
  /** Injected faults and added latency. */
  readonly faults: FaultTable;
  /** Counters, the request log and the unhandled calls. */
  readonly log: RequestLog;
  /** The behaviour switches in force (`setBehaviour` replaces `current`). */
  readonly behaviour: { current: EmulatorBehaviour };
  readonly deliveryPolicy: DeliveryPolicy;
  readonly now: () => number;
  /** Stops the emulator (called once, however often the handle is closed). */
  readonly close: () => Promise<void>;
}

/** The handle while the listeners start: endpoints and admin URL are filled in then. */
export type MutableHandle = EmulatorHandle & {
  endpoints: Record<EmulatorRegion, string>;
  adminUrl: string | undefined;
};

const queueInfo = (queue: Queue): QueueInfo => {
  const time = Date.now();
  const live = queue.messages.filter(
    (m) => m.EnqueueTime + queue.attributes.MessageRetentionPeriod * 1000 > time,
  );
  return {
    accountId: queue.accountId,
    region: queue.region,
    name: queue.QueueName,
    arn: queueArn(queue.region, queue.accountId, queue.QueueName),
    createTime: queue.CreateTime,
    lastModifyTime: queue.LastModifyTime,
    attributes: structuredClone(queue.attributes),
    tags: { ...queue.tags },
    messages: {
      visible: live.filter((m) => m.NextVisibleTime <= time).length,
      invisible: live.filter((m) => m.NextVisibleTime > time && m.DequeueCount > 0).length,
      delayed: live.filter((m) => m.NextVisibleTime > time && m.DequeueCount === 0).length,
    },
  };
};
const checkQueueAttributes = (attributes: Partial<QueueAttributes>): Partial<QueueAttributes> => {
  if (typeof attributes !== "object" || attributes === null)
    throw new Error("attributes must be an object of queue attributes.");
  const problems: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const limits = ownValue<readonly [number, number]>(QUEUE_LIMITS, key);
    if (limits) {
      if (
        typeof value !== "number" ||
        !Number.isInteger(value) ||
        value < limits[0] ||
        value > limits[1]
      )
        problems.push(`${key} must be an integer from ${limits[0]} to ${limits[1]}.`);
    } else if (key === "LoggingEnabled") {
      if (typeof value !== "boolean") problems.push("LoggingEnabled must be a boolean.");
    } else
      problems.push(
        `Unknown or read-only attribute '${key}'; settable: ${[...Object.keys(QUEUE_LIMITS), "LoggingEnabled"].join(", ")}.`,
      );
  }
  if (problems.length > 0) throw new Error(problems.join(" "));
  return attributes;
};
const checkSetting = (setting: Partial<StoredSetting>): Partial<StoredSetting> => {
  if (typeof setting !== "object" || setting === null)
    throw new Error("setting must be an object of StoredSetting fields.");
  const problems: string[] = [];
  for (const [key, value] of Object.entries(setting)) {
    if (!(SETTING_FIELDS as readonly string[]).includes(key))
      problems.push(`Unknown field '${key}'; fields: ${SETTING_FIELDS.join(", ")}.`);
    else if (typeof value !== "string") problems.push(`${key} must be a string.`);
  }
  if (problems.length > 0) throw new Error(problems.join(" "));
  return setting;
};

const ramInfo = (ram: RamState, accountId: string): RamInfo => {
  const account = ram.account(accountId);
  return {
    policies: Object.values(account.policies).map((p) => ({
      name: p.PolicyName,
      description: p.Description,
      defaultVersion: p.DefaultVersion,
      document: p.versions.find((v) => v.VersionId === p.DefaultVersion)?.PolicyDocument ?? "",
      versions: p.versions.map((v) => v.VersionId),
      tags: { ...p.tags },
    })),
    roles: Object.values(account.roles).map((r) => ({
      name: r.RoleName,
      arn: r.Arn,
      description: r.Description,
      attachments: r.attachments.map((a) => ({
        policyName: a.PolicyName,
        policyType: a.PolicyType,
      })),
      tags: { ...r.tags },
    })),
  };
};

/** Checks the account and region a control operation names. */
interface Scope {
  /** The account id, the first account's when `accountId` is undefined; throws for an unknown one. */
  readonly accountOf: (accountId: string | undefined) => string;
  /** The region; throws for one the emulator does not serve. */
  readonly regionOf: (region: string) => EmulatorRegion;
}

function scopeOf(accounts: readonly EmulatorAccount[]): Scope {
  return {
    accountOf: (accountId) => {
      const id = accountId ?? accounts[0].accountId;
      if (!accounts.some((a) => a.accountId === id))
        throw new Error(
          `Unknown account '${id}'; configured: ${accounts.map((a) => a.accountId).join(", ")}.`,
        );
      return id;
    },
    regionOf: (region) => {
      if (!(EMULATOR_REGIONS as readonly string[]).includes(region))
        throw new Error(`Unknown region '${region}'; served: ${EMULATOR_REGIONS.join(", ")}.`);
      return region as EmulatorRegion;
    },
  };
}

/** Settings "in the console". */
function settingOperations(
  { store }: EmulatorParts,
  { accountOf, regionOf }: Scope,
): Pick<EmulatorControl, "getSetting" | "putSetting" | "clearSetting"> {
  return {
    async getSetting(region, accountId) {
      return store.get(accountOf(accountId), regionOf(region));
    },
    async putSetting(region, setting, accountId) {
      const changes = checkSetting(setting);
      const result = await store.update(accountOf(accountId), regionOf(region), (current) =>
        completeSetting({ ...(current ?? UNCONFIGURED_SETTING), ...changes }),
      );
      return result as StoredSetting;
    },
    async clearSetting(region, accountId) {
      await store.clear(accountOf(accountId), regionOf(region));
    },
  };
}

type CallOperations =
  | "injectFault"
  | "listFaults"
  | "clearFaults"
  | "setLatency"
  | "getCounters"
  | "getRequestLog"
  | "reset"
  | "getUnhandledCalls";

/** Faults, latency, counters, the request log and the unhandled calls. */
function callOperations(
  { faults, log }: EmulatorParts,
  deliveries: DeliveryReport[],
): Pick<EmulatorControl, CallOperations> {
  return {
    async injectFault(fault: FaultInjection) {
      return faults.inject(fault);
    },
    async listFaults() {
      return faults.list();
    },
    async clearFaults() {
      faults.clear();
    },
    async setLatency(latencyMs: number) {
      faults.latencyMs = checkLatency(latencyMs);
    },
    async getCounters(): Promise<RequestCounters> {
      return log.getCounters();
    },
    async getRequestLog() {
      return log.getLog();
    },
    async reset() {
      log.reset();
      faults.reset();
      deliveries.length = 0;
    },
    async getUnhandledCalls() {
      return log.getUnhandled();
    },
  };
}

/** Event emission and the behaviour switches. */
function deliveryOperations(
  { store, ram, queues, behaviour, deliveryPolicy }: EmulatorParts,
  { accountOf, regionOf }: Scope,
  deliveries: DeliveryReport[],
): Pick<EmulatorControl, "emitEvent" | "getDeliveries" | "getBehaviour" | "setBehaviour"> {
  return {
    async emitEvent(request) {
      if (!request || typeof request.eventType !== "string" || request.eventType === "") {
        throw new Error("eventType must be a non-empty string.");
      }
      const accountId = accountOf(request.accountId);
      const region = regionOf(request.region);
      const report = await deliverEvent(
        store.get(accountId, region),
        { ...request, accountId, region },
        deliveryPolicy,
        Date.now,
        imsQueueWriter(queues, ram, behaviour.current, accountId, region),
      );
      deliveries.push(report);
      return report;
    },
    async getDeliveries() {
      return [...deliveries];
    },
    async getBehaviour() {
      return behaviour.current;
    },
    async setBehaviour(changes) {
      behaviour.current = resolveBehaviour(changes, behaviour.current);
      return behaviour.current;
    },
  };
}

/** Queues as the console shows and edits them. */
function queueOperations(
  { queues }: EmulatorParts,
  { accountOf, regionOf }: Scope,
): Pick<EmulatorControl, "listQueues" | "getQueue" | "putQueueAttributes"> {
  return {
    async listQueues(region, accountId) {
      return queues
        .list(accountOf(accountId), region === undefined ? undefined : regionOf(region))
        .map(queueInfo);
    },
    async getQueue(region, name, accountId) {
      const queue = queues.get(accountOf(accountId), regionOf(region), name);
      return queue ? queueInfo(queue) : undefined;
    },
    async putQueueAttributes(region, name, attributes, accountId) {
      const queue = queues.get(accountOf(accountId), regionOf(region), name);
      if (!queue) throw new Error(`No queue '${name}' in ${region}.`);
      await queues.update(queue, checkQueueAttributes(attributes));
      return queueInfo(queue);
    },
  };
}

/** RAM as the console shows and edits it, and IMS activation. */
function ramOperations(
  { ram, now }: EmulatorParts,
  { accountOf }: Scope,
): Pick<EmulatorControl, "getRam" | "putPolicyDocument" | "setImsActivated"> {
  return {
    async getRam(accountId) {
      return ramInfo(ram, accountOf(accountId));
    },
    async putPolicyDocument(policyName, document, accountId) {
      const id = accountOf(accountId);
      if (typeof document !== "string")
        throw new Error("document must be a policy document in a JSON string.");
      const policy = ram.account(id).policies[policyName];
      if (!policy) throw new Error(`No custom policy '${policyName}' in account ${id}.`);
      try {
        await ram.createPolicyVersion(id, policyName, document, {
          setAsDefault: true,
          rotate: true,
          now: now(),
        });
      } catch (error) {
        throw new Error(`The policy document is not accepted: ${(error as Error).message}`);
      }
      return ramInfo(ram, id).policies.find((p) => p.name === policyName)!;
    },
    async setImsActivated(activated, accountId) {
      if (typeof activated !== "boolean") throw new Error("activated must be true or false.");
      await ram.setImsActivated(accountOf(accountId), activated, now());
    },
  };
}

/** The handle of a running emulator over `parts` (endpoints filled in by the caller). */
export function createHandle(parts: EmulatorParts): MutableHandle {
  const { accounts, store, faults, behaviour, close } = parts;
  const scope = scopeOf(accounts);
  const deliveries: DeliveryReport[] = [];
  let closing: Promise<void> | undefined;
  const handle: MutableHandle = {
    endpoints: {} as Record<EmulatorRegion, string>,
    adminUrl: undefined,
    accounts,
    defaultAccountId: accounts[0].accountId,
    store,
    async info(): Promise<EmulatorInfo> {
      return {
        endpoints: { ...handle.endpoints },
        ...(handle.adminUrl ? { adminUrl: handle.adminUrl } : {}),
        pid: process.pid,
        behaviour: behaviour.current,
        latencyMs: faults.latencyMs,
        accounts: accounts.map((a) => ({
          accountId: a.accountId,
          accessKeyIds: [
            ...a.accessKeys.map((k) => k.id),
            ...(a.stsTokens ?? []).map((t) => t.accessKeyId),
          ],
        })),
        ...(store.file ? { stateFile: store.file } : {}),
      };
    },
    ...settingOperations(parts, scope),
    ...callOperations(parts, deliveries),
    ...deliveryOperations(parts, scope, deliveries),
    ...queueOperations(parts, scope),
    ...ramOperations(parts, scope),
    close: () => (closing ??= close()),
  };
  return handle;
}
