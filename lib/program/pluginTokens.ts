/**
 * The provider plugin's names and the setting's secret outputs: plain values with no import, so
 * the plugin can read them at start-up without loading the Pulumi SDK's top level (the programs'
 * classes that load it are loaded only when a request needs them).
 *
 * @packageDocumentation
 */

/** The plugin's package name: also the prefix of its type tokens. */
export const PLUGIN_PACKAGE = "alicloud-ims-callback";

/** The type token of the plugin's custom resource. */
export const PLUGIN_EVENT_CALLBACK_TYPE = `${PLUGIN_PACKAGE}:index:EventCallback`;

/**
 * The type token of the plugin's queue guard: registered by the plugin's `ImsCallback` only, so it
 * is not in the schema.
 *
 * @internal
 */
export const PLUGIN_QUEUE_GUARD_TYPE = `${PLUGIN_PACKAGE}:index:QueueDeletionGuard`;

/** The version of this package, which is the plugin's version: resources ask the engine for it. */
export const PLUGIN_VERSION: string = (require("../../package.json") as { version: string })
  .version;

/**
 * The outputs of the setting that are secret in the state, whichever provider serves it: every
 * setting the state records may hold a key (the stack's, the previous owner's in
 * `previousSetting`, the one an unconfirmed write replaced in `replacedSetting`).
 *
 * @internal
 */
export const SECRET_SETTING_OUTPUTS = ["authKey", "previousSetting", "replacedSetting"] as const;
