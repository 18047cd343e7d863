/**
 * Internal: the dynamic-provider runtime of {@link EventCallback}, loaded by package name
 * (`pulumi-alicloud-ims-callback/runtime`) inside Pulumi's dynamic-provider host. Not a public API:
 * its exports may change in any release. The serialized provider in each stack's state calls the
 * functions exported here by name, so renaming one breaks existing stacks; the forwarder in
 * `program/eventCallback.ts` is type-checked against this module to catch that at compile time.
 *
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { StackConfigReader } from "../shared/credentials";
import { authKeysIn, redact, redactError } from "../shared/redaction";
import * as queueGuard from "./queueGuard";
import * as runtime from "./runtime";

export { configure } from "./runtime";

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
      throw redactError(e, [...authKeysIn(args), ...runtime.credentialSecrets()]);
    }
  };
}

/** {@link runtime.check}, with secrets removed from failures and errors. */
export const check = redacting(
  async (
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.CheckResult> => {
    const result = await runtime.check(olds, news);
    const secrets = [...authKeysIn([olds, news]), ...runtime.credentialSecrets()];
    return {
      ...result,
      failures: result.failures?.map((f) => ({ ...f, reason: redact(f.reason, secrets) })),
    };
  },
);
/** {@link runtime.diff}, with secrets removed from errors. */
export const diff = redacting(runtime.diff);
/** {@link runtime.create}, with secrets removed from errors. */
export const create = redacting(runtime.create);
/** {@link runtime.read}, with secrets removed from errors. */
export const read = redacting(runtime.read);
/** {@link runtime.update}, with secrets removed from errors. */
export const update = redacting(runtime.update);
/** {@link runtime.remove}, with secrets removed from errors. */
export const remove = redacting(runtime.remove);
/** {@link runtime.importSetting} (the provider plugin's `pulumi import`), with secrets removed from errors. */
export const importSetting = redacting(runtime.importSetting);

/**
 * Keeps the stack configuration for the queue guard (credential chain, Mns-open endpoint) and for
 * the redaction of configured credential secrets from its errors.
 */
export function configureQueueGuard(config: StackConfigReader): void {
  runtime.configure(config);
  queueGuard.configureQueueGuard(config);
}
/** {@link queueGuard.queueGuardCheck}, with secrets removed from errors. */
export const queueGuardCheck = redacting(queueGuard.queueGuardCheck);
/** {@link queueGuard.queueGuardDiff}, with secrets removed from errors. */
export const queueGuardDiff = redacting(queueGuard.queueGuardDiff);
/** {@link queueGuard.queueGuardCreate}, with secrets removed from errors. */
export const queueGuardCreate = redacting(queueGuard.queueGuardCreate);
/** {@link queueGuard.queueGuardUpdate}, with secrets removed from errors. */
export const queueGuardUpdate = redacting(queueGuard.queueGuardUpdate);
/** {@link queueGuard.queueGuardDelete}, with secrets removed from errors. */
export const queueGuardDelete = redacting(queueGuard.queueGuardDelete);

/**
 * The runtime as a `ResourceProvider`: fails to compile when a runtime function no longer fits the
 * dynamic-provider method it serves.
 *
 * @internal
 */
export const eventCallbackRuntime = {
  configure: async (req: dynamic.ConfigureRequest) => runtime.configure(req.config),
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
