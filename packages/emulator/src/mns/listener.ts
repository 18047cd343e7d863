/**
 * The MNS queue data API on a region's listener: inside the request envelope (ground/envelope.ts:
 * counting, faults, the log), verifies the MNS signature (signature.ts), runs the operation
 * (dataApi.ts) and answers XML in MNS's error format.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type EnvelopeContext, type FaultAnswers, openEnvelope } from "../ground/envelope";
import { UNSERVED_ACTION } from "../ground/requestLog";
import { readBodyOrRefuse } from "../ground/http";
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
export type MnsListenerContext = MnsDataContext & EnvelopeContext;

/** The MNS answers of the faults that look like the service's own. */
const mnsFaultAnswers = (
  fail: (error: MnsError) => void,
  res: ServerResponse,
  finish: (status: number, code: string) => void,
  requestId: string,
): FaultAnswers => ({
  throttle: () =>
    fail(
      new MnsError(
        "QpsLimitExceeded",
        "The request was denied because the QPS limit was exceeded.",
      ),
    ),
  serverError: (status) =>
    fail(
      status === 500
        ? new MnsError("InternalError", "Internal error.")
        : new MnsError("ServiceUnavailable", "The service is temporarily unavailable."),
    ),
  malformed: () => {
    res.writeHead(200, {
      "Content-Type": "text/xml;charset=utf-8",
      "x-mns-request-id": requestId,
    });
    res.end(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageId>',
    );
    finish(200, "Malformed");
  },
});

/** The request URL, or the MNS error for one that is not valid. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", "http://mns.invalid");
  } catch {
    throw new MnsError("InvalidRequestURL", "The request URL is not valid.");
  }
}

/** The handler of MNS data API requests to a region's listener. */
export function mnsListener(
  context: MnsListenerContext,
): (region: EmulatorRegion, req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { log } = context;
  return async function handleMns(
    region: EmulatorRegion,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const method = req.method ?? "GET";
    const call: MnsCallRecord = { params: keyMap() };
    let action = "";
    let accountId: string | undefined;
    const envelope = openEnvelope(context, region, req, res, () => ({
      product: "MNS",
      action,
      accessKeyId: call.accessKeyId,
      params: call.params,
    }));
    const { requestId, time, finish } = envelope;
    const aborted = new AbortController();
    res.on("close", () => {
      if (!res.writableEnded) aborted.abort();
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
      const url = requestUrl(req);
      action = mnsActionName(method, url, body);
      const answers = mnsFaultAnswers(fail, res, finish, requestId);
      if (!(await envelope.admit(action || UNSERVED_ACTION, action, answers))) return;
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
      const request = { action, region, credential, method, url, body, record: call };
      const answer = await handleMnsRequest(context, request, aborted.signal);
      if (res.destroyed) return finish(0, "ClientGone");
      writeMnsAnswer(res, requestId, answer);
      return finish(answer.status, answer.status < 300 ? "OK" : "PartialFailure");
    } catch (error) {
      return fail(mnsErrorOf(error) ?? new MnsError("InternalError", "Internal error."));
    }
  };
}
