/**
 * Proves: the store persists every change atomically (the file always parses, no temp files left),
 * concurrent changes are never lost, a reopened store has the same settings, a corrupt file is an
 * error rather than silently dropped state, and change listeners see every change.
 * Does not prove: crash safety under power loss (fsync is called but cannot be tested here).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { completeSetting, SettingStore } from "../src/ims/settings";
import { writeFileAtomic } from "../src/ground/stateFile";
import { removeTempDirs, tempDir } from "./helpers";

afterAll(removeTempDirs);

const ACCOUNT = "1234567890123456";

describe("SettingStore", () => {
  it("keeps state in memory when no file is given", async () => {
    const store = await SettingStore.open();
    await store.set(ACCOUNT, "cn-shanghai", completeSetting({ CallbackType: "MNS" }));
    expect(store.get(ACCOUNT, "cn-shanghai")?.CallbackType).toBe("MNS");
    expect(store.file).toBeUndefined();
  });

  it("persists changes and a reopened store has them", async () => {
    const file = join(tempDir(), "nested", "state.json");
    const store = await SettingStore.open({ file });
    const setting = completeSetting({
      CallbackType: "HTTP",
      CallbackURL: "https://a.example/cb",
      AuthSwitch: "on",
      AuthKey: "Key123abc",
    });
    await store.set(ACCOUNT, "cn-beijing", setting);
    await store.set(ACCOUNT, "us-west-1", completeSetting({ CallbackType: "MNS" }));
    await store.clear(ACCOUNT, "us-west-1");

    const reopened = await SettingStore.open({ file });
    expect(reopened.get(ACCOUNT, "cn-beijing")).toEqual(setting);
    expect(reopened.get(ACCOUNT, "us-west-1")).toBeUndefined();
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      version: 1,
      accounts: { [ACCOUNT]: { "cn-beijing": setting } },
    });
  });

  it("loses no update among 200 concurrent read-modify-write changes, and the file always parses", async () => {
    const dir = tempDir();
    const file = join(dir, "state.json");
    const store = await SettingStore.open({ file });
    const regions = ["cn-beijing", "cn-hangzhou", "cn-shanghai", "cn-shenzhen"];
    const seen: string[] = [];
    const increment = (region: string) =>
      store.update(ACCOUNT, region, (current) =>
        completeSetting({
          ...current,
          EventTypeList: String(Number(current?.EventTypeList || "0") + 1),
        }),
      );
    const readDuringWrites = setInterval(() => {
      try {
        seen.push(JSON.stringify(JSON.parse(readFileSync(file, "utf8"))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }, 1);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => increment(regions[i % regions.length])),
    );
    clearInterval(readDuringWrites);

    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    for (const region of regions) expect(onDisk.accounts[ACCOUNT][region].EventTypeList).toBe("50");
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("resolves an update only once the file holds it", async () => {
    const file = join(tempDir(), "state.json");
    const store = await SettingStore.open({ file });
    for (let i = 0; i < 5; i++) {
      await store.set(ACCOUNT, "cn-shanghai", completeSetting({ AuthKey: `Key${i}abc` }));
      expect(JSON.parse(readFileSync(file, "utf8")).accounts[ACCOUNT]["cn-shanghai"].AuthKey).toBe(
        `Key${i}abc`,
      );
    }
  });

  it("refuses to start on a corrupt state file instead of discarding it", async () => {
    const file = join(tempDir(), "state.json");
    writeFileSync(file, '{"version":1,"accounts":{');
    await expect(SettingStore.open({ file })).rejects.toThrow(
      `The emulator state file ${file} is not valid JSON`,
    );
    writeFileSync(file, "[]");
    await expect(SettingStore.open({ file })).rejects.toThrow(
      `The emulator state file ${file} has no "accounts" object; fix it or move it away.`,
    );
  });

  it("fills missing fields with empty strings when loading", async () => {
    const file = join(tempDir(), "state.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        accounts: { [ACCOUNT]: { "cn-shanghai": { CallbackType: "MNS" } } },
      }),
    );
    const store = await SettingStore.open({ file });
    expect(store.get(ACCOUNT, "cn-shanghai")).toEqual({
      CallbackType: "MNS",
      CallbackURL: "",
      CallbackQueueName: "",
      EventTypeList: "",
      AuthSwitch: "",
      AuthKey: "",
    });
  });

  it("rejects a pending change when the file cannot be written, and recovers on the next", async () => {
    const dir = tempDir();
    const store = await SettingStore.open({ file: join(dir, "missing-dir", "state.json") });
    // Remove the directory so the write fails.
    rmSync(join(dir, "missing-dir"), { recursive: true });
    const refused = completeSetting({
      CallbackType: "HTTP",
      CallbackURL: "https://example.com/refused-write",
      AuthSwitch: "off",
    });
    await expect(store.set(ACCOUNT, "cn-shanghai", refused)).rejects.toThrow(/ENOENT/);
    mkdirSync(join(dir, "missing-dir"));
    const next = completeSetting({ CallbackType: "MNS", CallbackQueueName: "ice-callback-next" });
    await store.set(ACCOUNT, "cn-hangzhou", next);
    // The next write holds the change the failed one could not persist, and its own.
    expect(
      JSON.parse(readFileSync(join(dir, "missing-dir", "state.json"), "utf8")).accounts[ACCOUNT],
    ).toEqual({ "cn-shanghai": refused, "cn-hangzhou": next });
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temporary file", async () => {
    const dir = tempDir();
    const file = join(dir, "f.json");
    await writeFileAtomic(file, "one");
    await writeFileAtomic(file, "two");
    expect(readFileSync(file, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["f.json"]);
  });
});
