/**
 * The admin HTTP API: the {@link EmulatorControl} operations as JSON routes, for other processes.
 *
 * | Route                              | Body / answer                                   |
 * | ---------------------------------- | ----------------------------------------------- |
 * | `GET /info`                        | → `EmulatorInfo`                                |
 * | `GET /settings/:region?accountId=` | → `{ setting: StoredSetting \| null }`        |
 * | `PUT /settings/:region?accountId=` | `Partial<StoredSetting>` → `{ setting }`      |
 * | `DELETE /settings/:region?accountId=` | → `{}`                                       |
 * | `GET /faults`                      | → `{ faults: ActiveFault[] }`                   |
 * | `POST /faults`                     | `FaultInjection` → `{ fault: ActiveFault }`     |
 * | `DELETE /faults`                   | → `{}`                                          |
 * | `PUT /latency`                     | `{ latencyMs }` → `{}`                          |
 * | `GET /counters`                    | → `{ counters: RequestCounters }`               |
 * | `GET /log`                         | → `{ entries: RequestLogEntry[] }`              |
 * | `POST /reset`                      | → `{}`                                          |
 * | `GET /behaviour`                   | → `{ behaviour: EmulatorBehaviour }`            |
 * | `PUT /behaviour`                   | `Partial<EmulatorBehaviour>` → `{ behaviour }`  |
 * | `POST /events`                     | `EmitEventRequest` → `{ delivery: DeliveryReport }` |
 * | `GET /deliveries`                  | → `{ deliveries: DeliveryReport[] }`            |
 * | `GET /queues?region=&accountId=`   | → `{ queues: QueueInfo[] }`                     |
 * | `GET /queues/:region/:name?accountId=` | → `{ queue: QueueInfo \| null }`           |
 * | `PUT /queues/:region/:name?accountId=` | `Partial<QueueAttributes>` → `{ queue }`    |
 * | `GET /ram?accountId=`              | → `{ ram: RamInfo }`                            |
 * | `PUT /ram/policies/:name?accountId=` | `{ document }` → `{ policy }`                 |
 * | `PUT /ims-activation?accountId=`   | `{ activated: boolean }` → `{}`                 |
 * | `GET /unhandled`                   | → `{ calls: UnhandledCall[] }`                  |
 *
 * Errors answer `{ "error": "<message>" }` with 400 (bad input) or 404 (unknown route). Bodies are
 * checked by the control operations themselves.
 *
 * A web page must not be able to drive it (it returns auth keys and changes state): a request is
 * answered only when its `Host` is a loopback name (`127.0.0.0/8`, `localhost`, `[::1]`, any port),
 * which defeats DNS rebinding; `403` when it carries an `Origin` that is not such an `http://`
 * origin (a cross-origin page, `null`, `file://`); and a write (any method but `GET`) needs
 * `Content-Type: application/json` (`415` otherwise), which a page cannot send to another origin
 * without a CORS preflight that this API never grants.
 *
 * @packageDocumentation
 */
import type { EmitEventRequest } from "../ims/delivery";
import { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorBehaviour } from "../ground/behaviour";
import type { FaultInjection } from "../ground/faults";
import type { EmulatorControl } from "./contract";
import type { QueueAttributes } from "../mns/queues";
import type { StoredSetting } from "../ims/settings";

const MAX_ADMIN_BODY_BYTES = 256 * 1024;

/** A `Host` value naming the loopback interface, with an optional port. */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i;

function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file pages) and anything unreadable
  }
  return url.protocol === "http:" && url.origin === origin && LOOPBACK_HOST.test(url.host);
}

/** Why a request is refused before any route runs (status and message), or `undefined`. */
function refusal(req: IncomingMessage, method: string): [number, string] | undefined {
  if (!LOOPBACK_HOST.test(req.headers.host ?? ""))
    return [
      403,
      "The admin API answers only requests whose Host is a loopback address (127.0.0.1, localhost, [::1]).",
    ];
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin))
    return [403, "The admin API answers no request sent by a web page of another origin."];
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (method !== "GET" && type !== "application/json")
    return [415, "The admin API takes writes only with Content-Type: application/json."];
  return undefined;
}

class RouteNotFound extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY_BYTES)
      throw new Error(`The request body is larger than ${MAX_ADMIN_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new Error("The request body must be a JSON object.");
  return body;
}

async function route(
  control: EmulatorControl,
  method: string,
  url: URL,
  req: IncomingMessage,
): Promise<unknown> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const accountId = url.searchParams.get("accountId") ?? undefined;
  const settings = /^\/settings\/([^/]+)$/.exec(path);
  if (settings) {
    const region = decodeURIComponent(settings[1]);
    if (method === "GET") return { setting: (await control.getSetting(region, accountId)) ?? null };
    if (method === "PUT")
      return {
        setting: await control.putSetting(
          region,
          (await readJson(req)) as Partial<StoredSetting>,
          accountId,
        ),
      };
    if (method === "DELETE") return control.clearSetting(region, accountId).then(() => ({}));
    throw new RouteNotFound();
  }
  const queue = /^\/queues\/([^/]+)\/([^/]+)$/.exec(path);
  if (queue) {
    const [region, name] = [decodeURIComponent(queue[1]), decodeURIComponent(queue[2])];
    if (method === "GET")
      return { queue: (await control.getQueue(region, name, accountId)) ?? null };
    if (method === "PUT")
      return {
        queue: await control.putQueueAttributes(
          region,
          name,
          (await readJson(req)) as Partial<QueueAttributes>,
          accountId,
        ),
      };
    throw new RouteNotFound();
  }
  const policy = /^\/ram\/policies\/([^/]+)$/.exec(path);
  if (policy && method === "PUT") {
    return {
      policy: await control.putPolicyDocument(
        decodeURIComponent(policy[1]),
        ((await readJson(req)) as { document: string }).document,
        accountId,
      ),
    };
  }
  switch (`${method} ${path}`) {
    case "GET /queues":
      return {
        queues: await control.listQueues(url.searchParams.get("region") ?? undefined, accountId),
      };
    case "GET /ram":
      return { ram: await control.getRam(accountId) };
    case "PUT /ims-activation":
      return control
        .setImsActivated(((await readJson(req)) as { activated: boolean }).activated, accountId)
        .then(() => ({}));
    case "GET /unhandled":
      return { calls: await control.getUnhandledCalls() };
    case "GET /info":
      return control.info();
    case "GET /faults":
      return { faults: await control.listFaults() };
    case "POST /faults":
      return { fault: await control.injectFault((await readJson(req)) as FaultInjection) };
    case "DELETE /faults":
      return control.clearFaults().then(() => ({}));
    case "PUT /latency":
      return control
        .setLatency(((await readJson(req)) as { latencyMs: number }).latencyMs)
        .then(() => ({}));
    case "GET /counters":
      return { counters: await control.getCounters() };
    case "GET /log":
      return { entries: await control.getRequestLog() };
    case "POST /events":
      return { delivery: await control.emitEvent((await readJson(req)) as EmitEventRequest) };
    case "GET /deliveries":
      return { deliveries: await control.getDeliveries() };
    case "POST /reset":
      return control.reset().then(() => ({}));
    case "GET /behaviour":
      return { behaviour: await control.getBehaviour() };
    case "PUT /behaviour":
      return {
        behaviour: await control.setBehaviour((await readJson(req)) as Partial<EmulatorBehaviour>),
      };
    default:
      throw new RouteNotFound();
  }
}

/**
 * Answers one admin API request by calling `control`.
 *
 * @example
 * ```ts
 * http.createServer((req, res) => void handleAdminRequest(emulator, req, res));
 * ```
 */
export async function handleAdminRequest(
  control: EmulatorControl,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { "Content-Type": "application/json;charset=utf-8" });
    res.end(JSON.stringify(body));
  };
  const method = req.method ?? "GET";
  const refused = refusal(req, method);
  if (refused) {
    req.resume();
    return send(refused[0], { error: refused[1] });
  }
  try {
    const url = new URL(req.url ?? "/", "http://admin.invalid");
    send(200, await route(control, method, url, req));
  } catch (error) {
    if (error instanceof RouteNotFound)
      send(404, { error: `No admin route ${method} ${req.url}.` });
    else send(400, { error: (error as Error).message });
  }
}
