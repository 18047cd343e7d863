/**
 * The resource contract: what the program's classes, the provider plugin, the schema generator and
 * the policies must agree on. The type tokens, the plugin's package name and version, the setting's
 * secret outputs and its input properties. Plain values with no import, so the plugin reads them at
 * start-up without loading the Pulumi SDK (the classes that load it are loaded only when a request
 * needs them).
 *
 * @packageDocumentation
 */

/** The plugin's package name: also the first part of its type tokens and of its config keys. */
export const PLUGIN_PACKAGE = "alicloud-ims-callback";

/** The version of this package, which is the plugin's version: resources ask the engine for it. */
export const PLUGIN_VERSION: string = (require("../../package.json") as { version: string })
  .version;

/**
 * The module of the dynamic resources (the dynamic provider's type tokens are
 * `pulumi-nodejs:dynamic/<module>:<type>`).
 */
export const DYNAMIC_MODULE = "ims";

/** The type names of the setting and of the queue guard (the last part of their type tokens). */
export const SETTING_TYPE_NAME = "EventCallback";

/** {@inheritDoc SETTING_TYPE_NAME} */
export const QUEUE_GUARD_TYPE_NAME = "QueueDeletionGuard";

/** The type token of the `EventCallback` resource (dynamic: `pulumi-nodejs:dynamic/<module>:<type>`). */
export const EVENT_CALLBACK_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${SETTING_TYPE_NAME}`;

/**
 * The type token of the same setting served by the provider plugin: `PluginEventCallback` in
 * TypeScript, and the setting the plugin's `ImsCallback` registers for YAML, Go and Python programs.
 */
export const PLUGIN_EVENT_CALLBACK_TYPE = `${PLUGIN_PACKAGE}:index:${SETTING_TYPE_NAME}`;

/**
 * The type token of the plugin's queue guard: registered by the plugin's `ImsCallback` only, so it
 * is not in the schema.
 *
 * @internal
 */
export const PLUGIN_QUEUE_GUARD_TYPE = `${PLUGIN_PACKAGE}:index:${QUEUE_GUARD_TYPE_NAME}`;

/** The type token of the `ImsCallback` component, in TypeScript and through the plugin alike. */
export const IMS_CALLBACK_TYPE = `${PLUGIN_PACKAGE}:index:ImsCallback`;

/** The type token of the `ImsQueueAuthorization` component, in TypeScript and through the plugin alike. */
export const IMS_QUEUE_AUTHORIZATION_TYPE = `${PLUGIN_PACKAGE}:index:ImsQueueAuthorization`;

/**
 * The outputs of the setting that are secret in the state, whichever provider serves it: every
 * setting the state records may hold a key (the stack's, the previous owner's in
 * `previousSetting`, the one an unconfirmed write replaced in `replacedSetting`).
 *
 * @internal
 */
export const SECRET_SETTING_OUTPUTS = ["authKey", "previousSetting", "replacedSetting"] as const;

/** The setting's input properties (the properties of `EventCallbackArgs`), in registration order. */
export const SETTING_INPUTS = [
  "region",
  "callbackType",
  "callbackUrl",
  "queueName",
  "eventTypes",
  "authKey",
  "keepExistingAuthKey",
  "adoptExisting",
  "deletionPolicy",
  "allowUndocumentedRegion",
] as const;

/** One of {@link SETTING_INPUTS}. */
export type SettingInput = (typeof SETTING_INPUTS)[number];

/**
 * The outputs the provider computes, registered without a value so that the resource has them as
 * outputs (`authSwitch`, `previousSetting`; `stateVersion`, the layout of the outputs).
 */
export const SETTING_COMPUTED_OUTPUTS = ["authSwitch", "previousSetting", "stateVersion"] as const;

/** The name of a property a setting resource registers: an input or a computed output. */
export type SettingProperty = SettingInput | (typeof SETTING_COMPUTED_OUTPUTS)[number];

/**
 * The properties a setting resource registers, whichever provider serves it: every input of `args`
 * (the key through `secret`), then the computed outputs, unset.
 *
 * @param secret - marks the key secret (`pulumi.secret` in a program); not called without a key.
 */
export function settingResourceInputs(
  args: { readonly [K in SettingInput]?: unknown },
  secret: (key: unknown) => unknown,
): Record<SettingProperty, unknown> {
  const inputs = SETTING_INPUTS.map((name) => {
    const value = args[name];
    return [name, name === "authKey" && value !== undefined ? secret(value) : value] as const;
  });
  const computed = SETTING_COMPUTED_OUTPUTS.map((name) => [name, undefined] as const);
  return Object.fromEntries([...inputs, ...computed]) as Record<SettingProperty, unknown>;
}
