// Every end-to-end test drives the engine (several CLI runs of seconds to minutes on 2 cores).
jest.setTimeout(300_000);

/**
 * Inline programs (the Automation API) run inside the jest worker. In full runs under load, an
 * inline program's first call to its engine (`setRootResource`) has failed with gRPC UNAVAILABLE
 * ("No connection established") while the engine was running (test/e2e/secrets.test.ts, cause not
 * found; see CONTRIBUTING.md). The stack's initialisation is retried a few times, a second apart, as
 * gRPC's own reconnect back-off does; nothing else has run when that call fails, and any other
 * error, or the same one after the retries, is thrown as before.
 */
const { Stack } = require("@pulumi/pulumi/runtime/stack") as {
  Stack: { prototype: { initialize(args: unknown): Promise<unknown> } };
};
const initialize = Stack.prototype.initialize;
Stack.prototype.initialize = async function (this: unknown, args: unknown) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await initialize.call(this, args);
    } catch (error) {
      const unavailable = (error as { code?: unknown } | undefined)?.code === 14;
      if (
        !unavailable ||
        !String((error as Error).stack).includes("setRootResource") ||
        attempt > 4
      )
        throw error;
      process.stderr.write(`[e2e] setRootResource: engine unavailable, retry ${attempt} of 4\n`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
};
