/**
 * The emulator's state file: every product's state (IMS settings, RAM, queues) in one JSON document,
 * one section per product, loaded at start and rewritten atomically after every change, so a
 * restart keeps it.
 *
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname } from "node:path";

/**
 * Another part of the emulator's state kept in the same file (RAM, queues): its JSON is read once
 * at start and written with every change of the file.
 */
export interface StateSection {
  /** The section's JSON for the state file. */
  save(): unknown;
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
 * The state file and its sections. Each change is made in memory by the section's owner, which then
 * calls {@link StateFile.changed}; that resolves once a file containing the change has been written.
 * Writes are serialized and coalesced: while one write is in flight, later changes are batched
 * into the next. Without a file, state lives in memory only.
 *
 * @example
 * ```ts
 * const stateFile = await StateFile.open({ file: ".ims-emulator/state.json" });
 * const settings = new SettingStore(stateFile);
 * ```
 */
export class StateFile {
  private readonly sections = new Map<string, StateSection>();
  private loadedSections: Record<string, unknown> = {};
  private generation = 0;
  private written = 0;
  private writing = false;
  private waiters: Waiter[] = [];

  private constructor(
    /** The state file, or `undefined` for in-memory state. */
    readonly file: string | undefined,
  ) {}

  /**
   * Opens the state file, loading it if it exists. Throws if it exists but is not JSON (the
   * emulator never silently discards state).
   *
   * @param options - `file`: the JSON state file. Defaults to none: state lives in memory only.
   */
  static async open(options: { readonly file?: string } = {}): Promise<StateFile> {
    const stateFile = new StateFile(options.file);
    if (options.file) {
      await fs.mkdir(dirname(options.file), { recursive: true });
      let text: string | undefined;
      try {
        text = await fs.readFile(options.file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      if (text !== undefined) stateFile.load(text, options.file);
    }
    return stateFile;
  }

  /** Whether a state file was read at start (sections may then require their JSON). */
  get loaded(): boolean {
    return Object.keys(this.loadedSections).length > 0;
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
    // A document that is not an object holds no section; each section's owner decides whether its
    // absence is an error.
    const sections =
      typeof state === "object" && state !== null && !Array.isArray(state) ? state : {};
    this.loadedSections = { ...sections, version: 1 };
  }

  /**
   * Keeps `section` in the state file under `name` and returns the JSON stored there at start
   * (`undefined` when none). The section's owner calls {@link StateFile.changed} after each change.
   */
  attachSection(name: string, section: StateSection): unknown {
    if (name === "version" || this.sections.has(name))
      throw new Error(`State section '${name}' is taken.`);
    this.sections.set(name, section);
    return this.loadedSections[name];
  }

  /** Records that a section changed; resolves once the state file holds the change. */
  changed(): Promise<void> {
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
        const state: Record<string, unknown> = { ...this.loadedSections, version: 1 };
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
