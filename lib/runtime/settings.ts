/**
 * Numeric provider settings read from stack config (`ims-callback:*`) or, when not set there, from
 * an environment variable; one parser and one message for all of them.
 *
 * @packageDocumentation
 */

/** Where a numeric setting is read from and what it accepts. */
export interface WholeNumberSetting {
  /** Stack config key, e.g. `"ims-callback:timeoutMs"`. */
  readonly configKey: string;
  /** Environment variable used when the stack config does not set it. */
  readonly envVar: string;
  readonly min: number;
  readonly max: number;
  /** How the value is counted in messages, e.g. `"of milliseconds"`. */
  readonly unit: string;
}

/**
 * The setting's value, or `undefined` when neither source sets it. Throws, naming the source and the
 * accepted range, when the value is not a whole number in range.
 */
export function readWholeNumberSetting(
  setting: WholeNumberSetting,
  configValue: string | undefined,
  envValue: string | undefined,
): number | undefined {
  const [source, text] =
    configValue !== undefined && configValue !== ""
      ? [`stack config ${setting.configKey}`, configValue]
      : [setting.envVar, envValue];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
    throw new Error(
      `${source} must be a whole number ${setting.unit} from ${setting.min} to ${setting.max}, got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}

/** Per-call timeout of the IMS client. */
export const TIMEOUT_SETTING: WholeNumberSetting = {
  configKey: "ims-callback:timeoutMs",
  envVar: "IMS_CALLBACK_TIMEOUT_MS",
  min: 1,
  max: 600_000,
  unit: "of milliseconds",
};

/** Attempts per IMS call, the first included. */
export const MAX_ATTEMPTS_SETTING: WholeNumberSetting = {
  configKey: "ims-callback:maxAttempts",
  envVar: "IMS_CALLBACK_MAX_ATTEMPTS",
  min: 1,
  max: 10,
  unit: "of attempts",
};

/** Delay before a create reads its write back to detect a racing writer. */
export const RACE_CHECK_DELAY_SETTING: WholeNumberSetting = {
  configKey: "ims-callback:raceCheckDelayMs",
  envVar: "IMS_CALLBACK_RACE_CHECK_DELAY_MS",
  min: 0,
  max: 60_000,
  unit: "of milliseconds",
};
