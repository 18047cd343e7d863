/**
 * Secrets through the real engine: no auth key (the stack's, or the previous owner's kept for
 * `restore`) and no AccessKey secret reaches the engine's output, its events, the state files or the
 * emulator's request log when calls fail, whatever the failure (every fault the emulator injects, a
 * refused connection, a timeout); a bad key from `pulumi.secret(...)` is reported without its value;
 * a key change is shown as a change of `authKey` (as `[secret]`); and the engine's verbose logs
 * expose secrets from the levels the README states.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { FAULT_KINDS, type FaultKind } from "pulumi-alicloud-ims-emulator";
import { EventCallback } from "../../lib/program/eventCallback";
import { REPO_ROOT } from "../../scripts/engine";
import {
  E2E_ACCESS_KEY_ID,
  E2E_SECRET_CANARY,
  startE2E,
  updatedPropertiesInDisplay,
  type E2E,
} from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "http-callback");
const REGION = "cn-shanghai";
/** Not from secret config: the engine's own masking of config secrets does not hide it. */
const KEY_CANARY = "KeyCanary4Tq8Wz2Hn";
const PREVIOUS_OWNER_KEY = "PrevOwnerCanary6Lp3Xc";
const PREVIOUS_OWNER = {
  CallbackType: "HTTP",
  CallbackURL: "https://previous-owner.example.com/cb",
  EventTypeList: "FileUploadComplete",
  AuthSwitch: "on",
  AuthKey: PREVIOUS_OWNER_KEY,
};

type FailureKind = FaultKind | "refused" | "timeout";

let e2e: E2E;
const gates: Gate[] = [];

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "stack-config" });
}, 600_000);
afterAll(async () => {
  await Promise.all(gates.map((g) => g.close()));
  await e2e?.dispose();
});

/**
 * An endpoint in front of the emulator's that lets `passes` requests through, then fails every
 * later one: "refused" stops listening (the request in flight is reset, the next connections are
 * refused), "timeout" keeps the request open without an answer.
 */
class Gate {
  private readonly sockets = new Set<net.Socket>();
  private readonly server: http.Server;
  private passed = 0;

  private constructor(
    private readonly target: URL,
    private readonly kind: "refused" | "timeout",
    private readonly passes: number,
  ) {
    this.server = http.createServer((req, res) => {
      if (this.passed++ < this.passes) {
        const forward = http.request(
          {
            host: this.target.hostname,
            port: this.target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(forward);
      } else if (this.kind === "refused") {
        void this.close();
      }
    });
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  static async open(target: string, kind: "refused" | "timeout", passes: number): Promise<string> {
    const gate = new Gate(new URL(target), kind, passes);
    gates.push(gate);
    await new Promise<void>((resolve) => gate.server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(gate.server.address() as net.AddressInfo).port}`;
    if (kind === "refused" && passes === 0) await gate.close();
    return endpoint;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.sockets.forEach((s) => s.destroy());
    await closed;
  }
}

const setting = (
  authKey: pulumi.Input<string>,
  extra: { adoptExisting?: boolean; eventTypes?: string[] } = {},
) =>
  new EventCallback("callback", {
    region: REGION,
    callbackType: "HTTP",
    callbackUrl: "https://media.example.com/ims/events",
    eventTypes: extra.eventTypes ?? ["ProduceMediaComplete"],
    authKey,
    adoptExisting: extra.adoptExisting,
  });

/**
 * The Pulumi Node SDK (program side, not this library) logs every resource registration's response
 * as a debug diagnostic, secret outputs in clear unless they are config secrets: shown with
 * `--debug`, and present in the event stream (`--event-log`, Automation API `onEvent`). Any
 * resource's secret outputs are there (see README "Security notes"), so these events are kept apart
 * from the search.
 */
const isSdkRpcDebugLog = (e: EngineEvent) =>
  // The typings leave "debug" out of the severities; the engine sends it.
  (e.diagnosticEvent?.severity as string | undefined) === "debug" &&
  /^(RegisterResource|RegisterResourceOutputs|ReadResource) RPC finished/.test(
    e.diagnosticEvent?.message ?? "",
  );

/** Everything one engine run exposed: its output, its events and, when it failed, the error. */
class Transcript {
  readonly texts: string[] = [];
  readonly sdkRpcDebugLog: string[] = [];
  readonly onOutput = (s: string) => this.texts.push(s);
  readonly onEvent = (e: EngineEvent) =>
    (isSdkRpcDebugLog(e) ? this.sdkRpcDebugLog : this.texts).push(JSON.stringify(e));
  async failure(run: Promise<unknown>): Promise<string> {
    const error = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(error).toBeInstanceOf(Error);
    this.texts.push(error!.message, String(error!.stack));
    return error!.message;
  }
}

describe.each<FailureKind>([...FAULT_KINDS, "refused", "timeout"])(
  "when IMS calls fail (%s)",
  (kind) => {
    let stack: Stack;
    const transcript = new Transcript();

    /**
     * Makes every call fail the `kind` way after `skip` calls that succeed. The endpoint is switched
     * through the environment, not stack config: destroy runs with the provider config of the last update.
     */
    const arrange = async (skip = 0) => {
      if (kind === "refused" || kind === "timeout") {
        stack.workspace.envVars.IMS_CALLBACK_ENDPOINTS = JSON.stringify({
          [REGION]: await Gate.open(e2e.emulator.endpoints[REGION], kind, skip),
        });
      } else {
        await e2e.emulator.injectFault({
          kind,
          count: 1000,
          skip,
          region: REGION,
          latencyMs: 2000,
        });
      }
    };
    const heal = async () => {
      stack.workspace.envVars.IMS_CALLBACK_ENDPOINTS = e2e.engine.env.IMS_CALLBACK_ENDPOINTS;
      transcript.texts.push(JSON.stringify(await e2e.requestLog()));
      await e2e.resetCounters();
    };

    beforeAll(async () => {
      await e2e.editInConsole(REGION, PREVIOUS_OWNER);
      stack = await e2e.openStack({
        projectDir: PROJECT,
        stackName: `fault-${kind}`,
        program: async () => void setting(pulumi.secret(KEY_CANARY), { adoptExisting: true }),
      });
      await e2e.useStackCredentials(stack);
      // Each attempt times out after 500 ms (the latency fault adds 2 s); retries back off briefly.
      await stack.setConfig("ims-callback:timeoutMs", { value: "500" });
    });

    test("create and destroy with restore fail without the key, the previous owner's key, the AccessKey secret or a signature anywhere", async () => {
      await arrange();
      const createFailure = await transcript.failure(
        stack.up({ onOutput: transcript.onOutput, onEvent: transcript.onEvent }),
      );
      expect(createFailure).toMatch(/IMS GetEventCallback in cn-shanghai failed: /);
      await heal();

      // Take over the previous owner's setting (the first up records it, the next writes), then
      // fail the write that restores it on destroy.
      expect(
        await transcript.failure(
          stack.up({ onOutput: transcript.onOutput, onEvent: transcript.onEvent }),
        ),
      ).toMatch(
        /\* Took over the IMS event callback setting in cn-shanghai: recorded the setting found there/,
      );
      await stack.up({ onOutput: transcript.onOutput, onEvent: transcript.onEvent });
      expect((await e2e.live(REGION)).AuthKey).toBe(KEY_CANARY);
      // Destroy reads the region first (let through), then writes the previous owner's setting back.
      await arrange(1);
      const destroyFailure = await transcript.failure(
        stack.destroy({ onOutput: transcript.onOutput, onEvent: transcript.onEvent }),
      );
      expect(destroyFailure).toMatch(/IMS (Get|Set)EventCallback in cn-shanghai failed: /);
      await heal();
      await stack.destroy({ onOutput: transcript.onOutput });
      expect(await e2e.live(REGION)).toMatchObject(PREVIOUS_OWNER);

      const places: Array<[string, string]> = [
        ["engine output, events and errors", transcript.texts.join("\n")],
        ...e2e
          .filesUnder(e2e.engine.stateDir)
          .map((f): [string, string] => [f, fs.readFileSync(f, "utf8")]),
      ];
      // The search can fail: the values are where they belong (the emulator holds the previous key).
      expect(JSON.stringify(await e2e.live(REGION))).toContain(PREVIOUS_OWNER_KEY);
      for (const [where, text] of places) {
        const found = [
          KEY_CANARY,
          PREVIOUS_OWNER_KEY,
          E2E_SECRET_CANARY,
          "Signature=",
          "AuthKey=",
          `AccessKeyId=${E2E_ACCESS_KEY_ID}`,
        ].filter((c) => text.includes(c));
        expect({ where, found }).toEqual({ where, found: [] });
      }
    });
  },
);

test("an auth key from pulumi.secret that breaks IMS's rules is reported by name at preview, without its value", async () => {
  const tooLong = "Ab1TooLongCanary" + "x".repeat(17);
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "bad-key",
    program: async () => void setting(pulumi.secret(tooLong)),
  });
  await e2e.useStackCredentials(stack);
  await e2e.resetCounters();
  const transcript = new Transcript();
  const message = await transcript.failure(
    stack.preview({ onOutput: transcript.onOutput, onEvent: transcript.onEvent }),
  );
  expect(message).toMatch(
    /resource 'callback' has a problem: authKey: the key is 33 characters long \(at most 32\)\. .*RandomPassword/,
  );
  expect(transcript.texts.join("\n")).not.toContain(tooLong);
  expect(transcript.texts.join("\n")).not.toContain("property authKey value");
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
});

test("a check problem names its property once, with no value echoed by the engine", async () => {
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "bad-queue",
    program: async () =>
      void new EventCallback("queue", {
        region: "cn-beijing",
        callbackType: "MNS",
        queueName: "ICE-CALLBACK-orders",
        eventTypes: ["ProduceMediaComplete"],
      }),
  });
  const message = await new Transcript().failure(stack.preview());
  expect(message).toContain(
    `resource 'queue' has a problem: queueName: "ICE-CALLBACK-orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".`,
  );
  expect(message).not.toMatch(/property queueName value/);
});

test("a key change, in the program or in the console, shows as a change of authKey in preview --diff, never its value", async () => {
  let key = "FirstKey1Abc";
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "key-change",
    program: async () => void setting(pulumi.secret(key), { adoptExisting: true }),
  });
  await e2e.useStackCredentials(stack);
  // A takeover: the first up records what it found, the next writes.
  await expect(stack.up()).rejects.toThrow(/Took over the IMS event callback setting/);
  await stack.up();
  key = "SecondKey2Xyz";
  const changed = await stack.preview({ diff: true });
  expect(changed.changeSummary).toMatchObject({ update: 1 });
  expect(updatedPropertiesInDisplay(changed.stdout)).toEqual({ callback: ["authKey"] });
  expect(changed.stdout).toMatch(/~ authKey: \[secret\] => \[secret\]/);
  await stack.up();

  await e2e.editInConsole(REGION, { AuthKey: "ConsoleKey3Qrs" });
  const drifted = await stack.preview({ diff: true, refresh: true });
  expect(updatedPropertiesInDisplay(drifted.stdout)).toEqual({ callback: ["authKey"] });
  for (const value of ["FirstKey1Abc", "SecondKey2Xyz", "ConsoleKey3Qrs"]) {
    expect(changed.stdout + drifted.stdout).not.toContain(value);
  }
  await stack.up({ refresh: true });
  await stack.destroy();
});

test("engine logs show non-config secrets in clear from -v=3 and config secrets from -v=7; --debug and the event stream show non-config ones (as the README says)", async () => {
  const configKey = "ConfigKeyCanary5Mb";
  const stack = await e2e.openStack({
    projectDir: PROJECT,
    stackName: "verbosity",
    program: async () => {
      setting(pulumi.secret(KEY_CANARY));
      new EventCallback("from-config", {
        region: "cn-beijing",
        callbackType: "HTTP",
        callbackUrl: "https://media.example.com/ims/events",
        eventTypes: ["ProduceMediaComplete"],
        authKey: new pulumi.Config("ims").requireSecret("authKey"),
      });
    },
  });
  await e2e.useStackCredentials(stack);
  await stack.setConfig("ims:authKey", { value: configKey, secret: true });
  const seen: Record<number, { plain: boolean; config: boolean }> = {};
  for (const level of [2, 3, 6, 7]) {
    const run = await stack.preview({ logVerbosity: level, logToStdErr: true });
    const text = run.stdout + run.stderr;
    seen[level] = { plain: text.includes(KEY_CANARY), config: text.includes(configKey) };
  }
  expect(seen).toEqual({
    2: { plain: false, config: false },
    3: { plain: true, config: false },
    6: { plain: true, config: false },
    7: { plain: true, config: true },
  });
  // The SDK's debug log of each registration's response (see isSdkRpcDebugLog), shown by --debug.
  const events: string[] = [];
  const debug = await stack.preview({
    debug: true,
    onEvent: (e) => events.push(JSON.stringify(e)),
  });
  expect(debug.stdout).toMatch(/RegisterResource RPC finished/);
  const where = (text: string) => ({
    plain: text.includes(KEY_CANARY),
    config: text.includes(configKey),
  });
  expect({ stdout: where(debug.stdout), events: where(events.join("\n")) }).toEqual({
    stdout: { plain: true, config: false },
    events: { plain: true, config: false },
  });
});
