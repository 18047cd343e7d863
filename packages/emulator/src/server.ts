/**
 * The emulator itself: one HTTP listener per IMS region serving SetEventCallback and
 * GetEventCallback with verified signatures, and an admin listener for the control surface.
 *
 * @packageDocumentation
 */
import {
  deliverEvent,
  IMS_DELIVERY_POLICY,
  type DeliveryPolicy,
  type DeliveryReport,
  type QueueWriter,
} from "./delivery";
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import {
  credentialResolver,
  DEFAULT_TEST_ACCOUNT,
  EmulatorAccount,
  loadAccountsFile,
  parseAccounts,
} from "./accounts";
import {
  API_VERSION,
  applySet,
  EMULATOR_REGIONS,
  EmulatorRegion,
  getResponse,
  UNCONFIGURED_SETTING,
  validateSetParameters,
} from "./api";
import { EmulatorBehaviour, resolveBehaviour } from "./behaviour";
import {
  ActiveFault,
  checkLatency,
  ControlState,
  EmulatorControl,
  EmulatorInfo,
  FaultInjection,
  QueueInfo,
  RamInfo,
  RequestCounters,
  RequestLogEntry,
  redactParams,
  UNSERVED_ACTION,
  writeGatewayFault,
} from "./control";
import { keyMap, ownValue } from "./records";
import {
  handleMnsRequest,
  MNS_ERROR_STATUS,
  mnsActionName,
  MnsCallRecord,
  MnsDataContext,
  MnsError,
  mnsErrorOf,
  mnsErrorXml,
  verifyMnsRequest,
  writeMnsAnswer,
} from "./mnsData";
import { mnsOpenProduct } from "./mnsOpen";
import { Queue, queueArn, QueueAttributes, QUEUE_LIMITS, QueueStore } from "./queues";
import { IMS_SERVICE_ROLE, RamState } from "./ram";
import type { RpcProduct } from "./rpc";
import { stsProduct } from "./sts";
import {
  ApiError,
  ERROR_MESSAGES,
  errorBody,
  missingParameterMessage,
  newRequestId,
} from "./errors";
import {
  claimedAccessKeyId,
  NonceStore,
  requestParams,
  SignedRequest,
  verifySignature,
} from "./signature";
import {
  StoredSetting,
  completeSetting,
  SETTING_FIELDS,
  SettingStore,
  writeFileAtomic,
} from "./store";
import { handleAdminRequest } from "./admin";

/** The loopback address every listener binds to. */
export const EMULATOR_HOST = "127.0.0.1";

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Options of {@link startEmulator}.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ stateFile: "/tmp/ims/state.json", behaviour: { unconfiguredRead: "omitted" } });
 * ```
 */
export interface EmulatorOptions {
  /**
   * JSON file holding the settings, loaded at start and rewritten atomically on every change.
   *
   * @default none: in memory only
   */
  readonly stateFile?: string;
  /**
   * The accounts, or the path of a JSON file holding them.
   *
   * @default [DEFAULT_TEST_ACCOUNT]
   */
  readonly accounts?: readonly EmulatorAccount[] | string;
  /**
   * Region `i` of {@link EMULATOR_REGIONS} listens on `basePort + i`; `0` picks free ports.
   *
   * @default 0
   */
  readonly basePort?: number;
  /**
   * Port of the admin API; `false` for none.
   *
   * @default `basePort + 6` when `basePort` is set, else a free port
   */
  readonly adminPort?: number | false;
  /**
   * Behaviour switches where the real API is unverified.
   *
   * @default {@link DEFAULT_BEHAVIOUR}
   */
  readonly behaviour?: Partial<EmulatorBehaviour>;
  /**
   * Latency added to every API call, ms.
   *
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Writes `{ endpoints, adminUrl, pid, stateFile }` to this file once listening, removes it on close.
   *
   * @default none
   */
  readonly discoveryFile?: string;
  /**
   * Request log entries kept.
   *
   * @default 1000
   */
  readonly logLimit?: number;
  /**
   * Called after every API call with its log entry.
   *
   * @default none
   */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Event delivery timing (emitEvent).
   *
   * @default {@link IMS_DELIVERY_POLICY}: 3 s, 2 retries 1 s apart
   */
  readonly deliveryPolicy?: Partial<DeliveryPolicy>;
  /**
   * The clock used for signature timestamps, epoch ms.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * A running emulator: its endpoints, the control operations in-process, and `close()`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * try {
 *   console.log(emulator.endpoints["cn-shanghai"]); // "http://127.0.0.1:40123"
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export interface EmulatorHandle extends EmulatorControl {
  /** Region → API endpoint URL, e.g. `http://127.0.0.1:40123`. */
  readonly endpoints: Readonly<Record<EmulatorRegion, string>>;
  /** The admin API's URL, or `undefined` when disabled. */
  readonly adminUrl: string | undefined;
  /** The configured accounts. */
  readonly accounts: readonly EmulatorAccount[];
  /** The account used when a control call names none (the first configured). */
  readonly defaultAccountId: string;
  /** The settings store; a delivery module can read settings and subscribe to changes here. */
  readonly store: SettingStore;
  /** Stops every listener, then flushes the state file. Safe to call twice. */
  close(): Promise<void>;
}

/** The discovery file's content: how scripts find a running emulator. */
export interface EmulatorDiscovery {
  /** Region → API endpoint URL. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The admin API's URL, if it listens. */
  readonly adminUrl?: string;
  /** The emulator's process id. */
  readonly pid: number;
  /** The state file, if state is persisted. */
  readonly stateFile?: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new Error(`The emulator cannot listen on ${EMULATOR_HOST}:${port}: ${error.message}`));
    server.once("error", onError);
    server.listen(port, EMULATOR_HOST, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * The request body, or `undefined` after `refuse` answered a body over {@link MAX_BODY_BYTES}
 * (the connection is then closed). Each API answers that in its own error format.
 */
async function readBodyOrRefuse(
  req: IncomingMessage,
  res: ServerResponse,
  refuse: (message: string) => void,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    res.setHeader("Connection", "close");
    refuse(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    return undefined;
  }
}

function checkPort(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be an integer port between 0 and 65535.`);
  }
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the emulator in this process: one listener per region in {@link EMULATOR_REGIONS} on
 * 127.0.0.1, and the admin API. A request to one region's endpoint only ever touches that region.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ stateFile: path.join(dir, "state.json") });
 * const client = new OpenApi.default({ ...keys, endpoint: new URL(emulator.endpoints["cn-shanghai"]).host, protocol: "http" });
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const accounts =
    typeof options.accounts === "string"
      ? loadAccountsFile(options.accounts)
      : parseAccounts(options.accounts ?? [DEFAULT_TEST_ACCOUNT]);
  const basePort = checkPort("basePort", options.basePort ?? 0);
  const adminPort =
    options.adminPort === false
      ? false
      : checkPort(
          "adminPort",
          options.adminPort ?? (basePort ? basePort + EMULATOR_REGIONS.length : 0),
        );
  let behaviour = resolveBehaviour(options.behaviour ?? {});
  const now = options.now ?? Date.now;
  const resolveCredential = credentialResolver(accounts);
  const nonces = new NonceStore();
  const control = new ControlState(EMULATOR_REGIONS, options.logLimit ?? 1000);
  control.latencyMs = checkLatency(options.latencyMs ?? 0);
  const store = await SettingStore.open({ file: options.stateFile });
  const defaultAccountId = accounts[0].accountId;
  const servers: Server[] = [];
  let closed = false;

  const accountOf = (accountId: string | undefined): string => {
    const id = accountId ?? defaultAccountId;
    if (!accounts.some((a) => a.accountId === id))
      throw new Error(
        `Unknown account '${id}'; configured: ${accounts.map((a) => a.accountId).join(", ")}.`,
      );
    return id;
  };
  const regionOf = (region: string): EmulatorRegion => {
    if (!(EMULATOR_REGIONS as readonly string[]).includes(region))
      throw new Error(`Unknown region '${region}'; served: ${EMULATOR_REGIONS.join(", ")}.`);
    return region as EmulatorRegion;
  };

  const ram = new RamState(
    () => store.sectionChanged(),
    () => behaviour,
  );
  ram.load(store.attachSection("ram", ram));
  const queues = new QueueStore(() => store.sectionChanged());
  queues.load(store.attachSection("queues", queues));
  for (const account of accounts)
    await ram.initialiseAccount(account.accountId, account.imsActivated ?? true, now());

  const imsProduct: RpcProduct = {
    name: "ICE",
    version: API_VERSION,
    host: (region) => `ice.${region}.aliyuncs.com`,
    actions: {
      SetEventCallback: async (call) => {
        const invalid = validateSetParameters(call.params, call.behaviour);
        if (invalid) throw invalid;
        await store.update(call.accountId, call.region, (current) =>
          applySet(current, call.params, call.behaviour),
        );
        return { Success: true };
      },
      GetEventCallback: (call) => {
        const { RequestId: _requestId, ...setting } = getResponse(
          call.requestId,
          store.get(call.accountId, call.region),
          call.behaviour,
        );
        return setting;
      },
    },
  };
  const products: readonly RpcProduct[] = [
    imsProduct,
    ram.product(),
    mnsOpenProduct(queues),
    stsProduct((id) => resolveCredential(id)?.sts !== undefined),
  ];
  const served = (product: RpcProduct | undefined, action: string): boolean =>
    product !== undefined && Object.hasOwn(product.actions, action);

  const record = (entry: RequestLogEntry): void => {
    control.record(entry);
    try {
      options.onRequest?.(entry);
    } catch {
      // A failing observer must not break the API.
    }
  };

  async function handleApi(
    region: EmulatorRegion,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const startedAt = performance.now();
    const time = new Date(now()).toISOString();
    const requestId = newRequestId();
    let product: RpcProduct | undefined;
    let action = "";
    let accessKeyId: string | undefined;
    let params: Record<string, string> = keyMap();
    res.on("error", () => undefined);

    const finish = (status: number, code: string, body: string | undefined): void => {
      if (body === undefined) req.socket.destroy();
      else if (!res.headersSent && !res.destroyed) {
        res.writeHead(status, {
          "Content-Type": "application/json;charset=utf-8",
          "x-acs-request-id": requestId,
        });
        res.end(body);
      }
      record({
        time,
        region,
        product: product?.name ?? "",
        action,
        ...(accessKeyId ? { accessKeyId } : {}),
        status: body === undefined ? 0 : status,
        code,
        requestId,
        durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
        params: redactParams(params),
      });
    };
    const fail = (error: ApiError): void => {
      const errorProduct = product ?? imsProduct;
      finish(
        error.status,
        error.code,
        JSON.stringify(errorBody(error, requestId, errorProduct.host(region), errorProduct.name)),
      );
    };

    try {
      const body = await readBodyOrRefuse(req, res, (message) =>
        fail(new ApiError("InvalidParameter", message)),
      );
      if (!body) return;
      const request: SignedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body,
      };
      params = requestParams(request);
      const header = (name: string): string | undefined => {
        const value = req.headers[name];
        return typeof value === "string" ? value : undefined;
      };
      action = params.Action ?? header("x-acs-action") ?? "";
      const version = params.Version ?? header("x-acs-version");
      product = products.find((p) => p.version === version);
      accessKeyId = claimedAccessKeyId(request);

      control.count(products.some((p) => served(p, action)) ? action : UNSERVED_ACTION, region);
      const { delayMs, fault } = control.takeFaults(action, region);
      if (delayMs > 0) await sleep(delayMs);
      if (closed) return finish(0, "Dropped", undefined);
      if (fault) return answerFault(fault);

      const path = request.url.split("?")[0];
      if ((request.method !== "POST" && request.method !== "GET") || path !== "/") {
        return fail(
          new ApiError("InvalidAction.NotFound", ERROR_MESSAGES["InvalidAction.NotFound"]),
        );
      }
      if (!action) return fail(new ApiError("MissingParameter", missingParameterMessage("Action")));
      if (!served(product, action)) {
        control.recordUnhandled(product?.name ?? "", version ?? "", action, time);
        const servedElsewhere = products.some((p) => served(p, action));
        if (!servedElsewhere)
          return fail(
            new ApiError("InvalidAction.NotFound", ERROR_MESSAGES["InvalidAction.NotFound"]),
          );
        if (!version)
          return fail(new ApiError("MissingParameter", missingParameterMessage("Version")));
        return fail(new ApiError("InvalidVersion", ERROR_MESSAGES.InvalidVersion));
      }

      const verified = verifySignature(request, { resolveCredential, nonces, now: now() });
      if (!verified.ok) return fail(new ApiError(verified.code, verified.message));
      const answer = await product!.actions[action]({
        accountId: verified.accountId,
        accessKeyId: verified.accessKeyId,
        region,
        requestId,
        params,
        now: now(),
        behaviour,
      });
      return finish(200, "OK", JSON.stringify({ RequestId: requestId, ...answer }));
    } catch (error) {
      return fail(
        error instanceof ApiError
          ? error
          : new ApiError("InternalError", ERROR_MESSAGES.InternalError),
      );
    }

    function answerFault(fault: ActiveFault): void {
      switch (fault.kind) {
        case "throttle":
          return fail(new ApiError("Throttling.User", ERROR_MESSAGES["Throttling.User"]));
        case "server-error":
          return fault.status === 500
            ? fail(new ApiError("InternalError", ERROR_MESSAGES.InternalError))
            : fail(new ApiError("ServiceUnavailable", ERROR_MESSAGES.ServiceUnavailable));
        case "drop":
          return finish(0, "Dropped", undefined);
        case "gateway-html":
        case "gateway-empty": {
          const { status, code } = writeGatewayFault(res, fault.kind);
          return finish(status, code, "");
        }
        default:
          return finish(200, "Malformed", `{"RequestId":"${requestId}","CallbackType":`);
      }
    }
  }

  const mnsContext: MnsDataContext = { queues, resolveCredential, now };

  /** The MNS queue data API on a region's listener: XML, MNS signature, MNS errors. */
  async function handleMns(
    region: EmulatorRegion,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const startedAt = performance.now();
    const time = new Date(now()).toISOString();
    const requestId = newRequestId();
    const method = req.method ?? "GET";
    const call: MnsCallRecord = { params: keyMap() };
    let action = "";
    let accountId: string | undefined;
    const aborted = new AbortController();
    res.on("error", () => undefined);
    res.on("close", () => {
      if (!res.writableEnded) aborted.abort();
    });
    const finish = (status: number, code: string): void =>
      record({
        time,
        region,
        product: "MNS",
        action,
        ...(call.accessKeyId ? { accessKeyId: call.accessKeyId } : {}),
        status,
        code,
        requestId,
        durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
        params: call.params,
      });
    const fail = (error: MnsError): void => {
      const status = MNS_ERROR_STATUS[error.code];
      const host = `http://${accountId ?? "<accountId>"}.mns.${region}.aliyuncs.com`;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(status, {
          "Content-Type": "text/xml;charset=utf-8",
          "x-mns-request-id": requestId,
          "x-mns-version": "2015-06-06",
        });
        res.end(mnsErrorXml(error.code, error.message, requestId, host));
      }
      finish(status, error.code);
    };
    try {
      const body = await readBodyOrRefuse(req, res, (message) =>
        fail(new MnsError("InvalidArgument", message)),
      );
      if (!body) return;
      let url: URL;
      try {
        url = new URL(req.url ?? "/", "http://mns.invalid");
      } catch {
        throw new MnsError("InvalidRequestURL", "The request URL is not valid.");
      }
      action = mnsActionName(method, url, body);
      control.count(action || UNSERVED_ACTION, region);
      const { delayMs, fault } = control.takeFaults(action, region);
      if (delayMs > 0) await sleep(delayMs);
      if (closed) {
        req.socket.destroy();
        return finish(0, "Dropped");
      }
      if (fault) {
        switch (fault.kind) {
          case "throttle":
            return fail(
              new MnsError(
                "QpsLimitExceeded",
                "The request was denied because the QPS limit was exceeded.",
              ),
            );
          case "server-error":
            return fail(
              fault.status === 500
                ? new MnsError("InternalError", "Internal error.")
                : new MnsError("ServiceUnavailable", "The service is temporarily unavailable."),
            );
          case "drop":
            req.socket.destroy();
            return finish(0, "Dropped");
          case "gateway-html":
          case "gateway-empty": {
            const { status, code } = writeGatewayFault(res, fault.kind);
            return finish(status, code);
          }
          default:
            res.writeHead(200, {
              "Content-Type": "text/xml;charset=utf-8",
              "x-mns-request-id": requestId,
            });
            res.end(
              '<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageId>',
            );
            return finish(200, "Malformed");
        }
      }
      const credential = verifyMnsRequest(req, mnsContext, call);
      accountId = credential.accountId;
      if (!action) {
        control.recordUnhandled("MNS", "2015-06-06", `${method} ${url.pathname}`, time);
        return fail(
          new MnsError(
            "InvalidRequestURL",
            `${method} ${url.pathname} is not served by the emulator.`,
          ),
        );
      }
      const answer = await handleMnsRequest(
        mnsContext,
        region,
        credential,
        method,
        url,
        body,
        call,
        aborted.signal,
      );
      if (res.destroyed) return finish(0, "ClientGone");
      writeMnsAnswer(res, requestId, answer);
      return finish(answer.status, answer.status < 300 ? "OK" : "PartialFailure");
    } catch (error) {
      return fail(mnsErrorOf(error) ?? new MnsError("InternalError", "Internal error."));
    }
  }

  /** IMS's write into a queue: the queue must exist in the region and IMS's role must be allowed to send. */
  const queueWriter =
    (accountId: string, region: string): QueueWriter =>
    async (queueName, body) => {
      const queue = queues.get(accountId, region, queueName);
      if (!queue) throw new Error(`QueueNotExist: no queue ${queueName} in ${region}`);
      const resource = `${queueArn(region, accountId, queueName)}/messages`;
      const decision = ram.evaluate(accountId, IMS_SERVICE_ROLE, "mns:SendMessage", resource);
      if (!decision.allowed)
        throw new Error(
          `AccessDenied: ${IMS_SERVICE_ROLE} may not mns:SendMessage on ${resource} (${decision.reason})`,
        );
      const messageBody =
        behaviour.queueMessageEncoding === "base64"
          ? Buffer.from(body, "utf8").toString("base64")
          : body;
      try {
        const [message] = await queues.send(queue, [{ MessageBody: messageBody }]);
        return message.MessageId;
      } catch (error) {
        throw new Error(
          `${(error as { code?: string }).code ?? "Error"}: ${(error as Error).message}`,
        );
      }
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
  const ramInfo = (accountId: string): RamInfo => {
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

  const deliveryPolicy: DeliveryPolicy = {
    ...IMS_DELIVERY_POLICY,
    ...(options.deliveryPolicy ?? {}),
  };
  const deliveries: DeliveryReport[] = [];
  const handle: EmulatorHandle = {
    endpoints: {} as Record<EmulatorRegion, string>,
    adminUrl: undefined,
    accounts,
    defaultAccountId,
    store,
    async info(): Promise<EmulatorInfo> {
      return {
        endpoints: { ...handle.endpoints },
        ...(handle.adminUrl ? { adminUrl: handle.adminUrl } : {}),
        pid: process.pid,
        behaviour,
        latencyMs: control.latencyMs,
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
    async injectFault(fault: FaultInjection) {
      return control.injectFault(fault);
    },
    async listFaults() {
      return control.listFaults();
    },
    async clearFaults() {
      control.clearFaults();
    },
    async setLatency(latencyMs: number) {
      control.latencyMs = checkLatency(latencyMs);
    },
    async getCounters(): Promise<RequestCounters> {
      return control.getCounters();
    },
    async getRequestLog() {
      return control.getLog();
    },
    async reset() {
      control.reset();
      deliveries.length = 0;
    },
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
        queueWriter(accountId, region),
      );
      deliveries.push(report);
      return report;
    },
    async getDeliveries() {
      return [...deliveries];
    },
    async getBehaviour() {
      return behaviour;
    },
    async setBehaviour(changes) {
      behaviour = resolveBehaviour(changes, behaviour);
      return behaviour;
    },
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
    async getRam(accountId) {
      return ramInfo(accountOf(accountId));
    },
    async putPolicyDocument(policyName, document, accountId) {
      const id = accountOf(accountId);
      if (typeof document !== "string")
        throw new Error("document must be a policy document in a JSON string.");
      const policy = ram.account(id).policies[policyName];
      if (!policy) throw new Error(`No custom policy '${policyName}' in account ${id}.`);
      try {
        await ram.product().actions.CreatePolicyVersion({
          accountId: id,
          accessKeyId: "",
          region: EMULATOR_REGIONS[0],
          requestId: newRequestId(),
          params: {
            PolicyName: policyName,
            PolicyDocument: document,
            SetAsDefault: "true",
            RotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
          },
          now: now(),
          behaviour,
        });
      } catch (error) {
        throw new Error(`The policy document is not accepted: ${(error as Error).message}`);
      }
      return ramInfo(id).policies.find((p) => p.name === policyName)!;
    },
    async setImsActivated(activated, accountId) {
      if (typeof activated !== "boolean") throw new Error("activated must be true or false.");
      await ram.setImsActivated(accountOf(accountId), activated, now());
    },
    async getUnhandledCalls() {
      return control.getUnhandled();
    },
    close: (() => {
      let closing: Promise<void> | undefined;
      return () =>
        (closing ??= (async () => {
          closed = true;
          queues.close();
          await Promise.all(servers.map(stop));
          await store.flush();
          if (options.discoveryFile) await fs.rm(options.discoveryFile, { force: true });
        })());
    })(),
  };

  try {
    for (const [index, region] of EMULATOR_REGIONS.entries()) {
      const server = createServer((req, res) => {
        const mns =
          (req.headers.authorization ?? "").startsWith("MNS ") ||
          (req.url ?? "").startsWith("/queues");
        (mns ? handleMns : handleApi)(region, req, res).catch(() => req.socket.destroy());
      });
      servers.push(server);
      const port = await listen(server, basePort ? basePort + index : 0);
      (handle.endpoints as Record<EmulatorRegion, string>)[region] =
        `http://${EMULATOR_HOST}:${port}`;
    }
    if (adminPort !== false) {
      const admin = createServer((req, res) => {
        handleAdminRequest(handle, req, res).catch(() => req.socket.destroy());
      });
      servers.push(admin);
      const port = await listen(admin, adminPort);
      (handle as { adminUrl: string | undefined }).adminUrl = `http://${EMULATOR_HOST}:${port}`;
    }
    if (options.discoveryFile) {
      const discovery: EmulatorDiscovery = {
        endpoints: handle.endpoints,
        ...(handle.adminUrl ? { adminUrl: handle.adminUrl } : {}),
        pid: process.pid,
        ...(store.file ? { stateFile: store.file } : {}),
      };
      await fs.mkdir(dirname(options.discoveryFile), { recursive: true });
      await writeFileAtomic(options.discoveryFile, `${JSON.stringify(discovery, null, 2)}\n`);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  Object.freeze(handle.endpoints);
  return handle;
}
