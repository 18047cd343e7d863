/**
 * Validation of a callback setting before any API call. Every problem is reported at once, each
 * naming the property and the fix; hard problems are errors, doubtful ones warnings.
 *
 * @packageDocumentation
 */
import { closestEventType, isKnownEventType, RETIRED_EVENT_TYPES } from "./events";
import { IMS_REGIONS, isDocumentedRegion } from "./regions";
import { describeUrl, parseHttpUrl } from "./url";

/** How a deleted `EventCallback` leaves the region's setting. */
export type DeletionPolicy = "restore" | "clear" | "retain";

/** The deletion policies, in documentation order. */
export const DELETION_POLICIES: readonly DeletionPolicy[] = ["restore", "clear", "retain"];

/**
 * The values of the optional EventCallback inputs when they are not set. The program, the provider
 * and the policy pack all fill them through {@link withCallbackDefaults} or read them here.
 */
export const CALLBACK_INPUT_DEFAULTS: {
  readonly adoptExisting: false;
  readonly deletionPolicy: DeletionPolicy;
  readonly allowUndocumentedRegion: false;
} = Object.freeze({
  adoptExisting: false,
  deletionPolicy: "restore",
  allowUndocumentedRegion: false,
});

/** The optional inputs {@link withCallbackDefaults} fills in (plain values or Pulumi inputs). */
export interface OptionalCallbackInputs {
  readonly adoptExisting?: unknown;
  readonly deletionPolicy?: unknown;
  readonly allowUndocumentedRegion?: unknown;
}

/** `inputs` with every unset optional input set to its {@link CALLBACK_INPUT_DEFAULTS} value. */
export function withCallbackDefaults<T extends OptionalCallbackInputs>(
  inputs: T,
): T & {
  adoptExisting: NonNullable<T["adoptExisting"]> | false;
  deletionPolicy: NonNullable<T["deletionPolicy"]> | DeletionPolicy;
  allowUndocumentedRegion: NonNullable<T["allowUndocumentedRegion"]> | false;
} {
  return {
    ...inputs,
    adoptExisting: inputs.adoptExisting ?? CALLBACK_INPUT_DEFAULTS.adoptExisting,
    deletionPolicy: inputs.deletionPolicy ?? CALLBACK_INPUT_DEFAULTS.deletionPolicy,
    allowUndocumentedRegion:
      inputs.allowUndocumentedRegion ?? CALLBACK_INPUT_DEFAULTS.allowUndocumentedRegion,
  };
}

/** The queue-name prefix IMS requires for the MNS method. */
export const QUEUE_NAME_PREFIX = "ice-callback-";

/** IMS's limit on `CallbackURL`, in bytes. */
export const MAX_CALLBACK_URL_BYTES = 256;

/** The queue service's limit on queue names, in characters. */
export const MAX_QUEUE_NAME_LENGTH = 120;

/** IMS's limit on `AuthKey`, in characters. */
export const MAX_AUTH_KEY_LENGTH = 32;

/** One problem found by {@link validateCallbackInputs}. */
export interface ValidationProblem {
  /** The input property at fault, e.g. `"callbackUrl"`. */
  readonly property: string;
  /** What is wrong and how to fix it, starting with the property name. */
  readonly reason: string;
  /** Errors stop the deployment; warnings are printed and the value is sent as given. */
  readonly severity: "error" | "warning";
  /**
   * `true` when the value holds a secret (e.g. a password in a URL): report the problem without
   * naming the property to the engine, which would otherwise print the value beside the message.
   * The reason never holds the secret either way.
   */
  readonly sensitiveValue?: true;
}

/**
 * The plain values {@link validateCallbackInputs} checks. Any of them may be `undefined` (not set)
 * or, at preview, unknown; `isUnknown` tells which are unknown so they are skipped.
 */
export interface CallbackInputsToValidate {
  readonly region?: unknown;
  readonly callbackType?: unknown;
  readonly callbackUrl?: unknown;
  readonly queueName?: unknown;
  readonly eventTypes?: unknown;
  readonly authKey?: unknown;
  readonly keepExistingAuthKey?: unknown;
  readonly adoptExisting?: unknown;
  readonly deletionPolicy?: unknown;
  readonly allowUndocumentedRegion?: unknown;
}

/**
 * Checks the inputs of one region's callback setting and returns every problem found.
 *
 * @example
 * ```ts
 * validateCallbackInputs({ region: "cn-shanghai", callbackType: "HTTP",
 *   callbackUrl: "ftp://x", eventTypes: [] });
 * // [{ property: "callbackUrl", severity: "error", reason: 'callbackUrl: must be an http:// or https:// URL, got "ftp://x".' },
 * //  { property: "eventTypes", severity: "error", reason: "eventTypes: must list at least one event type. ..." }]
 * ```
 * @param isUnknown - tells which values are not known yet (preview); by default none are.
 */
export function validateCallbackInputs(
  inputs: CallbackInputsToValidate,
  isUnknown: (value: unknown) => boolean = () => false,
): ValidationProblem[] {
  const typeKnown = !isUnknown(inputs.callbackType);
  const context: RuleContext = {
    inputs,
    isUnknown,
    isHttp: typeKnown && inputs.callbackType === "HTTP",
    isMns: typeKnown && inputs.callbackType === "MNS",
  };
  return (Object.keys(FIELD_RULES) as (keyof CallbackInputsToValidate)[]).flatMap((property) => {
    const value = inputs[property];
    if (isUnknown(value)) return [];
    return FIELD_RULES[property](value, context).map(
      ({ reason, severity, sensitiveValue }): ValidationProblem => ({
        property,
        reason: `${property}: ${reason}`,
        severity,
        ...(sensitiveValue ? { sensitiveValue } : {}),
      }),
    );
  });
}

/** What a field rule found: a {@link ValidationProblem} before the validator names the property. */
type Finding = Omit<ValidationProblem, "property">;

/** What a field rule may read beside its own value. */
interface RuleContext {
  readonly inputs: CallbackInputsToValidate;
  readonly isUnknown: (value: unknown) => boolean;
  /** `callbackType` is known and `"HTTP"`. */
  readonly isHttp: boolean;
  /** `callbackType` is known and `"MNS"`. */
  readonly isMns: boolean;
}

/** The rule of one field: gets the field's value (never an unknown one) and returns its findings. */
type FieldRule = (value: unknown, context: RuleContext) => Finding[];

const error = (reason: string, sensitiveValue?: true): Finding => ({
  reason,
  severity: "error",
  ...(sensitiveValue ? { sensitiveValue } : {}),
});
const warning = (reason: string): Finding => ({ reason, severity: "warning" });

/** Not set: `undefined` or the empty string. */
const isUnset = (value: unknown) => value === undefined || value === "";

const booleanRule: FieldRule = (value) =>
  value === undefined || typeof value === "boolean"
    ? []
    : [error(`must be true or false, got ${JSON.stringify(value)}.`)];

/** One rule per field, in the order problems are reported. */
const FIELD_RULES: Readonly<Record<keyof CallbackInputsToValidate, FieldRule>> = {
  region: (region, { inputs }) => {
    const reason = regionProblem(region, inputs.allowUndocumentedRegion);
    return reason ? [error(reason)] : [];
  },

  callbackType: (callbackType) =>
    callbackType === "HTTP" || callbackType === "MNS"
      ? []
      : [error(`must be "HTTP" or "MNS", got ${JSON.stringify(callbackType)}.`)],

  callbackUrl: (callbackUrl, { isHttp, isMns }) => {
    if (isUnset(callbackUrl)) {
      return isHttp
        ? [
            error(
              'required when callbackType is "HTTP". Set it to the http(s) URL that receives the events.',
            ),
          ]
        : [];
    }
    if (isMns) {
      return [
        error('is only used with callbackType "HTTP". Remove it, or use callbackType "HTTP".'),
      ];
    }
    if (typeof callbackUrl !== "string") {
      return [error(`must be a string, got ${typeof callbackUrl}.`)];
    }
    return urlFindings(callbackUrl);
  },

  queueName: (queueName, { isHttp, isMns }) => {
    if (isUnset(queueName)) {
      return isMns
        ? [
            error(
              `required when callbackType is "MNS". Set it to a queue in the same region whose name starts with "${QUEUE_NAME_PREFIX}".`,
            ),
          ]
        : [];
    }
    if (isHttp) {
      return [error('is only used with callbackType "MNS". Remove it, or use callbackType "MNS".')];
    }
    if (typeof queueName !== "string") {
      return [error(`must be a string, got ${typeof queueName}.`)];
    }
    return queueNameProblems(queueName).map((reason) => error(reason));
  },

  eventTypes: (eventTypes, { isUnknown }) => eventTypeFindings(eventTypes, isUnknown),

  // The key is a secret even when it does not come from secret config (pulumi.secret, a generated
  // password): every finding is sensitive.
  authKey: (authKey, { isMns }) => {
    if (isUnset(authKey)) return [];
    if (isMns) {
      return [
        error(
          'callback authentication applies to the HTTP method only. Remove authKey, or use callbackType "HTTP".',
          true,
        ),
      ];
    }
    if (typeof authKey !== "string")
      return [error(`must be a string, got ${typeof authKey}.`, true)];
    const reason = authKeyProblem(authKey);
    return reason ? [error(reason, true)] : [];
  },

  keepExistingAuthKey: (keep, context) => {
    if (keep !== true) return booleanRule(keep, context);
    if (context.isMns) {
      return [
        error(
          'callback authentication applies to the HTTP method only. Remove keepExistingAuthKey, or use callbackType "HTTP".',
        ),
      ];
    }
    const { authKey } = context.inputs;
    if (!context.isUnknown(authKey) && !isUnset(authKey)) {
      return [
        error(
          "keeps the key the region has, so it cannot be combined with authKey, which sets one. Remove one of them.",
        ),
      ];
    }
    return [];
  },

  adoptExisting: booleanRule,

  allowUndocumentedRegion: booleanRule,

  deletionPolicy: (deletionPolicy) =>
    deletionPolicy === undefined ||
    (DELETION_POLICIES as readonly unknown[]).includes(deletionPolicy)
      ? []
      : [error(`must be "restore", "clear" or "retain", got ${JSON.stringify(deletionPolicy)}.`)],
};

/**
 * The rule of `region`, on its own (the components check plain arguments with it): why the region
 * cannot be used, or `undefined` when it can. Without the property name, like every rule's reason.
 */
export function regionProblem(
  region: unknown,
  allowUndocumentedRegion: unknown,
): string | undefined {
  if (typeof region !== "string" || region === "") {
    return 'required. Set it to the IMS region of this setting, e.g. "cn-shanghai".';
  }
  if (!isDocumentedRegion(region) && allowUndocumentedRegion !== true) {
    return (
      `"${region}" is not a documented IMS region (${IMS_REGIONS.join(", ")}). ` +
      "Use one of them, or set allowUndocumentedRegion: true if IMS has launched there since."
    );
  }
  return undefined;
}

/**
 * The rule of `eventTypes` as a whole, on its own: why the value is no list of event types to
 * send, or `undefined` when it is one (each entry is checked apart).
 */
export function eventListProblem(eventTypes: unknown): string | undefined {
  return Array.isArray(eventTypes) && eventTypes.length > 0
    ? undefined
    : 'must list at least one event type, e.g. ["ProduceMediaComplete"]. To stop callbacks in a region, delete the resource (see deletionPolicy) instead of sending an empty list.';
}

/**
 * Why a queue name cannot be used for IMS callbacks (empty when it can).
 *
 * @example
 * ```ts
 * queueNameProblems("orders"); // ['"orders" must start with "ice-callback-" ...']
 * ```
 */
export function queueNameProblems(name: string): string[] {
  const out: string[] = [];
  if (!name.startsWith(QUEUE_NAME_PREFIX)) {
    const suggestion = QUEUE_NAME_PREFIX + name.replace(/^ice-callback-?/i, "");
    out.push(
      `"${name}" must start with "${QUEUE_NAME_PREFIX}" (IMS writes only to such queues). Rename it, e.g. "${suggestion}".`,
    );
  }
  if (!/^[A-Za-z0-9-]*$/.test(name)) {
    out.push(`"${name}" may contain only letters, digits and hyphens.`);
  }
  if (name.length > MAX_QUEUE_NAME_LENGTH) {
    out.push(
      `is ${name.length} characters; queue names are at most ${MAX_QUEUE_NAME_LENGTH}. Shorten it.`,
    );
  }
  return out;
}

/**
 * Why an auth key breaks IMS's documented rules (at most 32 characters, with upper-case letters,
 * lower-case letters and digits), or `undefined` when it is fine. The key itself is never included.
 */
export function authKeyProblem(key: string): string | undefined {
  const missing: string[] = [];
  if (!/[A-Z]/.test(key)) missing.push("an upper-case letter");
  if (!/[a-z]/.test(key)) missing.push("a lower-case letter");
  if (!/[0-9]/.test(key)) missing.push("a digit");
  const parts: string[] = [];
  const length = [...key].length; // characters (code points), not UTF-16 units
  if (length > MAX_AUTH_KEY_LENGTH)
    parts.push(`is ${length} characters long (at most ${MAX_AUTH_KEY_LENGTH})`);
  if (/\s/.test(key)) parts.push("contains whitespace");
  if (missing.length > 0) parts.push(`lacks ${missing.join(", ")}`);
  if (parts.length === 0) return undefined;
  return `the key ${parts.join(" and ")}. IMS requires at most ${MAX_AUTH_KEY_LENGTH} characters with upper-case letters, lower-case letters and digits; generate one, e.g. with @pulumi/random's RandomPassword.`;
}

/** `scheme://userinfo@`: the start of a URL that carries user credentials. */
const URL_WITH_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/;

/**
 * IMS documents `CallbackURL` as one http(s) URL of at most 256 bytes ("exactly one URL"). Commas and
 * semicolons are legal inside one URL (RFC 3986 sub-delimiters), but IMS does not say how it tells one
 * URL from several, and a comma is the list separator of its sibling parameter `EventTypeList`: a URL
 * holding one might be split or refused at apply, and a mis-delivered callback is dropped silently.
 * So they are refused here with the exact fix (percent-encode them, which means the same to the
 * receiver), as is a second `http(s)://`. Unverified against the live service; see docs/unverified.md.
 */
function urlFindings(url: string): Finding[] {
  const findings: Finding[] = [];
  const hasCredentials = URL_WITH_USERINFO.test(url.trim());
  // Whatever the safe form hides (user info, query, fragment) may be a secret: keep the engine from
  // printing the value beside the message.
  const shown = describeUrl(url);
  const sensitive = hasCredentials || shown !== JSON.stringify(url);
  const fail = (reason: string) => findings.push(error(reason, sensitive ? true : undefined));
  if (hasCredentials) {
    fail(
      'holds user credentials ("user:password@" before the host); they would be stored in plain text in the Pulumi state and in IMS. ' +
        "Remove them from the URL and set authKey instead: IMS then signs every callback and the receiver checks it with verifyCallback.",
    );
  }
  const core = url.trim();
  if (core !== url) {
    fail(
      "has leading or trailing whitespace (a line break, a space or a tab); IMS stores the URL and signs callbacks with it exactly as sent. Remove it.",
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(core)) {
    fail(
      "contains whitespace or a control character (e.g. a line break) inside the URL; a URL has none. Remove it, or percent-encode a space in the path or query as %20.",
    );
  }
  const schemes = (core.match(/https?:\/\//gi) ?? []).length;
  if (schemes > 1) {
    fail(
      `holds more than one URL ("http://" or "https://" appears ${schemes} times); IMS accepts exactly one. Keep one URL; a URL inside a query value must be percent-encoded.`,
    );
    return findings;
  }
  const separators = [...new Set(core.match(/[,;]/g) ?? [])];
  if (separators.length > 0) {
    fail(
      `contains ${separators.map((c) => `"${c}"`).join(" and ")}; IMS accepts exactly one URL and does not document how it tells one URL from several, ` +
        'so it may read a comma or semicolon as a separator. Percent-encode it: %2C for ",", %3B for ";".',
    );
  }
  const parsed = parseHttpUrl(core);
  if (!parsed) {
    fail(`must be an http:// or https:// URL, got ${shown}.`);
    return findings;
  }
  const bytes = Buffer.byteLength(url, "utf8");
  if (bytes > MAX_CALLBACK_URL_BYTES) {
    fail(`is ${bytes} bytes; IMS accepts at most ${MAX_CALLBACK_URL_BYTES}. Use a shorter URL.`);
  }
  if (parsed.protocol === "http:") {
    findings.push(
      warning(
        "uses plain http: events and their signature headers travel unencrypted. Use https:// where the receiver supports it.",
      ),
    );
  }
  return findings;
}

function eventTypeFindings(eventTypes: unknown, isUnknown: (value: unknown) => boolean): Finding[] {
  const emptyList = eventListProblem(eventTypes);
  if (emptyList !== undefined) return [error(emptyList)];
  return (eventTypes as unknown[]).flatMap((name) => {
    if (isUnknown(name)) return [];
    const finding = eventTypeFinding(name);
    return finding ? [finding] : [];
  });
}

/** What is wrong with one entry of `eventTypes`, if anything. */
function eventTypeFinding(name: unknown): Finding | undefined {
  if (typeof name !== "string" || name.trim() === "") {
    return error(
      `each entry must be an event name such as "ProduceMediaComplete", got ${JSON.stringify(name)}.`,
    );
  }
  if (name.includes(",")) {
    return error(
      `${JSON.stringify(name)} contains a comma, which IMS reads as the separator between names; list each event name as its own entry.`,
    );
  }
  if (/\s/.test(name)) {
    const close = closestEventType(name.replace(/\s/g, ""));
    const fix = close ? `Did you mean "${close}"?` : "Remove it.";
    return error(`${JSON.stringify(name)} contains whitespace; event names have none. ${fix}`);
  }
  const retired = RETIRED_EVENT_TYPES as Readonly<Record<string, string>>;
  if (Object.prototype.hasOwnProperty.call(retired, name)) {
    return warning(
      `"${name}" is retired by IMS on ${retired[name]}; move to its successor in the IMS event list (e.g. MediaConvertComplete).`,
    );
  }
  if (!isKnownEventType(name)) {
    const close = closestEventType(name);
    const hint = close ? `did you mean "${close}"? ` : "";
    return warning(
      `"${name}" is not in the known event catalogue; ${hint}It is sent as given (IMS adds events over time), so check the spelling.`,
    );
  }
  return undefined;
}
