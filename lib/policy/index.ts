/**
 * Guardrails for IMS event callbacks as `@pulumi/policy` policies, checked by
 * `pulumi preview --policy-pack` before anything is applied.
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
import {
  callbackOneSettingPerRegion,
  callbackQueueRegion,
  imsRoleLeastPrivilege,
} from "./stackPolicies";

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
  type KnownEventsConfig,
  type RequiredEventsConfig,
} from "./callbackPolicies";
export {
  callbackOneSettingPerRegion,
  callbackQueueRegion,
  imsRoleLeastPrivilege,
  type ImsRoleConfig,
} from "./stackPolicies";
export { queueSendGrantProblems } from "./ramGrants";
export {
  EVENT_CALLBACK_TYPE,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
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
