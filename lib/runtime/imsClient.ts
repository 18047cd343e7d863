/**
 * A small client for the two IMS callback operations over the runtime's RPC client (./rpcClient),
 * with readable errors: which failures are retried, and what to do about each.
 *
 * @packageDocumentation
 */
import type Credential from "@alicloud/credentials";
import { CREDENTIAL_SETTINGS, CredentialsError } from "../shared/credentials";
import { redact } from "../shared/redaction";
import { imsEndpointHost, type ImsEndpointType } from "../shared/regions";
import { MAX_ATTEMPTS_SETTING, PROVIDER_SETTINGS, TIMEOUT_SETTING } from "./providerSettings";
import {
  parseEndpoint,
  RpcClient,
  withoutStringToSign,
  type RetryPolicy,
  type RpcOutcome,
  type RpcVerdict,
} from "./rpcClient";
import {
  settingFromWire,
  settingToWire,
  type CallbackSetting,
  type WireSetting,
} from "../shared/setting";

/** The IMS API version that serves SetEventCallback / GetEventCallback. */
export const IMS_API_VERSION = "2020-11-09";

/** The default {@link RetryPolicy}: 5 attempts, 200 ms doubling, at most 3 s, each delay drawn between half the cap and the cap ("equal jitter"). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: MAX_ATTEMPTS_SETTING.default,
  baseDelayMs: 200,
  maxDelayMs: 3000,
});

/**
 * The stack config key that sets the runtime's key `runtimeKey` on the caller's path, for messages,
 * or `undefined` when the path has none (see `StackConfigReader.userKey`).
 */
export type ConfigKeyNamer = (runtimeKey: string) => string | undefined;

/** The dynamic provider's naming: the runtime's keys are the user's. */
const RUNTIME_KEY_NAMES: ConfigKeyNamer = (key) => key;

/** Options of {@link ImsClient}. */
export interface ImsClientOptions {
  /** The region whose setting is read and written, e.g. `"cn-shanghai"`. */
  readonly region: string;
  /** Credentials, see {@link resolveCredential}. */
  readonly credential: Credential;
  /**
   * Endpoint override: `host[:port]` or a URL such as `http://127.0.0.1:4101` (the local emulator).
   *
   * @default derived from the region and `endpointType`.
   */
  readonly endpoint?: string;
  /**
   * Public or VPC endpoint when no override is given.
   *
   * @default "public"
   */
  readonly endpointType?: ImsEndpointType;
  /**
   * Per-attempt timeout.
   *
   * @default 10000 (ms)
   */
  readonly timeoutMs?: number;
  /**
   * When and how often a failed call is tried again.
   *
   * @default {@link DEFAULT_RETRY_POLICY}
   */
  readonly retry?: RetryPolicy;
  /**
   * Request signature: `"v3"` (ACS3-HMAC-SHA256) or `"v2"` (HMAC-SHA1).
   *
   * @default "v3"
   */
  readonly signatureVersion?: "v3" | "v2";
  /**
   * Sleep function, injectable for tests.
   *
   * @default a timer.
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * How messages name the stack config keys (the provider plugin's own keys on its path).
   *
   * @default the runtime's keys (`alicloud:*`, `ims-callback:*`), as the dynamic provider reads them
   */
  readonly configKeys?: ConfigKeyNamer;
}

/** What {@link ImsApiError} records about a failed IMS call. */
export interface ImsApiErrorOptions {
  /** The region called. */
  readonly region: string;
  /** `"SetEventCallback"` or `"GetEventCallback"`. */
  readonly operation: string;
  /** Alibaba's error code, e.g. `"Forbidden.RAM"`, or a network error code. */
  readonly code: string;
  /** Alibaba's request id, when the service answered. */
  readonly requestId?: string;
  /** HTTP status, when the service answered. */
  readonly statusCode?: number;
  /** The service's message (or the transport failure in words); never a secret. */
  readonly serviceMessage: string;
  /** Whether the call is worth retrying (throttling, 5xx, network). */
  readonly retryable: boolean;
  /** How many attempts were made. */
  readonly attempts: number;
  /**
   * What to do about this failure in particular, when the code alone does not tell.
   *
   * @default the hint of the code's {@link imsErrorClass}
   */
  readonly advice?: string;
  /**
   * How the hint names stack config keys.
   *
   * @default the runtime's keys, as the dynamic provider reads them
   */
  readonly configKeys?: ConfigKeyNamer;
}

/** An IMS call that failed, with everything needed to act on it. The message never holds secrets. */
export class ImsApiError extends Error {
  /** `"ImsApiError"` */
  override readonly name = "ImsApiError";
  /** The region called. */
  readonly region: string;
  /** `"SetEventCallback"` or `"GetEventCallback"`. */
  readonly operation: string;
  /** Alibaba's error code, e.g. `"Forbidden.RAM"`, or a network error code. */
  readonly code: string;
  /** Alibaba's request id, when the service answered. */
  readonly requestId: string | undefined;
  /** HTTP status, when the service answered. */
  readonly statusCode: number | undefined;
  /** The service's message. */
  readonly serviceMessage: string;
  /** Whether the call is worth retrying (throttling, 5xx, network). */
  readonly retryable: boolean;
  /** How many attempts were made. */
  readonly attempts: number;
  /** What to do about this failure in particular, when the code alone does not tell. */
  readonly advice: string | undefined;

  constructor(options: ImsApiErrorOptions) {
    super(formatImsApiError(options));
    this.region = options.region;
    this.operation = options.operation;
    this.code = options.code;
    this.requestId = options.requestId;
    this.statusCode = options.statusCode;
    this.serviceMessage = options.serviceMessage;
    this.retryable = options.retryable;
    this.attempts = options.attempts;
    this.advice = options.advice;
  }

  /** A hint for the common failures, or `undefined`; `configKeys` names the stack config keys. */
  static hint(code: string, configKeys: ConfigKeyNamer = RUNTIME_KEY_NAMES): string | undefined {
    return imsErrorClass(code).hint?.(configKeys);
  }
}

function formatImsApiError(options: ImsApiErrorOptions): string {
  const { region, operation, code, requestId, statusCode, serviceMessage, attempts } = options;
  const parts = [`IMS ${operation} in ${region} failed: ${code}`];
  if (serviceMessage) parts.push(`: ${serviceMessage}`);
  const meta = [
    statusCode ? `HTTP ${statusCode}` : undefined,
    requestId ? `RequestId ${requestId}` : undefined,
    attempts > 1 ? `after ${attempts} attempts` : undefined,
  ].filter(Boolean);
  if (meta.length > 0) parts.push(` (${meta.join(", ")})`);
  const hint = options.advice ?? ImsApiError.hint(code, options.configKeys);
  if (hint) parts.push(`. Hint: ${hint}`);
  return parts.join("");
}

/** What a failure's code says about it: whether to try again, and what to do. */
export interface ImsErrorClass {
  /** The codes of this class. */
  readonly code: RegExp;
  /**
   * When a call failing with such a code is tried again: `"always"`, `"never"`, or `"unanswered"`
   * (a transport failure: only when the service did not answer).
   */
  readonly retry: "always" | "never" | "unanswered";
  /** What to do about it, when the code tells, naming stack config keys with the given namer. */
  readonly hint?: (configKeys: ConfigKeyNamer) => string;
  /** A transport failure of this class in words (there is no answer to quote). */
  readonly transport?: (host: string, timeoutMs: number) => string;
}

/**
 * `stack config <key>[/<key>], or <variables>` as the caller's path names the keys, or the
 * variables alone when the path has none of them.
 */
function configOrVariables(
  configKeys: ConfigKeyNamer,
  runtimeKeys: readonly string[],
  variables: string,
): string {
  const keys = runtimeKeys.map(configKeys);
  return keys.every((k) => k !== undefined)
    ? `stack config ${keys.join("/")}, or ${variables}`
    : variables;
}

const UNREACHABLE_HINT = (configKeys: ConfigKeyNamer) =>
  `the endpoint is unreachable; check the region and any endpoint override (${configOrVariables(
    configKeys,
    [PROVIDER_SETTINGS.endpoints.configKey],
    PROVIDER_SETTINGS.endpoints.envVar,
  )}).`;
const UNRESOLVED = (host: string) => `the host of ${host} could not be resolved`;

/** Error codes by class, first match wins; a code not listed is never retried and has no hint. */
const IMS_ERROR_CLASSES: readonly ImsErrorClass[] = [
  {
    code: /^(Forbidden|NoPermission)/i,
    retry: "never",
    hint: () =>
      "the credentials lack the RAM permission: grant ice:SetEventCallback and ice:GetEventCallback (e.g. the system policy AliyunICEFullAccess).",
  },
  {
    code: /^(InvalidAccessKeyId(\.NotFound)?|SignatureDoesNotMatch|InvalidSecurityToken\.(Expired|Malformed))$/,
    retry: "never",
    hint: (configKeys) =>
      `check the AccessKey pair (${accessKeyPairSources(configKeys)}) and, for STS, that the token is current.`,
  },
  {
    code: /^InvalidTimeStamp(\.Expired)?$/,
    retry: "never",
    hint: () =>
      "this machine's clock is off by more than 15 minutes; synchronise it (NTP) and retry.",
  },
  {
    code: /^Throttling/,
    retry: "always",
    hint: () =>
      "IMS throttled the calls; retry later or deploy fewer regions at once (pulumi up --parallel).",
  },
  { code: /^(ServiceUnavailable|InternalError|MalformedResponse)$/, retry: "always" },
  {
    code: /^Timeout$/,
    retry: "unanswered",
    transport: (host, timeoutMs) => `no response from ${host} within ${timeoutMs} ms`,
  },
  {
    code: /^ECONNREFUSED$/,
    retry: "unanswered",
    hint: UNREACHABLE_HINT,
    transport: (host) => `${host} refused the connection`,
  },
  { code: /^ENOTFOUND$/, retry: "unanswered", hint: UNREACHABLE_HINT, transport: UNRESOLVED },
  { code: /^EAI_AGAIN$/, retry: "unanswered", transport: UNRESOLVED },
  {
    code: /^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET)$/,
    retry: "unanswered",
    transport: (host) => `the connection to ${host} was closed before a response`,
  },
  // Unanswered, these become "Timeout"; they keep their own code only beside an answer.
  { code: /^(ETIMEDOUT|ESOCKETTIMEDOUT)$/, retry: "unanswered" },
];

const UNCLASSIFIED: ImsErrorClass = { code: /(?:)/, retry: "never" };

/** Where the AccessKey pair is set on the caller's path: its stack config keys, and the variables. */
function accessKeyPairSources(configKeys: ConfigKeyNamer): string {
  const { accessKey: id, secretKey: secret } = CREDENTIAL_SETTINGS;
  return configOrVariables(
    configKeys,
    [id.configKey, secret.configKey],
    `${id.envVars[1]}/${secret.envVars[1]}`,
  );
}

/** The class of an error code, see {@link ImsErrorClass}. */
export function imsErrorClass(code: string): ImsErrorClass {
  return IMS_ERROR_CLASSES.find((c) => c.code.test(code)) ?? UNCLASSIFIED;
}

/** Reads and writes the callback setting of one region. */
export class ImsClient {
  private readonly region: string;
  private readonly rpc: RpcClient;
  private readonly configKeys: ConfigKeyNamer;

  constructor(options: ImsClientOptions) {
    this.region = options.region;
    this.configKeys = options.configKeys ?? RUNTIME_KEY_NAMES;
    this.rpc = new RpcClient({
      region: options.region,
      apiVersion: IMS_API_VERSION,
      credential: options.credential,
      endpoint: parseEndpoint(
        options.endpoint ?? imsEndpointHost(options.region, options.endpointType),
      ),
      timeoutMs: options.timeoutMs ?? TIMEOUT_SETTING.default,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      signatureVersion: options.signatureVersion,
      sleep: options.sleep,
    });
  }

  /** GetEventCallback: the region's current setting (the auth key included, in clear text). */
  async getEventCallback(): Promise<CallbackSetting> {
    const body = await this.call("GetEventCallback", {});
    return settingFromWire(body as WireSetting);
  }

  /** SetEventCallback with every parameter of `setting` (empty ones as `""`). */
  async setEventCallback(setting: CallbackSetting): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = await this.call("SetEventCallback", settingToWire(setting), [setting.authKey]);
    } catch (e) {
      throw refusedEmptyList(e, setting) ?? e;
    }
    if (body.Success === false) {
      throw new ImsApiError({
        region: this.region,
        operation: "SetEventCallback",
        code: "Unsuccessful",
        requestId: asString(body.RequestId),
        statusCode: 200,
        serviceMessage: "the service answered Success=false",
        retryable: false,
        attempts: 1,
        configKeys: this.configKeys,
      });
    }
  }

  private async call(
    action: string,
    query: Record<string, string>,
    secrets: string[] = [],
  ): Promise<Record<string, unknown>> {
    const credentialSecrets = await this.credentialSecrets(action);
    const noSecrets = [...secrets, ...credentialSecrets];
    return this.rpc.call(action, query, (outcome, attempt) =>
      this.judge(action, outcome, attempt, noSecrets),
    );
  }

  /** An answer's JSON object, or the {@link ImsApiError} of the attempt. */
  private judge(
    action: string,
    outcome: RpcOutcome,
    attempt: number,
    secrets: readonly string[],
  ): RpcVerdict<Record<string, unknown>> {
    if ("body" in outcome && outcome.body && typeof outcome.body === "object") {
      return { value: outcome.body as Record<string, unknown> };
    }
    const thrown =
      "error" in outcome
        ? outcome.error
        : Object.assign(new Error("the response body is not a JSON object"), {
            code: "MalformedResponse",
          });
    const failure = this.toApiError(action, thrown, attempt, secrets);
    return { failure, retryable: failure.retryable };
  }

  /**
   * Resolves the credentials before the first attempt, so that a lookup failure is reported as one
   * (and not as a network error of the call), and returns the values no message may contain.
   */
  private async credentialSecrets(action: string): Promise<string[]> {
    try {
      return await this.rpc.credentialSecrets();
    } catch (e) {
      if (e instanceof CredentialsError) throw e;
      const reason = e instanceof Error ? firstClause(e.message) : String(e);
      throw new Error(
        `IMS ${action} in ${this.region}: could not obtain Alibaba Cloud credentials (${redact(reason)}). Check the credential source in use (${accessKeyPairSources(this.configKeys)}, the other variables, or the Alibaba Cloud CLI / credentials file profile).`,
      );
    }
  }

  private toApiError(
    action: string,
    e: unknown,
    attempt: number,
    secrets: readonly string[],
  ): ImsApiError {
    const failure = readFailure(e);
    const { code, status, answered, malformed } = failure;
    const kind = imsErrorClass(code);
    // Only parts known to be safe reach the message: the service's own message when it answered,
    // else a description of the failure from its code. The transport's message is never used: it
    // carries the request URL, whose query holds the auth key, the signature and the AccessKey id.
    let message: string;
    if (malformed) message = "the response is not a JSON object";
    else if (answered) message = serviceMessage(failure.serviceMessage);
    else
      message =
        kind.transport?.(this.rpc.host, this.rpc.timeoutMs) ??
        `the request to ${this.rpc.host} failed before IMS answered`;
    const retryable =
      kind.retry === "always" ||
      (kind.retry === "unanswered" && !answered) ||
      (status !== undefined && status >= 500) ||
      (!answered && !malformed && failure.socketHangUp);
    return new ImsApiError({
      region: this.region,
      operation: action,
      code,
      requestId: failure.requestId,
      statusCode: status,
      serviceMessage: redact(message, secrets),
      retryable,
      attempts: attempt,
      configKeys: this.configKeys,
    });
  }
}

/** A failed call as the OpenAPI runtime reports it, with its code settled. */
interface CallFailure {
  /** The service's code, or `MalformedResponse`, `Timeout`, a network code, `HTTP<status>`, `NetworkError`. */
  readonly code: string;
  readonly status: number | undefined;
  /** Whether the service answered (a status or an error body). */
  readonly answered: boolean;
  /** The response was not a JSON object. */
  readonly malformed: boolean;
  /** The service's own message, unredacted (only meaningful when it answered). */
  readonly serviceMessage: string;
  readonly requestId: string | undefined;
  /** The transport closed the socket without a code. */
  readonly socketHangUp: boolean;
}

function readFailure(e: unknown): CallFailure {
  const err = (e ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
    requestId?: unknown;
    data?: unknown;
    name?: unknown;
  };
  const data = (err.data && typeof err.data === "object" ? err.data : {}) as Record<
    string,
    unknown
  >;
  const status = typeof err.statusCode === "number" ? err.statusCode : undefined;
  const rawMessage = asString(err.message) ?? "";
  const given = asString(err.code) ?? asString(data.Code) ?? "";
  const malformed = err.name === "SyntaxError" || given === "MalformedResponse";
  const timedOut =
    !status &&
    (err.name === "RequestTimeoutError" ||
      /^(RequestTimeout|ETIMEDOUT|ESOCKETTIMEDOUT)$/.test(given) ||
      /ReadTimeout|ConnectTimeout/.test(rawMessage));
  const code = malformed
    ? "MalformedResponse"
    : timedOut
      ? "Timeout"
      : given || (status ? `HTTP${status}` : "NetworkError");
  return {
    code,
    status,
    answered: status !== undefined || asString(data.Code) !== undefined,
    malformed,
    serviceMessage: asString(data.Message) ?? stripCodePrefix(rawMessage),
    requestId: asString(err.requestId) ?? asString(data.RequestId),
    socketHangUp: /socket hang up/i.test(rawMessage),
  };
}

/**
 * Advice for IMS refusing an empty event list. Only destroy sends one (to turn callbacks off):
 * IMS documents no other way to do that, and the sibling VOD API documents the empty list.
 */
export const EMPTY_EVENT_LIST_ADVICE =
  'IMS refused an empty event list, which is how destroy turns callbacks off (deletionPolicy "clear", or "restore" ' +
  'when there is nothing to restore). To destroy without changing the region\'s setting, set deletionPolicy: "retain", ' +
  'run "pulumi up", then destroy; turn the callbacks off in the IMS console if you need them off.';

function refusedEmptyList(e: unknown, setting: CallbackSetting): ImsApiError | undefined {
  if (!(e instanceof ImsApiError) || setting.eventTypes.length > 0) return undefined;
  const status = e.statusCode ?? 0;
  if (
    status < 400 ||
    status >= 500 ||
    !/Parameter|EventType/i.test(`${e.code} ${e.serviceMessage}`)
  )
    return undefined;
  return new ImsApiError({ ...e, advice: EMPTY_EVENT_LIST_ADVICE });
}

function asString(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The service's message without anything that can echo the request (a URL, a string to sign). */
function serviceMessage(message: string): string {
  return redact(withoutStringToSign(message)).slice(0, 500);
}

/** A credential provider's message up to its first detail (which may quote a file or a response body). */
function firstClause(message: string): string {
  return message.replace(/(failed|error)\b[^.]*?:.*$/is, "$1").slice(0, 300);
}

function stripCodePrefix(message: string): string {
  // The runtime prefixes messages with "code: <code>, <message> request id: ...": keep the readable part.
  const m = /^code: [^,]*, (.*?)(?: request id: .*)?$/s.exec(message);
  return (m ? m[1] : message).trim();
}
