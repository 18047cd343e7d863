/**
 * The control contract: the {@link EmulatorControl} operations, the same in-process (the handle)
 * and over HTTP (the admin API and `EmulatorAdminClient`), and what they return.
 *
 * @packageDocumentation
 */
import type { ActiveFault, FaultInjection } from "../ground/faults";
import type { EmulatorBehaviour } from "../ground/behaviour";
import type { RequestCounters, RequestLogEntry, UnhandledCall } from "../ground/requestLog";
import type { DeliveryReport, EmitEventRequest } from "../ims/delivery";
import type { StoredSetting } from "../ims/settings";
import type { QueueAttributes } from "../mns/queues";

/** A queue as the control surface shows it. */
export interface QueueInfo {
  /** The owning account. */
  readonly accountId: string;
  /** The queue's region. */
  readonly region: string;
  /** The queue's name. */
  readonly name: string;
  /** e.g. `acs:mns:cn-shanghai:1234567890123456:/queues/ice-callback-a` */
  readonly arn: string;
  /** Epoch ms. */
  readonly createTime: number;
  /** Epoch ms. */
  readonly lastModifyTime: number;
  /** The queue's attributes, as SetQueueAttributes and CreateQueue set them. */
  readonly attributes: QueueAttributes;
  /** The queue's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Message counts: visible now, received and invisible, delayed (never received, not yet visible). */
  readonly messages: {
    readonly visible: number;
    readonly invisible: number;
    readonly delayed: number;
  };
}

/** An account's RAM policies and roles as the control surface shows them. */
export interface RamInfo {
  /** The account's custom policies. */
  readonly policies: readonly {
    readonly name: string;
    readonly description: string;
    readonly defaultVersion: string;
    /** The default version's document. */
    readonly document: string;
    /** Version ids, oldest first. */
    readonly versions: readonly string[];
    readonly tags: Readonly<Record<string, string>>;
  }[];
  /** The account's roles, with the policies attached to each. */
  readonly roles: readonly {
    readonly name: string;
    readonly arn: string;
    readonly description: string;
    readonly attachments: readonly {
      readonly policyName: string;
      readonly policyType: "System" | "Custom";
    }[];
    readonly tags: Readonly<Record<string, string>>;
  }[];
}

/** What a running emulator tells about itself. */
export interface EmulatorInfo {
  /** Region → API endpoint URL, e.g. `{ "cn-shanghai": "http://127.0.0.1:41237" }`. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The admin API's URL, if it listens. */
  readonly adminUrl?: string;
  /** The emulator's process id. */
  readonly pid: number;
  /** The behaviour switches in force. */
  readonly behaviour: EmulatorBehaviour;
  /** Latency added to every API call, ms. */
  readonly latencyMs: number;
  /** The accounts and their AccessKey ids (never secrets). */
  readonly accounts: readonly {
    readonly accountId: string;
    readonly accessKeyIds: readonly string[];
  }[];
  /** The state file, if state is persisted. */
  readonly stateFile?: string;
}

/**
 * The emulator's control operations, the same in-process ({@link EmulatorHandle}) and over HTTP
 * (`EmulatorAdminClient`). `accountId` defaults to the first configured account.
 */
export interface EmulatorControl {
  /** What the emulator tells about itself. */
  info(): Promise<EmulatorInfo>;
  /** A region's stored setting, as the console would show it; `undefined` if never configured. */
  getSetting(region: string, accountId?: string): Promise<StoredSetting | undefined>;
  /** Changes a region's setting as if edited in the console (drift): given fields change, others stay. */
  putSetting(
    region: string,
    setting: Partial<StoredSetting>,
    accountId?: string,
  ): Promise<StoredSetting>;
  /** Removes a region's setting, as if it had never been configured. */
  clearSetting(region: string, accountId?: string): Promise<void>;
  /** Injects a fault for the next matching calls. */
  injectFault(fault: FaultInjection): Promise<ActiveFault>;
  /** The faults still waiting for calls. */
  listFaults(): Promise<ActiveFault[]>;
  /** Removes every injected fault. */
  clearFaults(): Promise<void>;
  /** Sets the latency added to every API call. */
  setLatency(latencyMs: number): Promise<void>;
  /** Request counts per action and region since the last reset. */
  getCounters(): Promise<RequestCounters>;
  /** The request log since the last reset, oldest first. */
  getRequestLog(): Promise<RequestLogEntry[]>;
  /** Clears counters, request log, unhandled calls, deliveries and faults, and sets latency back to 0 (settings, RAM and queues are kept). */
  reset(): Promise<void>;
  /**
   * Emits an event in a region as IMS would: for an HTTP setting, delivered to the URL with
   * signature headers when authentication is on; for an MNS setting, written into the named queue
   * of the same region when it exists and `AliyunICEDefaultRole` may `mns:SendMessage` to it.
   * Retried per the delivery policy, every attempt recorded.
   */
  emitEvent(request: EmitEventRequest): Promise<DeliveryReport>;
  /** The delivery reports since the last reset, oldest first. */
  getDeliveries(): Promise<DeliveryReport[]>;
  /** The behaviour switches in force. */
  getBehaviour(): Promise<EmulatorBehaviour>;
  /** Changes behaviour switches; the others stay. */
  setBehaviour(behaviour: Partial<EmulatorBehaviour>): Promise<EmulatorBehaviour>;
  /** Every queue, optionally of one region. */
  listQueues(region?: string, accountId?: string): Promise<QueueInfo[]>;
  /** One queue, or `undefined` when it does not exist. */
  getQueue(region: string, name: string, accountId?: string): Promise<QueueInfo | undefined>;
  /** Changes a queue's attributes as if edited in the console (drift); throws if it does not exist. */
  putQueueAttributes(
    region: string,
    name: string,
    attributes: Partial<QueueAttributes>,
    accountId?: string,
  ): Promise<QueueInfo>;
  /** The account's RAM policies and roles. */
  getRam(accountId?: string): Promise<RamInfo>;
  /**
   * Changes a custom policy's document as if edited in the console (drift): a new version becomes
   * the default, the oldest non-default version is removed when five exist.
   */
  putPolicyDocument(
    policyName: string,
    document: string,
    accountId?: string,
  ): Promise<RamInfo["policies"][number]>;
  /**
   * Activates IMS in the account (creates `AliyunICEDefaultRole` with `AliyunICEDefaultRolePolicy`
   * if missing) or deactivates it (removes the role).
   */
  setImsActivated(activated: boolean, accountId?: string): Promise<void>;
  /** Calls the emulator does not serve since the last reset, at most `MAX_UNHANDLED_CALLS` (100) entries. */
  getUnhandledCalls(): Promise<UnhandledCall[]>;
}
