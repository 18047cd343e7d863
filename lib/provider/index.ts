/**
 * Internal: the dynamic-provider runtime of {@link EventCallback}, loaded by package name
 * (`pulumi-alicloud-ims-callback/runtime`) inside Pulumi's dynamic-provider host. Not a public API:
 * its exports may change in any release. The serialized provider in each stack's state calls the
 * functions exported here by name, so renaming one breaks existing stacks; the forwarder in
 * `program/eventCallback.ts` is type-checked against this module to catch that at compile time.
 *
 * @internal
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as runtime from "./runtime";

export { check, configure, create, diff, read, remove, update } from "./runtime";

/**
 * The runtime as a `ResourceProvider`: fails to compile when a runtime function no longer fits the
 * dynamic-provider method it serves.
 *
 * @internal
 */
export const eventCallbackRuntime = {
  configure: async (req: dynamic.ConfigureRequest) => runtime.configure(req.config),
  check: runtime.check,
  diff: runtime.diff,
  create: runtime.create,
  read: runtime.read,
  update: runtime.update,
  delete: runtime.remove,
} satisfies Required<dynamic.ResourceProvider>;
