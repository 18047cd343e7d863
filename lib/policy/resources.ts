/**
 * What the policies know about the resources they check: type tokens, reading properties that may
 * be unknown at preview, and key-free descriptions of values for messages.
 *
 * @packageDocumentation
 */
import { UnknownValueError } from "@pulumi/policy";
import { EVENT_CALLBACK_TYPE, PLUGIN_EVENT_CALLBACK_TYPE } from "../shared/contract";

export { EVENT_CALLBACK_TYPE, PLUGIN_EVENT_CALLBACK_TYPE };

/**
 * Every type token of an IMS callback setting, whichever provider serves it. The callback policies
 * judge a resource of any of these types (the properties have the same names in each).
 */
export const CALLBACK_SETTING_TYPES: readonly string[] = [
  EVENT_CALLBACK_TYPE,
  PLUGIN_EVENT_CALLBACK_TYPE,
];

/** Whether a resource of type `type` is an IMS callback setting (one of {@link CALLBACK_SETTING_TYPES}). */
export function isCallbackSetting(type: string): boolean {
  return CALLBACK_SETTING_TYPES.includes(type);
}

/** The type token of `alicloud.message.ServiceQueue`. */
export const SERVICE_QUEUE_TYPE = "alicloud:message/serviceQueue:ServiceQueue";

/** The type token of `alicloud.ram.Policy`. */
export const RAM_POLICY_TYPE = "alicloud:ram/policy:Policy";

/** The type token of `alicloud.ram.RolePolicyAttachment`. */
export const RAM_ROLE_POLICY_ATTACHMENT_TYPE =
  "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment";

/** The type token of `alicloud.ram.Role`. */
export const RAM_ROLE_TYPE = "alicloud:ram/role:Role";

/** The type token of `alicloud.resourcemanager.Policy` (a RAM policy, through Resource Manager). */
export const RESOURCE_MANAGER_POLICY_TYPE = "alicloud:resourcemanager/policy:Policy";

/** The type token of `alicloud.resourcemanager.PolicyVersion` (a new document for a named policy). */
export const RESOURCE_MANAGER_POLICY_VERSION_TYPE =
  "alicloud:resourcemanager/policyVersion:PolicyVersion";

/** The type token of `alicloud.resourcemanager.PolicyAttachment` (attaches to users, groups, roles). */
export const RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE =
  "alicloud:resourcemanager/policyAttachment:PolicyAttachment";

/** The type token of `alicloud.resourcemanager.Role`. */
export const RESOURCE_MANAGER_ROLE_TYPE = "alicloud:resourcemanager/role:Role";

/**
 * Stands for a value that is not known yet (at preview, an output of a resource still to be
 * created). Policies skip such values at preview; `pulumi up` checks them again once known.
 */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");

/** A value read from resource properties, or {@link UNKNOWN}. */
export type Maybe<T> = T | typeof UNKNOWN;

/**
 * Reads a value through the policy framework's unknown-checking proxy, turning "unknown at preview"
 * into {@link UNKNOWN} instead of the framework's generic "can't run this policy" notice.
 */
export function known<T>(read: () => T): Maybe<T> {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return UNKNOWN;
    throw e;
  }
}

/**
 * A whole value as plain data (a copy), or {@link UNKNOWN} when it or anything inside it is not
 * known yet; `undefined` stays `undefined`.
 */
export function knownPlain(read: () => unknown): Maybe<unknown> {
  return known(() => {
    const value = read();
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
  });
}

/** A property as a string: `undefined` when absent, empty or not a string. */
export function readString(props: Record<string, unknown>, key: string): Maybe<string | undefined> {
  const value = known(() => props[key]);
  if (value === UNKNOWN) return UNKNOWN;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * A property as a list of strings, each entry possibly {@link UNKNOWN}; `undefined` when absent or
 * not a list. Non-string entries are left out (the provider's own check reports them).
 */
export function readStringList(
  props: Record<string, unknown>,
  key: string,
): Maybe<Array<Maybe<string>> | undefined> {
  const value = known(() => props[key]);
  if (value === UNKNOWN) return UNKNOWN;
  if (!Array.isArray(value)) return undefined;
  const out: Array<Maybe<string>> = [];
  for (let i = 0; i < value.length; i++) {
    const entry = known(() => value[i] as unknown);
    if (entry === UNKNOWN || typeof entry === "string") out.push(entry);
  }
  return out;
}

/** The region of a resource's provider (`region` in the provider's configuration), when readable. */
export function providerRegion(
  provider: { props: Record<string, unknown> } | undefined,
): Maybe<string | undefined> {
  if (!provider) return undefined;
  return readString(provider.props, "region");
}

/** A list of values for messages: `"a", "b"`. */
export function quoteList(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}
