/**
 * Through the real engine (pinned CLI, local backend) against the emulator: `up` of the
 * multi-region example's dev stack, a clean second preview, drift seen by `preview --refresh` and
 * fixed by `up --refresh`, and no plaintext secret in state, output or logs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT } from "../../scripts/engine";
import {
  changedResources,
  updatedPropertiesInDisplay,
  E2E_AUTH_KEY,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
} from "./support";

const PROJECT = path.join(REPO_ROOT, "examples", "multi-region");
const DEV_REGIONS = ["cn-shanghai", "cn-hangzhou"];

let e2e: E2E;
let stack: Stack;
const transcript: string[] = [];
const record = (s: string) => transcript.push(s);

beforeAll(async () => {
  e2e = await startE2E({ credentialsIn: "stack-config" });
  stack = await e2e.openStack({ projectDir: PROJECT, stackName: "dev" });
  await stack.setConfig("ims:authKey", { value: E2E_AUTH_KEY, secret: true });
  await e2e.useStackCredentials(stack);
}, 600_000);

afterAll(async () => {
  await e2e?.dispose();
});

test("up applies exactly the declared settings in both regions and a second preview is clean", async () => {
  const up = await stack.up({ onOutput: record });
  expect(up.summary.result).toBe("succeeded");
  for (const region of DEV_REGIONS) {
    expect(await e2e.live(region)).toEqual({
      CallbackType: "HTTP",
      CallbackURL: `https://dev.media.example.com/ims/${region}`,
      CallbackQueueName: "",
      EventTypeList:
        region === "cn-shanghai"
          ? "MediaConvertComplete,ProduceMediaComplete"
          : "FileUploadComplete,ProduceMediaComplete",
      AuthSwitch: "on",
      AuthKey: E2E_AUTH_KEY,
    });
  }
  expect(await e2e.live("cn-beijing")).toMatchObject({ EventTypeList: "" });
  expect(up.outputs.settings.value).toEqual({
    "cn-shanghai": {
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://dev.media.example.com/ims/cn-shanghai",
      eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
      authSwitch: "on",
    },
    "cn-hangzhou": {
      region: "cn-hangzhou",
      callbackType: "HTTP",
      callbackUrl: "https://dev.media.example.com/ims/cn-hangzhou",
      eventTypes: ["ProduceMediaComplete", "FileUploadComplete"],
      authSwitch: "on",
    },
  });

  await e2e.resetCounters();
  const preview = await stack.preview({ onOutput: record });
  // Stack, two components and two settings; providers are not counted.
  expect(preview.changeSummary).toEqual({ same: 5 });
  expect(await e2e.apiCalls()).toEqual({ get: 0, set: 0 });
});

const driftCases: Array<[string, Record<string, string>, string[]]> = [
  ["other events", { EventTypeList: "ProduceMediaComplete" }, ["eventTypes"]],
  ["other URL", { CallbackURL: "https://attacker.example.net/steal" }, ["callbackUrl"]],
  ["authentication switched off", { AuthSwitch: "off", AuthKey: "" }, ["authKey"]],
  [
    "setting cleared",
    { CallbackType: "", CallbackURL: "", EventTypeList: "", AuthSwitch: "off", AuthKey: "" },
    ["authKey", "callbackUrl", "eventTypes"],
  ],
];

test.each(driftCases)(
  "drift (%s) shows in preview --refresh as an update of that setting and up --refresh restores it",
  async (_label, edit, properties) => {
    const declared = await e2e.live("cn-shanghai");
    await e2e.editInConsole("cn-shanghai", edit);
    await e2e.resetCounters();

    const preview = await stack.preview({
      refresh: true,
      diff: true,
      onOutput: record,
      onEvent: e2e.collectEvents(),
    });
    expect(preview.changeSummary).toEqual({ same: 4, update: 1 });
    const changed = changedResources(e2e.events());
    // The provider lets the engine diff the inputs, so the engine knows which properties changed.
    expect(changed).toEqual([{ name: "ims-cn-shanghai-setting", op: "update", diffs: properties }]);
    // The engine's diff display shows exactly the drifted properties (the key only as [secret]).
    expect(updatedPropertiesInDisplay(preview.stdout)).toEqual({
      "ims-cn-shanghai-setting": properties,
    });
    // A refresh reads each setting once; the preview itself calls nothing.
    expect(await e2e.apiCalls()).toEqual({ get: 2, set: 0 });

    const up = await stack.up({ refresh: true, onOutput: record });
    expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1 });
    expect(await e2e.live("cn-shanghai")).toEqual(declared);
    expect((await stack.preview({ refresh: true })).changeSummary).toEqual({ same: 5 });
  },
);

test("no plaintext auth key or AccessKey secret in the state files, the exported state, engine output or logs", async () => {
  const exported = await e2e.run(stack, ["stack", "export"]);
  // A refresh with engine logging at -v=5 to stderr. From -v=7 up the engine itself prints every
  // resource's inputs, secrets included, whatever the provider (measured; see README "Security").
  const verbose = await stack.preview({
    refresh: true,
    logVerbosity: 5,
    logToStdErr: true,
    onOutput: record,
  });
  expect(verbose.stderr.length).toBeGreaterThan(10_000);
  const places: Array<[string, string]> = [
    ["engine logs (-v=5)", verbose.stderr],
    ["exported state", exported],
    ["engine output", transcript.join("")],
    ...e2e
      .filesUnder(e2e.engine.stateDir)
      .map((f): [string, string] => [f, fs.readFileSync(f, "utf8")]),
    ["emulator request log", JSON.stringify(await e2e.requestLog())],
  ];
  expect(places.length).toBeGreaterThan(3);
  // The values are present where they must be (the emulator holds the key), so the search can fail.
  expect(JSON.stringify(await e2e.live("cn-shanghai"))).toContain(E2E_AUTH_KEY);
  for (const [where, text] of places) {
    expect({
      where,
      hasKey: text.includes(E2E_AUTH_KEY),
      hasSecret: text.includes(E2E_SECRET_CANARY),
    }).toEqual({ where, hasKey: false, hasSecret: false });
  }
  expect(exported).toContain('"authKey"');
  expect(exported).toContain("ciphertext");
});

test("the serialized provider stays small", async () => {
  const state = JSON.parse(await e2e.run(stack, ["stack", "export"]));
  const settings = state.deployment.resources.filter(
    (r: { type: string }) => r.type === "pulumi-nodejs:dynamic/ims:EventCallback",
  );
  expect(settings).toHaveLength(2);
  for (const r of settings) {
    expect(Buffer.byteLength(r.outputs.__provider, "utf8")).toBeLessThan(4096);
  }
});
