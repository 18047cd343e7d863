/**
 * Starts the example receiver from environment variables:
 *
 * - `CALLBACK_URL` (required): the CallbackURL configured in IMS, exactly.
 * - `AUTH_KEYS` (required): the auth key, or several separated by commas during a rotation.
 * - `PORT` (default 8080), `TOLERANCE_SECONDS` (default 300).
 *
 * @packageDocumentation
 */
import { createReceiver } from "./server";

/**
 * Reads the environment and starts listening; returns the server. Exits the process with a message
 * when a required variable is missing.
 *
 * @example
 * ```sh
 * CALLBACK_URL=https://media.example.com/ims/callback AUTH_KEYS=NewKey2,OldKey1 PORT=8080 node index.js
 * ```
 */
export function main(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof createReceiver> {
  const callbackUrl = env.CALLBACK_URL ?? "";
  const authKeys = (env.AUTH_KEYS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
  if (callbackUrl === "" || authKeys.length === 0) {
    console.error(
      "Set CALLBACK_URL (the CallbackURL configured in IMS) and AUTH_KEYS (comma-separated auth keys).",
    );
    process.exit(2);
  }
  const port = Number(env.PORT ?? "8080");
  const toleranceSeconds =
    env.TOLERANCE_SECONDS === undefined ? undefined : Number(env.TOLERANCE_SECONDS);
  const server = createReceiver({ callbackUrl, authKeys, toleranceSeconds });
  server.listen(port, () => {
    const address = server.address();
    const shown = typeof address === "object" && address !== null ? address.port : port;
    console.log(
      `IMS callback receiver listening on port ${shown} for ${callbackUrl} (${authKeys.length} key(s))`,
    );
  });
  return server;
}

if (require.main === module) main();
