/**
 * The message counts of a queue, read with Mns-open GetQueueAttributes for the queue guard: only
 * numbers that were read count (an answer without them is a failure, never 0), and every failure
 * says its cause, so the guard can give the advice that fits.
 *
 * @packageDocumentation
 */
import type { StackConfigReader } from "../shared/credentials";
import { redact } from "../shared/redaction";
import {
  parseEndpoint,
  withoutStringToSign,
  type RetryPolicy,
  type RpcClient,
  type RpcEndpoint,
} from "./rpcClient";

/** The Mns-open API version that serves GetQueueAttributes. */
export const MNS_OPEN_API_VERSION = "2022-01-19";

/**
 * How often a count is tried: 3 attempts, 200 ms doubling, drawn with equal jitter as for every
 * call of the runtime (see ./rpcClient).
 */
export const QUEUE_COUNT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 3000,
});

/** A queue's messages by state, as GetQueueAttributes counts them. */
export interface QueueMessageCounts {
  /** Ready to be received. */
  readonly visible: number;
  /** Received and not deleted yet (a consumer holds them). */
  readonly invisible: number;
  /** Sent with a delay that has not passed yet. */
  readonly delayed: number;
}

/**
 * Why a count could not be read: a permission error (only then is the RAM grant the fix), rejected
 * credentials, an endpoint that does not resolve, cannot be reached or does not answer Mns-open's
 * JSON, an answer without the counts, or another failure of the service (throttling, an outage).
 */
export type CountFailureCause = "permission" | "credentials" | "endpoint" | "answer" | "service";

/** A count that could not be read; the message is safe to show (no request, no credential). */
export class QueueCountError extends Error {
  constructor(
    message: string,
    readonly reason: CountFailureCause,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = "QueueCountError";
  }
}

/**
 * The queue's message counts (Mns-open GetQueueAttributes through `client`), or `undefined` when
 * the queue does not exist. Throws a {@link QueueCountError} whose message holds the service's code
 * and message only, never the request (its query is signed) nor a credential.
 */
export async function queueMessageCounts(
  client: RpcClient,
  queueName: string,
): Promise<QueueMessageCounts | undefined> {
  // A credential that cannot be read here fails the call itself, which says so.
  const secrets = await client.credentialSecrets().catch((): string[] => []);
  return client.call("GetQueueAttributes", { QueueName: queueName }, (outcome, attempt) => {
    let failure: CountFailure;
    if ("body" in outcome) {
      const read = countsIn(outcome.body, secrets);
      if ("counts" in read) return { value: read.counts };
      failure = { detail: read.problem, cause: "answer", retryable: true, queueGone: false };
    } else {
      failure = describeFailure(outcome.error, secrets, client.host);
    }
    if (failure.queueGone) return { value: undefined };
    const message =
      `Mns-open GetQueueAttributes in ${client.region} failed: ${failure.detail}` +
      (attempt > 1 ? ` (after ${attempt} attempts)` : "");
    return {
      failure: new QueueCountError(message, failure.cause, client.host),
      retryable: failure.retryable,
    };
  });
}

/** The three counters of GetQueueAttributes, by the names of {@link QueueMessageCounts}. */
const COUNTERS = [
  ["visible", "ActiveMessages"],
  ["invisible", "InactiveMessages"],
  ["delayed", "DelayMessages"],
] as const;

/**
 * The counts of a GetQueueAttributes answer, or what keeps them from being read. A count is a
 * number that was read: the answer says `Success: true` and its `Data` holds each counter as a
 * whole number of 0 or more (the API documents them as integers); anything else is no count, never 0.
 */
function countsIn(
  body: unknown,
  secrets: readonly string[],
): { counts: QueueMessageCounts } | { problem: string } {
  if (!isRecord(body)) return { problem: `the answer is ${shown(body, secrets)}, not an object` };
  if (body.Success !== true) {
    if (body.Success !== false) return { problem: "the answer does not say Success: true" };
    const code = typeof body.Code === "string" || typeof body.Code === "number" ? body.Code : "";
    const message = typeof body.Message === "string" ? serviceText(body.Message, secrets) : "";
    const details = [code !== "" ? `Code ${String(code).slice(0, 64)}` : "", message].filter(
      (part) => part !== "",
    );
    return {
      problem: `the answer says Success: false${details.length > 0 ? ` (${details.join(", ")})` : ""}`,
    };
  }
  if (body.Data === undefined) return { problem: "the answer carries no Data (no message count)" };
  const data = body.Data;
  if (!isRecord(data))
    return { problem: `the answer's Data is ${shown(data, secrets)}, not an object` };
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  for (const [name, field] of COUNTERS) {
    const value = data[field];
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
      counts[name] = value;
    } else if (value === undefined) {
      problems.push(`Data.${field} is missing`);
    } else if (value === null) {
      problems.push(`Data.${field} is null`);
    } else {
      problems.push(`Data.${field} is ${shown(value, secrets)}, not a whole number of 0 or more`);
    }
  }
  if (problems.length > 0) return { problem: problems.join("; ") };
  return {
    counts: { visible: counts.visible, invisible: counts.invisible, delayed: counts.delayed },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value of an answer as JSON, redacted and cut short. */
function shown(value: unknown, secrets: readonly string[]): string {
  const text = value === undefined ? "undefined" : (JSON.stringify(value) ?? String(value));
  const cut = redact(text, secrets);
  return cut.length > 40 ? `${cut.slice(0, 40)}…` : cut;
}

/** A service message without anything that can echo the request (a string to sign), redacted. */
function serviceText(message: string, secrets: readonly string[]): string {
  return redact(withoutStringToSign(message), secrets)
    .slice(0, 300)
    .replace(/[.\s]+$/, "");
}

/**
 * The Mns-open endpoint of `region`: `override` when set (the provider setting `mnsOpenEndpoint`,
 * from stack config or its environment variable: a repair for one run, e.g. a destroy, which configures the provider
 * from the inputs recorded at the last up), else `alicloud:endpoints[0].mnsOpen` of the stack config
 * (as for the alicloud provider; the plugin's `mnsOpenEndpoint`), else `mns-open.<region>.aliyuncs.com`;
 * a host without scheme uses `alicloud:protocol`, else HTTPS.
 */
export function mnsOpenEndpoint(
  region: string,
  config: StackConfigReader | undefined,
  override: string,
): RpcEndpoint {
  let configured: string | undefined = override || undefined;
  const text = configured === undefined ? config?.get("alicloud:endpoints") : undefined;
  if (text) {
    try {
      const list: unknown = JSON.parse(text);
      for (const entry of Array.isArray(list) ? list : [list]) {
        const value = (entry ?? {}) as Record<string, unknown>;
        const host = value.mnsOpen ?? value.mns_open;
        if (typeof host === "string" && host !== "") configured = host;
      }
    } catch {
      throw new Error(
        'stack config alicloud:endpoints must be JSON, e.g. [{"mnsOpen":"mns-open.cn-shanghai.aliyuncs.com"}].',
      );
    }
  }
  const parsed = parseEndpoint(configured ?? `mns-open.${region}.aliyuncs.com`);
  const protocol = config?.get("alicloud:protocol")?.toLowerCase();
  return /^https?:\/\//i.test(configured ?? "")
    ? parsed
    : { endpoint: parsed.endpoint, protocol: protocol === "http" ? "http" : "https" };
}

/** Why one call did not give a count. */
interface CountFailure {
  /** What went wrong, safe to show. */
  readonly detail: string;
  readonly cause: CountFailureCause;
  readonly retryable: boolean;
  /** The service said the queue does not exist. */
  readonly queueGone: boolean;
}

/** Error codes of rejected credentials (RPC signature checks, STS tokens). */
const CREDENTIAL_CODE =
  /^(?:InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSignature|SignatureNonceUsed|InvalidSecurityToken|InvalidTimeStamp)/i;
/** Error codes of a missing permission. */
const PERMISSION_CODE = /^(?:Forbidden|NoPermission|AccessDenied|NotAuthorized|Unauthorized)/i;
/** Transport codes of a name that does not resolve. */
const UNRESOLVED = /^(?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/;
/** Transport codes of a connection that could not be made. */
const NOT_CONNECTED = /^(?:ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|EADDRNOTAVAIL)$/;

/**
 * The cause of a failed call, with the service's code and message (redacted) when it answered in
 * its format. The transport's own message is never used: it carries the signed request URL.
 */
function describeFailure(e: unknown, secrets: readonly string[], endpoint: string): CountFailure {
  if (e instanceof SyntaxError) {
    // The runtime parses every answer as JSON: a gateway's or proxy's page, an empty body.
    return {
      detail: `the answer of ${endpoint} is not JSON, so it does not come from Mns-open (a gateway's or proxy's page?)`,
      cause: "endpoint",
      retryable: true,
      queueGone: false,
    };
  }
  const err = (e ?? {}) as { code?: unknown; statusCode?: unknown; data?: unknown };
  const data = (err.data && typeof err.data === "object" ? err.data : {}) as Record<
    string,
    unknown
  >;
  const status = typeof err.statusCode === "number" ? err.statusCode : undefined;
  const errCode = typeof err.code === "string" && err.code !== "" ? err.code.slice(0, 64) : "";
  if (status === undefined) {
    const unresolved = UNRESOLVED.test(errCode);
    return {
      detail: unresolved
        ? `the endpoint ${endpoint} could not be resolved (${errCode})`
        : NOT_CONNECTED.test(errCode)
          ? `could not connect to the endpoint ${endpoint} (${errCode})`
          : `no answer from the endpoint ${endpoint} (${errCode || "NetworkError"})`,
      cause: "endpoint",
      // A name that does not exist will not exist in a second; a temporary DNS failure may pass.
      retryable: errCode !== "ENOTFOUND",
      queueGone: false,
    };
  }
  const serviceCode = typeof data.Code === "string" ? data.Code.slice(0, 64) : undefined;
  const code = serviceCode ?? (errCode || `HTTP${status}`);
  const message = typeof data.Message === "string" ? serviceText(data.Message, secrets) : "";
  const cause: CountFailureCause = CREDENTIAL_CODE.test(code)
    ? "credentials"
    : PERMISSION_CODE.test(code) || status === 403
      ? "permission"
      : "service";
  return {
    detail: `${code}${message ? `: ${message}` : ""}`,
    cause,
    retryable: status >= 500 || /^Throttling/.test(code),
    queueGone: /QueueNotExist/i.test(code),
  };
}
