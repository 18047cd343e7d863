/**
 * Proves: account configs are checked with every problem named, an accounts file is honoured, and
 * each account has its own setting per region (one account never sees another's).
 * Does not prove: RAM permissions (the emulator has none: every known key may call both actions).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_TEST_ACCOUNT, EmulatorAccount, loadAccountsFile, startEmulator } from "../src";
import { parseAccounts } from "../src/ground/accounts";
import { credentialResolver } from "../src/ground/accounts";
import { callSdk, removeTempDirs, sdkClient, sdkError, tempDir } from "./helpers";

afterAll(removeTempDirs);

const SECOND: EmulatorAccount = {
  accountId: "6543210987654321",
  accessKeys: [{ id: "TESTAKSecondAccount01", secret: "SecondSecret" }],
};

describe("parseAccounts", () => {
  it("accepts an array or { accounts }", () => {
    expect(parseAccounts([SECOND])).toEqual([SECOND]);
    expect(parseAccounts({ accounts: [SECOND] })).toEqual([SECOND]);
  });

  it("names every problem at once", () => {
    expect(() =>
      parseAccounts([
        { accountId: "123", accessKeys: [{ id: "K", secret: "" }] },
        {
          accountId: "6543210987654321",
          accessKeys: [{ id: "K", secret: "s" }],
          stsTokens: [
            { accessKeyId: "STS.1", accessKeySecret: "s", securityToken: "t", expiration: "soon" },
          ],
        },
      ]),
    ).toThrow(
      [
        "Invalid emulator accounts:",
        '- accounts[0].accountId: must be a 16-digit string such as "1234567890123456".',
        "- accounts[0].accessKeys[0].secret: must be a non-empty string.",
        "- accounts[1].accessKeys[0].id: AccessKey id 'K' is used twice; ids must be unique across accounts.",
        '- accounts[1].stsTokens[0].expiration: must be an ISO 8601 time such as "2099-12-31T23:59:59Z".',
      ].join("\n"),
    );
    expect(() => parseAccounts([])).toThrow(
      'expected a non-empty array of accounts, or { "accounts": [...] }.',
    );
  });

  it("reads a file and says which file is wrong", () => {
    const dir = tempDir();
    const good = join(dir, "good.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify({ accounts: [SECOND] }));
    writeFileSync(bad, JSON.stringify([{ accountId: "1" }]));
    expect(loadAccountsFile(good)).toEqual([SECOND]);
    expect(() => loadAccountsFile(bad)).toThrow(`Invalid emulator accounts in ${bad}:`);
    expect(() => loadAccountsFile(join(dir, "none.json"))).toThrow(
      `Cannot read the emulator accounts file ${join(dir, "none.json")}`,
    );
  });

  it("resolves long-term and temporary keys to their account", () => {
    const resolve = credentialResolver([DEFAULT_TEST_ACCOUNT, SECOND]);
    expect(resolve("TESTAKSecondAccount01")).toEqual({
      accountId: SECOND.accountId,
      accessKeyId: "TESTAKSecondAccount01",
      accessKeySecret: "SecondSecret",
    });
    expect(resolve("STS.EmulatorTestKey0001")?.sts?.expiresAt).toBe(
      Date.parse("2099-12-31T23:59:59Z"),
    );
    expect(resolve("nope")).toBeUndefined();
  });
});

describe("accounts in a running emulator", () => {
  it("keeps one setting per account and region", async () => {
    const file = join(tempDir(), "accounts.json");
    writeFileSync(file, JSON.stringify([DEFAULT_TEST_ACCOUNT, SECOND]));
    const emulator = await startEmulator({ accounts: file, adminPort: false });
    try {
      const endpoint = emulator.endpoints["cn-hangzhou"];
      const second = sdkClient(endpoint, {
        accessKeyId: "TESTAKSecondAccount01",
        accessKeySecret: "SecondSecret",
      });
      await callSdk(second, "SetEventCallback", {
        CallbackType: "MNS",
        CallbackQueueName: "ice-callback-second",
      });
      expect((await callSdk(sdkClient(endpoint), "GetEventCallback")).CallbackQueueName).toBe("");
      expect((await callSdk(second, "GetEventCallback")).CallbackQueueName).toBe(
        "ice-callback-second",
      );
      expect(await emulator.getSetting("cn-hangzhou", SECOND.accountId)).toMatchObject({
        CallbackType: "MNS",
      });
      expect(await emulator.getSetting("cn-hangzhou")).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });

  it("does not know the default account's key when other accounts are configured", async () => {
    const emulator = await startEmulator({ accounts: [SECOND], adminPort: false });
    try {
      const error = await sdkError(
        callSdk(sdkClient(emulator.endpoints["cn-hangzhou"]), "GetEventCallback"),
      );
      expect([error.statusCode, error.code]).toEqual([404, "InvalidAccessKeyId.NotFound"]);
    } finally {
      await emulator.close();
    }
  });
});
