/**
 * The MNS queue data API on a region's listener: reads the request, counts it, applies injected
 * faults, verifies the MNS signature (signatures/mns.ts), runs the operation (dataApi.ts) and answers
 * XML in MNS's error format.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type FaultTable, writeGatewayFault } from "../ground/faults";
import { type RequestLog, type RequestLogEntry, UNSERVED_ACTION } from "../ground/requestLog";
import { newRequestId } from "../ground/errors";
import { readBodyOrRefuse, sleep } from "../ground/http";
import type { EmulatorRegion } from "../ground/regions";
import { keyMap } from "../ground/records";
import { verifyMnsRequest } from "./signature";
import {
  handleMnsRequest,
  mnsActionName,
  type MnsCallRecord,
  type MnsDataContext,
  mnsErrorOf,
  mnsErrorXml,
  writeMnsAnswer,
} from "./dataApi";
import { MNS_ERROR_STATUS, MnsError } from "./errors";

/** What the MNS listener needs from the emulator. */
export interface MnsListenerContext extends MnsDataContext {
  /** Injected faults and added latency. */
  readonly faults: FaultTable;
  /** Counters and unhandled calls. */
  readonly log: RequestLog;
  /** Logs a handled call. */
  readonly record: (entry: RequestLogEntry) => void;
  /** Whether the emulator is closing (calls are then dropped). */
  readonly closed: () => boolean;
}

/** The handler of MNS data API requests to a region's listener. */
export function mnsListener(
  context: MnsListenerContext,
): (region: EmulatorRegion, req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { faults, log, record, now } = context;
  return async function handleMns(
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
      log.count(action || UNSERVED_ACTION, region);
      const { delayMs, fault } = faults.take(action, region);
      if (delayMs > 0) await sleep(delayMs);
      if (context.closed()) {
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
      const credential = verifyMnsRequest(req, context, call);
      accountId = credential.accountId;
      if (!action) {
        log.recordUnhandled("MNS", "2015-06-06", `${method} ${url.pathname}`, time);
        return fail(
          new MnsError(
            "InvalidRequestURL",
            `${method} ${url.pathname} is not served by the emulator.`,
          ),
        );
      }
      const answer = await handleMnsRequest(
        context,
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
  };
}
