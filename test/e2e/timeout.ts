// Every end-to-end test drives the engine (several CLI runs of seconds to minutes on 2 cores).
jest.setTimeout(300_000);

/**
 * Inline programs (the Automation API) run inside the jest worker, not in a process of their own. A
 * CI run under load once reported a suite "failed to run" after all of its tests had passed: a
 * program's stack registered itself (`setRootResource`) after its engine had already ended, got
 * gRPC UNAVAILABLE, and the promises derived from the stack's data were left rejected with no
 * handler, because the Automation API's language server removes its handlers when a run ends. A
 * user's program would end with its engine's process instead. Only that case is caught here: the
 * stack's initialisation then stays pending (nobody is waiting for it); every other error passes.
 */
const { Stack } = require("@pulumi/pulumi/runtime/stack") as {
  Stack: { prototype: { initialize(args: unknown): Promise<unknown> } };
};
const initialize = Stack.prototype.initialize;
Stack.prototype.initialize = async function (this: unknown, args: unknown) {
  try {
    return await initialize.call(this, args);
  } catch (error) {
    const grpcUnavailable = (error as { code?: unknown } | undefined)?.code === 14;
    if (grpcUnavailable && String((error as Error).stack).includes("setRootResource")) {
      process.stderr.write("[e2e] an inline program started after its engine had ended\n");
      return new Promise<never>(() => undefined);
    }
    throw error;
  }
};
