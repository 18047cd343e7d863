/**
 * The emulator's state: one callback setting per account and region, kept in memory and
 * persisted to a JSON file with atomic writes, so a restart keeps it.
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname } from "node:path";

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

/** The JSON document of the state file: the settings, plus one entry per registered section. */
interface StateFile {
  readonly version: 1;
  readonly accounts: Record<string, Record<string, StoredSetting>>;
  readonly [section: string]: unknown;
}

/**
 * Another part of the emulator's state kept in the same file (RAM, queues): its JSON is read once
 * at start and written with every change of the file.
 */
export interface StateSection {
  /** The section's JSON for the state file. */
  save(): unknown;
}

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
 * Writes `data` to `file` so that a reader sees either the old or the new content, never a part:
 * write a temporary file beside it, fsync, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await fs.open(temp, "w", 0o600);
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  try {
    const dir = await fs.open(dirname(file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename itself is atomic.
  }
}

interface Waiter {
  readonly generation: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The settings of every account and region. Reads are synchronous from memory; each change is
 * applied in memory at once (so concurrent changes never lose one another) and resolves once a
 * state file containing it has been written. Writes are serialized and coalesced: while one write
 * is in flight, later changes are batched into the next.
 *
 * @example
 * ```ts
 * const store = await SettingStore.open({ file: ".ims-emulator/state.json" });
 * await store.set("1234567890123456", "cn-shanghai", completeSetting({ CallbackType: "MNS" }));
 * ```
 */
export class SettingStore {
  private readonly settings = new Map<string, Map<string, StoredSetting>>();
  private readonly sections = new Map<string, StateSection>();
  private loadedSections: Record<string, unknown> = {};
  private generation = 0;
  private written = 0;
  private writing = false;
  private waiters: Waiter[] = [];

  private constructor(
    /** The state file, or `undefined` for an in-memory store. */
    readonly file: string | undefined,
  ) {}

  /**
   * Opens the store, loading `file` if it exists. Throws if the file exists but is not a valid
   * state file (the emulator never silently discards state).
   *
   * @param options - `file`: the JSON state file. Defaults to none: state lives in memory only.
   */
  static async open(options: { readonly file?: string } = {}): Promise<SettingStore> {
    const store = new SettingStore(options.file);
    if (options.file) {
      await fs.mkdir(dirname(options.file), { recursive: true });
      let text: string | undefined;
      try {
        text = await fs.readFile(options.file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      if (text !== undefined) store.load(text, options.file);
    }
    return store;
  }

  private load(text: string, file: string): void {
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `The emulator state file ${file} is not valid JSON (${(error as Error).message}); fix it or move it away.`,
      );
    }
    const accounts = (state as Partial<StateFile> | null)?.accounts;
    if (typeof accounts !== "object" || accounts === null || Array.isArray(accounts)) {
      throw new Error(
        `The emulator state file ${file} has no "accounts" object; fix it or move it away.`,
      );
    }
    const { version: _version, accounts: _accounts, ...sections } = state as StateFile;
    this.loadedSections = sections;
    for (const [accountId, regions] of Object.entries(accounts)) {
      if (typeof regions !== "object" || regions === null) continue;
      for (const [region, setting] of Object.entries(regions)) {
        if (typeof setting === "object" && setting !== null)
          this.put(accountId, region, completeSetting(setting));
      }
    }
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
    return this.persist().then(() => stored);
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

  /**
   * Keeps `section` in the state file under `name` and returns the JSON stored there at start
   * (`undefined` when none). The section's owner calls {@link SettingStore.sectionChanged}
   * after each change.
   */
  attachSection(name: string, section: StateSection): unknown {
    if (name === "version" || name === "accounts" || this.sections.has(name))
      throw new Error(`State section '${name}' is taken.`);
    this.sections.set(name, section);
    return this.loadedSections[name];
  }

  /** Records that a section changed; resolves once the state file holds the change. */
  sectionChanged(): Promise<void> {
    return this.persist();
  }

  /** Resolves once every change made so far is in the state file. */
  flush(): Promise<void> {
    return this.persist(false);
  }

  private persist(changed = true): Promise<void> {
    if (changed) this.generation++;
    if (!this.file || this.written >= this.generation) return Promise.resolve();
    const generation = this.generation;
    const done = new Promise<void>((resolve, reject) =>
      this.waiters.push({ generation, resolve, reject }),
    );
    if (!this.writing) void this.writeLoop(this.file);
    return done;
  }

  private async writeLoop(file: string): Promise<void> {
    this.writing = true;
    try {
      while (this.written < this.generation) {
        const target = this.generation;
        const state: Record<string, unknown> & StateFile = {
          ...this.loadedSections,
          version: 1,
          accounts: {},
        };
        for (const { accountId, region, setting } of this.list())
          (state.accounts[accountId] ??= {})[region] = setting;
        for (const [name, section] of this.sections) state[name] = section.save();
        try {
          await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
          this.written = target;
          this.settle(target, undefined);
        } catch (error) {
          this.settle(target, error as Error);
          return;
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private settle(upTo: number, error: Error | undefined): void {
    const remaining: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.generation > upTo) remaining.push(waiter);
      else if (error) waiter.reject(error);
      else waiter.resolve();
    }
    this.waiters = remaining;
  }
}
