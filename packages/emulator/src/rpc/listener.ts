/**
 * The RPC listener of a region: inside the request envelope (ground/envelope.ts: counting, faults,
 * the log), reads the request, routes it by `Action` and `Version` to a product, verifies the
 * signature (signature.ts) and answers JSON in the RPC error format.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorBehaviour } from "../ground/behaviour";
import { type EnvelopeContext, type FaultAnswers, openEnvelope } from "../ground/envelope";
import { redactParams, type RequestLog, UNSERVED_ACTION } from "../ground/requestLog";
import { ApiError, ERROR_MESSAGES, errorBody, missingParameterMessage } from "../ground/errors";
import { readBodyOrRefuse } from "../ground/http";
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
import type { RpcProduct } from "../ground/rpcProduct";

/** What the RPC listener needs from the emulator. */
export interface RpcListenerContext extends EnvelopeContext {
  /** The products served; the first (IMS) names the host in errors of unrouted calls. */
  readonly products: readonly RpcProduct[];
  readonly resolveCredential: (accessKeyId: string) => EmulatorCredential | undefined;
  readonly nonces: NonceStore;
  readonly behaviour: () => EmulatorBehaviour;
}

const served = (product: RpcProduct | undefined, action: string): boolean =>
  product !== undefined && Object.hasOwn(product.actions, action);

/** What a request names: the action, the version and its product, the claimed AccessKey. */
interface RpcCall {
  readonly request: SignedRequest;
  readonly params: Record<string, string>;
  readonly action: string;
  readonly version: string | undefined;
  readonly product: RpcProduct | undefined;
  readonly accessKeyId: string | undefined;
}

function readCall(req: IncomingMessage, body: Buffer, products: readonly RpcProduct[]): RpcCall {
  const request: SignedRequest = {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    body,
  };
  const params = requestParams(request);
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const version = params.Version ?? header("x-acs-version");
  return {
    request,
    params,
    action: params.Action ?? header("x-acs-action") ?? "",
    version,
    product: products.find((p) => p.version === version),
    accessKeyId: claimedAccessKeyId(request),
  };
}

/**
 * The error of a call no product serves as sent (recorded as unhandled when it names an action),
 * or `undefined` when its product serves it.
 */
function routeError(
  call: RpcCall,
  products: readonly RpcProduct[],
  log: RequestLog,
  time: string,
): ApiError | undefined {
  const { request, action, version, product } = call;
  const notFound = () =>
    new ApiError("InvalidAction.NotFound", ERROR_MESSAGES["InvalidAction.NotFound"]);
  const path = request.url.split("?")[0];
  if ((request.method !== "POST" && request.method !== "GET") || path !== "/") return notFound();
  if (!action) return new ApiError("MissingParameter", missingParameterMessage("Action"));
  if (served(product, action)) return undefined;
  log.recordUnhandled(product?.name ?? "", version ?? "", action, time);
  if (!products.some((p) => served(p, action))) return notFound();
  if (!version) return new ApiError("MissingParameter", missingParameterMessage("Version"));
  return new ApiError("InvalidVersion", ERROR_MESSAGES.InvalidVersion);
}

/** The RPC answers of the faults that look like the service's own. */
const rpcFaultAnswers = (
  fail: (error: ApiError) => void,
  reply: (status: number, code: string, body: string) => void,
  requestId: string,
): FaultAnswers => ({
  throttle: () => fail(new ApiError("Throttling.User", ERROR_MESSAGES["Throttling.User"])),
  serverError: (status) =>
    status === 500
      ? fail(new ApiError("InternalError", ERROR_MESSAGES.InternalError))
      : fail(new ApiError("ServiceUnavailable", ERROR_MESSAGES.ServiceUnavailable)),
  malformed: () => reply(200, "Malformed", `{"RequestId":"${requestId}","CallbackType":`),
});

/** The handler of RPC requests to a region's listener. */
export function rpcListener(
  context: RpcListenerContext,
): (region: EmulatorRegion, req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { products, log, resolveCredential, nonces, now } = context;
  return async function handleApi(
    region: EmulatorRegion,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    let call: RpcCall | undefined;
    const envelope = openEnvelope(context, region, req, res, () => ({
      product: call?.product?.name ?? "",
      action: call?.action ?? "",
      accessKeyId: call?.accessKeyId,
      params: redactParams(call?.params ?? keyMap()),
    }));
    const { requestId, time } = envelope;
    const reply = (status: number, code: string, body: string): void => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(status, {
          "Content-Type": "application/json;charset=utf-8",
          "x-acs-request-id": requestId,
        });
        res.end(body);
      }
      envelope.finish(status, code);
    };
    const fail = (error: ApiError): void => {
      const errorProduct = call?.product ?? products[0];
      reply(
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
      call = readCall(req, body, products);
      const { action, product } = call;
      const counted = products.some((p) => served(p, action)) ? action : UNSERVED_ACTION;
      if (!(await envelope.admit(counted, action, rpcFaultAnswers(fail, reply, requestId)))) return;
      const unrouted = routeError(call, products, log, time);
      if (unrouted) return fail(unrouted);

      const verified = verifySignature(call.request, { resolveCredential, nonces, now: now() });
      if (!verified.ok) return fail(new ApiError(verified.code, verified.message));
      const answer = await product!.actions[action]({
        accountId: verified.accountId,
        accessKeyId: verified.accessKeyId,
        region,
        requestId,
        params: call.params,
        now: now(),
        behaviour: context.behaviour(),
      });
      return reply(200, "OK", JSON.stringify({ RequestId: requestId, ...answer }));
    } catch (error) {
      return fail(
        error instanceof ApiError
          ? error
          : new ApiError("InternalError", ERROR_MESSAGES.InternalError),
      );
    }
  };
}
