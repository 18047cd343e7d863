/**
 * Runs one of this repository's scripts (scripts/*.ts) as its npm script runs it, without the
 * build (the e2e global setup has built dist/), collecting stdout and stderr in one text.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";

/** Runs `scripts/<script>` with `args`; resolves with its exit code and its output. */
export function runRepoScript(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join("scripts", script), ...args],
      { cwd: REPO_ROOT, env },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
