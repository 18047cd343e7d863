/**
 * The consumer entry point runs in a worker process: it may load Alibaba's MNS client and the
 * credentials library, but never Pulumi. Proves it for the current source in a fresh Node process.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "-e", script],
    { cwd: ROOT, encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}

test("loading the consumer entry point loads no Pulumi module", () => {
  const loaded = modulesLoadedBy(path.join(ROOT, "lib/consumer"));
  expect(loaded.some((m) => m.endsWith(path.join("lib", "consumer", "index.ts")))).toBe(true);
  expect(loaded.filter((m) => /[\\/]node_modules[\\/]@pulumi[\\/]/.test(m))).toEqual([]);
  expect(loaded.filter((m) => /[\\/]lib[\\/](program|emulator)[\\/]/.test(m))).toEqual([]);
});
