/**
 * The provider's settings: one table of every `ims-callback:*` key with its environment variable,
 * parser, default and description. Each is read from stack config or, when not set there, from its
 * environment variable, parsed by its kind (one parser and one message per kind) and refused with a
 * message naming the source and what it accepts. docs/configuration.md is generated from the table.
 *
 * @packageDocumentation
 */
import { userConfigKey, type StackConfigReader } from "../shared/credentials";
import { IMS_ENDPOINT_TYPES } from "../shared/regions";

/** How a setting's text is parsed, and what messages say it accepts. */
export interface SettingKind<T> {
  /** What the value must be, completing "`<source>` must be ...", e.g. `one of "public", "vpc"`. */
  readonly accepts: string;
  /** The value the text denotes, or `undefined` when it denotes none. */
  parse(text: string): T | undefined;
  /** Whether a refused text may be quoted in the message (not when it may hold URL user info). */
  readonly quotesRefusedText: boolean;
}

/** One provider setting: where it is read from, how it is parsed, and its default. */
export interface ProviderSetting<T, K extends string | undefined = string | undefined> {
  /** Stack config key, e.g. `"ims-callback:timeoutMs"`; `undefined` for an environment-only switch. */
  readonly configKey: K;
  /** Environment variable used when the stack config does not set it. */
  readonly envVar: string;
  /** The parser. */
  readonly kind: SettingKind<T>;
  /** The value when neither source sets it. */
  readonly default: NoInfer<T>;
  /** The default as the reference shows it, when `JSON.stringify(default)` does not say it. */
  readonly defaultText?: string;
  /** What the setting does, one or two sentences for the reference. */
  readonly description: string;
}

/** A whole number from `min` to `max`; `unit` as messages count it, e.g. `"of milliseconds"`. */
export function wholeNumber(min: number, max: number, unit: string): SettingKind<number> {
  return {
    accepts: `a whole number ${unit} from ${min} to ${max}`,
    parse: (text) => {
      const value = Number(text);
      return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
    },
    quotesRefusedText: true,
  };
}

/** One of `values`, exactly as written. */
export function oneOf<T extends string>(values: readonly T[]): SettingKind<T> {
  return {
    accepts: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`,
    parse: (text) => values.find((v) => v === text),
    quotesRefusedText: true,
  };
}

/** `"true"` or `"false"`. */
export const TRUE_OR_FALSE: SettingKind<boolean> = {
  accepts: '"true" or "false"',
  parse: (text) => (text === "true" ? true : text === "false" ? false : undefined),
  quotesRefusedText: true,
};

/** A JSON object of region to endpoint URL (never quoted back: an endpoint may hold user info). */
export const REGION_ENDPOINT_MAP: SettingKind<ReadonlyMap<string, string>> = {
  accepts: 'a JSON object of region to endpoint, e.g. {"cn-shanghai":"http://127.0.0.1:4101"}',
  parse: (text) => {
    let map: unknown;
    try {
      map = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (map === null || typeof map !== "object" || Array.isArray(map)) return undefined;
    const entries = Object.entries(map as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === "string" && v !== "")) return undefined;
    return new Map(entries as [string, string][]);
  },
  quotesRefusedText: false,
};

/**
 * An endpoint: `host[:port]`, or an `http://` / `https://` URL of a host (never quoted back: it may
 * hold user info).
 */
export const ENDPOINT: SettingKind<string> = {
  accepts: "a host[:port] or an http(s) URL of one, e.g. http://127.0.0.1:4101",
  parse: (text) => {
    const value = text.trim();
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
    if (scheme === undefined) return /^[^\s/@?#]+$/.test(value) ? value : undefined;
    if (!/^https?$/i.test(scheme)) return undefined;
    return /^https?:\/\/[^\s/@?#]+\/?$/i.test(value) ? value : undefined;
  },
  quotesRefusedText: false,
};

function defineSetting<T, const K extends string | undefined>(
  setting: ProviderSetting<T, K>,
): ProviderSetting<T, K> {
  return setting;
}

/** Every setting of the provider, in the order the reference lists them. */
export const PROVIDER_SETTINGS = {
  endpoints: defineSetting({
    configKey: "ims-callback:endpoints",
    envVar: "IMS_CALLBACK_ENDPOINTS",
    kind: REGION_ENDPOINT_MAP,
    default: new Map(),
    defaultText: "derived from the region and `endpointType`",
    description:
      "IMS endpoint per region (`host[:port]` or an http(s) URL), for the local emulator or a private endpoint; " +
      "regions it does not name use the derived endpoint.",
  }),
  endpointType: defineSetting({
    configKey: "ims-callback:endpointType",
    envVar: "IMS_CALLBACK_ENDPOINT_TYPE",
    kind: oneOf(IMS_ENDPOINT_TYPES),
    default: "public",
    description:
      "`public` calls `ice.<region>.aliyuncs.com`, `vpc` calls `ice-vpc.<region>.aliyuncs.com` (from inside an Alibaba Cloud VPC).",
  }),
  timeoutMs: defineSetting({
    configKey: "ims-callback:timeoutMs",
    envVar: "IMS_CALLBACK_TIMEOUT_MS",
    kind: wholeNumber(1, 600_000, "of milliseconds"),
    default: 10_000,
    description: "Timeout of one request to IMS (and of the queue guard's Mns-open request).",
  }),
  maxAttempts: defineSetting({
    configKey: "ims-callback:maxAttempts",
    envVar: "IMS_CALLBACK_MAX_ATTEMPTS",
    kind: wholeNumber(1, 10, "of attempts"),
    default: 5,
    description:
      "Attempts per IMS call, the first included, when it fails with throttling, a 5xx answer or a network error.",
  }),
  raceCheckDelayMs: defineSetting({
    configKey: "ims-callback:raceCheckDelayMs",
    envVar: "IMS_CALLBACK_RACE_CHECK_DELAY_MS",
    kind: wholeNumber(0, 60_000, "of milliseconds"),
    default: 2000,
    description:
      "How long a create waits after its write before reading it back to detect a racing writer; `0` reads back at once.",
  }),
  mnsOpenEndpoint: defineSetting({
    // Environment only: a destroy configures the provider from the inputs recorded at the last
    // `pulumi up`, so a stack config set afterwards never reaches the guard; the environment does.
    configKey: undefined,
    envVar: "IMS_CALLBACK_MNS_OPEN_ENDPOINT",
    kind: ENDPOINT,
    default: "",
    defaultText: "the stack config's, else `mns-open.<region>.aliyuncs.com`",
    description:
      "The Mns-open endpoint at which the queue guard counts a queue's messages before its delete, for this run; " +
      "it wins over the stack config's (`alicloud:endpoints` `mnsOpen`, the plugin's `alicloud-ims-callback:mnsOpenEndpoint`), " +
      "which a destroy takes from the last `pulumi up`. A host without scheme uses the configured protocol, else HTTPS.",
  }),
  deleteQueuesWithMessages: defineSetting({
    // Environment only: a switch for one run. In stack config it would stay on and turn the
    // queue guard off for every later run.
    configKey: undefined,
    envVar: "IMS_CALLBACK_DELETE_QUEUES_WITH_MESSAGES",
    kind: TRUE_OR_FALSE,
    default: false,
    description:
      "`true` lets this run delete guarded queues that still hold messages (a queue the program no longer declares, " +
      "e.g. after a rename). Environment only, so that it cannot stay on.",
  }),
} as const;

/** Per-call timeout of the IMS client. */
export const TIMEOUT_SETTING = PROVIDER_SETTINGS.timeoutMs;
/** Attempts per IMS call, the first included. */
export const MAX_ATTEMPTS_SETTING = PROVIDER_SETTINGS.maxAttempts;
/** Delay before a create reads its write back to detect a racing writer. */
export const RACE_CHECK_DELAY_SETTING = PROVIDER_SETTINGS.raceCheckDelayMs;

/**
 * The setting's value from `configValue` (stack config) or else `envValue`, or `undefined` when
 * neither sets it (an empty text sets nothing). Throws, naming the source and what the setting
 * accepts, when the text is not a value of its kind; `configKeyName` is the key the message names
 * for the stack config (the provider plugin's own key on its path).
 */
export function parseSetting<T>(
  setting: ProviderSetting<T>,
  configValue: string | undefined,
  envValue: string | undefined,
  configKeyName: string | undefined = setting.configKey,
): T | undefined {
  const [source, text] =
    setting.configKey !== undefined && configValue !== undefined && configValue !== ""
      ? [`stack config ${configKeyName ?? setting.configKey}`, configValue]
      : [setting.envVar, envValue];
  if (text === undefined || text === "") return undefined;
  const value = setting.kind.parse(text);
  if (value === undefined) {
    const got = setting.kind.quotesRefusedText ? `, got ${JSON.stringify(text)}` : "";
    throw new Error(`${source} must be ${setting.kind.accepts}${got}.`);
  }
  return value;
}

/** The setting's value from stack config, else the environment, else its default; see {@link parseSetting}. */
export function readSetting<T>(
  setting: ProviderSetting<T>,
  config: StackConfigReader | undefined,
  env: NodeJS.ProcessEnv = process.env,
): T {
  if (setting.configKey === undefined)
    return parseSetting(setting, undefined, env[setting.envVar]) ?? setting.default;
  const configValue = config?.get(setting.configKey);
  const keyName = userConfigKey(config, setting.configKey);
  return parseSetting(setting, configValue, env[setting.envVar], keyName) ?? setting.default;
}
