/**
 * `npm run demo`: the whole loop on this machine, through the real Pulumi engine and the local IMS
 * emulator (which checks every request's signature like the real API).
 *
 *   1. start the emulator and the pinned engine (built from Go modules once, then cached);
 *   2. `pulumi up` of the root project (Pulumi.yaml: the multi-region example) on stack dev;
 *   3. change a setting behind the engine's back, as someone in the console would;
 *   4. `pulumi preview --refresh`: the drift shows in Pulumi's own output;
 *   5. `pulumi up --refresh`: the declared setting is back;
 *   6. `pulumi destroy`: the regions are as before.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_TEST_ACCOUNT, startEmulator } from "../lib/emulator";
import { emulatorEnv, openStack, REPO_ROOT, startEngine } from "./engine";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (n: number, text: string) => console.log(`\n${bold(`== ${n}. ${text}`)}\n`);
const say = (text: string) => console.log(`   ${text}`);
const stream = (s: string) => process.stdout.write(s);

async function main(): Promise<void> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-demo-"));
  step(1, "Start the IMS emulator and the Pulumi engine");
  const emulator = await startEmulator({ stateFile: path.join(dir, "emulator-state.json") });
  const account = DEFAULT_TEST_ACCOUNT.accountId;
  say(`IMS emulator: one endpoint per region, e.g. cn-shanghai -> ${emulator.endpoints["cn-shanghai"]}`);
  const engine = await startEngine(emulatorEnv(emulator.endpoints, DEFAULT_TEST_ACCOUNT.accessKeys[0]));
  say(`Pulumi CLI: ${engine.root}/bin/pulumi (local file backend in ${engine.stateDir})`);
  try {
    const stack = await openStack(engine, { projectDir: REPO_ROOT, stackName: "dev", program: undefined });
    await stack.setConfig("ims:authKey", { value: "DemoKey2024abcXYZ", secret: true });

    step(2, "pulumi up  (stack dev: HTTP callbacks in cn-shanghai and cn-hangzhou)");
    const up = await stack.up({ onOutput: stream, color: "always" });
    say(`Applied. IMS in cn-shanghai now holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`);
    say(`Stack output settings: ${JSON.stringify(up.outputs.settings.value)}`);

    step(3, "Someone edits cn-shanghai in the console: other URL, fewer events, authentication off");
    await emulator.putSetting(
      "cn-shanghai",
      { CallbackURL: "https://someone-else.example.net/hook", EventTypeList: "ProduceMediaComplete", AuthSwitch: "off" },
      account,
    );
    say(`IMS in cn-shanghai now holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`);

    step(4, "pulumi preview --refresh  (reads each region once; the drift is the ~ update below)");
    await emulator.reset();
    const preview = await stack.preview({ refresh: true, diff: true, onOutput: stream, color: "always" });
    say(`Plan: ${JSON.stringify(preview.changeSummary)}; IMS calls made: ${JSON.stringify(await emulator.getCounters())}`);

    step(5, "pulumi up --refresh  (puts the declared setting back)");
    await stack.up({ refresh: true, onOutput: stream, color: "always" });
    say(`IMS in cn-shanghai again holds: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`);
    const clean = await stack.preview({ refresh: true });
    say(`A new preview --refresh plans: ${JSON.stringify(clean.changeSummary)} (nothing to do)`);

    step(6, "pulumi destroy  (deletionPolicy restore: the regions go back to how they were)");
    await stack.destroy({ onOutput: stream, color: "always" });
    await stack.workspace.removeStack("dev");
    say(`IMS in cn-shanghai after destroy: ${JSON.stringify(redact(await emulator.getSetting("cn-shanghai", account)))}`);
  } finally {
    await emulator.close();
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${bold(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`)}`);
}

function redact(setting: object | undefined): Record<string, unknown> {
  const s = { ...(setting ?? {}) } as Record<string, unknown>;
  return { ...s, AuthKey: s.AuthKey ? "***" : "" };
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
