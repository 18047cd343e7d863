/**
 * A client of the emulator's admin HTTP API, so tests and scripts in other processes can drive a
 * running emulator with the same operations as the in-process handle.
 *
 * @packageDocumentation
 */
import type { DeliveryReport, EmitEventRequest } from "../ims/delivery";
import { readFileSync } from "node:fs";
import type { EmulatorBehaviour } from "../ground/behaviour";
import type { ActiveFault, FaultInjection } from "../ground/faults";
import type { RequestCounters, RequestLogEntry, UnhandledCall } from "../ground/requestLog";
import type { EmulatorControl, EmulatorInfo, QueueInfo, RamInfo } from "./contract";
import type { QueueAttributes } from "../mns/queues";
import type { EmulatorDiscovery } from "./options";
import type { StoredSetting } from "../ims/settings";

/** An admin API call that failed. */
export class EmulatorAdminError extends Error {
  /** `"EmulatorAdminError"` */
  override readonly name = "EmulatorAdminError";
  constructor(
    message: string,
    /** The HTTP status answered. */
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Reads the discovery file a running emulator wrote (see the CLI's `--discovery-file`).
 *
 * @example
 * ```ts
 * readDiscoveryFile(".ims-emulator/emulator.json").endpoints["cn-shanghai"];
 * ```
 */
export function readDiscoveryFile(path: string): EmulatorDiscovery {
  let discovery: Partial<EmulatorDiscovery>;
  try {
    discovery = JSON.parse(readFileSync(path, "utf8")) as Partial<EmulatorDiscovery>;
  } catch (error) {
    throw new Error(
      `Cannot read the emulator discovery file ${path} (is the emulator running?): ${(error as Error).message}`,
    );
  }
  if (
    typeof discovery.endpoints !== "object" ||
    discovery.endpoints === null ||
    typeof discovery.pid !== "number"
  ) {
    throw new Error(`The emulator discovery file ${path} has no endpoints or pid.`);
  }
  return discovery as EmulatorDiscovery;
}

/**
 * Drives a running emulator over its admin API, using Node's global `fetch`.
 *
 * @example
 * ```ts
 * const admin = new EmulatorAdminClient("http://127.0.0.1:18606");
 * await admin.injectFault({ kind: "throttle", count: 1, action: "SetEventCallback" });
 * const counters = await admin.getCounters();
 * ```
 */
export class EmulatorAdminClient implements EmulatorControl {
  /** The admin API's base URL, without trailing slash. */
  readonly adminUrl: string;

  /** @param adminUrl - the emulator's `adminUrl`, e.g. `"http://127.0.0.1:18606"`. */
  constructor(adminUrl: string) {
    this.adminUrl = adminUrl.replace(/\/+$/, "");
  }

  /**
   * A client for the emulator described by a discovery file.
   *
   * @example
   * ```ts
   * const admin = EmulatorAdminClient.fromDiscoveryFile(".ims-emulator/emulator.json");
   * ```
   */
  static fromDiscoveryFile(path: string): EmulatorAdminClient {
    const discovery = readDiscoveryFile(path);
    if (!discovery.adminUrl) throw new Error(`The emulator in ${path} runs without an admin API.`);
    return new EmulatorAdminClient(discovery.adminUrl);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // The admin API takes writes only as JSON, bodyless ones included.
    const response = await fetch(`${this.adminUrl}${path}`, {
      method,
      ...(method === "GET" ? {} : { headers: { "content-type": "application/json" } }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? text;
      throw new EmulatorAdminError(
        `Emulator admin ${method} ${path} failed (${response.status}): ${message}`,
        response.status,
      );
    }
    return parsed as T;
  }

  private settingPath(region: string, accountId?: string): string {
    return `/settings/${encodeURIComponent(region)}${accountId === undefined ? "" : `?accountId=${encodeURIComponent(accountId)}`}`;
  }

  /** {@inheritDoc EmulatorControl.info} */
  info(): Promise<EmulatorInfo> {
    return this.call("GET", "/info");
  }

  /** {@inheritDoc EmulatorControl.getSetting} */
  async getSetting(region: string, accountId?: string): Promise<StoredSetting | undefined> {
    const { setting } = await this.call<{ setting: StoredSetting | null }>(
      "GET",
      this.settingPath(region, accountId),
    );
    return setting ?? undefined;
  }

  /** {@inheritDoc EmulatorControl.putSetting} */
  async putSetting(
    region: string,
    setting: Partial<StoredSetting>,
    accountId?: string,
  ): Promise<StoredSetting> {
    return (
      await this.call<{ setting: StoredSetting }>(
        "PUT",
        this.settingPath(region, accountId),
        setting,
      )
    ).setting;
  }

  /** {@inheritDoc EmulatorControl.clearSetting} */
  async clearSetting(region: string, accountId?: string): Promise<void> {
    await this.call("DELETE", this.settingPath(region, accountId));
  }

  /** {@inheritDoc EmulatorControl.injectFault} */
  async injectFault(fault: FaultInjection): Promise<ActiveFault> {
    return (await this.call<{ fault: ActiveFault }>("POST", "/faults", fault)).fault;
  }

  /** {@inheritDoc EmulatorControl.listFaults} */
  async listFaults(): Promise<ActiveFault[]> {
    return (await this.call<{ faults: ActiveFault[] }>("GET", "/faults")).faults;
  }

  /** {@inheritDoc EmulatorControl.clearFaults} */
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults");
  }

  /** {@inheritDoc EmulatorControl.setLatency} */
  async setLatency(latencyMs: number): Promise<void> {
    await this.call("PUT", "/latency", { latencyMs });
  }

  /** {@inheritDoc EmulatorControl.getCounters} */
  async getCounters(): Promise<RequestCounters> {
    return (await this.call<{ counters: RequestCounters }>("GET", "/counters")).counters;
  }

  /** {@inheritDoc EmulatorControl.getRequestLog} */
  async getRequestLog(): Promise<RequestLogEntry[]> {
    return (await this.call<{ entries: RequestLogEntry[] }>("GET", "/log")).entries;
  }

  /** {@inheritDoc EmulatorControl.emitEvent} */
  async emitEvent(request: EmitEventRequest): Promise<DeliveryReport> {
    return (await this.call<{ delivery: DeliveryReport }>("POST", "/events", request)).delivery;
  }

  /** {@inheritDoc EmulatorControl.getDeliveries} */
  async getDeliveries(): Promise<DeliveryReport[]> {
    return (await this.call<{ deliveries: DeliveryReport[] }>("GET", "/deliveries")).deliveries;
  }

  /** {@inheritDoc EmulatorControl.reset} */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  /** {@inheritDoc EmulatorControl.getBehaviour} */
  async getBehaviour(): Promise<EmulatorBehaviour> {
    return (await this.call<{ behaviour: EmulatorBehaviour }>("GET", "/behaviour")).behaviour;
  }

  /** {@inheritDoc EmulatorControl.setBehaviour} */
  async setBehaviour(behaviour: Partial<EmulatorBehaviour>): Promise<EmulatorBehaviour> {
    return (await this.call<{ behaviour: EmulatorBehaviour }>("PUT", "/behaviour", behaviour))
      .behaviour;
  }

  private accountQuery(accountId: string | undefined): string {
    return accountId === undefined ? "" : `?accountId=${encodeURIComponent(accountId)}`;
  }

  /** {@inheritDoc EmulatorControl.listQueues} */
  async listQueues(region?: string, accountId?: string): Promise<QueueInfo[]> {
    const query = new URLSearchParams({
      ...(region === undefined ? {} : { region }),
      ...(accountId === undefined ? {} : { accountId }),
    }).toString();
    return (await this.call<{ queues: QueueInfo[] }>("GET", `/queues${query ? `?${query}` : ""}`))
      .queues;
  }

  /** {@inheritDoc EmulatorControl.getQueue} */
  async getQueue(region: string, name: string, accountId?: string): Promise<QueueInfo | undefined> {
    const path = `/queues/${encodeURIComponent(region)}/${encodeURIComponent(name)}${this.accountQuery(accountId)}`;
    return (await this.call<{ queue: QueueInfo | null }>("GET", path)).queue ?? undefined;
  }

  /** {@inheritDoc EmulatorControl.putQueueAttributes} */
  async putQueueAttributes(
    region: string,
    name: string,
    attributes: Partial<QueueAttributes>,
    accountId?: string,
  ): Promise<QueueInfo> {
    const path = `/queues/${encodeURIComponent(region)}/${encodeURIComponent(name)}${this.accountQuery(accountId)}`;
    return (await this.call<{ queue: QueueInfo }>("PUT", path, attributes)).queue;
  }

  /** {@inheritDoc EmulatorControl.getRam} */
  async getRam(accountId?: string): Promise<RamInfo> {
    return (await this.call<{ ram: RamInfo }>("GET", `/ram${this.accountQuery(accountId)}`)).ram;
  }

  /** {@inheritDoc EmulatorControl.putPolicyDocument} */
  async putPolicyDocument(
    policyName: string,
    document: string,
    accountId?: string,
  ): Promise<RamInfo["policies"][number]> {
    const path = `/ram/policies/${encodeURIComponent(policyName)}${this.accountQuery(accountId)}`;
    return (await this.call<{ policy: RamInfo["policies"][number] }>("PUT", path, { document }))
      .policy;
  }

  /** {@inheritDoc EmulatorControl.setImsActivated} */
  async setImsActivated(activated: boolean, accountId?: string): Promise<void> {
    await this.call("PUT", `/ims-activation${this.accountQuery(accountId)}`, { activated });
  }

  /** {@inheritDoc EmulatorControl.getUnhandledCalls} */
  async getUnhandledCalls(): Promise<UnhandledCall[]> {
    return (await this.call<{ calls: UnhandledCall[] }>("GET", "/unhandled")).calls;
  }
}
