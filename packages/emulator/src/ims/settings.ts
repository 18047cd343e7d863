/**
 * IMS's callback settings: one per account and region, the `accounts` section of the state file.
 *
 * @packageDocumentation
 */
import { StateFile } from "../ground/stateFile";

/** A region's callback setting, in the wire shape of `GetEventCallback`. */
export interface StoredSetting {
  /** `"HTTP"`, `"MNS"` or `""`. */
  readonly CallbackType: string;
  /** The HTTP(S) callback URL, or `""`. */
  readonly CallbackURL: string;
  /** The queue name (starts with `ice-callback-`), or `""`. */
  readonly CallbackQueueName: string;
  /** Event names joined by commas; `""` means none. */
  readonly EventTypeList: string;
  /** `"on"`, `"off"` or `""`. */
  readonly AuthSwitch: string;
  /** The callback authentication key, in clear text as IMS returns it, or `""`. */
  readonly AuthKey: string;
}

/** The fields of {@link StoredSetting}, in the order IMS documents them. */
export const SETTING_FIELDS = [
  "CallbackType",
  "CallbackURL",
  "CallbackQueueName",
  "EventTypeList",
  "AuthSwitch",
  "AuthKey",
] as const;

/**
 * Builds a complete setting from a partial one; missing fields become `""`.
 *
 * @example
 * ```ts
 * completeSetting({ CallbackType: "HTTP" }).CallbackURL; // ""
 * ```
 */
export function completeSetting(
  partial: Partial<Record<keyof StoredSetting, unknown>>,
): StoredSetting {
  const result: Record<string, string> = {};
  for (const field of SETTING_FIELDS) {
    const value = partial[field];
    result[field] = value === undefined || value === null ? "" : String(value);
  }
  return result as unknown as StoredSetting;
}

/**
 * The settings of every account and region. Reads are synchronous from memory; each change is
 * applied in memory at once (so concurrent changes never lose one another) and resolves once a
 * state file containing it has been written (see {@link StateFile}).
 *
 * @example
 * ```ts
 * const store = await SettingStore.open({ file: ".ims-emulator/state.json" });
 * await store.set("1234567890123456", "cn-shanghai", completeSetting({ CallbackType: "MNS" }));
 * ```
 */
export class SettingStore {
  private readonly settings = new Map<string, Map<string, StoredSetting>>();

  /**
   * Keeps the settings in `stateFile` under `accounts`. Throws if the file was read but holds no
   * `accounts` object.
   */
  constructor(private readonly stateFile: StateFile) {
    const accounts = stateFile.attachSection("accounts", { save: () => this.save() });
    if (
      stateFile.loaded &&
      (typeof accounts !== "object" || accounts === null || Array.isArray(accounts))
    ) {
      throw new Error(
        `The emulator state file ${stateFile.file} has no "accounts" object; fix it or move it away.`,
      );
    }
    if (typeof accounts !== "object" || accounts === null) return;
    for (const [accountId, regions] of Object.entries(accounts)) {
      if (typeof regions !== "object" || regions === null) continue;
      for (const [region, setting] of Object.entries(regions)) {
        if (typeof setting === "object" && setting !== null)
          this.put(accountId, region, completeSetting(setting));
      }
    }
  }

  /**
   * A store of its own state file (nothing else in it), loading `file` if it exists. Throws if the
   * file exists but is not a valid state file.
   *
   * @param options - `file`: the JSON state file. Defaults to none: state lives in memory only.
   */
  static async open(options: { readonly file?: string } = {}): Promise<SettingStore> {
    return new SettingStore(await StateFile.open(options));
  }

  /** The state file, or `undefined` for in-memory state. */
  get file(): string | undefined {
    return this.stateFile.file;
  }

  private save(): Record<string, Record<string, StoredSetting>> {
    const accounts: Record<string, Record<string, StoredSetting>> = {};
    for (const { accountId, region, setting } of this.list())
      (accounts[accountId] ??= {})[region] = setting;
    return accounts;
  }

  private put(accountId: string, region: string, setting: StoredSetting | undefined): void {
    let regions = this.settings.get(accountId);
    if (setting === undefined) {
      regions?.delete(region);
      if (regions?.size === 0) this.settings.delete(accountId);
      return;
    }
    if (!regions) this.settings.set(accountId, (regions = new Map()));
    regions.set(region, Object.freeze({ ...setting }));
  }

  /** The setting of `accountId` in `region`, or `undefined` if it was never written (or was cleared). */
  get(accountId: string, region: string): StoredSetting | undefined {
    return this.settings.get(accountId)?.get(region);
  }

  /** Every stored setting. */
  list(): { accountId: string; region: string; setting: StoredSetting }[] {
    const result: { accountId: string; region: string; setting: StoredSetting }[] = [];
    for (const [accountId, regions] of this.settings) {
      for (const [region, setting] of regions) result.push({ accountId, region, setting });
    }
    return result;
  }

  /**
   * Replaces the setting with what `change` returns for the current one (`undefined` clears it);
   * `change` runs synchronously, so read-modify-write through it is never interleaved.
   * Resolves with the new setting once it is persisted.
   */
  update(
    accountId: string,
    region: string,
    change: (current: StoredSetting | undefined) => StoredSetting | undefined,
  ): Promise<StoredSetting | undefined> {
    const next = change(this.get(accountId, region));
    this.put(accountId, region, next);
    const stored = this.get(accountId, region);
    return this.stateFile.changed().then(() => stored);
  }

  /** Stores `setting` for `accountId` in `region`. */
  set(
    accountId: string,
    region: string,
    setting: StoredSetting,
  ): Promise<StoredSetting | undefined> {
    return this.update(accountId, region, () => completeSetting(setting));
  }

  /** Removes the setting of `accountId` in `region`, as if it was never configured. */
  async clear(accountId: string, region: string): Promise<void> {
    await this.update(accountId, region, () => undefined);
  }

  /** Resolves once every change made so far is in the state file. */
  flush(): Promise<void> {
    return this.stateFile.flush();
  }
}
