/**
 * The emulator's control surface: injected faults, added latency, request counters and the
 * request log, plus the {@link EmulatorControl} interface shared by the in-process handle and the
 * admin HTTP client.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from "node:http";
import type { EmulatorBehaviour } from "../ground/behaviour";
import type { QueueAttributes } from "../mns/queues";
import type { StoredSetting } from "../ims/settings";
import type { DeliveryReport, EmitEventRequest } from "../ims/delivery";
import { cutText } from "../ground/logText";
import { keyMap } from "../ground/records";

/**
 * A fault the emulator can inject:
 * - `"throttle"`: `400 Throttling.User`;
 * - `"server-error"`: `503 ServiceUnavailable` (or `500 InternalError`, see {@link FaultInjection.status});
 * - `"latency"`: the call is answered normally after {@link FaultInjection.latencyMs};
 * - `"drop"`: the connection is destroyed without a response;
 * - `"malformed"`: `200` with a body that is not JSON;
 * - `"gateway-html"`: `502 Bad Gateway` with an HTML page, as a load balancer in front of the
 *   service answers (no error in the API's format: clients that only look for one see none);
 * - `"gateway-empty"`: `503` with an empty body, as a gateway answers when the service is down.
 */
export type FaultKind =
  "throttle" | "server-error" | "latency" | "drop" | "malformed" | "gateway-html" | "gateway-empty";

/** The fault kinds, for validation and help texts. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "throttle",
  "server-error",
  "latency",
  "drop",
  "malformed",
  "gateway-html",
  "gateway-empty",
];

/** A load balancer's `502` page, nginx style. */
const BAD_GATEWAY_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n";

/**
 * Writes the answer of a gateway fault (the same for every API, since it does not come from the
 * service) and returns what the request log records: the status and `"GatewayHtml"` or
 * `"GatewayEmpty"`.
 */
export function writeGatewayFault(
  res: ServerResponse,
  kind: "gateway-html" | "gateway-empty",
): { status: number; code: string } {
  const [status, code, body, contentType] =
    kind === "gateway-html"
      ? [502, "GatewayHtml", BAD_GATEWAY_PAGE, "text/html"]
      : [503, "GatewayEmpty", "", undefined];
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(status, {
      ...(contentType ? { "Content-Type": contentType } : {}),
      "Content-Length": String(Buffer.byteLength(body)),
    });
    res.end(body);
  }
  return { status, code };
}

/**
 * A fault for the next `count` API calls that match `action` and `region`.
 *
 * @example
 * ```ts
 * await emulator.injectFault({ kind: "throttle", count: 2, action: "SetEventCallback", region: "cn-shanghai" });
 * ```
 */
export interface FaultInjection {
  /** What happens to a matching call. */
  readonly kind: FaultKind;
  /**
   * How many matching calls it affects.
   *
   * @default 1
   */
  readonly count?: number;
  /**
   * Matching calls to let through untouched before the fault starts, e.g. `1` to fail the read-back
   * after a write but not the read before it.
   *
   * @default 0
   */
  readonly skip?: number;
  /**
   * Only calls of this action, e.g. `"SetEventCallback"`.
   *
   * @default any action
   */
  readonly action?: string;
  /**
   * Only calls to this region's endpoint.
   *
   * @default any region
   */
  readonly region?: string;
  /**
   * For `"latency"`: milliseconds added.
   *
   * @default 1000
   */
  readonly latencyMs?: number;
  /**
   * For `"server-error"`: `503` (ServiceUnavailable) or `500` (InternalError).
   *
   * @default 503
   */
  readonly status?: 500 | 503;
}

/** An injected fault that still has calls to affect. */
export interface ActiveFault {
  /** Id of the fault, e.g. `"fault-1"`. */
  readonly id: string;
  /** What happens to a matching call. */
  readonly kind: FaultKind;
  /** Matching calls left. */
  readonly remaining: number;
  /** Matching calls still to let through before the fault starts. */
  readonly skip: number;
  /** Action filter, if any. */
  readonly action?: string;
  /** Region filter, if any. */
  readonly region?: string;
  /** For `"latency"`: milliseconds added. */
  readonly latencyMs?: number;
  /** For `"server-error"`: the HTTP status. */
  readonly status?: 500 | 503;
}

/**
 * One API call as the request log records it. Never holds secrets, signatures, tokens or AuthKey
 * values, and stays small whatever the call sent: the action and AccessKey id are cut after
 * `MAX_LOGGED_NAME_LENGTH` (128) characters, each parameter value after `MAX_LOGGED_VALUE_LENGTH`
 * (1024), both ending in `…[+N characters]`, and parameters beyond `MAX_LOGGED_PARAMS_LENGTH`
 * (8192 characters of names and values) are left out and counted under `"(omitted)"`.
 */
export interface RequestLogEntry {
  /** When the call arrived, UTC ISO 8601. */
  readonly time: string;
  /** The region endpoint called. */
  readonly region: string;
  /** The product called: `"ICE"`, `"Ram"`, `"Sts"`, `"Mns-open"`, `"MNS"` (queue data API), or `""` when unknown. */
  readonly product?: string;
  /** The action named by the call (`""` if none). */
  readonly action: string;
  /** The AccessKey id the call claimed, if any. */
  readonly accessKeyId?: string;
  /** The HTTP status answered (`0` for a dropped connection). */
  readonly status: number;
  /** `"OK"`, the error code answered, `"Dropped"`, `"Malformed"`, `"GatewayHtml"` or `"GatewayEmpty"`. */
  readonly code: string;
  /** The request id answered. */
  readonly requestId: string;
  /** Time to answer, ms. */
  readonly durationMs: number;
  /**
   * The API parameters sent (signing parameters left out; `AuthKey` shown as `"[redacted]"`; long
   * values cut, parameters beyond the entry's size left out: see {@link RequestLogEntry}).
   */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Request counts: action → region → number of calls, e.g. `{ GetEventCallback: { "cn-shanghai": 2 } }`;
 * calls of actions the emulator does not serve count under `UNSERVED_ACTION` (`"(unserved)"`).
 */
export type RequestCounters = Record<string, Record<string, number>>;

/**
 * Totals of the two IMS actions over all regions, e.g. to assert how many calls an operation made.
 *
 * @example
 * ```ts
 * countApiCalls(await emulator.getCounters()); // { get: 2, set: 0 }
 * ```
 */
export function countApiCalls(counters: RequestCounters): { get: number; set: number } {
  const sum = (action: string) => Object.values(counters[action] ?? {}).reduce((a, b) => a + b, 0);
  return { get: sum("GetEventCallback"), set: sum("SetEventCallback") };
}

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

/** Calls the emulator does not serve, so gaps show: product version and action, how often, when last. */
export interface UnhandledCall {
  /** The product (`"MNS"` for the data API) or `""` when the version is unknown. */
  readonly product: string;
  /** The API version sent (`""` if none). */
  readonly version: string;
  /**
   * The action, or for the MNS data API `"<METHOD> <path>"`, cut after 128 characters;
   * `UNSERVED_ACTION` (`"(unserved)"`) for the entry counting calls beyond `MAX_UNHANDLED_CALLS` (100).
   */
  readonly action: string;
  /** How many such calls arrived. */
  readonly count: number;
  /** UTC ISO 8601. */
  readonly lastSeen: string;
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

const MAX_LATENCY_MS = 120_000;

/**
 * The counter key of every call to an action the emulator does not serve (their names are in
 * {@link EmulatorControl.getUnhandledCalls}), so junk action names cannot grow the counters; in
 * the unhandled list, the action of the entry that counts calls beyond `MAX_UNHANDLED_CALLS` (100).
 */
export const UNSERVED_ACTION = "(unserved)";

/** At most this many entries in the unhandled list; the last counts every further call. */
export const MAX_UNHANDLED_CALLS = 100;

/** Names from requests (actions, AccessKey ids, parameter names) longer than this are cut in the log and the unhandled list. */
export const MAX_LOGGED_NAME_LENGTH = 128;

/** A parameter value longer than this is cut in the request log. */
export const MAX_LOGGED_VALUE_LENGTH = 1024;

/** The parameters of one request log entry hold at most this many characters of names and values. */
export const MAX_LOGGED_PARAMS_LENGTH = 8192;

/** The parameter that counts the parameters a request log entry left out, e.g. `"12 parameters"`. */
export const OMITTED_PARAMS = "(omitted)";

const shortName = (name: string): string => cutText(name, MAX_LOGGED_NAME_LENGTH);

/**
 * `entry` as the log keeps it: every text from the request cut and copied (see {@link cutText}),
 * parameters beyond {@link MAX_LOGGED_PARAMS_LENGTH} left out and counted. The parameters are
 * already redacted, so a cut never shows part of a secret.
 */
export function boundLogEntry(entry: RequestLogEntry): RequestLogEntry {
  const params = keyMap<string>();
  let length = 0;
  let omitted = 0;
  for (const [name, value] of Object.entries(entry.params)) {
    const loggedName = shortName(name);
    const loggedValue = cutText(value, MAX_LOGGED_VALUE_LENGTH);
    length += loggedName.length + loggedValue.length;
    if (length > MAX_LOGGED_PARAMS_LENGTH) omitted++;
    else params[loggedName] = loggedValue;
  }
  if (omitted > 0) params[OMITTED_PARAMS] = `${omitted} parameters`;
  return {
    ...entry,
    action: shortName(entry.action),
    ...(entry.accessKeyId !== undefined ? { accessKeyId: shortName(entry.accessKeyId) } : {}),
    params,
  };
}

/** Checks a latency value from an untrusted source. */
export function checkLatency(value: unknown, name = "latencyMs"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new Error(`${name} must be a number of milliseconds between 0 and ${MAX_LATENCY_MS}.`);
  }
  return value;
}

/**
 * The in-memory control state of an emulator: faults, latency, counters and log.
 */
export class ControlState {
  /** Latency added to every API call, ms. */
  latencyMs = 0;
  private faults: ActiveFault[] = [];
  private readonly counters = new Map<string, Map<string, number>>();
  private log: RequestLogEntry[] = [];
  private unhandled = new Map<string, UnhandledCall>();
  private nextFaultId = 1;

  constructor(
    private readonly regions: readonly string[],
    private readonly logLimit: number,
  ) {}

  /** Validates and adds a fault; throws one error listing every problem. */
  injectFault(fault: FaultInjection): ActiveFault {
    const problems: string[] = [];
    const input = (fault ?? {}) as unknown as Record<string, unknown>;
    if (!FAULT_KINDS.includes(input.kind as FaultKind))
      problems.push(`kind must be one of ${FAULT_KINDS.join(", ")}.`);
    const count = input.count ?? 1;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1)
      problems.push("count must be a positive integer.");
    const skip = input.skip ?? 0;
    if (typeof skip !== "number" || !Number.isInteger(skip) || skip < 0)
      problems.push("skip must be a non-negative integer.");
    if (input.action !== undefined && (typeof input.action !== "string" || input.action === ""))
      problems.push("action must be a non-empty string.");
    if (input.region !== undefined && !this.regions.includes(input.region as string)) {
      problems.push(`region must be one of ${this.regions.join(", ")}.`);
    }
    if (input.status !== undefined && input.status !== 500 && input.status !== 503)
      problems.push("status must be 500 or 503.");
    let latencyMs: number | undefined;
    if (input.kind === "latency") {
      try {
        latencyMs = checkLatency(input.latencyMs ?? 1000);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (problems.length > 0) throw new Error(`Invalid fault: ${problems.join(" ")}`);
    const active: ActiveFault = {
      id: `fault-${this.nextFaultId++}`,
      kind: fault.kind,
      remaining: count as number,
      skip: skip as number,
      ...(fault.action !== undefined ? { action: fault.action } : {}),
      ...(fault.region !== undefined ? { region: fault.region } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(fault.kind === "server-error" ? { status: fault.status ?? 503 } : {}),
    };
    this.faults.push(active);
    return { ...active };
  }

  /** The faults still waiting for calls. */
  listFaults(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /**
   * Consumes the faults matching a call: every matching latency fault adds its delay, and the
   * first matching other fault (if any) decides the answer.
   */
  takeFaults(action: string, region: string): { delayMs: number; fault?: ActiveFault } {
    let delayMs = this.latencyMs;
    let decisive: ActiveFault | undefined;
    for (const fault of this.faults) {
      if (
        (fault.action !== undefined && fault.action !== action) ||
        (fault.region !== undefined && fault.region !== region)
      )
        continue;
      if (fault.skip > 0) {
        (fault as { skip: number }).skip--;
        continue;
      }
      if (fault.kind === "latency") delayMs += fault.latencyMs ?? 0;
      else if (decisive) continue;
      else decisive = fault;
      (fault as { remaining: number }).remaining--;
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return { delayMs, ...(decisive ? { fault: { ...decisive } } : {}) };
  }

  /** Counts one call. */
  count(action: string, region: string): void {
    // A counter outlives the request: its key must not be a view into the request's body.
    const key = shortName(action);
    let byRegion = this.counters.get(key);
    if (!byRegion) this.counters.set(key, (byRegion = new Map()));
    byRegion.set(region, (byRegion.get(region) ?? 0) + 1);
  }

  /** Request counts per action and region. */
  getCounters(): RequestCounters {
    return Object.fromEntries(
      [...this.counters].map(([action, regions]) => [action, Object.fromEntries(regions)]),
    );
  }

  /**
   * Appends `entry`, bounded (see {@link boundLogEntry}), to the log, dropping the oldest entries
   * beyond the limit; returns the entry as logged.
   */
  record(entry: RequestLogEntry): RequestLogEntry {
    const logged = boundLogEntry(entry);
    this.log.push(logged);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    return logged;
  }

  /**
   * A function that logs an entry and passes it to `observer`; an observer that throws cannot break
   * the API.
   */
  recorder(observer?: (entry: RequestLogEntry) => void): (entry: RequestLogEntry) => void {
    return (entry) => {
      const logged = this.record(entry);
      try {
        observer?.(logged);
      } catch {
        // A failing observer must not break the API.
      }
    };
  }

  /** The request log, oldest first. */
  getLog(): RequestLogEntry[] {
    return [...this.log];
  }

  /** Records a call the emulator does not serve. */
  recordUnhandled(product: string, version: string, action: string, time: string): void {
    let call = {
      product: shortName(product),
      version: shortName(version),
      action: shortName(action),
    };
    let key = `${call.product}\n${call.version}\n${call.action}`;
    if (!this.unhandled.has(key) && this.unhandled.size >= MAX_UNHANDLED_CALLS - 1) {
      call = { product: "", version: "", action: UNSERVED_ACTION };
      key = `\n\n${UNSERVED_ACTION}`;
    }
    this.unhandled.set(key, {
      ...call,
      count: (this.unhandled.get(key)?.count ?? 0) + 1,
      lastSeen: time,
    });
  }

  /** The calls the emulator does not serve. */
  getUnhandled(): UnhandledCall[] {
    return [...this.unhandled.values()];
  }

  /** Clears counters, log, unhandled calls and faults, and sets latency to 0. */
  reset(): void {
    this.unhandled.clear();
    this.faults = [];
    this.counters.clear();
    this.log = [];
    this.latencyMs = 0;
  }
}

/** Parameters that belong to request signing, never shown in the log. */
const SIGNING_PARAMS = new Set([
  "AccessKeyId",
  "Signature",
  "SignatureMethod",
  "SignatureVersion",
  "SignatureNonce",
  "SignatureType",
  "Timestamp",
  "SecurityToken",
  "BearerToken",
  "Format",
  "Action",
  "Version",
]);

/** Parameters whose values are secrets. */
const SECRET_PARAMS = new Set(["AuthKey"]);

/** The redacted placeholder for secret values in the log. */
export const REDACTED = "[redacted]";

/**
 * The API parameters of a call, fit for the log: signing parameters removed, secrets redacted.
 *
 * @example
 * ```ts
 * redactParams({ AuthKey: "Abc123", Signature: "x", CallbackType: "HTTP" }); // { AuthKey: "[redacted]", CallbackType: "HTTP" }
 * ```
 */
export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => !SIGNING_PARAMS.has(key))
      .map(([key, value]) => [key, SECRET_PARAMS.has(key) && value !== "" ? REDACTED : value]),
  );
}
