/**
 * The receiver entry point is for web servers and functions that only check a signature and parse
 * an event: loading it must not pull in Pulumi or an Alibaba Cloud SDK (seconds of cold start).
 * Proves it for the current source in a fresh Node process; does not prove anything about load time.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "-e", script],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  return JSON.parse(out) as string[];
}

const SDK_MODULE = /[\\/]node_modules[\\/]@(pulumi|alicloud|darabonba)[\\/]/;

test("loading the receiver entry point loads no Pulumi or Alibaba Cloud SDK module", () => {
  const loaded = modulesLoadedBy(path.join(ROOT, "lib/receiver"));
  expect(loaded.some((m) => m.endsWith(path.join("lib", "receiver", "index.ts")))).toBe(true);
  expect(loaded.filter((m) => SDK_MODULE.test(m))).toEqual([]);
});

test("the root entry point does load Pulumi (the check above can see an SDK module)", () => {
  const loaded = modulesLoadedBy(path.join(ROOT, "lib"));
  expect(loaded.some((m) => SDK_MODULE.test(m))).toBe(true);
});
