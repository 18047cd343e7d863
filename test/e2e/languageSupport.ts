/**
 * Shared set-up of the suites that run programs in other languages through the provider plugin
 * (languages.test.ts: YAML and Go; languagesPython.test.ts; languagesJava.test.ts): the plugin
 * installed from the packed release artifact into the engine's PULUMI_HOME (never a launcher on PATH),
 * the real alicloud plugin for the queue method, the SDKs generated from schema.json, and the steps
 * every program goes through: `up`, an unchanged preview, drift caught by `preview --refresh
 * --expect-no-changes`, `up --refresh` repairing it, `destroy` restoring every region, and no auth
 * key in any output or in the state except as a secret.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { REPO_ROOT, runPulumi, type CliRun } from "../../scripts/engine";
import type { ImsRegion } from "../../lib/shared/regions";
import { NEVER_CONFIGURED } from "../helpers/emulator";
import {
  changedResources,
  E2E_ACCOUNT_ID,
  E2E_AUTH_KEY,
  E2E_SECRET_CANARY,
  startE2E,
  type E2E,
  installPluginArchive,
} from "./support";
import { installAlicloudPlugin, pointAlicloudAtEmulator } from "./queueSupport";

/** This package's version: the plugin's and the generated SDKs'. */
export const VERSION: string = require("../../package.json").version;
/** The provider plugin's name. */
export const PLUGIN = "alicloud-ims-callback";
/** The event types every program subscribes to. */
export const EVENT_TYPES = ["ProduceMediaComplete", "MediaConvertComplete"];
/** Pulumi's secret signature key in state and exports (`{"4dabf18193072939515e22adb298388d": ...}`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The URL a program declares for an HTTP region. */
export const urlOf = (region: string) => `https://media.example.com/ims/${region}`;

/** One program in one language, in the regions it owns in the suite's emulator. */
export interface LanguageProgram {
  readonly language: string;
  /** The Pulumi project name (its config keys are `<project>:authKey`). */
  readonly project: string;
  readonly httpRegions: readonly [ImsRegion, ImsRegion];
  readonly queueRegion: ImsRegion;
  /** Writes the program into an empty directory and prepares it (dependencies, first build). */
  write(dir: string, sdkDir: string): void;
}

/** Runs a command to completion and returns its stdout; throws with its output when it fails. */
export function runOrThrow(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const result = spawnSync(command, [...args], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The last line a script printed on stdout (the tool scripts print their result there). */
export const lastLine = (stdout: string) => stdout.trim().split("\n").pop()!;

/** What a language suite's `beforeAll` prepared. */
export interface LanguageSuite {
  readonly e2e: E2E;
  /** A temporary directory removed after the suite. */
  readonly scratch: string;
  /** Where scripts/gen-sdks.sh wrote the SDKs (`<sdkDir>/<language>`). */
  readonly sdkDir: string;
  /** Everything the engine printed, searched for secrets at the end. */
  readonly transcript: string[];
  record(text: string): void;
}

/**
 * Registers the suite's `beforeAll`/`afterAll`: the emulator and engine, the plugin installed from
 * the packed artifact, the alicloud plugin, and the SDKs of `sdkLanguages` generated from schema.json
 * (then `prepareSdks`, e.g. building the packages users install). The returned object is filled in
 * by `beforeAll`.
 */
export function useLanguageSuite(options: {
  sdkLanguages: readonly string[];
  prepareSdks?: (sdkDir: string, scratch: string) => void;
}): LanguageSuite {
  const transcript: string[] = [];
  const suite = {
    transcript,
    record: (text: string) => void transcript.push(text),
  } as { -readonly [K in keyof LanguageSuite]: LanguageSuite[K] };

  beforeAll(async () => {
    suite.e2e = await startE2E({ credentialsIn: "env" });
    // The plugin installed from the artifact, never a launcher on PATH (this checkout's package.json
    // links one into node_modules/.bin, which npm scripts and jest put on PATH).
    suite.e2e.engine.env.PULUMI_IGNORE_AMBIENT_PLUGINS = "true";
    suite.scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ims-languages-"));
    await installPluginArchive(suite.scratch, suite.e2e.engine.env);
    installAlicloudPlugin(suite.e2e.engine);
    suite.sdkDir = lastLine(
      runOrThrow(
        "bash",
        [path.join(REPO_ROOT, "scripts", "gen-sdks.sh"), path.join(suite.scratch, "sdk")],
        REPO_ROOT,
        { ...process.env, SDK_LANGUAGES: options.sdkLanguages.join(" ") },
      ),
    );
    options.prepareSdks?.(suite.sdkDir, suite.scratch);
  }, 1_800_000);

  afterAll(async () => {
    await suite.e2e?.dispose();
    if (suite.scratch) fs.rmSync(suite.scratch, { recursive: true, force: true });
  });

  return suite;
}

/**
 * The steps every program goes through, as one `describe` block: `up` (two HTTP regions and one
 * queue region), an unchanged preview with no change at all, drift caught by `preview --refresh
 * --expect-no-changes` naming the property, `up --refresh` repairing it, the auth key in `pulumi stack
 * export` only as a secret, `destroy` restoring every region, and no secret in any output or state.
 */
export function describeProgram(suite: LanguageSuite, program: LanguageProgram): void {
  describe(`a ${program.language} program in a fresh directory`, () => {
    let dir: string;
    let stack: Stack;
    const regions = [...program.httpRegions, program.queueRegion];
    const pulumi = (args: string[]): Promise<CliRun> =>
      runPulumi(
        dir,
        [...args, "--stack", "dev", "--non-interactive"],
        suite.e2e.engine.env,
        suite.record,
      );
    let queueName: string;

    beforeAll(async () => {
      const { e2e } = suite;
      dir = fs.mkdtempSync(path.join(suite.scratch, `${program.language.toLowerCase()}-`));
      program.write(dir, suite.sdkDir);
      stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", workDir: dir },
        { pulumiCommand: e2e.engine.command, envVars: e2e.engine.env },
      );
      await stack.setConfig(`${program.project}:authKey`, { value: E2E_AUTH_KEY, secret: true });
      await e2e.useStackCredentials(stack);
      await pointAlicloudAtEmulator(stack, e2e, program.queueRegion);
      // The plugin receives only its own configuration: the queue guard's Mns-open endpoint as well.
      const emulatorHost = new URL(e2e.emulator.endpoints[program.queueRegion]).host;
      await stack.setAllConfig({
        [`${PLUGIN}:mnsOpenEndpoint`]: { value: emulatorHost },
        [`${PLUGIN}:protocol`]: { value: "HTTP" },
      });
    }, 1_800_000);

    test("up sets the HTTP method in two regions and the queue method in a third", async () => {
      const { e2e } = suite;
      const up = await stack.up({ onOutput: suite.record });
      expect(up.summary.result).toBe("succeeded");
      for (const region of program.httpRegions) {
        expect(await e2e.live(region)).toEqual({
          CallbackType: "HTTP",
          CallbackURL: urlOf(region),
          CallbackQueueName: "",
          EventTypeList: [...EVENT_TYPES].sort().join(","),
          AuthSwitch: "on",
          AuthKey: E2E_AUTH_KEY,
        });
      }
      queueName = up.outputs.queueName.value as string;
      expect(
        await e2e.emulator.getQueue(program.queueRegion, queueName, E2E_ACCOUNT_ID),
      ).toBeTruthy();
      expect(await e2e.live(program.queueRegion)).toMatchObject({
        CallbackType: "MNS",
        CallbackQueueName: queueName,
      });
    });

    test("an unchanged preview shows no change at all", async () => {
      const { e2e } = suite;
      const events = e2e.collectEvents();
      await stack.preview({ onEvent: events });
      expect(changedResources(e2e.events())).toEqual([]);
      const preview = await pulumi(["preview", "--diff", "--expect-no-changes"]);
      expect(preview.code).toBe(0);
      expect(preview.stdout).not.toContain("[unknown]");
      expect(preview.stdout).not.toMatch(/^\s*~ /m);
    });

    test("pulumi stack export holds the auth key only as a secret", async () => {
      const exported = await pulumi(["stack", "export"]);
      expect(exported.code).toBe(0);
      expect(exported.stdout).not.toContain(E2E_AUTH_KEY);
      // Every `authKey` of the HTTP regions' resources (components and their settings, inputs and
      // outputs) is a secret value, not a string.
      const deployment = JSON.parse(exported.stdout) as {
        deployment: { resources?: { urn: string; inputs?: unknown; outputs?: unknown }[] };
      };
      const authKeys: unknown[] = [];
      const collect = (value: unknown): void => {
        if (Array.isArray(value)) value.forEach(collect);
        else if (value && typeof value === "object") {
          for (const [key, inner] of Object.entries(value)) {
            if (key === "authKey") authKeys.push(inner);
            else collect(inner);
          }
        }
      };
      for (const resource of deployment.deployment.resources ?? []) {
        if (program.httpRegions.some((region) => resource.urn.includes(`http-${region}`))) {
          collect(resource.inputs);
          collect(resource.outputs);
        }
      }
      expect(authKeys.length).toBeGreaterThanOrEqual(program.httpRegions.length);
      for (const value of authKeys)
        expect(value).toMatchObject({ [SECRET_SIG]: expect.any(String) });
    });

    test("preview --refresh --expect-no-changes fails and names the property edited in the emulator", async () => {
      const region = program.httpRegions[0];
      await suite.e2e.editInConsole(region, { CallbackURL: "https://console.example.com/edited" });
      const preview = await pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
      expect(preview.code).not.toBe(0);
      expect(preview.stdout).toMatch(/~ callbackUrl\s*:/);
      expect(preview.stdout).toContain(`http-${region}`);
    });

    test("up --refresh puts the declared setting back", async () => {
      const region = program.httpRegions[0];
      const up = await pulumi(["up", "--refresh", "--yes", "--skip-preview"]);
      expect(up.code).toBe(0);
      expect(await suite.e2e.live(region)).toMatchObject({ CallbackURL: urlOf(region) });
      const preview = await pulumi(["preview", "--refresh", "--expect-no-changes"]);
      expect(preview.code).toBe(0);
    });

    test("destroy restores every region and removes the queue", async () => {
      const { e2e } = suite;
      expect(queueName).toBeTruthy();
      const destroy = await stack.destroy({ onOutput: suite.record });
      expect(destroy.summary.result).toBe("succeeded");
      for (const region of regions) expect(await e2e.live(region)).toEqual(NEVER_CONFIGURED);
      expect(
        await e2e.emulator.getQueue(program.queueRegion, queueName, E2E_ACCOUNT_ID),
      ).toBeFalsy();
    });

    test("no secret appears in the output or the state", () => {
      const { e2e } = suite;
      const state = e2e
        .filesUnder(e2e.engine.stateDir)
        .filter((file) => !file.includes(`${path.sep}plugins${path.sep}`))
        .map((file) => fs.readFileSync(file, "utf8"))
        .join("\n");
      for (const text of [suite.transcript.join(""), state]) {
        expect(text).not.toContain(E2E_AUTH_KEY);
        expect(text).not.toContain(E2E_SECRET_CANARY);
      }
    });
  });
}
