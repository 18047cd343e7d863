/**
 * `npm run demo`: the whole loop on this machine, through the real Pulumi engine and the local IMS
 * emulator (which checks every request's signature like the real API).
 *
 *   1. start the emulator and provide the pinned CLI with its language host (built once, then cached);
 *   2. `pulumi up` of the root project (Pulumi.yaml: the multi-region example) on stack dev;
 *   3. change a setting behind the engine's back, as someone in the console would;
 *   4. `pulumi preview --refresh`: the drift shows in Pulumi's own output;
 *   5. `pulumi up --refresh`: the declared setting is back;
 *   6. `pulumi destroy`: the regions are as before.
 *
 * The CLI runs in a project directory, as a user types it, when the Node.js language host is next
 * to it; otherwise the same program runs through the Automation API's inline runtime, and the demo
 * says so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_TEST_ACCOUNT,
  startEmulator,
  type EmulatorHandle,
} from "pulumi-alicloud-ims-emulator";
import {
  emulatorEnv,
  ensurePulumiCli,
  hasLanguageHost,
  offlineEnv,
  openStack,
  REPO_ROOT,
  runPulumi,
  startEngine,
} from "./engine";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n: number, text: string) => console.log(`\n${bold(`== ${n}. ${text}`)}\n`);
const say = (text: string) => console.log(`   ${text}`);
const stream = (s: string) => process.stdout.write(s);

const STACK = "dev";
/** The auth key the demo configures (its output never shows it). */
export const DEMO_AUTH_KEY = "DemoKey2024abcXYZ";
const account = DEFAULT_TEST_ACCOUNT.accountId;

async function main(): Promise<void> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-demo-"));
  step(1, "Start the IMS emulator and the Pulumi engine");
  const emulator = await startEmulator({ stateFile: path.join(dir, "emulator-state.json") });
  say(
    `IMS emulator: one endpoint per region, e.g. cn-shanghai -> ${emulator.endpoints["cn-shanghai"]}`,
  );
  try {
    const root = ensurePulumiCli();
    if (hasLanguageHost(root)) {
      say(
        `Pulumi CLI and its Node.js language host: ${root}/bin. Running the project with the CLI, as you would.`,
      );
      await throughTheCli(emulator, root, dir);
    } else {
      say(`No pulumi-language-nodejs next to ${root}/bin/pulumi: project directories cannot run.`);
      say("Running the same program through the Automation API's inline runtime instead.");
      await inline(emulator);
    }
  } finally {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${bold(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`)}`);
}

/** The demo as a person types it: the CLI binary in a project directory made from the root Pulumi.yaml. */
async function throughTheCli(emulator: EmulatorHandle, root: string, dir: string): Promise<void> {
  // The project directory holds copies of the root project's files (stack config written by the
  // demo stays out of the repository) and links to the program's folder and this repository's
  // node_modules (the package itself comes from dist/, built by `npm run demo`).
  const project = path.join(dir, "project");
  fs.mkdirSync(project);
  for (const file of ["Pulumi.yaml", `Pulumi.${STACK}.yaml`])
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(project, file));
  fs.symlinkSync(path.join(REPO_ROOT, "examples"), path.join(project, "examples"), "dir");
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
  const env = {
    ...offlineEnv(root, path.join(dir, "state")),
    ...emulatorEnv(emulator.endpoints, DEFAULT_TEST_ACCOUNT.accessKeys[0]),
    PULUMI_CONFIG_PASSPHRASE: "demo",
  };
  say(`Project directory: ${project} (local file backend beside it)`);
  const pulumi = async (...args: string[]) => {
    // The command as typed, with the key masked: the demo prints no secret either.
    const shown = args.map((a) => (a === DEMO_AUTH_KEY ? "<your key>" : a)).join(" ");
    console.log(`\n$ pulumi ${shown}`);
    const run = await runPulumi(project, args, env, stream);
    if (run.code !== 0 && !args.includes("--expect-no-changes"))
      throw new Error(`pulumi ${shown} failed (exit ${run.code})`);
    return run;
  };

  step(2, "pulumi up  (stack dev: HTTP callbacks in cn-shanghai and cn-hangzhou)");
  await pulumi("stack", "init", STACK);
  await pulumi("config", "set", "--secret", "ims:authKey", DEMO_AUTH_KEY);
  await pulumi("up", "--yes");
  say(
    `Applied. IMS in cn-shanghai now holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
  );

  step(3, "Someone edits cn-shanghai in the console: other URL, fewer events, authentication off");
  await editInConsole(emulator);

  step(4, "pulumi preview --refresh  (reads each region once; the drift is the ~ update below)");
  await emulator.reset();
  await pulumi("preview", "--refresh", "--diff");
  say(`IMS calls made: ${JSON.stringify(await emulator.getCounters())}`);

  step(5, "pulumi up --refresh  (puts the declared setting back)");
  await pulumi("up", "--refresh", "--yes");
  say(
    `IMS in cn-shanghai again holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
  );
  const clean = await pulumi("preview", "--refresh", "--expect-no-changes");
  say(
    clean.code === 0
      ? "preview --refresh --expect-no-changes exits 0: nothing to do."
      : `preview --refresh still plans changes (exit ${clean.code}).`,
  );

  step(6, "pulumi destroy  (deletionPolicy restore: the regions go back to how they were)");
  await pulumi("destroy", "--yes");
  await pulumi("stack", "rm", STACK, "--yes");
  say(
    `IMS in cn-shanghai after destroy: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
  );
}

/** The fallback: the same steps through the Automation API's inline runtime (no language host needed). */
async function inline(emulator: EmulatorHandle): Promise<void> {
  const engine = await startEngine(
    emulatorEnv(emulator.endpoints, DEFAULT_TEST_ACCOUNT.accessKeys[0]),
  );
  say(`Pulumi CLI: ${engine.root}/bin/pulumi (local file backend in ${engine.stateDir})`);
  try {
    const stack = await openStack(engine, {
      projectDir: REPO_ROOT,
      stackName: STACK,
      program: undefined,
    });
    await stack.setConfig("ims:authKey", { value: DEMO_AUTH_KEY, secret: true });

    step(2, "pulumi up  (stack dev: HTTP callbacks in cn-shanghai and cn-hangzhou)");
    const up = await stack.up({ onOutput: stream, color: "always" });
    say(
      `Applied. IMS in cn-shanghai now holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
    );
    say(`Stack output settings: ${JSON.stringify(up.outputs.settings.value)}`);

    step(
      3,
      "Someone edits cn-shanghai in the console: other URL, fewer events, authentication off",
    );
    await editInConsole(emulator);

    step(4, "pulumi preview --refresh  (reads each region once; the drift is the ~ update below)");
    await emulator.reset();
    const preview = await stack.preview({
      refresh: true,
      diff: true,
      onOutput: stream,
      color: "always",
    });
    say(
      `Plan: ${JSON.stringify(preview.changeSummary)}; IMS calls made: ${JSON.stringify(await emulator.getCounters())}`,
    );

    step(5, "pulumi up --refresh  (puts the declared setting back)");
    await stack.up({ refresh: true, onOutput: stream, color: "always" });
    say(
      `IMS in cn-shanghai again holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
    );
    const clean = await stack.preview({ refresh: true });
    say(`A new preview --refresh plans: ${JSON.stringify(clean.changeSummary)} (nothing to do)`);

    step(6, "pulumi destroy  (deletionPolicy restore: the regions go back to how they were)");
    await stack.destroy({ onOutput: stream, color: "always" });
    await stack.workspace.removeStack(STACK);
    say(
      `IMS in cn-shanghai after destroy: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
    );
  } finally {
    engine.dispose();
  }
}

async function editInConsole(emulator: EmulatorHandle): Promise<void> {
  await emulator.putSetting(
    "cn-shanghai",
    {
      CallbackURL: "https://someone-else.example.net/hook",
      EventTypeList: "ProduceMediaComplete",
      AuthSwitch: "off",
    },
    account,
  );
  say(
    `IMS in cn-shanghai now holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`,
  );
}

function redact(setting: object | undefined): Record<string, unknown> {
  const s = { ...(setting ?? {}) } as Record<string, unknown>;
  return { ...s, AuthKey: s.AuthKey ? "***" : "" };
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
