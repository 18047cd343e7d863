/**
 * Resource policies on each IMS callback setting (`EventCallback`, also the setting inside every
 * `ImsCallback`; served by the dynamic provider or by the provider plugin): where events go, how they are authenticated, which regions and events, and which
 * risky options need an explicit allow.
 *
 * @packageDocumentation
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { closestEventType, isKnownEventType } from "../shared/events";
import { IMS_REGIONS } from "../shared/regions";
import { describeUrl, parseHttpUrl } from "../shared/url";
import { CALLBACK_INPUT_DEFAULTS, queueNameProblems } from "../shared/validation";
import {
  isCallbackSetting,
  known,
  quoteList,
  readString,
  readStringList,
  UNKNOWN,
  type Maybe,
} from "./resources";

/**
 * The inputs of one callback setting as the policies see them: each value as given, `undefined`
 * when absent or empty, {@link UNKNOWN} when not known at preview. The auth key itself is never kept.
 */
export interface CallbackUnderPolicy {
  /** The resource's name, for messages. */
  readonly name: string;
  readonly region: Maybe<string | undefined>;
  readonly callbackType: Maybe<string | undefined>;
  readonly callbackUrl: Maybe<string | undefined>;
  readonly queueName: Maybe<string | undefined>;
  readonly eventTypes: Maybe<Array<Maybe<string>> | undefined>;
  /** Whether an auth key is set (callback authentication on); only presence is read. */
  readonly hasAuthKey: Maybe<boolean>;
  /** Whether the setting keeps the key the region has (`keepExistingAuthKey`) instead of declaring one. */
  readonly keepsExistingAuthKey: Maybe<boolean>;
  readonly adoptExisting: Maybe<boolean>;
  /** The deletion policy; the resource's default `"restore"` when not set. */
  readonly deletionPolicy: Maybe<string>;
}

/** Reads the inputs of a callback setting from resource properties (inputs or outputs). */
export function readCallback(name: string, props: Record<string, unknown>): CallbackUnderPolicy {
  const authKey = known(() => props.authKey);
  const keepExistingAuthKey = known(() => props.keepExistingAuthKey);
  const adoptExisting = known(() => props.adoptExisting);
  const deletionPolicy = readString(props, "deletionPolicy");
  return {
    name,
    region: readString(props, "region"),
    callbackType: readString(props, "callbackType"),
    callbackUrl: readString(props, "callbackUrl"),
    queueName: readString(props, "queueName"),
    eventTypes: readStringList(props, "eventTypes"),
    hasAuthKey: authKey === UNKNOWN ? UNKNOWN : typeof authKey === "string" && authKey !== "",
    keepsExistingAuthKey: keepExistingAuthKey === UNKNOWN ? UNKNOWN : keepExistingAuthKey === true,
    adoptExisting: adoptExisting === UNKNOWN ? UNKNOWN : adoptExisting === true,
    deletionPolicy: deletionPolicy ?? CALLBACK_INPUT_DEFAULTS.deletionPolicy,
  };
}

/** How messages name a setting. */
export function callbackSubject(callback: { readonly name: string }): string {
  return `EventCallback "${callback.name}"`;
}

type CallbackCheck<Config> = (
  callback: CallbackUnderPolicy,
  config: Config,
  report: ReportViolation,
) => void;

/** A resource validation that runs `check` on callback settings and ignores every other type. */
function onCallbacks<Config extends object>(check: CallbackCheck<Config>) {
  return (args: ResourceValidationArgs, report: ReportViolation): void => {
    if (!isCallbackSetting(args.type)) return;
    check(readCallback(args.name, args.props), args.getConfig<Config>(), report);
  };
}

/** Entries of a configured list, or `fallback` when the list is absent. */
function configuredList(value: unknown, fallback: readonly string[]): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : [...fallback];
}

/** Whether a pack-config flag is explicitly `true`. */
function allowed(config: { readonly allow?: unknown }): boolean {
  return config.allow === true;
}

/**
 * `ims-callback-url-https`: HTTP callback URLs use https. Mandatory by default.
 *
 * Over plain http the event bodies and the `X-ICE-SIGNATURE` headers travel unencrypted, so anyone
 * on the path can read them and replay them within the receiver's time window.
 */
export const callbackUrlHttps: ResourceValidationPolicy = {
  name: "ims-callback-url-https",
  description:
    "IMS callback URLs must use https: over plain http the events and their signature headers travel unencrypted and can be read or replayed on the way.",
  enforcementLevel: "mandatory",
  validateResource: onCallbacks((callback, _config, report) => {
    const url = callback.callbackUrl;
    if (url === UNKNOWN || url === undefined) return;
    const parsed = parseHttpUrl(url);
    if (!parsed) {
      report(
        `${callbackSubject(callback)}: callbackUrl ${describeUrl(url)} is not a well-formed http:// or https:// URL, so whether it uses https cannot be judged (a browser or HTTP client may read it as a plain-http URL). ` +
          "Fix: write it as https://<host>[:<port>]/<path>, with forward slashes and a port from 1 to 65535.",
      );
      return;
    }
    if (parsed.protocol !== "http:") return;
    const https = `https://${url.slice("http://".length)}`;
    report(
      `${callbackSubject(callback)}: callbackUrl ${describeUrl(url)} uses plain http, so events and their signature headers travel unencrypted. ` +
        `Fix: serve the receiver over https and set callbackUrl to ${describeUrl(https)}.`,
    );
  }),
};

/** Pack config of {@link callbackHttpAuthentication}. */
export interface HttpAuthenticationConfig {
  /**
   * Accept HTTP settings that keep the region's key (`keepExistingAuthKey: true`, what
   * `pulumi import` generates for a region with authentication on) instead of declaring one. The
   * pack cannot see the region: allow it once the regions these stacks adopt are known to have a key.
   *
   * @default false
   */
  readonly allowKeepExistingAuthKey?: boolean;
}

/** The pack config that lets settings with a kept key through; the message prints it. */
const KEPT_KEY_ALLOW = '{"ims-callback-http-authentication": {"allowKeepExistingAuthKey": true}}';

/**
 * `ims-callback-http-authentication`: HTTP callbacks have callback authentication on (an `authKey`).
 *
 * Without it IMS sends no signature, and the receiver cannot tell IMS's events from forged ones
 * posted by anyone who learns the URL. A setting that keeps the region's key
 * (`keepExistingAuthKey`) declares none: the key is whatever the region has, possibly none (then
 * authentication stays off), and the pack cannot see the region, so such a setting is refused
 * unless the pack config sets `allowKeepExistingAuthKey`.
 */
export const callbackHttpAuthentication: ResourceValidationPolicy = {
  name: "ims-callback-http-authentication",
  description:
    "HTTP callbacks must turn on callback authentication (authKey; a key kept from the region with keepExistingAuthKey only with pack config allowKeepExistingAuthKey): without it IMS sends no signature and a receiver cannot tell IMS's events from forged ones.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { allowKeepExistingAuthKey: { type: "boolean", default: false } },
  },
  validateResource: onCallbacks<HttpAuthenticationConfig>((callback, config, report) => {
    if (callback.callbackType !== "HTTP" || callback.hasAuthKey !== false) return;
    if (callback.keepsExistingAuthKey === UNKNOWN) return;
    if (callback.keepsExistingAuthKey && config.allowKeepExistingAuthKey === true) return;
    const target =
      typeof callback.callbackUrl === "string"
        ? ` for callbackUrl ${describeUrl(callback.callbackUrl)}`
        : "";
    const fromSecret =
      "set authKey from a secret (stack config secret or @pulumi/random's RandomPassword)";
    if (callback.keepsExistingAuthKey) {
      report(
        `${callbackSubject(callback)}: keepExistingAuthKey keeps the key the region has without declaring one, so this pack cannot tell whether callback authentication is on${target} (a region without a key keeps it off). ` +
          `Fix: ${fromSecret}, or, once the region is known to have a key (pulumi import writes keepExistingAuthKey only then), allow kept keys with ${KEPT_KEY_ALLOW} ` +
          "in the pack config (pulumi preview / up --policy-pack-config <file>).",
      );
      return;
    }
    report(
      `${callbackSubject(callback)}: authKey is not set, so callback authentication is off${target} and forged events cannot be told apart. ` +
        `Fix: ${fromSecret} and check X-ICE-SIGNATURE in the receiver ` +
        "(verifyCallback from pulumi-alicloud-ims-callback/receiver).",
    );
  }),
};

/** Pack config of {@link callbackUrlAllowedHosts}. */
export interface AllowedHostsConfig {
  /** Host names allowed exactly, e.g. `"media.example.com"`. */
  readonly allowedHosts?: string[];
  /**
   * Domains whose host names and sub-domains are allowed: `"example.com"` (or `".example.com"`)
   * allows `example.com` and `media.example.com`, not `badexample.com`.
   */
  readonly allowedHostSuffixes?: string[];
}

/** Whether `host` is allowed by exact names or domain suffixes (case-insensitive, trailing dot ignored). */
export function isAllowedHost(
  host: string,
  hosts: readonly string[],
  suffixes: readonly string[],
): boolean {
  const normalize = (h: string) => h.trim().toLowerCase().replace(/\.$/, "");
  const wanted = normalize(host);
  if (hosts.some((h) => normalize(h) === wanted)) return true;
  return suffixes.some((s) => {
    const domain = normalize(s).replace(/^\.+/, "");
    return domain !== "" && (wanted === domain || wanted.endsWith(`.${domain}`));
  });
}

/**
 * `ims-callback-url-allowed-hosts`: callback URLs point only at hosts the organisation lists.
 * Applies once the pack config lists `allowedHosts` or `allowedHostSuffixes`; does nothing before.
 *
 * A changed URL sends every media event (and, with authentication, signed requests) to whoever runs
 * that host: the list makes "someone pointed it at attacker.example.net" impossible to merge.
 */
export const callbackUrlAllowedHosts: ResourceValidationPolicy = {
  name: "ims-callback-url-allowed-hosts",
  description:
    "IMS callback URLs must point at an allowed host (pack config allowedHosts / allowedHostSuffixes): a changed URL hands every media event to whoever runs that host.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedHosts: { type: "array", items: { type: "string" }, default: [] },
      allowedHostSuffixes: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: onCallbacks<AllowedHostsConfig>((callback, config, report) => {
    const url = callback.callbackUrl;
    const hosts = configuredList(config.allowedHosts, []);
    const suffixes = configuredList(config.allowedHostSuffixes, []);
    if (url === UNKNOWN || url === undefined || (hosts.length === 0 && suffixes.length === 0))
      return;
    const parsed = parseHttpUrl(url);
    if (!parsed) {
      report(
        `${callbackSubject(callback)}: callbackUrl ${describeUrl(url)} is not a well-formed http:// or https:// URL, so its host cannot be checked against the allowed hosts. ` +
          "Fix: write it as https://<host>[:<port>]/<path>, with an allowed host.",
      );
      return;
    }
    const host = parsed.hostname;
    if (isAllowedHost(host, hosts, suffixes)) return;
    const lists = [
      hosts.length > 0 ? `hosts ${quoteList(hosts)}` : "",
      suffixes.length > 0 ? `domains ${quoteList(suffixes)}` : "",
    ].filter((s) => s !== "");
    report(
      `${callbackSubject(callback)}: callbackUrl ${describeUrl(url)} points at host "${host}", which is not allowed (${lists.join("; ")}). ` +
        `Fix: point callbackUrl at an allowed host, or add "${host}" to allowedHosts in the pack config of ims-callback-url-allowed-hosts.`,
    );
  }),
};

/** Pack config of {@link callbackAllowedRegions}. */
export interface AllowedRegionsConfig {
  /**
   * Regions where callback settings may be managed.
   *
   * @default IMS_REGIONS (every documented IMS region)
   */
  readonly allowedRegions?: string[];
}

/**
 * `ims-callback-allowed-regions`: callback settings only in the regions the organisation lists
 * (by default the documented IMS regions).
 */
export const callbackAllowedRegions: ResourceValidationPolicy = {
  name: "ims-callback-allowed-regions",
  description:
    "IMS callback settings may be managed only in allowed regions (pack config allowedRegions, default the documented IMS regions): elsewhere the organisation's data-residency rules, or IMS itself, may not hold.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedRegions: { type: "array", items: { type: "string" }, default: [...IMS_REGIONS] },
    },
  },
  validateResource: onCallbacks<AllowedRegionsConfig>((callback, config, report) => {
    const region = callback.region;
    const regions = configuredList(config.allowedRegions, IMS_REGIONS);
    if (region === UNKNOWN || region === undefined || regions.includes(region)) return;
    report(
      `${callbackSubject(callback)}: region "${region}" is not an allowed region (${regions.join(", ") || "none allowed"}). ` +
        "Fix: use an allowed region, or add it to allowedRegions in the pack config of ims-callback-allowed-regions.",
    );
  }),
};

/** Pack config of {@link callbackRequiredEvents}. */
export interface RequiredEventsConfig {
  /**
   * Event types every callback setting must include, e.g. `["ProduceMediaComplete"]`.
   *
   * @default []
   */
  readonly requiredEventTypes?: string[];
}

/**
 * `ims-callback-required-events`: every setting includes the events the organisation relies on.
 * Applies once the pack config lists `requiredEventTypes`.
 */
export const callbackRequiredEvents: ResourceValidationPolicy = {
  name: "ims-callback-required-events",
  description:
    "IMS callback settings must include the required event types (pack config requiredEventTypes): a setting without them silently stops the processes that wait for those events.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requiredEventTypes: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: onCallbacks<RequiredEventsConfig>((callback, config, report) => {
    const required = configuredList(config.requiredEventTypes, []);
    const listed = callback.eventTypes;
    // An entry unknown at preview may be a required one: decide at update.
    if (required.length === 0 || listed === UNKNOWN || (listed ?? []).includes(UNKNOWN)) return;
    const missing = required.filter((name) => !(listed ?? []).includes(name));
    if (missing.length === 0) return;
    report(
      `${callbackSubject(callback)}: eventTypes lacks required event type${missing.length > 1 ? "s" : ""} ${quoteList(missing)}. ` +
        "Fix: add them to eventTypes (the pack config of ims-callback-required-events lists what is required).",
    );
  }),
};

/** Pack config of {@link callbackKnownEvents}. */
export interface KnownEventsConfig {
  /**
   * Event names to accept beyond the catalogue of this release (IMS adds events over time).
   *
   * @default []
   */
  readonly additionalEventTypes?: string[];
}

/**
 * `ims-callback-known-events`: event names come from IMS's event list (or the pack config's
 * additions). Advisory by default: IMS adds events, so an unknown name is doubtful, not wrong.
 */
export const callbackKnownEvents: ResourceValidationPolicy = {
  name: "ims-callback-known-events",
  description:
    "IMS callback settings should list only known event names (IMS's event list, or pack config additionalEventTypes): a misspelt name, case included, receives nothing and no one is told.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      additionalEventTypes: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: onCallbacks<KnownEventsConfig>((callback, config, report) => {
    const listed = callback.eventTypes;
    if (listed === UNKNOWN || listed === undefined) return;
    const additional = configuredList(config.additionalEventTypes, []);
    for (const name of listed) {
      if (name === UNKNOWN || isKnownEventType(name) || additional.includes(name)) continue;
      const close = closestEventType(name);
      const hint = close ? `; did you mean "${close}"?` : ".";
      report(
        `${callbackSubject(callback)}: eventTypes has "${name}", which is not a known IMS event type${hint} ` +
          "Fix: correct the name, or, if IMS added this event after this release, add it to additionalEventTypes in the pack config of ims-callback-known-events.",
      );
    }
  }),
};

/**
 * `ims-callback-queue-name`: the queue of an MNS setting keeps the `ice-callback-` prefix, the only
 * queues IMS writes to (and the queue service's name rules).
 */
export const callbackQueueName: ResourceValidationPolicy = {
  name: "ims-callback-queue-name",
  description:
    'IMS callback queues must keep the "ice-callback-" prefix: IMS writes only to such queues and drops the events for any other name after two retries.',
  enforcementLevel: "mandatory",
  validateResource: onCallbacks((callback, _config, report) => {
    const queueName = callback.queueName;
    if (queueName === UNKNOWN || queueName === undefined) return;
    for (const reason of queueNameProblems(queueName)) {
      report(
        `${callbackSubject(callback)}: queueName ${reason.startsWith('"') ? reason : `"${queueName}" ${reason}`}`,
      );
    }
  }),
};

/** Pack config of {@link callbackAdoptExisting} and {@link callbackDeletionPolicyClear}. */
export interface AllowConfig {
  /**
   * Explicitly allow the option.
   *
   * @default false
   */
  readonly allow?: boolean;
}

/**
 * The pack config that lets the documented recovery after an interrupted create through (it sets
 * `adoptExisting` with `deletionPolicy: "clear"`); both messages print it.
 */
const RECOVERY_ALLOW =
  'Recovering a create interrupted after its write (adoptExisting with deletionPolicy "clear") needs both: ' +
  '{"ims-callback-adopt-existing": {"allow": true}, "ims-callback-deletion-policy-clear": {"allow": true}}.';

/**
 * `ims-callback-adopt-existing`: taking over an existing setting (`adoptExisting: true`) needs
 * `allow: true` in the pack config.
 */
export const callbackAdoptExisting: ResourceValidationPolicy = {
  name: "ims-callback-adopt-existing",
  description:
    "Taking over an existing IMS callback setting (adoptExisting) needs an explicit allow in the pack config: it overwrites whatever another stack or the console configured in that region.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { allow: { type: "boolean", default: false } },
  },
  validateResource: onCallbacks<AllowConfig>((callback, config, report) => {
    if (callback.adoptExisting !== true || allowed(config)) return;
    const where = typeof callback.region === "string" ? ` in region "${callback.region}"` : "";
    report(
      `${callbackSubject(callback)}: adoptExisting is true, so this stack takes over and overwrites the callback setting that already exists${where}. ` +
        'Fix: remove adoptExisting, or allow takeovers with {"ims-callback-adopt-existing": {"allow": true}} in the pack config (pulumi preview / up --policy-pack-config <file>). ' +
        RECOVERY_ALLOW,
    );
  }),
};

/**
 * `ims-callback-deletion-policy-clear`: `deletionPolicy: "clear"` needs `allow: true` in the pack
 * config.
 */
export const callbackDeletionPolicyClear: ResourceValidationPolicy = {
  name: "ims-callback-deletion-policy-clear",
  description:
    'The "clear" deletion policy needs an explicit allow in the pack config: destroying or replacing the resource then empties the region\'s callback setting, including one that existed before the stack.',
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { allow: { type: "boolean", default: false } },
  },
  validateResource: onCallbacks<AllowConfig>((callback, config, report) => {
    if (callback.deletionPolicy !== "clear" || allowed(config)) return;
    const where =
      typeof callback.region === "string" ? `region "${callback.region}"` : "the region";
    report(
      `${callbackSubject(callback)}: deletionPolicy is "clear", so destroying or replacing it empties ${where}'s callback setting, even one that existed before this stack. ` +
        'Fix: use "restore" (the default) or "retain", or allow it with {"ims-callback-deletion-policy-clear": {"allow": true}} in the pack config (pulumi preview / up --policy-pack-config <file>). ' +
        RECOVERY_ALLOW,
    );
  }),
};
