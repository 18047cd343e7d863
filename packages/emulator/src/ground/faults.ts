/**
 * Injected faults and added latency: what a test asks the emulator to do to the next calls, and
 * how a fault that does not come from the service (a gateway's answer) is written.
 *
 * @packageDocumentation
 */
import type { ServerResponse } from "node:http";

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

const MAX_LATENCY_MS = 120_000;

/** Checks a latency value from an untrusted source. */
export function checkLatency(value: unknown, name = "latencyMs"): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new Error(`${name} must be a number of milliseconds between 0 and ${MAX_LATENCY_MS}.`);
  }
  return value;
}

/** The faults waiting for calls, and the latency added to every call. */
export class FaultTable {
  /** Latency added to every API call, ms. */
  latencyMs = 0;
  private faults: ActiveFault[] = [];
  private nextFaultId = 1;

  constructor(private readonly regions: readonly string[]) {}

  /** Validates and adds a fault; throws one error listing every problem. */
  inject(fault: FaultInjection): ActiveFault {
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
  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /**
   * Consumes the faults matching a call: every matching latency fault adds its delay, and the
   * first matching other fault (if any) decides the answer.
   */
  take(action: string, region: string): { delayMs: number; fault?: ActiveFault } {
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

  /** Removes every fault and sets latency to 0. */
  reset(): void {
    this.faults = [];
    this.latencyMs = 0;
  }
}
