/**
 * What {@link startEmulator} takes and returns: the options, the running emulator's handle and the
 * discovery file's content.
 *
 * @packageDocumentation
 */
import {
  DEFAULT_TEST_ACCOUNT,
  type EmulatorAccount,
  loadAccountsFile,
  parseAccounts,
} from "../ground/accounts";
import { type EmulatorBehaviour, resolveBehaviour } from "../ground/behaviour";
import { checkLatency } from "../ground/faults";
import type { RequestLogEntry } from "../ground/requestLog";
import type { EmulatorControl } from "./contract";
import { EMULATOR_REGIONS, type EmulatorRegion } from "../ground/regions";
import type { DeliveryPolicy } from "../ims/delivery";
import type { SettingStore } from "../ims/settings";

/**
 * Options of {@link startEmulator}.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ stateFile: "/tmp/ims/state.json", behaviour: { unconfiguredRead: "omitted" } });
 * ```
 */
export interface EmulatorOptions {
  /**
   * JSON file holding the settings, loaded at start and rewritten atomically on every change.
   *
   * @default none: in memory only
   */
  readonly stateFile?: string;
  /**
   * The accounts, or the path of a JSON file holding them.
   *
   * @default [DEFAULT_TEST_ACCOUNT]
   */
  readonly accounts?: readonly EmulatorAccount[] | string;
  /**
   * Region `i` of {@link EMULATOR_REGIONS} listens on `basePort + i`; `0` picks free ports.
   *
   * @default 0
   */
  readonly basePort?: number;
  /**
   * Port of the admin API; `false` for none.
   *
   * @default `basePort + 6` when `basePort` is set, else a free port
   */
  readonly adminPort?: number | false;
  /**
   * Behaviour switches where the real API is unverified.
   *
   * @default `DEFAULT_BEHAVIOUR` (behaviour.ts): every switch at the choice the emulator guessed
   */
  readonly behaviour?: Partial<EmulatorBehaviour>;
  /**
   * Latency added to every API call, ms.
   *
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Writes `{ endpoints, adminUrl, pid, stateFile }` to this file once listening, removes it on close.
   *
   * @default none
   */
  readonly discoveryFile?: string;
  /**
   * Request log entries kept.
   *
   * @default 1000
   */
  readonly logLimit?: number;
  /**
   * Called after every API call with its log entry.
   *
   * @default none
   */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Event delivery timing (emitEvent).
   *
   * @default IMS's: 3 s timeout, 2 retries 1 s apart
   */
  readonly deliveryPolicy?: Partial<DeliveryPolicy>;
  /**
   * The clock used for signature timestamps, epoch ms.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * A running emulator: its endpoints, the control operations in-process, and `close()`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * try {
 *   console.log(emulator.endpoints["cn-shanghai"]); // "http://127.0.0.1:40123"
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export interface EmulatorHandle extends EmulatorControl {
  /** Region → API endpoint URL, e.g. `http://127.0.0.1:40123`. */
  readonly endpoints: Readonly<Record<EmulatorRegion, string>>;
  /** The admin API's URL, or `undefined` when disabled. */
  readonly adminUrl: string | undefined;
  /** The configured accounts. */
  readonly accounts: readonly EmulatorAccount[];
  /** The account used when a control call names none (the first configured). */
  readonly defaultAccountId: string;
  /** The settings store; a delivery module can read settings and subscribe to changes here. */
  readonly store: SettingStore;
  /** Stops every listener, then flushes the state file. Safe to call twice. */
  close(): Promise<void>;
}

/** The discovery file's content: how scripts find a running emulator. */
export interface EmulatorDiscovery {
  /** Region → API endpoint URL. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The admin API's URL, if it listens. */
  readonly adminUrl?: string;
  /** The emulator's process id. */
  readonly pid: number;
  /** The state file, if state is persisted. */
  readonly stateFile?: string;
}

/** `options` checked, with their defaults filled in. */
export interface ResolvedOptions {
  readonly accounts: readonly EmulatorAccount[];
  readonly ports: { readonly basePort: number; readonly adminPort: number | false };
  readonly behaviour: EmulatorBehaviour;
  readonly latencyMs: number;
  readonly logLimit: number;
  readonly now: () => number;
}

function checkPort(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be an integer port between 0 and 65535.`);
  }
  return value;
}

/** Checks `options` and fills in their defaults; throws naming the option at fault. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const accounts =
    typeof options.accounts === "string"
      ? loadAccountsFile(options.accounts)
      : parseAccounts(options.accounts ?? [DEFAULT_TEST_ACCOUNT]);
  const basePort = checkPort("basePort", options.basePort ?? 0);
  const adminPort =
    options.adminPort === false
      ? false
      : checkPort(
          "adminPort",
          options.adminPort ?? (basePort ? basePort + EMULATOR_REGIONS.length : 0),
        );
  return {
    accounts,
    ports: { basePort, adminPort },
    behaviour: resolveBehaviour(options.behaviour ?? {}),
    latencyMs: checkLatency(options.latencyMs ?? 0),
    logLimit: options.logLimit ?? 1000,
    now: options.now ?? Date.now,
  };
}
