/**
 * IMS (ICE 2020-11-09) as an RPC product: SetEventCallback and GetEventCallback over the settings.
 *
 * @packageDocumentation
 */
import type { RpcProduct } from "../ground/rpcProduct";
import { API_VERSION, applySet, getResponse, validateSetParameters } from "./api";
import type { SettingStore } from "./settings";

/** The IMS product served by the emulator, over `store`. */
export function imsProduct(store: SettingStore): RpcProduct {
  return {
    name: "ICE",
    version: API_VERSION,
    host: (region) => `ice.${region}.aliyuncs.com`,
    actions: {
      SetEventCallback: async (call) => {
        const invalid = validateSetParameters(call.params, call.behaviour);
        if (invalid) throw invalid;
        await store.update(call.accountId, call.region, (current) =>
          applySet(current, call.params, call.behaviour),
        );
        return { Success: true };
      },
      GetEventCallback: (call) => {
        const { RequestId: _requestId, ...setting } = getResponse(
          call.requestId,
          store.get(call.accountId, call.region),
          call.behaviour,
        );
        return setting;
      },
    },
  };
}
