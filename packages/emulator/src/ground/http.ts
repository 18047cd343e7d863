/**
 * What every listener shares: binding to loopback, reading a bounded request body, stopping.
 *
 * @packageDocumentation
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The loopback address every listener binds to. */
export const EMULATOR_HOST = "127.0.0.1";

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Listens on `port` of {@link EMULATOR_HOST}; resolves with the port bound. */
export function listen(server: Server, port: number): Promise<number> {
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

/** Stops `server`, closing its open connections. */
export function stop(server: Server): Promise<void> {
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
export async function readBodyOrRefuse(
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

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
