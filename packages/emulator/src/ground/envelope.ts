/**
 * The request envelope both API listeners (RPC and the MNS data API) put around a call: its request
 * id, arrival time and duration, the counter, the added latency and the injected faults, the
 * dropped connection, and the request log entry written when the call is answered. What differs
 * between the two, the answer's format, each listener gives as {@link FaultAnswers} and its own
 * writing of answers.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { newRequestId } from "./errors";
import { type ActiveFault, type FaultTable, writeGatewayFault } from "./faults";
import { sleep } from "./http";
import type { RequestLog, RequestLogEntry } from "./requestLog";

/** What an envelope needs from the emulator. */
export interface EnvelopeContext {
  /** Injected faults and added latency. */
  readonly faults: FaultTable;
  /** Counters and unhandled calls. */
  readonly log: RequestLog;
  /** Logs a handled call. */
  readonly record: (entry: RequestLogEntry) => void;
  /** The emulator's clock, epoch ms. */
  readonly now: () => number;
  /** Whether the emulator is closing (calls are then dropped). */
  readonly closed: () => boolean;
}

/** What the request log says of a call besides its answer, read when the call is answered. */
export interface CallSummary {
  /** The product called, `""` when unknown. */
  readonly product: string;
  /** The action named by the call, `""` if none. */
  readonly action: string;
  /** The AccessKey id the call claimed, if any. */
  readonly accessKeyId?: string;
  /** The parameters fit for the log. */
  readonly params: Readonly<Record<string, string>>;
}

/** How a listener answers, in its API's format, the faults that look like the service's own answers. */
export interface FaultAnswers {
  /** The API's throttling error. */
  throttle(): void;
  /** The API's server error for `status` (`500`: internal error, else unavailable). */
  serverError(status: 500 | 503 | undefined): void;
  /** A `200` whose body is cut short. */
  malformed(): void;
}

/** One call inside its envelope. */
export interface Envelope {
  /** The request id answered. */
  readonly requestId: string;
  /** When the call arrived, UTC ISO 8601. */
  readonly time: string;
  /** Logs the call with the status and code answered. */
  finish(status: number, code: string): void;
  /** Destroys the connection without an answer; logged as `0 Dropped`. */
  drop(): void;
  /**
   * Counts the call under `counted`, waits the added latency and answers a fault matching `action`;
   * resolves `true` when the call goes on, `false` when it was dropped or answered.
   */
  admit(counted: string, action: string, answers: FaultAnswers): Promise<boolean>;
}

/** Opens the envelope of a call that arrived now; `summary` is read when the call is answered. */
export function openEnvelope(
  context: EnvelopeContext,
  region: string,
  req: IncomingMessage,
  res: ServerResponse,
  summary: () => CallSummary,
): Envelope {
  const startedAt = performance.now();
  const time = new Date(context.now()).toISOString();
  const requestId = newRequestId();
  res.on("error", () => undefined);
  const finish = (status: number, code: string): void => {
    const { product, action, accessKeyId, params } = summary();
    context.record({
      time,
      region,
      product,
      action,
      ...(accessKeyId ? { accessKeyId } : {}),
      status,
      code,
      requestId,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      params,
    });
  };
  const drop = (): void => {
    req.socket.destroy();
    finish(0, "Dropped");
  };
  const answerFault = (fault: ActiveFault, answers: FaultAnswers): void => {
    switch (fault.kind) {
      case "throttle":
        return answers.throttle();
      case "server-error":
        return answers.serverError(fault.status);
      case "drop":
        return drop();
      case "gateway-html":
      case "gateway-empty": {
        const { status, code } = writeGatewayFault(res, fault.kind);
        return finish(status, code);
      }
      default:
        return answers.malformed();
    }
  };
  return {
    requestId,
    time,
    finish,
    drop,
    async admit(counted, action, answers) {
      context.log.count(counted, region);
      const { delayMs, fault } = context.faults.take(action, region);
      if (delayMs > 0) await sleep(delayMs);
      if (context.closed()) {
        drop();
        return false;
      }
      if (!fault) return true;
      answerFault(fault, answers);
      return false;
    },
  };
}
