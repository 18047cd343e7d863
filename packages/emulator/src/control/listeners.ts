/**
 * The emulator's listeners on loopback: one per region (RPC and the MNS data API share it, told
 * apart by the MNS `Authorization` header or the `/queues` path), the admin API, and the discovery
 * file that tells scripts where they are.
 *
 * @packageDocumentation
 */
import { promises as fs } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname } from "node:path";
import { handleAdminRequest } from "./admin";
import type { MutableHandle } from "./handle";
import { EMULATOR_HOST, listen } from "../ground/http";
import { EMULATOR_REGIONS, type EmulatorRegion } from "../ground/regions";
import type { EmulatorDiscovery, EmulatorHandle } from "./options";
import { writeFileAtomic } from "../ground/stateFile";

/** A region listener's handler of one request. */
export type RegionHandler = (
  region: EmulatorRegion,
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<void>;

const isMnsRequest = (req: IncomingMessage): boolean =>
  (req.headers.authorization ?? "").startsWith("MNS ") || (req.url ?? "").startsWith("/queues");

/**
 * Starts the region listeners (region `i` on `basePort + i`, free ports when `basePort` is 0) and
 * the admin listener (unless `adminPort` is `false`), pushing each into `servers` as it starts and
 * filling in the handle's endpoints and admin URL.
 */
export async function openListeners(
  handle: MutableHandle,
  handlers: { readonly rpc: RegionHandler; readonly mns: RegionHandler },
  ports: { readonly basePort: number; readonly adminPort: number | false },
  servers: Server[],
): Promise<void> {
  for (const [index, region] of EMULATOR_REGIONS.entries()) {
    const server = createServer((req, res) => {
      const handler = isMnsRequest(req) ? handlers.mns : handlers.rpc;
      handler(region, req, res).catch(() => req.socket.destroy());
    });
    servers.push(server);
    const port = await listen(server, ports.basePort ? ports.basePort + index : 0);
    handle.endpoints[region] = `http://${EMULATOR_HOST}:${port}`;
  }
  if (ports.adminPort !== false) {
    const admin = createServer((req, res) => {
      handleAdminRequest(handle, req, res).catch(() => req.socket.destroy());
    });
    servers.push(admin);
    handle.adminUrl = `http://${EMULATOR_HOST}:${await listen(admin, ports.adminPort)}`;
  }
  Object.freeze(handle.endpoints);
}

/** Writes the discovery file `file` for the running emulator. */
export async function writeDiscoveryFile(file: string, handle: EmulatorHandle): Promise<void> {
  const discovery: EmulatorDiscovery = {
    endpoints: handle.endpoints,
    ...(handle.adminUrl ? { adminUrl: handle.adminUrl } : {}),
    pid: process.pid,
    ...(handle.store.file ? { stateFile: handle.store.file } : {}),
  };
  await fs.mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(discovery, null, 2)}\n`);
}
