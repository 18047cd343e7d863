/** The provider plugin as the engine drives it, for tests of the plugin's own protocol. */
import { ConfigureRequest } from "@pulumi/pulumi/proto/provider_pb";
import { configFromRequest } from "../../lib/plugin/config";
import { ImsCallbackProvider } from "../../lib/plugin/provider";
import { PLUGIN_PACKAGE } from "../../lib/shared/contract";

/**
 * A fresh plugin configured as the engine configures the default provider from `stackConfig`: the
 * Configure request carries the plugin's own package's keys only.
 */
export async function pluginWith(
  stackConfig: Record<string, string>,
): Promise<ImsCallbackProvider> {
  const request = new ConfigureRequest();
  for (const [key, value] of Object.entries(stackConfig)) {
    if (key.startsWith(`${PLUGIN_PACKAGE}:`)) request.getVariablesMap().set(key, value);
  }
  const plugin = new ImsCallbackProvider();
  await plugin.configure(configFromRequest(request));
  return plugin;
}
