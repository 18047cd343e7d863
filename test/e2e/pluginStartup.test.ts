/**
 * The provider plugin starts on what serving needs: spawned as the engine spawns it (the launcher in
 * bin/, running the dist/ the global setup built), it has announced its port before it loads the
 * top-level `@pulumi/pulumi` (the whole SDK: automation API, closure serialization and TypeScript),
 * any TypeScript compiler, the runtime's Alibaba Cloud clients or the components' `@pulumi/alicloud`.
 * Those load on the first request that needs them. Nothing is timed here: `npm run bench` prints the
 * start-up time.
 *
 * A small module given with `NODE_OPTIONS=--require` records `require.cache` when the plugin first
 * writes to stdout (the port line the engine waits for).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";

const LAUNCHER = path.join(REPO_ROOT, "bin", "pulumi-resource-alicloud-ims-callback");

/** Written to `IMS_CALLBACK_LOADED_REPORT` at the first write on stdout: the loaded modules. */
const REPORTER = `const fs = require("node:fs");
const write = process.stdout.write.bind(process.stdout);
let reported = false;
process.stdout.write = (chunk, ...rest) => {
  if (!reported) {
    reported = true;
    fs.writeFileSync(process.env.IMS_CALLBACK_LOADED_REPORT, JSON.stringify({
      firstLine: String(chunk),
      modules: Object.keys(require.cache),
    }));
  }
  return write(chunk, ...rest);
};
`;

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-plugin-startup-"));
  fs.writeFileSync(path.join(dir, "reporter.js"), REPORTER);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Spawns the plugin, waits for its port line, stops it; returns what was loaded by then. */
function loadedAtPortLine(): Promise<{ firstLine: string; modules: string[] }> {
  const report = path.join(dir, "loaded.json");
  return new Promise((resolve, reject) => {
    const child = spawn(LAUNCHER, [], {
      env: {
        ...process.env,
        NODE_OPTIONS: `--require ${path.join(dir, "reporter.js")}`,
        IMS_CALLBACK_LOADED_REPORT: report,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the plugin exited ${code}:\n${stderr}`)));
    child.stdout.once("data", () => {
      child.removeAllListeners("exit");
      child.kill();
      resolve(JSON.parse(fs.readFileSync(report, "utf8")) as never);
    });
  });
}

test("the plugin announces its port before loading the SDK's top level, TypeScript or the clients", async () => {
  const { firstLine, modules } = await loadedAtPortLine();
  expect(firstLine).toMatch(/^\d+\s*$/);
  // The reporter saw the plugin's own modules: the measurement is real.
  expect(modules.some((m) => m.endsWith(path.join("dist", "plugin", "main.js")))).toBe(true);
  expect(modules.some((m) => m.includes(`${path.sep}@grpc${path.sep}grpc-js${path.sep}`))).toBe(
    true,
  );

  const pkg = (name: string) => `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  const notAtStart = {
    "@pulumi/pulumi's top level": modules.filter((m) =>
      m.endsWith(path.join("node_modules", "@pulumi", "pulumi", "index.js")),
    ),
    "@pulumi/pulumi's runtime index (closure serialization)": modules.filter((m) =>
      m.includes(`${pkg("@pulumi/pulumi")}runtime${path.sep}closure${path.sep}`),
    ),
    "the automation API": modules.filter((m) =>
      m.includes(`${pkg("@pulumi/pulumi")}automation${path.sep}`),
    ),
    TypeScript: modules.filter(
      (m) =>
        m.includes(pkg("typescript")) ||
        m.includes("typescript-shim") ||
        m.includes(`${pkg("@pulumi/pulumi")}vendor${path.sep}`),
    ),
    "@npmcli/arborist": modules.filter((m) => m.includes(pkg("@npmcli/arborist"))),
    "the runtime's Alibaba Cloud clients": modules.filter(
      (m) => m.includes(pkg("@alicloud/credentials")) || m.includes(pkg("@alicloud/openapi-core")),
    ),
    "@pulumi/alicloud": modules.filter((m) => m.includes(pkg("@pulumi/alicloud"))),
  };
  expect(notAtStart).toEqual(Object.fromEntries(Object.keys(notAtStart).map((k) => [k, []])));
}, 120_000);
