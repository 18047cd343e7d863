/**
 * The consumer entry point runs in a worker process: it may load Alibaba's MNS client and the
 * credentials library, but never Pulumi, the code of the other places (program, runtime, plugin,
 * policy) or the emulator. Proves it for the current source in a fresh Node process.
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

test("loading the consumer entry point loads no Pulumi module, no other place's code and no emulator", () => {
  const loaded = modulesLoadedBy(path.join(ROOT, "lib/consumer"));
  expect(loaded.some((m) => m.endsWith(path.join("lib", "consumer", "index.ts")))).toBe(true);
  expect(loaded.filter((m) => /[\\/]node_modules[\\/]@pulumi[\\/]/.test(m))).toEqual([]);
  // Nor the code of the other places code runs (as ESLint's import rules say), nor the emulator.
  expect(loaded.filter((m) => /[\\/]lib[\\/](program|runtime|plugin|policy)[\\/]/.test(m))).toEqual(
    [],
  );
  expect(
    loaded.filter((m) => /[\\/](packages[\\/]emulator|pulumi-alicloud-ims-emulator)[\\/]/.test(m)),
  ).toEqual([]);
});
