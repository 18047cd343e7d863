/**
 * The runtime of {@link QueueDeletionGuard}: a resource that depends on a queue and refuses its own
 * delete while the queue holds messages, so that the engine never reaches the queue's delete (a
 * rename's replacement, a destroy, a queue removed from the program) unless the user said so.
 *
 * It reads the queue's message counts with Mns-open GetQueueAttributes, through the credential chain
 * of the setting's runtime and at the Mns-open endpoint the stack's `alicloud:*` config gives (the
 * one the alicloud provider of the queue uses). Its state holds the region, the queue name and the
 * user's choice, nothing else; no credential.
 *
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { resolveCredential, type StackConfigReader } from "../shared/credentials";
import { redact } from "../shared/redaction";
import { parseEndpoint } from "./imsClient";
import { PROVIDER_SETTINGS, readSetting } from "./providerSettings";
import { warn } from "./warnings";

/** The engine's marker for a value not known at preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The Mns-open API version that serves GetQueueAttributes. */
export const MNS_OPEN_API_VERSION = "2022-01-19";

/**
 * The environment variable that lets one run delete guarded queues that still hold messages, for a
 * queue the program no longer declares (a rename whose delete was refused, a removed component).
 */
export const DELETE_QUEUES_WITH_MESSAGES_VARIABLE =
  PROVIDER_SETTINGS.deleteQueuesWithMessages.envVar;

/**
 * The environment variable that sets the Mns-open endpoint the guard counts at, over the stack
 * config: the repair that works at destroy (which configures the provider from the last up).
 */
export const MNS_OPEN_ENDPOINT_VARIABLE = PROVIDER_SETTINGS.mnsOpenEndpoint.envVar;

/**
 * Inputs and outputs of one guard.
 *
 * @internal
 */
export interface QueueGuardState {
  /** The queue's region. */
  region: string;
  /** The guarded queue. */
  queueName: string;
  /** Whether deleting the queue may delete messages it still holds. */
  deleteWithMessages: boolean;
}

/** A queue's messages by state, as GetQueueAttributes counts them. */
export interface QueueMessageCounts {
  /** Ready to be received. */
  readonly visible: number;
  /** Received and not deleted yet (a consumer holds them). */
  readonly invisible: number;
  /** Sent with a delay that has not passed yet. */
  readonly delayed: number;
}

let stackConfig: StackConfigReader | undefined;

/** Keeps the stack configuration for the credential chain and the Mns-open endpoint. */
export function configureQueueGuard(config: StackConfigReader | undefined): void {
  stackConfig = config;
}

/** Fills the default of `deleteWithMessages`; no API call. */
export async function queueGuardCheck(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<dynamic.CheckResult> {
  return { inputs: { ...news, deleteWithMessages: news.deleteWithMessages === true } };
}

/**
 * Another queue (or region) replaces the guard, whose old copy is deleted at the end of the update,
 * after the setting has moved. When that delete will meet messages, the preview says so with the
 * count (one GetQueueAttributes call, only for a replacement).
 */
export async function queueGuardDiff(
  _id: string,
  olds: QueueGuardState,
  news: QueueGuardState,
): Promise<dynamic.DiffResult> {
  const replaces = (["region", "queueName"] as const).filter(
    (field) => news[field] === UNKNOWN || news[field] !== olds[field],
  );
  const changes = replaces.length > 0 || news.deleteWithMessages !== olds.deleteWithMessages;
  if (replaces.length > 0) await warnAboutReplacement(olds);
  return { changes, replaces, deleteBeforeReplace: false };
}

/** Records the guard; no API call (the queue exists: the guard depends on it). */
export async function queueGuardCreate(inputs: QueueGuardState): Promise<dynamic.CreateResult> {
  return { id: `${inputs.region}/${inputs.queueName}`, outs: stateOf(inputs) };
}

/** Records the new choice; no API call. */
export async function queueGuardUpdate(
  _id: string,
  _olds: QueueGuardState,
  news: QueueGuardState,
): Promise<dynamic.UpdateResult> {
  return { outs: stateOf(news) };
}

/**
 * Succeeds (and so lets the engine delete the queue next) when the queue is empty or gone, when
 * `deleteWithMessages` was set, or when {@link DELETE_QUEUES_WITH_MESSAGES_VARIABLE} is `true`;
 * otherwise fails with the count and the ways out. A count that cannot be read (no answer, an answer
 * that is not Mns-open's JSON, one without the three counts or with `Success: false`, an error) fails
 * too, with its cause and the advice that fits it.
 */
export async function queueGuardDelete(_id: string, props: QueueGuardState): Promise<void> {
  if (props.deleteWithMessages === true || deletionAllowedByEnvironment()) return;
  let counts: QueueMessageCounts | undefined;
  try {
    counts = await queueMessageCounts(props.region, props.queueName);
  } catch (error) {
    const where = { region: props.region, queueName: props.queueName };
    const advice =
      error instanceof QueueCountError
        ? ADVICE[error.reason]({ ...where, endpoint: error.endpoint })
        : ADVICE.service(where);
    throw new Error(
      `Could not count the messages in queue "${props.queueName}" in ${props.region} before deleting it, so it was left in place: ` +
        `${error instanceof Error ? error.message : String(error)}. ${advice} (or consume the messages yourself), or ${ALLOW_ADVICE}.`,
    );
  }
  if (counts === undefined || total(counts) === 0) return;
  throw new Error(
    `Queue "${props.queueName}" in ${props.region} still holds ${describeCounts(counts)}; deleting it would delete them unread, ` +
      `so it was left in place and nothing after it was deleted. Consume them (e.g. with pulumi-alicloud-ims-callback/consumer) ` +
      `and run the command again, or ${ALLOW_ADVICE}.`,
  );
}

/**
 * Why a count could not be read: a permission error (only then is the RAM grant the fix), rejected
 * credentials, an endpoint that does not resolve, cannot be reached or does not answer Mns-open's
 * JSON, an answer without the counts, or another failure of the service (throttling, an outage).
 */
type CountFailureCause = "permission" | "credentials" | "endpoint" | "answer" | "service";

/** A count that could not be read; the message is safe to show (no request, no credential). */
class QueueCountError extends Error {
  constructor(
    message: string,
    readonly reason: CountFailureCause,
    readonly endpoint: string,
  ) {
    super(message);
    this.name = "QueueCountError";
  }
}

/** The first advice of a refusal, by cause. */
const ADVICE: Record<
  CountFailureCause,
  (where: { region: string; queueName: string; endpoint?: string }) => string
> = {
  permission: ({ region, queueName }) =>
    `Grant the deploying credentials mns:GetQueueAttributes on acs:mns:${region}:*:/queues/${queueName}`,
  credentials: () =>
    "Check the deploying credentials (the AccessKey pair or the security token the stack deploys with)",
  endpoint: ({ endpoint }) =>
    `Check the Mns-open endpoint (${endpoint}): it must resolve, be reachable from here and be Mns-open's; ` +
    `if the queue is served at another one, run the command again with ${MNS_OPEN_ENDPOINT_VARIABLE}=<host[:port] or http(s) URL> ` +
    "(it wins over the Mns-open endpoint the stack recorded at its last up)",
  answer: () => "Run the command again later",
  service: () => "Run the command again later",
};

const ALLOW_ADVICE =
  'to delete them unread, set queue: { deleteWithMessages: true } on the ImsCallback and run "pulumi up" before destroying, ' +
  `or run the command once with ${DELETE_QUEUES_WITH_MESSAGES_VARIABLE}=true (for a queue the program no longer declares, e.g. after a rename)`;

async function warnAboutReplacement(olds: QueueGuardState): Promise<void> {
  if (deletionAllowedByEnvironment()) return;
  let counts: QueueMessageCounts | undefined;
  try {
    counts = await queueMessageCounts(olds.region, olds.queueName);
  } catch (error) {
    await warn(
      `Queue "${olds.queueName}" in ${olds.region} is replaced; its messages could not be counted (${error instanceof Error ? error.message : String(error)}).`,
    );
    return;
  }
  if (counts === undefined || total(counts) === 0) return;
  await warn(
    olds.deleteWithMessages
      ? `Queue "${olds.queueName}" in ${olds.region} holds ${describeCounts(counts)}: this update replaces it and deletes it with them unread (deleteWithMessages is set).`
      : `Queue "${olds.queueName}" in ${olds.region} holds ${describeCounts(counts)}. This update replaces it: the new queue and its grant come first, ` +
          `then the setting moves; deleting "${olds.queueName}" is refused while it holds messages, which stops the update there. ` +
          'Consume them and run "pulumi up" again, or set queue: { deleteWithMessages: true } to delete them.',
  );
}

/** `N messages (a visible, b received and not deleted, c delayed)`. */
export function describeCounts(counts: QueueMessageCounts): string {
  const n = total(counts);
  return (
    `${n} message${n === 1 ? "" : "s"} (${counts.visible} visible, ${counts.invisible} received and not deleted, ` +
    `${counts.delayed} delayed)`
  );
}

function total(counts: QueueMessageCounts): number {
  return counts.visible + counts.invisible + counts.delayed;
}

function deletionAllowedByEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return readSetting(PROVIDER_SETTINGS.deleteQueuesWithMessages, stackConfig, env);
}

function stateOf(inputs: QueueGuardState): QueueGuardState {
  return {
    region: inputs.region,
    queueName: inputs.queueName,
    deleteWithMessages: inputs.deleteWithMessages === true,
  };
}

/**
 * The queue's message counts (Mns-open GetQueueAttributes), or `undefined` when the queue does not
 * exist. Throws an error whose message holds the service's code and message only, never the
 * request (its query is signed) nor a credential.
 */
export async function queueMessageCounts(
  region: string,
  queueName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<QueueMessageCounts | undefined> {
  const { credential } = resolveCredential(stackConfig, env);
  const { endpoint, protocol } = mnsOpenEndpoint(region, env);
  const timeoutMs = readSetting(PROVIDER_SETTINGS.timeoutMs, stackConfig, env);
  const api = new OpenApi(
    new $OpenApiUtil.Config({
      credential,
      endpoint,
      protocol,
      regionId: region,
      readTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      userAgent: "pulumi-alicloud-ims-callback",
    }),
  );
  const params = new $OpenApiUtil.Params({
    action: "GetQueueAttributes",
    version: MNS_OPEN_API_VERSION,
    protocol: "HTTPS",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const secrets = await credentialValues(credential);
  const shownEndpoint = endpoint.replace(/^.*@/, "");
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    let failure: CountFailure;
    try {
      const response = (await api.callApi(
        params,
        new $OpenApiUtil.OpenApiRequest({ query: { QueueName: queueName } }),
        new RuntimeOptions({ readTimeout: timeoutMs, connectTimeout: timeoutMs, autoretry: false }),
      )) as { body?: unknown };
      const read = countsIn(response.body, secrets);
      if ("counts" in read) return read.counts;
      failure = { detail: read.problem, cause: "answer", retryable: true, queueGone: false };
    } catch (e) {
      failure = describeFailure(e, secrets, shownEndpoint);
    }
    if (failure.queueGone) return undefined;
    if (!failure.retryable || attempt >= attempts) {
      throw new QueueCountError(
        `Mns-open GetQueueAttributes in ${region} failed: ${failure.detail}` +
          (attempt > 1 ? ` (after ${attempt} attempts)` : ""),
        failure.cause,
        shownEndpoint,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
  }
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
  return redact(
    message.replace(/\s*(?:server )?string ?to ?sign(?: is)?\s*:.*$/is, "").trim(),
    secrets,
  )
    .slice(0, 300)
    .replace(/[.\s]+$/, "");
}

/**
 * The Mns-open endpoint of `region`: {@link MNS_OPEN_ENDPOINT_VARIABLE} when set (a repair for one
 * run, e.g. a destroy, which configures the provider from the inputs recorded at the last up), else
 * `alicloud:endpoints[0].mnsOpen` of the stack config (as for the alicloud provider; the plugin's
 * `mnsOpenEndpoint`), else `mns-open.<region>.aliyuncs.com`; a host without scheme uses
 * `alicloud:protocol`, else HTTPS.
 */
export function mnsOpenEndpoint(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): { endpoint: string; protocol: "http" | "https" } {
  let configured: string | undefined =
    readSetting(PROVIDER_SETTINGS.mnsOpenEndpoint, stackConfig, env) || undefined;
  const text = configured === undefined ? stackConfig?.get("alicloud:endpoints") : undefined;
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
  const protocol = stackConfig?.get("alicloud:protocol")?.toLowerCase();
  return /^https?:\/\//i.test(configured ?? "")
    ? parsed
    : { endpoint: parsed.endpoint, protocol: protocol === "http" ? "http" : "https" };
}

async function credentialValues(credential: {
  getCredential(): Promise<{ accessKeySecret?: string; securityToken?: string }>;
}): Promise<string[]> {
  try {
    const { accessKeySecret, securityToken } = await credential.getCredential();
    return [accessKeySecret, securityToken].filter(
      (v): v is string => typeof v === "string" && v !== "",
    );
  } catch {
    return [];
  }
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
