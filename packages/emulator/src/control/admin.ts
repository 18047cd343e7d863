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

/** What a route's handler gets: the control, the path's parameters, the account and the body. */
interface AdminCall {
  readonly control: EmulatorControl;
  /** The path's parameters, URL-decoded, in order. */
  readonly params: readonly string[];
  readonly accountId: string | undefined;
  readonly url: URL;
  /** The request's JSON body (read when a handler asks). */
  readonly body: <T>() => Promise<T>;
}

/** One route: method, path (anchored, a group per parameter) and handler. */
type AdminRoute = readonly [method: string, path: RegExp, handle: (call: AdminCall) => unknown];

const done = () => ({});

const ADMIN_ROUTES: readonly AdminRoute[] = [
  ["GET", /^\/info$/, ({ control }) => control.info()],
  [
    "GET",
    /^\/settings\/([^/]+)$/,
    async ({ control, params: [region], accountId }) => ({
      setting: (await control.getSetting(region, accountId)) ?? null,
    }),
  ],
  [
    "PUT",
    /^\/settings\/([^/]+)$/,
    async ({ control, params: [region], accountId, body }) => ({
      setting: await control.putSetting(region, await body<Partial<StoredSetting>>(), accountId),
    }),
  ],
  [
    "DELETE",
    /^\/settings\/([^/]+)$/,
    ({ control, params: [region], accountId }) =>
      control.clearSetting(region, accountId).then(done),
  ],
  ["GET", /^\/faults$/, async ({ control }) => ({ faults: await control.listFaults() })],
  [
    "POST",
    /^\/faults$/,
    async ({ control, body }) => ({
      fault: await control.injectFault(await body<FaultInjection>()),
    }),
  ],
  ["DELETE", /^\/faults$/, ({ control }) => control.clearFaults().then(done)],
  [
    "PUT",
    /^\/latency$/,
    async ({ control, body }) =>
      control.setLatency((await body<{ latencyMs: number }>()).latencyMs).then(done),
  ],
  ["GET", /^\/counters$/, async ({ control }) => ({ counters: await control.getCounters() })],
  ["GET", /^\/log$/, async ({ control }) => ({ entries: await control.getRequestLog() })],
  ["POST", /^\/reset$/, ({ control }) => control.reset().then(done)],
  ["GET", /^\/behaviour$/, async ({ control }) => ({ behaviour: await control.getBehaviour() })],
  [
    "PUT",
    /^\/behaviour$/,
    async ({ control, body }) => ({
      behaviour: await control.setBehaviour(await body<Partial<EmulatorBehaviour>>()),
    }),
  ],
  [
    "POST",
    /^\/events$/,
    async ({ control, body }) => ({
      delivery: await control.emitEvent(await body<EmitEventRequest>()),
    }),
  ],
  ["GET", /^\/deliveries$/, async ({ control }) => ({ deliveries: await control.getDeliveries() })],
  [
    "GET",
    /^\/queues$/,
    async ({ control, url, accountId }) => ({
      queues: await control.listQueues(url.searchParams.get("region") ?? undefined, accountId),
    }),
  ],
  [
    "GET",
    /^\/queues\/([^/]+)\/([^/]+)$/,
    async ({ control, params: [region, name], accountId }) => ({
      queue: (await control.getQueue(region, name, accountId)) ?? null,
    }),
  ],
  [
    "PUT",
    /^\/queues\/([^/]+)\/([^/]+)$/,
    async ({ control, params: [region, name], accountId, body }) => ({
      queue: await control.putQueueAttributes(
        region,
        name,
        await body<Partial<QueueAttributes>>(),
        accountId,
      ),
    }),
  ],
  ["GET", /^\/ram$/, async ({ control, accountId }) => ({ ram: await control.getRam(accountId) })],
  [
    "PUT",
    /^\/ram\/policies\/([^/]+)$/,
    async ({ control, params: [name], accountId, body }) => ({
      policy: await control.putPolicyDocument(
        name,
        (await body<{ document: string }>()).document,
        accountId,
      ),
    }),
  ],
  [
    "PUT",
    /^\/ims-activation$/,
    async ({ control, accountId, body }) =>
      control
        .setImsActivated((await body<{ activated: boolean }>()).activated, accountId)
        .then(done),
  ],
  ["GET", /^\/unhandled$/, async ({ control }) => ({ calls: await control.getUnhandledCalls() })],
];

/** Runs the route `method` and the URL's path name, or throws {@link RouteNotFound}. */
async function route(
  control: EmulatorControl,
  method: string,
  url: URL,
  req: IncomingMessage,
): Promise<unknown> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  for (const [routeMethod, pattern, handle] of ADMIN_ROUTES) {
    const match = routeMethod === method ? pattern.exec(path) : null;
    if (!match) continue;
    return await handle({
      control,
      params: match.slice(1).map(decodeURIComponent),
      accountId: url.searchParams.get("accountId") ?? undefined,
      url,
      body: async <T>() => (await readJson(req)) as T,
    });
  }
  throw new RouteNotFound();
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
