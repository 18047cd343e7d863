/**
 * The plugin's launcher (`bin/pulumi-resource-alicloud-ims-callback`, POSIX sh) checks the Node.js
 * on PATH before it starts the plugin: an older one gets one line saying what is needed, instead of
 * the SDK's `TypeError` after a line of minified source. A fake `node` (a shell script) stands in
 * for each version.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const LAUNCHER = path.join(__dirname, "..", "..", "bin", "pulumi-resource-alicloud-ims-callback");

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-launcher-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A directory holding a fake `node` that reports `version` and otherwise behaves as an old Node.js
 * running the plugin would (a long line of source, then the SDK's TypeError), plus the few tools
 * the launcher uses; nothing else is on PATH.
 */
function fakePath(version: string | undefined): string {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  for (const tool of ["readlink", "dirname"]) {
    fs.symlinkSync(
      spawnSync("sh", ["-c", `command -v ${tool}`])
        .stdout.toString()
        .trim(),
      path.join(bin, tool),
    );
  }
  if (version !== undefined) {
    fs.writeFileSync(
      path.join(bin, "node"),
      `#!/bin/sh
if [ "$1" = "--version" ] || [ "$1" = "-v" ]; then echo "${version}"; exit 0; fi
printf '%s\\n' "$*" > "${path.join(dir, "args")}"
echo "${"x".repeat(2000)}" >&2
echo "TypeError: tracingChannel is not a function" >&2
exit 1
`,
      { mode: 0o755 },
    );
  }
  return bin;
}

function launch(pathDir: string, args: string[] = []) {
  return spawnSync("/bin/sh", [LAUNCHER, ...args], {
    env: { PATH: pathDir, HOME: dir },
    encoding: "utf8",
  });
}

it.each(["v18.20.4", "v16.0.0", "v19.9.0"])(
  "with Node.js %s on PATH, says Node.js 20 or later is needed and starts nothing",
  (version) => {
    const result = launch(fakePath(version));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`Node.js 20 or later`);
    expect(result.stderr).toContain(version);
    expect(result.stderr).not.toContain("TypeError");
    expect(result.stderr.length).toBeLessThan(500);
    expect(fs.existsSync(path.join(dir, "args"))).toBe(false);
  },
);

it("without node on PATH, says Node.js 20 or later is needed", () => {
  const result = launch(fakePath(undefined));
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain("Node.js 20 or later");
  expect(result.stderr).toMatch(/not found/);
});

it.each(["v20.0.0", "v22.11.0", "v100.1.2"])(
  "with Node.js %s, starts the plugin with the launcher's arguments",
  (version) => {
    launch(fakePath(version), ["adopt", "--region", "cn-shanghai"]);
    const args = fs.readFileSync(path.join(dir, "args"), "utf8").trim().split(" ");
    expect(args[0]).toMatch(/dist\/plugin\/main\.js$/);
    expect(args.slice(1)).toEqual(["adopt", "--region", "cn-shanghai"]);
  },
);
