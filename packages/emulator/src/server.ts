/**
 * The composition root: opens the state file, builds each product over its state, and serves them
 * on one listener per region plus the admin listener (listeners.ts).
 *
 * @packageDocumentation
 */
import { promises as fs } from "node:fs";
import type { Server } from "node:http";
import { credentialResolver } from "./ground/accounts";
import { createHandle } from "./control/handle";
import { FaultTable } from "./ground/faults";
import { stop } from "./ground/http";
import { RequestLog } from "./ground/requestLog";
import { EMULATOR_REGIONS } from "./ground/regions";
import { IMS_DELIVERY_POLICY } from "./ims/delivery";
import { imsProduct } from "./ims/product";
import { SettingStore } from "./ims/settings";
import { openListeners, writeDiscoveryFile } from "./control/listeners";
import { mnsListener } from "./mns/listener";
import { QueueStore } from "./mns/queues";
import { mnsOpenProduct } from "./mnsOpen/actions";
import { type EmulatorHandle, type EmulatorOptions, resolveOptions } from "./control/options";
import { ramProduct } from "./ram/actions";
import { RamState } from "./ram/state";
import { rpcListener } from "./rpc/listener";
import { NonceStore } from "./rpc/signature";
import { StateFile } from "./ground/stateFile";
import { stsProduct } from "./sts/actions";

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
  const { accounts, ports, now, ...settings } = resolveOptions(options);
  const behaviour = { current: settings.behaviour };
  const resolveCredential = credentialResolver(accounts);
  const faults = new FaultTable(EMULATOR_REGIONS);
  faults.latencyMs = settings.latencyMs;
  const log = new RequestLog(settings.logLimit);
  const stateFile = await StateFile.open({ file: options.stateFile });
  const store = new SettingStore(stateFile);
  const ram = RamState.attach(stateFile, () => behaviour.current);
  const queues = QueueStore.attach(stateFile);
  for (const account of accounts)
    await ram.initialiseAccount(account.accountId, account.imsActivated ?? true, now());

  const servers: Server[] = [];
  let closed = false;
  const record = log.recorder(options.onRequest);
  const common = { faults, log, record, resolveCredential, now, closed: () => closed };
  const sts = stsProduct((id) => resolveCredential(id)?.sts !== undefined);
  const rpc = rpcListener({
    ...common,
    products: [imsProduct(store), ramProduct(ram), mnsOpenProduct(queues), sts],
    nonces: new NonceStore(),
    behaviour: () => behaviour.current,
  });
  const mns = mnsListener({ ...common, queues });
  const deliveryPolicy = { ...IMS_DELIVERY_POLICY, ...(options.deliveryPolicy ?? {}) };
  const domain = { accounts, store, ram, queues, faults, log, behaviour, now, deliveryPolicy };
  const handle = createHandle({
    ...domain,
    close: async () => {
      closed = true;
      queues.close();
      await Promise.all(servers.map(stop));
      await stateFile.flush();
      if (options.discoveryFile) await fs.rm(options.discoveryFile, { force: true });
    },
  });
  try {
    await openListeners(handle, { rpc, mns }, ports, servers);
    if (options.discoveryFile) await writeDiscoveryFile(options.discoveryFile, handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
