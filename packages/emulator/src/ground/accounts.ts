/**
 * The accounts the emulator knows: their ids, AccessKey pairs and STS tokens.
 *
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";

/** How far a request's timestamp may be from the emulator's clock: 15 minutes, as Alibaba documents. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** A credential the emulator knows, found by its AccessKey id. */
export interface EmulatorCredential {
  /** The account (UserId) the key belongs to. */
  readonly accountId: string;
  /** The AccessKey id. */
  readonly accessKeyId: string;
  /** The AccessKey secret. */
  readonly accessKeySecret: string;
  /** For a temporary (STS) key: its security token and expiry (epoch ms). */
  readonly sts?: { readonly securityToken: string; readonly expiresAt: number };
}

/** A long-term AccessKey pair. */
export interface EmulatorAccessKey {
  /** AccessKey id, e.g. `"TESTAKEmulatorTestKey0001"`. */
  readonly id: string;
  /** AccessKey secret. */
  readonly secret: string;
}

/** A temporary credential as STS `AssumeRole` returns it. */
export interface EmulatorStsToken {
  /** The temporary AccessKey id, e.g. `"STS.EmulatorTestKey0001"`. */
  readonly accessKeyId: string;
  /** The temporary AccessKey secret. */
  readonly accessKeySecret: string;
  /** The security token sent with each request. */
  readonly securityToken: string;
  /** When the credential expires, UTC ISO 8601, e.g. `"2099-12-31T23:59:59Z"`. */
  readonly expiration: string;
}

/** One Alibaba Cloud account as the emulator sees it; each has its own setting per region. */
export interface EmulatorAccount {
  /** The account id (UserId): 16 digits. */
  readonly accountId: string;
  /** Long-term AccessKey pairs of the account. */
  readonly accessKeys: readonly EmulatorAccessKey[];
  /**
   * Temporary credentials of the account.
   *
   * @default []
   */
  readonly stsTokens?: readonly EmulatorStsToken[];
  /**
   * Whether IMS is activated in the account: then IMS's service role `AliyunICEDefaultRole` exists
   * (created with the system policy `AliyunICEDefaultRolePolicy` the first time the account is seen
   * in a state file). Change it at run time with `setImsActivated`.
   *
   * @default true
   */
  readonly imsActivated?: boolean;
}

/**
 * The ready-made test account, used when no accounts are configured.
 *
 * @example
 * ```ts
 * const { id, secret } = DEFAULT_TEST_ACCOUNT.accessKeys[0];
 * new OpenApi.default({ accessKeyId: id, accessKeySecret: secret, endpoint, protocol: "http" });
 * ```
 */
export const DEFAULT_TEST_ACCOUNT: EmulatorAccount = Object.freeze({
  accountId: "1234567890123456",
  accessKeys: Object.freeze([
    Object.freeze({ id: "TESTAKEmulatorTestKey0001", secret: "EmulatorTestSecret0000000000001" }),
  ]),
  stsTokens: Object.freeze([
    Object.freeze({
      accessKeyId: "STS.EmulatorTestKey0001",
      accessKeySecret: "EmulatorTestStsSecret000000001",
      securityToken: "EmulatorTestSecurityToken0000000001",
      expiration: "2099-12-31T23:59:59Z",
    }),
  ]),
});

function fail(problems: string[], where: string): never {
  throw new Error(`Invalid emulator accounts${where}:\n- ${problems.join("\n- ")}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks an accounts configuration (an array of {@link EmulatorAccount}, or `{ "accounts": [...] }`)
 * and returns it typed; throws once, listing every problem.
 *
 * @example
 * ```ts
 * parseAccounts([{ accountId: "1234567890123456", accessKeys: [{ id: "AK", secret: "SK" }] }]);
 * ```
 */
export function parseAccounts(config: unknown, where = ""): EmulatorAccount[] {
  const list = isObject(config) ? config.accounts : config;
  if (!Array.isArray(list) || list.length === 0)
    fail(['expected a non-empty array of accounts, or { "accounts": [...] }.'], where);
  const problems: string[] = [];
  const keyIds = new Set<string>();
  const accountIds = new Set<string>();
  const claimKeyId = (id: unknown, at: string): void => {
    if (typeof id !== "string" || id === "")
      problems.push(`${at}: the AccessKey id must be a non-empty string.`);
    else if (keyIds.has(id))
      problems.push(
        `${at}: AccessKey id '${id}' is used twice; ids must be unique across accounts.`,
      );
    else keyIds.add(id);
  };
  list.forEach((account: unknown, i) => {
    const at = `accounts[${i}]`;
    if (!isObject(account)) return void problems.push(`${at}: expected an object.`);
    if (typeof account.accountId !== "string" || !/^\d{16}$/.test(account.accountId)) {
      problems.push(`${at}.accountId: must be a 16-digit string such as "1234567890123456".`);
    } else if (accountIds.has(account.accountId)) {
      problems.push(`${at}.accountId: '${account.accountId}' is listed twice.`);
    } else accountIds.add(account.accountId);
    const keys = account.accessKeys;
    if (!Array.isArray(keys))
      problems.push(`${at}.accessKeys: must be an array of { id, secret }.`);
    else
      keys.forEach((key: unknown, k) => {
        if (!isObject(key))
          return void problems.push(`${at}.accessKeys[${k}]: expected { id, secret }.`);
        claimKeyId(key.id, `${at}.accessKeys[${k}].id`);
        if (typeof key.secret !== "string" || key.secret === "")
          problems.push(`${at}.accessKeys[${k}].secret: must be a non-empty string.`);
      });
    if (account.imsActivated !== undefined && typeof account.imsActivated !== "boolean")
      problems.push(`${at}.imsActivated: must be true or false.`);
    const tokens = account.stsTokens ?? [];
    if (!Array.isArray(tokens)) problems.push(`${at}.stsTokens: must be an array.`);
    else
      tokens.forEach((token: unknown, t) => {
        const tat = `${at}.stsTokens[${t}]`;
        if (!isObject(token))
          return void problems.push(
            `${tat}: expected { accessKeyId, accessKeySecret, securityToken, expiration }.`,
          );
        claimKeyId(token.accessKeyId, `${tat}.accessKeyId`);
        for (const field of ["accessKeySecret", "securityToken"]) {
          if (typeof token[field] !== "string" || token[field] === "")
            problems.push(`${tat}.${field}: must be a non-empty string.`);
        }
        if (typeof token.expiration !== "string" || Number.isNaN(Date.parse(token.expiration))) {
          problems.push(
            `${tat}.expiration: must be an ISO 8601 time such as "2099-12-31T23:59:59Z".`,
          );
        }
      });
  });
  if (problems.length > 0) fail(problems, where);
  return list as EmulatorAccount[];
}

/**
 * Reads and checks an accounts file (JSON, see `parseAccounts`).
 *
 * @example
 * ```ts
 * const accounts = loadAccountsFile("./emulator-accounts.json");
 * ```
 */
export function loadAccountsFile(path: string): EmulatorAccount[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read the emulator accounts file ${path}: ${(error as Error).message}`);
  }
  return parseAccounts(config, ` in ${path}`);
}

/**
 * Builds the AccessKey lookup the signature verifier uses.
 *
 * @example
 * ```ts
 * credentialResolver([DEFAULT_TEST_ACCOUNT])("TESTAKEmulatorTestKey0001")?.accountId; // "1234567890123456"
 * ```
 */
export function credentialResolver(
  accounts: readonly EmulatorAccount[],
): (accessKeyId: string) => EmulatorCredential | undefined {
  const byId = new Map<string, EmulatorCredential>();
  for (const account of accounts) {
    for (const key of account.accessKeys) {
      byId.set(key.id, {
        accountId: account.accountId,
        accessKeyId: key.id,
        accessKeySecret: key.secret,
      });
    }
    for (const token of account.stsTokens ?? []) {
      byId.set(token.accessKeyId, {
        accountId: account.accountId,
        accessKeyId: token.accessKeyId,
        accessKeySecret: token.accessKeySecret,
        sts: { securityToken: token.securityToken, expiresAt: Date.parse(token.expiration) },
      });
    }
  }
  return (accessKeyId) => byId.get(accessKeyId);
}
