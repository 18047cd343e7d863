/**
 * Where the runtime's warnings go. The dynamic provider's host gives `pulumi.log` a connection to
 * the engine, so by default a warning is `pulumi.log.warn`, as it always was. The provider plugin's
 * process has that connection only while a `construct` or `call` is served: it runs each resource
 * operation inside {@link withWarner} with a warner that logs to the engine under the resource's
 * URN, so that a warning of `delete`, `diff` or `read` is shown by the CLI under the resource.
 *
 * @packageDocumentation
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as log from "@pulumi/pulumi/log";

/**
 * Shows `message` to the user as a warning; settles once it was delivered.
 *
 * @internal
 */
export type Warner = (message: string) => Promise<void>;

/** The warner of the resource operation being served, for concurrent operations apart. */
const warners = new AsyncLocalStorage<Warner>();

/**
 * Runs `operation` with its warnings (and those of everything it awaits) sent to `warner`.
 *
 * @internal
 */
export function withWarner<R>(warner: Warner, operation: () => Promise<R>): Promise<R> {
  return warners.run(warner, operation);
}

/**
 * Warns the user: through the warner of the operation being served, or else `pulumi.log.warn`
 * (not awaited: the dynamic provider's behaviour).
 */
export async function warn(message: string): Promise<void> {
  const warner = warners.getStore();
  if (warner) {
    await warner(message);
    return;
  }
  void log.warn(message);
}
