/**
 * Proves: `ims-emulator` started as a child process prints the endpoints and the exact lines to
 * point the library and Alibaba's SDK at it, serves signed calls on them, writes the discovery
 * file, and on SIGTERM closes, removes the discovery file and exits with code 0; bad flags exit 2.
 * Does not prove: the compiled `packages/emulator/dist/cli.js` (the source is run through a transpile hook).
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "node:querystring";
import { parseCliArgs } from "../src/cli";
import { callSdk, removeTempDirs, sdkClient, send, tempDir } from "./helpers";

const CLI = resolve(__dirname, "../src/cli.ts");
let register: string;

beforeAll(() => {
  // Lets a plain `node` child run the TypeScript source (no build needed for this test).
  register = join(tempDir(), "register.js");
  writeFileSync(
    register,
    `const ts = require(${JSON.stringify(require.resolve("typescript"))});
const fs = require("fs");
require.extensions[".ts"] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
`,
  );
});
afterAll(removeTempDirs);

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, ["-r", register, CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function waitFor(
  predicate: () => boolean,
  what: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("ims-emulator command", () => {
  it("prints endpoints and config lines, serves them, and stops on SIGTERM with exit code 0", async () => {
    const dir = tempDir();
    const stateFile = join(dir, "state.json");
    const cli = run(["--state-file", stateFile, "--base-port", "0", "--set-semantics", "replace"]);
    try {
      await waitFor(
        () => cli.stdout().includes("Press Ctrl+C to stop.") || cli.child.exitCode !== null,
        () => cli.stdout() + cli.stderr(),
      );
      const out = cli.stdout();
      const envLine = /^ {2}export IMS_CALLBACK_ENDPOINTS='(.*)'$/m.exec(out);
      expect(envLine).not.toBeNull();
      const endpoints = JSON.parse(envLine![1]) as Record<string, string>;
      expect(Object.keys(endpoints)).toEqual([
        "cn-beijing",
        "cn-hangzhou",
        "cn-shanghai",
        "cn-shenzhen",
        "ap-southeast-1",
        "us-west-1",
      ]);
      for (const [region, url] of Object.entries(endpoints)) {
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(out).toContain(
          `  pulumi config set --path 'ims-callback:endpoints.${region}' ${url}\n`,
        );
        expect(out).toMatch(new RegExp(`^  ${region} +${url}$`, "m"));
      }
      expect(out).toContain(
        "  export ALIBABA_CLOUD_ACCESS_KEY_ID=TESTAKEmulatorTestKey0001 ALIBABA_CLOUD_ACCESS_KEY_SECRET=EmulatorTestSecret0000000000001\n",
      );
      expect(out).toContain(
        `  new OpenApi.default({ accessKeyId: "TESTAKEmulatorTestKey0001", accessKeySecret: "EmulatorTestSecret0000000000001", endpoint: "${new URL(endpoints["cn-shanghai"]).host}", protocol: "http" })`,
      );

      const discoveryFile = join(dir, "emulator.json");
      const discovery = JSON.parse(readFileSync(discoveryFile, "utf8"));
      expect(discovery).toMatchObject({ endpoints, pid: cli.child.pid, stateFile });
      expect(out).toMatch(new RegExp(`^  admin API +${discovery.adminUrl}$`, "m"));

      const client = sdkClient(endpoints["cn-shanghai"]);
      await callSdk(client, "SetEventCallback", {
        CallbackType: "MNS",
        CallbackQueueName: "ice-callback-cli",
      });
      const read = await callSdk(client, "GetEventCallback");
      expect(read).toMatchObject({ CallbackQueueName: "ice-callback-cli" });
      // A queue setting carries no callback authentication (ICE 2020-11-09: HTTP callbacks only).
      expect(read).not.toHaveProperty("AuthSwitch");

      cli.child.kill("SIGTERM");
      expect(await cli.exit).toBe(0);
      expect(cli.stdout()).toContain("Received SIGTERM, stopping...\nStopped.\n");
      expect(existsSync(discoveryFile)).toBe(false);
      expect(
        JSON.parse(readFileSync(stateFile, "utf8")).accounts["1234567890123456"]["cn-shanghai"]
          .CallbackQueueName,
      ).toBe("ice-callback-cli");
    } finally {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    }
  });

  it("prints request-derived text escaped and cut short, one line per call", async () => {
    const cli = run(["--in-memory", "--base-port", "0", "--verbose"]);
    try {
      await waitFor(
        () => cli.stdout().includes("Press Ctrl+C to stop.") || cli.child.exitCode !== null,
        () => cli.stdout() + cli.stderr(),
      );
      const endpoint = /^ {2}cn-shanghai +(\S+)$/m.exec(cli.stdout())![1];
      const hostile = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202eEvil\r\nims-emulator: forged line";
      await send(endpoint, {
        method: "POST",
        query: {},
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: stringify({
          Action: hostile + "Z".repeat(5_000),
          Version: "2020-11-09",
          AccessKeyId: `\x1b[31m${"K".repeat(5_000)}`,
        }),
      });
      await waitFor(
        () => cli.stderr().includes("not emulated"),
        () => cli.stdout() + cli.stderr(),
      );
      const notEmulated = cli
        .stderr()
        .split("\n")
        .filter((line) => line !== "");
      expect(notEmulated).toHaveLength(1);
      expect(notEmulated[0]).toContain(
        "ims-emulator: not emulated: ICE \\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202eEvil\\r\\nims-emulator: forged lineZZZ",
      );
      const callLine = cli
        .stdout()
        .split("\n")
        .find((line) => line.includes("InvalidAction"))!;
      expect(callLine).toContain(" \\x1b[31mKKK");
      for (const line of [notEmulated[0], callLine]) {
        // eslint-disable-next-line no-control-regex
        expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
        expect(line.length).toBeLessThan(800);
      }
    } finally {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    }
  });

  it("exits 2 with the problem and the usage on a bad flag", async () => {
    const cli = run(["--base-port", "abc"]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toContain(
      "ims-emulator: --base-port must be a non-negative integer, got 'abc'.",
    );
    expect(cli.stderr()).toContain("Usage: ims-emulator [options]");
  });
});

describe("parseCliArgs", () => {
  it("maps flags to emulator options, discovery file beside the state file", () => {
    const options = parseCliArgs([
      "--state-file",
      "/tmp/x/state.json",
      "--base-port",
      "18600",
      "--admin-port",
      "18700",
      "--latency-ms",
      "5",
      "--empty-event-list",
      "rejected",
    ]);
    expect(options.emulator).toMatchObject({
      stateFile: "/tmp/x/state.json",
      basePort: 18600,
      adminPort: 18700,
      latencyMs: 5,
      discoveryFile: "/tmp/x/emulator.json",
      behaviour: { emptyEventList: "rejected" },
    });
  });
  it("supports in-memory state and refuses unknown flags", () => {
    expect(parseCliArgs(["--in-memory"]).emulator.stateFile).toBeUndefined();
    expect(() => parseCliArgs(["--in-memory", "--state-file", "x"])).toThrow(
      "--in-memory and --state-file cannot be used together.",
    );
    expect(() => parseCliArgs(["--port", "1"])).toThrow(/Unknown option '--port'/);
  });
});
