/**
 * The RPC listener of a region: reads the request, counts it, applies injected faults, routes it by
 * `Action` and `Version` to a product, verifies the signature (signatures/rpc.ts) and answers JSON
 * in the RPC error format.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorBehaviour } from "../ground/behaviour";
import { type ActiveFault, type FaultTable, writeGatewayFault } from "../ground/faults";
import {
  redactParams,
  type RequestLog,
  type RequestLogEntry,
  UNSERVED_ACTION,
} from "../ground/requestLog";
import {
  ApiError,
  ERROR_MESSAGES,
  errorBody,
  missingParameterMessage,
  newRequestId,
} from "../ground/errors";
import { readBodyOrRefuse, sleep } from "../ground/http";
import type { EmulatorCredential } from "../ground/accounts";
import type { EmulatorRegion } from "../ground/regions";
import { keyMap } from "../ground/records";
import {
  claimedAccessKeyId,
  type NonceStore,
  requestParams,
  type SignedRequest,
  verifySignature,
} from "./signature";
import type { RpcProduct } from "./product";

/** What the RPC listener needs from the emulator. */
export interface RpcListenerContext {
  /** The products served; the first (IMS) names the host in errors of unrouted calls. */
  readonly products: readonly RpcProduct[];
  /** Injected faults and added latency. */
  readonly faults: FaultTable;
  /** Counters and unhandled calls. */
  readonly log: RequestLog;
  /** Logs a handled call. */
  readonly record: (entry: RequestLogEntry) => void;
  readonly resolveCredential: (accessKeyId: string) => EmulatorCredential | undefined;
  readonly nonces: NonceStore;
  readonly now: () => number;
  readonly behaviour: () => EmulatorBehaviour;
  /** Whether the emulator is closing (calls are then dropped). */
  readonly closed: () => boolean;
}

const served = (product: RpcProduct | undefined, action: string): boolean =>
  product !== undefined && Object.hasOwn(product.actions, action);

/** The handler of RPC requests to a region's listener. */
export function rpcListener(
  context: RpcListenerContext,
): (region: EmulatorRegion, req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { products, faults, log, record, resolveCredential, nonces, now } = context;
  return async function handleApi(
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
      const errorProduct = product ?? products[0];
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

      log.count(products.some((p) => served(p, action)) ? action : UNSERVED_ACTION, region);
      const { delayMs, fault } = faults.take(action, region);
      if (delayMs > 0) await sleep(delayMs);
      if (context.closed()) return finish(0, "Dropped", undefined);
      if (fault) return answerFault(fault);

      const path = request.url.split("?")[0];
      if ((request.method !== "POST" && request.method !== "GET") || path !== "/") {
        return fail(
          new ApiError("InvalidAction.NotFound", ERROR_MESSAGES["InvalidAction.NotFound"]),
        );
      }
      if (!action) return fail(new ApiError("MissingParameter", missingParameterMessage("Action")));
      if (!served(product, action)) {
        log.recordUnhandled(product?.name ?? "", version ?? "", action, time);
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
        behaviour: context.behaviour(),
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
  };
}
