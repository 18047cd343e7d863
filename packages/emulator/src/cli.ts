#!/usr/bin/env node
/**
 * The `ims-emulator` command: starts the emulator on loopback, prints its endpoints and the lines
 * that point the library (or Alibaba's SDK) at it, and stops cleanly on SIGINT/SIGTERM.
 *
 * @packageDocumentation
 */
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BEHAVIOUR_CHOICES, EmulatorBehaviour } from "./ground/behaviour";
import type { RequestLogEntry } from "./ground/requestLog";
import { printableText } from "./ground/logText";
import type { EmulatorHandle, EmulatorOptions } from "./control/options";
import { startEmulator } from "./server";

const DEFAULT_STATE_FILE = join(".ims-emulator", "state.json");

/** The usage text of `ims-emulator`. */
export const USAGE = `Usage: ims-emulator [options]

Local emulator of the IMS event-callback API (SetEventCallback / GetEventCallback, 2020-11-09),
one endpoint per region on 127.0.0.1, with real signature verification.

Options:
  --state-file <path>        JSON state file (default ${DEFAULT_STATE_FILE})
  --in-memory                keep state in memory only (no state file)
  --accounts <path>          JSON accounts file (default: the built-in test account)
  --base-port <port>         region i listens on base-port + i, admin on base-port + 6 (default 0: free ports)
  --admin-port <port>        admin API port
  --discovery-file <path>    where to write { endpoints, adminUrl, pid } (default: beside the state file)
  --latency-ms <ms>          latency added to every API call (default 0)
  --unconfigured-read <v>    ${BEHAVIOUR_CHOICES.unconfiguredRead.join(" | ")} (default ${BEHAVIOUR_CHOICES.unconfiguredRead[0]})
  --set-semantics <v>        ${BEHAVIOUR_CHOICES.setSemantics.join(" | ")} (default ${BEHAVIOUR_CHOICES.setSemantics[0]})
  --empty-event-list <v>     ${BEHAVIOUR_CHOICES.emptyEventList.join(" | ")} (default ${BEHAVIOUR_CHOICES.emptyEventList[0]})
  --ims-queue-grant <v>      ${BEHAVIOUR_CHOICES.imsQueueGrant.join(" | ")} (default ${BEHAVIOUR_CHOICES.imsQueueGrant[0]})
  --queue-message-encoding <v>  ${BEHAVIOUR_CHOICES.queueMessageEncoding.join(" | ")} (default ${BEHAVIOUR_CHOICES.queueMessageEncoding[0]})
  --verbose                  print one line per API call
  --help                     show this text
`;

/** Answers that mean the emulator does not serve a call: printed even without --verbose, so gaps show. */
const UNSERVED_CODES = new Set(["InvalidAction.NotFound", "InvalidVersion", "InvalidRequestURL"]);

/** The parsed command line, as {@link startEmulator} options plus CLI-only flags. */
export interface CliOptions {
  /** Options for {@link startEmulator}. */
  readonly emulator: EmulatorOptions;
  /** Print one line per API call. */
  readonly verbose: boolean;
  /** Show the usage text and exit. */
  readonly help: boolean;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${text}'.`);
  return value;
}

/**
 * Parses `ims-emulator` arguments; throws with a message naming the bad flag.
 *
 * @example
 * ```ts
 * parseCliArgs(["--base-port", "18600", "--set-semantics", "replace"]).emulator.basePort; // 18600
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      "state-file": { type: "string" },
      "in-memory": { type: "boolean", default: false },
      accounts: { type: "string" },
      "base-port": { type: "string" },
      "admin-port": { type: "string" },
      "discovery-file": { type: "string" },
      "latency-ms": { type: "string" },
      "unconfigured-read": { type: "string" },
      "set-semantics": { type: "string" },
      "empty-event-list": { type: "string" },
      "ims-queue-grant": { type: "string" },
      "queue-message-encoding": { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values["in-memory"] && values["state-file"] !== undefined)
    throw new Error("--in-memory and --state-file cannot be used together.");
  const stateFile = values["in-memory"]
    ? undefined
    : resolve(values["state-file"] ?? DEFAULT_STATE_FILE);
  const discoveryFile = resolve(
    values["discovery-file"] ??
      join(stateFile ? dirname(stateFile) : ".ims-emulator", "emulator.json"),
  );
  const behaviour: Partial<Record<keyof EmulatorBehaviour, string>> = {
    unconfiguredRead: values["unconfigured-read"],
    setSemantics: values["set-semantics"],
    emptyEventList: values["empty-event-list"],
    imsQueueGrant: values["ims-queue-grant"],
    queueMessageEncoding: values["queue-message-encoding"],
  };
  const basePort = integer("base-port", values["base-port"]);
  const adminPort = integer("admin-port", values["admin-port"]);
  const latencyMs = integer("latency-ms", values["latency-ms"]);
  return {
    emulator: {
      ...(stateFile ? { stateFile } : {}),
      ...(values.accounts ? { accounts: resolve(values.accounts) } : {}),
      ...(basePort !== undefined ? { basePort } : {}),
      ...(adminPort !== undefined ? { adminPort } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      discoveryFile,
      behaviour: behaviour as Partial<EmulatorBehaviour>,
    },
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

/**
 * The text printed once the emulator listens: endpoints and the lines to point clients at it.
 *
 * @example
 * ```ts
 * process.stdout.write(startupText(emulator, "/tmp/emulator.json"));
 * ```
 */
export function startupText(emulator: EmulatorHandle, discoveryFile: string | undefined): string {
  const regions = Object.keys(emulator.endpoints) as (keyof EmulatorHandle["endpoints"])[];
  const width = Math.max(...regions.map((r) => r.length), "admin API".length) + 2;
  const firstKey = emulator.accounts[0].accessKeys[0];
  const shanghai = new URL(emulator.endpoints["cn-shanghai"]).host;
  const lines = [
    "Emulator of IMS (event callbacks), Mns-open, RAM, STS and the MNS queue data API is listening.",
    "",
    "Endpoints:",
    ...regions.map((region) => `  ${region.padEnd(width)}${emulator.endpoints[region]}`),
    ...(emulator.adminUrl ? [`  ${"admin API".padEnd(width)}${emulator.adminUrl}`] : []),
    "",
    `State file:     ${emulator.store.file ?? "(in memory)"}`,
    ...(discoveryFile ? [`Discovery file: ${discoveryFile}`] : []),
    `Account:        ${emulator.defaultAccountId} (AccessKey ${firstKey.id})`,
    "",
    "Point a Pulumi stack at it:",
    ...regions.map(
      (region) =>
        `  pulumi config set --path 'ims-callback:endpoints.${region}' ${emulator.endpoints[region]}`,
    ),
    "",
    "Or through the environment:",
    `  export IMS_CALLBACK_ENDPOINTS='${JSON.stringify(emulator.endpoints)}'`,
    `  export ALIBABA_CLOUD_ACCESS_KEY_ID=${firstKey.id} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${firstKey.secret}`,
    "",
    "Alibaba's own SDK (@alicloud/openapi-core), e.g. for cn-shanghai:",
    `  new OpenApi.default({ accessKeyId: "${firstKey.id}", accessKeySecret: "${firstKey.secret}", endpoint: "${shanghai}", protocol: "http" })`,
    "",
    "The alicloud plugin (@pulumi/alicloud: queue, RAM policy, role, attachment), e.g. for cn-shanghai:",
    "  pulumi config set alicloud:region cn-shanghai",
    "  pulumi config set alicloud:protocol HTTP",
    `  pulumi config set alicloud:accountId ${emulator.defaultAccountId}`,
    "  pulumi config set alicloud:accountType Domestic",
    `  pulumi config set alicloud:accessKey ${firstKey.id}`,
    `  pulumi config set --secret alicloud:secretKey ${firstKey.secret}`,
    ...["ram", "sts", "mnsOpen"].map(
      (key) => `  pulumi config set --path 'alicloud:endpoints[0].${key}' ${shanghai}`,
    ),
    "",
    "A queue consumer (@alicloud/mns), e.g. for cn-shanghai:",
    `  new MNSClient("${emulator.defaultAccountId}", { endpoint: "${emulator.endpoints["cn-shanghai"]}", accessKeyId: "${firstKey.id}", accessKeySecret: "${firstKey.secret}" })`,
    "",
    "Press Ctrl+C to stop.",
    "",
  ];
  return lines.join("\n");
}

/**
 * The `--verbose` line of an API call; every text from the request is escaped and cut short
 * ({@link printableText}), so a request cannot write control sequences to the operator's terminal.
 *
 * @example
 * ```ts
 * requestLine(entry); // "2024-05-01T08:00:00.000Z cn-shanghai ICE GetEventCallback TESTAK… 200 OK 3.2ms\n"
 * ```
 */
export function requestLine(entry: RequestLogEntry): string {
  const text = (value: string | undefined): string => (value ? printableText(value) : "-");
  return `${entry.time} ${entry.region} ${text(entry.product)} ${text(entry.action)} ${text(entry.accessKeyId)} ${entry.status} ${printableText(entry.code)} ${entry.durationMs}ms\n`;
}

/**
 * The line printed for a call the emulator does not serve (or `undefined` for a served call), with
 * the request's text escaped and cut short like {@link requestLine}.
 */
export function unservedLine(entry: RequestLogEntry): string | undefined {
  if (!UNSERVED_CODES.has(entry.code)) return undefined;
  const product = entry.product ? printableText(entry.product) : "unknown product";
  const action = entry.action ? printableText(entry.action) : "(no action)";
  return `ims-emulator: not emulated: ${product} ${action} (${printableText(entry.code)}); see GET /unhandled\n`;
}

/**
 * Runs the command with `argv` (without `node` and the script); resolves with the emulator once
 * it listens. SIGINT/SIGTERM close it and exit with code 0.
 */
export async function runCli(argv: readonly string[]): Promise<EmulatorHandle | undefined> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`ims-emulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const emulator = await startEmulator({
    ...options.emulator,
    onRequest: (entry) => {
      if (options.verbose) process.stdout.write(requestLine(entry));
      const unserved = unservedLine(entry);
      if (unserved !== undefined) process.stderr.write(unserved);
    },
  });
  process.stdout.write(startupText(emulator, options.emulator.discoveryFile));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`ims-emulator: ${signal} again, exiting without waiting.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`Received ${signal}, stopping...\n`);
    emulator.close().then(
      () => {
        process.stdout.write("Stopped.\n");
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`ims-emulator: error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  return emulator;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`ims-emulator: ${error.message}\n`);
    process.exit(1);
  });
}
