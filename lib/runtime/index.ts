/**
 * Internal: the dynamic-provider runtime of {@link EventCallback}, loaded by package name
 * (`pulumi-alicloud-ims-callback/runtime`) inside Pulumi's dynamic-provider host. Not a public API:
 * its exports may change in any release. The serialized provider in each stack's state calls the
 * functions exported here by name, so renaming one breaks existing stacks; the forwarder in
 * `program/eventCallback.ts` is type-checked against this module to catch that at compile time.
 * Every export is `@internal`: its API report pins the names the stored forwarders call, nothing more.
 *
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { StackConfigReader } from "../shared/credentials";
import type { CallbackSetting } from "../shared/setting";
import { authKeysIn, redact, redactError } from "../shared/redaction";
import { configure as configureContext, runtimeContext } from "./context";
import * as queueGuard from "./queueGuard";
import type { QueueGuardState } from "./queueGuard";
import * as runtime from "./eventCallbackOperations";
import type { EventCallbackInputs, EventCallbackOutputs } from "./eventCallbackOperations";

/** @internal The types the functions below use (for the API report; not shipped). */
export type { StackConfigReader } from "../shared/credentials";
/** @internal The types the functions below use (for the API report; not shipped). */
export type { CallbackSetting, CallbackType } from "../shared/setting";
/** @internal The types the functions below use (for the API report; not shipped). */
export type { DeletionPolicy } from "../shared/validation";
/** @internal The types the functions below use (for the API report; not shipped). */
export type { QueueGuardState } from "./queueGuard";
/** @internal The types the functions below use (for the API report; not shipped). */
export type {
  EventCallbackInputs,
  EventCallbackOutputs,
  OPTIONAL_OUTPUTS,
  OptionalOutput,
  STATE_VERSION,
} from "./eventCallbackOperations";
/** @internal The types the functions below use (for the API report; not shipped). */
export type { REPLACED_SETTING, UNCONFIRMED_WRITE } from "./ownership";

/**
 * The region's current callback setting, read with the configured client (`ims-callback-adopt`).
 *
 * @internal
 */
export async function readCallbackSetting(region: string): Promise<CallbackSetting> {
  return runtimeContext().imsClient(region).getEventCallback();
}

/**
 * The configured credential secrets and tokens, which no message may hold (`ims-callback-adopt`).
 *
 * @internal
 */
export function configuredCredentialSecrets(): string[] {
  return runtimeContext().credentialSecrets();
}
/**
 * Why `pulumi import` refuses a region's setting, if it does (`ims-callback-adopt`).
 *
 * @internal
 */
export { importProblem } from "./importChecks";

/**
 * Runs an operation with its warnings sent to the given warner (the provider plugin's engine log).
 *
 * @internal
 */
export { withWarner } from "./warnings";
/** @internal The types the functions below use (for the API report; not shipped). */
export type { Warner } from "./warnings";

/**
 * Keeps the stack configuration for credential and endpoint lookup; values are never logged.
 *
 * @internal
 */
export function configure(config: StackConfigReader): void {
  configureContext(config);
}

/**
 * The last line of defence: whatever a runtime function throws reaches the engine only after every
 * auth key in its arguments (the previous owner's too) and every configured credential secret is
 * removed from the message, the stack and the reasons.
 */
function redacting<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw redactError(e, [...authKeysIn(args), ...runtimeContext().credentialSecrets()]);
    }
  };
}

/**
 * The runtime's `check`, with secrets removed from failures and errors.
 *
 * @internal
 */
export const check: (
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) => Promise<dynamic.CheckResult> = redacting(
  async (
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.CheckResult> => {
    const result = await runtime.check(olds, news);
    const secrets = [...authKeysIn([olds, news]), ...runtimeContext().credentialSecrets()];
    return {
      ...result,
      failures: result.failures?.map((f) => ({ ...f, reason: redact(f.reason, secrets) })),
    };
  },
);
/**
 * The runtime's `diff`, with secrets removed from errors.
 *
 * @internal
 */
export const diff: (
  id: string,
  olds: EventCallbackOutputs,
  declared: EventCallbackInputs,
) => Promise<dynamic.DiffResult> = redacting(runtime.diff);
/**
 * The runtime's `create`, with secrets removed from errors.
 *
 * @internal
 */
export const create: (declared: EventCallbackInputs) => Promise<dynamic.CreateResult> = redacting(
  runtime.create,
);
/**
 * The runtime's `read`, with secrets removed from errors.
 *
 * @internal
 */
export const read: (id: string, props: EventCallbackOutputs) => Promise<dynamic.ReadResult> =
  redacting(runtime.read);
/**
 * The runtime's `update`, with secrets removed from errors.
 *
 * @internal
 */
export const update: (
  id: string,
  olds: EventCallbackOutputs,
  declared: EventCallbackInputs,
) => Promise<dynamic.UpdateResult> = redacting(runtime.update);
/**
 * The runtime's `remove`, with secrets removed from errors.
 *
 * @internal
 */
export const remove: (id: string, props: EventCallbackOutputs) => Promise<void> = redacting(
  runtime.remove,
);
/**
 * The runtime's `importSetting` (the provider plugin's `pulumi import`), with secrets removed from errors.
 *
 * @internal
 */
export const importSetting: (region: string) => Promise<dynamic.ReadResult> = redacting(
  runtime.importSetting,
);

/**
 * Keeps the stack configuration for the queue guard (credential chain, Mns-open endpoint) and for
 * the redaction of configured credential secrets from its errors: the same context as
 * {@link configure} (both names stay: stored forwarders call them).
 *
 * @internal
 */
export function configureQueueGuard(config: StackConfigReader): void {
  configureContext(config);
}
/**
 * The queue guard's `queueGuardCheck`, with secrets removed from errors.
 *
 * @internal
 */
export const queueGuardCheck: (
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
) => Promise<dynamic.CheckResult> = redacting(queueGuard.queueGuardCheck);
/**
 * The queue guard's `queueGuardDiff`, with secrets removed from errors.
 *
 * @internal
 */
export const queueGuardDiff: (
  id: string,
  olds: QueueGuardState,
  news: QueueGuardState,
) => Promise<dynamic.DiffResult> = redacting(queueGuard.queueGuardDiff);
/**
 * The queue guard's `queueGuardCreate`, with secrets removed from errors.
 *
 * @internal
 */
export const queueGuardCreate: (inputs: QueueGuardState) => Promise<dynamic.CreateResult> =
  redacting(queueGuard.queueGuardCreate);
/**
 * The queue guard's `queueGuardUpdate`, with secrets removed from errors.
 *
 * @internal
 */
export const queueGuardUpdate: (
  id: string,
  olds: QueueGuardState,
  news: QueueGuardState,
) => Promise<dynamic.UpdateResult> = redacting(queueGuard.queueGuardUpdate);
/**
 * The queue guard's `queueGuardDelete`, with secrets removed from errors.
 *
 * @internal
 */
export const queueGuardDelete: (id: string, props: QueueGuardState) => Promise<void> = redacting(
  queueGuard.queueGuardDelete,
);

/**
 * The runtime as a `ResourceProvider`: fails to compile when a runtime function no longer fits the
 * dynamic-provider method it serves.
 *
 * @internal
 */
export const eventCallbackRuntime = {
  configure: async (req: dynamic.ConfigureRequest) => configure(req.config),
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
} satisfies Required<dynamic.ResourceProvider>;

/**
 * The queue guard's runtime as a `ResourceProvider`: fails to compile when a function no longer fits
 * the dynamic-provider method it serves.
 *
 * @internal
 */
export const queueGuardRuntime = {
  configure: async (req: dynamic.ConfigureRequest) => configureQueueGuard(req.config),
  check: queueGuardCheck,
  diff: queueGuardDiff,
  create: queueGuardCreate,
  update: queueGuardUpdate,
  delete: queueGuardDelete,
} satisfies dynamic.ResourceProvider;
