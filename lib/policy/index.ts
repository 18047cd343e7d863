/**
 * Guardrails for IMS event callbacks as `@pulumi/policy` policies, checked by
 * `pulumi preview` / `pulumi up` with `--policy-pack`: the resource policies run on each resource
 * before it is created or changed, the stack policies once the whole stack is known.
 *
 * Two ways to use them:
 * - the ready-to-run pack shipped in this package:
 *   `pulumi preview --policy-pack node_modules/pulumi-alicloud-ims-callback/policy-pack`;
 * - composed into an organisation's own pack from this entry point.
 *
 * `@pulumi/policy` is an optional peer dependency: install it where the pack runs. Only this entry
 * point loads it.
 *
 * @example
 * ```ts
 * import { PolicyPack } from "@pulumi/policy";
 * import { imsCallbackPolicies } from "pulumi-alicloud-ims-callback/policy";
 *
 * new PolicyPack("acme-guardrails", { policies: [...imsCallbackPolicies, ...acmePolicies] });
 * ```
 *
 * @packageDocumentation
 */
import type { Policies } from "@pulumi/policy";
import {
  callbackAdoptExisting,
  callbackAllowedRegions,
  callbackDeletionPolicyClear,
  callbackHttpAuthentication,
  callbackKnownEvents,
  callbackQueueName,
  callbackRequiredEvents,
  callbackUrlAllowedHosts,
  callbackUrlHttps,
} from "./callbackPolicies";
import { imsRoleLeastPrivilege } from "./imsRole";
import { callbackOneSettingPerRegion, callbackQueueRegion } from "./stackPolicies";

export {
  callbackAdoptExisting,
  callbackAllowedRegions,
  callbackDeletionPolicyClear,
  callbackHttpAuthentication,
  callbackKnownEvents,
  callbackQueueName,
  callbackRequiredEvents,
  callbackUrlAllowedHosts,
  callbackUrlHttps,
  isAllowedHost,
  type AllowConfig,
  type AllowedHostsConfig,
  type AllowedRegionsConfig,
  type HttpAuthenticationConfig,
  type KnownEventsConfig,
  type RequiredEventsConfig,
} from "./callbackPolicies";
export { callbackOneSettingPerRegion, callbackQueueRegion } from "./stackPolicies";
export { imsRoleLeastPrivilege, type ImsRoleConfig } from "./imsRole";
export { queueSendGrantProblems, statementsDocument } from "./ramGrants";
export {
  CALLBACK_SETTING_TYPES,
  EVENT_CALLBACK_TYPE,
  PLUGIN_EVENT_CALLBACK_TYPE,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  RAM_ROLE_TYPE,
  RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
  RESOURCE_MANAGER_POLICY_TYPE,
  RESOURCE_MANAGER_POLICY_VERSION_TYPE,
  RESOURCE_MANAGER_ROLE_TYPE,
  SERVICE_QUEUE_TYPE,
} from "./resources";

/**
 * Every IMS callback policy, in the order the shipped pack runs them. Spread it into a
 * `PolicyPack`'s `policies`; configure each by its `name` in the pack config.
 *
 * @example
 * ```ts
 * new PolicyPack("acme", { policies: imsCallbackPolicies.filter((p) => p.name !== "ims-callback-known-events") });
 * ```
 */
export const imsCallbackPolicies: Policies = [
  callbackUrlHttps,
  callbackHttpAuthentication,
  callbackUrlAllowedHosts,
  callbackAllowedRegions,
  callbackRequiredEvents,
  callbackKnownEvents,
  callbackQueueName,
  callbackAdoptExisting,
  callbackDeletionPolicyClear,
  callbackOneSettingPerRegion,
  callbackQueueRegion,
  imsRoleLeastPrivilege,
];
