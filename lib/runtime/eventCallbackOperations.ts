/**
 * The implementation behind the {@link EventCallback} dynamic provider. The provider serialized
 * into the state only forwards to this module (`pulumi-alicloud-ims-callback/runtime`), which the
 * dynamic-provider host loads from the program's `node_modules` at call time: the state holds no
 * code beyond a few lines, no credentials and no captured state.
 *
 * The outputs are in layout {@link STATE_VERSION}, the first published one. A later layout must be
 * read here too: refresh and delete of an older stack reach this code before any update rewrites
 * its outputs.
 *
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { SETTING_INPUTS, type SettingInput } from "../shared/contract";
import { runtimeContext } from "./context";
import type { ImsClient } from "./imsClient";
import { importedInputs, importProblem } from "./importChecks";
import { PROVIDER_SETTINGS } from "./providerSettings";
import {
  partialStateError,
  REPLACED_SETTING,
  takeoverRecordedMessage,
  unconfirmedWriteMessage,
  UNCONFIRMED_WRITE,
  UnconfirmedWriteError,
  unownedSettingError,
  writeAndConfirm,
} from "./ownership";
import {
  describeSetting,
  EMPTY_SETTING,
  isConfigured,
  sameSetting,
  settingDifferences,
  type CallbackSetting,
} from "../shared/setting";
import {
  CALLBACK_INPUT_DEFAULTS,
  validateCallbackInputs,
  withCallbackDefaults,
  type DeletionPolicy,
} from "../shared/validation";
import { warn } from "./warnings";

/**
 * The version of the output layout this code writes and reads (the first published layout is 1).
 *
 * @internal
 */
export const STATE_VERSION = 1;

/** The engine's marker for a value not known at preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The inputs of one EventCallback after `check`.
 *
 * @internal
 */
export interface EventCallbackInputs {
  /** The region whose setting this is. */
  region: string;
  /** How IMS delivers: to a URL or into a queue. */
  callbackType: "HTTP" | "MNS";
  /** The URL, for `HTTP`. */
  callbackUrl?: string;
  /** The `ice-callback-` queue, for `MNS`. */
  queueName?: string;
  /** The event types delivered. */
  eventTypes: string[];
  /** The key IMS signs HTTP callbacks with (secret). */
  authKey?: string;
  /** Keep the key found in the region when it was taken over, instead of choosing one. */
  keepExistingAuthKey?: boolean;
  /** Whether an existing setting may be taken over. */
  adoptExisting?: boolean;
  /** What delete leaves in the region. */
  deletionPolicy?: DeletionPolicy;
  /** Accept a region IMS does not document. */
  allowUndocumentedRegion?: boolean;
  /** The engine's serialized provider (dynamic provider only). */
  __provider?: string;
}

/**
 * The outputs of one EventCallback as stored in the state. Every declared property is present;
 * those that do not apply are `null` (an absent output is unknown while previewing, so anything
 * derived from it would show as changed on every preview).
 *
 * @internal
 */
export interface EventCallbackOutputs extends Omit<EventCallbackInputs, OptionalOutput> {
  /** The URL, `null` for a queue. */
  callbackUrl?: string | null;
  /** The queue, `null` for a URL. */
  queueName?: string | null;
  /** The key, `null` when none is set (secret). */
  authKey?: string | null;
  /** Whether IMS signs the callbacks (`on` when a key is set). */
  authSwitch: "on" | "off";
  /** The setting found when this stack took over the region, if any (secret: it may hold a key). */
  previousSetting: CallbackSetting | null;
  /** The output layout, {@link STATE_VERSION}. */
  stateVersion: number;
  /** Present (`true`) while a write of this stack is unconfirmed, see {@link UNCONFIRMED_WRITE}. */
  [UNCONFIRMED_WRITE]?: boolean;
  /** The stack's own setting that an unconfirmed write replaces, see {@link REPLACED_SETTING}. */
  [REPLACED_SETTING]?: CallbackSetting | null;
}

/**
 * The outputs that do not apply to every setting: `null` in the outputs when they do not.
 *
 * @internal
 */
export const OPTIONAL_OUTPUTS = ["callbackUrl", "queueName", "authKey"] as const;
/**
 * The names of the outputs that do not apply to every setting.
 *
 * @internal
 */
export type OptionalOutput = (typeof OPTIONAL_OUTPUTS)[number];

/** Validates the inputs; no API call. */
export async function check(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<dynamic.CheckResult> {
  const problems = validateCallbackInputs(news, (v) => v === UNKNOWN);
  const failures = problems
    .filter((p) => p.severity === "error")
    // No property: the engine would print its value beside the reason, which names the property and
    // shows the value where it helps already; and a secret value (an auth key not from secret config,
    // a password in a URL) would be printed in clear.
    .map((p) => ({ property: "", reason: p.reason }));
  return { inputs: withCallbackDefaults(news), failures };
}

/** Compares the stored outputs with the new inputs; no API call. */
export async function diff(
  _id: string,
  olds: EventCallbackOutputs,
  declared: EventCallbackInputs,
): Promise<dynamic.DiffResult> {
  const news = withKeptAuthKey(declared, olds.authKey);
  const replaces: string[] = [];
  const changes = new Set<string>();
  if (news.region === UNKNOWN || olds.region !== news.region) {
    replaces.push("region");
  }
  const liveFields = ["callbackType", "callbackUrl", "queueName", "eventTypes", "authKey"] as const;
  const anyUnknown = liveFields.some((f) => containsUnknown(news[f]));
  if (anyUnknown) {
    liveFields.filter((f) => containsUnknown(news[f])).forEach((f) => changes.add(f));
  } else {
    for (const field of settingDifferences(storedSetting(olds), desiredSetting(news))) {
      changes.add(field === "authSwitch" ? "authKey" : field);
    }
  }
  for (const field of ["adoptExisting", "deletionPolicy", "allowUndocumentedRegion"] as const) {
    if (news[field] !== undefined && olds[field] !== news[field]) changes.add(field);
  }
  if ((olds.keepExistingAuthKey ?? false) !== (news.keepExistingAuthKey ?? false)) {
    changes.add("keepExistingAuthKey");
  }
  if (
    replaces.length === 0 &&
    changes.size > 0 &&
    [...changes].every((f) => inputChanged(olds, news, f))
  ) {
    // The dynamic-provider host cannot pass which properties changed, and the engine's display
    // compares secrets masked, so a new auth key would show as an update with nothing marked. An
    // "unknown" answer makes the engine diff the inputs itself: it then marks each changed property
    // (the key as [secret]). Only when every change is such an input change, so it reaches the same verdict.
    return { changes: undefined, replaces, deleteBeforeReplace: false };
  }
  return {
    changes: replaces.length > 0 || changes.size > 0,
    replaces,
    deleteBeforeReplace: false,
  };
}

/** Whether an input differs as stored versus as declared, before any normalisation (what the engine compares). */
function inputChanged(
  olds: EventCallbackOutputs,
  news: EventCallbackInputs,
  field: string,
): boolean {
  if (!(INPUT_FIELDS as readonly string[]).includes(field)) return false;
  const raw = (v: unknown) => JSON.stringify(v === null || v === "" ? undefined : v);
  return raw(olds[field as InputField]) !== raw(news[field as InputField]);
}

/** The inputs a diff compares as declared: every setting input but the region (which replaces). */
const INPUT_FIELDS = SETTING_INPUTS.filter(
  (field): field is Exclude<SettingInput, "region"> => field !== "region",
);
type InputField = (typeof INPUT_FIELDS)[number];

/**
 * Takes over the region's setting: reads it first and refuses any setting this stack has not
 * recorded, identical or not, unless `adoptExisting` is set; writes the declared setting and reads
 * it back after the race-check delay. A write that may have landed but could not be confirmed is
 * recorded as partial state (see ./ownership). With `adoptExisting` nothing is written here: what
 * was found is recorded first (as partial state, unless it already is the declared setting), and
 * the next `up` writes through {@link update}.
 */
export async function create(declared: EventCallbackInputs): Promise<dynamic.CreateResult> {
  const delayMs = configuredRaceCheckDelay();
  const client = runtimeContext().imsClient(declared.region);
  const live = await client.getEventCallback();
  const previous = isConfigured(live) ? live : null;
  const inputs = withKeptAuthKey(declared, live.authSwitch === "on" ? live.authKey : undefined);
  if (previous && inputs.adoptExisting !== true) {
    throw unownedSettingError(inputs.region, previous, desiredSetting(inputs));
  }
  if (inputs.adoptExisting === true && !sameSetting(live, desiredSetting(inputs))) {
    // The engine records nothing before create returns: a write made here and interrupted would
    // leave the next run to find the stack's own setting and take it for the previous owner's.
    throw partialStateError(
      inputs.region,
      { ...outputsFor(inputs, previous), [UNCONFIRMED_WRITE]: true, __provider: inputs.__provider },
      takeoverRecordedMessage(inputs.region, live),
    );
  }
  if (inputs.adoptExisting !== true) await writeOwned(client, inputs, previous, delayMs);
  return { id: inputs.region, outs: outputsFor(inputs, previous) };
}

/**
 * Reads the live setting. Properties that still match keep their declared form (order of events,
 * duplicates), so a refresh shows exactly the properties that drifted.
 */
export async function read(id: string, props: EventCallbackOutputs): Promise<dynamic.ReadResult> {
  const region = props.region ?? id;
  const live = await runtimeContext().imsClient(region).getEventCallback();
  const stored = storedSetting(props);
  const differences = new Set(settingDifferences(stored, live));
  const liveInputs: EventCallbackInputs = {
    region,
    callbackType: (live.callbackType || props.callbackType) as "HTTP" | "MNS",
    callbackUrl:
      differences.has("callbackUrl") || differences.has("callbackType")
        ? emptyToUndefined(live.callbackUrl)
        : (props.callbackUrl ?? undefined),
    queueName:
      differences.has("queueName") || differences.has("callbackType")
        ? emptyToUndefined(live.queueName)
        : (props.queueName ?? undefined),
    eventTypes: differences.has("eventTypes") ? [...live.eventTypes] : props.eventTypes,
    authKey: props.keepExistingAuthKey
      ? undefined
      : differences.has("authSwitch") || differences.has("authKey")
        ? liveAuthKey(live)
        : (props.authKey ?? undefined),
    ...(props.keepExistingAuthKey ? { keepExistingAuthKey: true } : {}),
    ...withCallbackDefaults({
      adoptExisting: props.adoptExisting,
      deletionPolicy: props.deletionPolicy,
      allowUndocumentedRegion: props.allowUndocumentedRegion,
    }),
  };
  const outs: EventCallbackOutputs = withExplicitNulls({
    ...props,
    ...liveInputs,
    // A kept key is never an input; the state holds the one the region has now.
    ...(props.keepExistingAuthKey ? { authKey: liveAuthKey(live) } : {}),
    authSwitch: live.authSwitch,
    // A stack that never wrote the region takes what it finds now as what it found: destroy leaves
    // it, and a later takeover's write puts this setting back, not an older one.
    previousSetting: someoneElsesSinceRecorded(props, live)
      ? foundSetting(live)
      : (props.previousSetting ?? null),
    stateVersion: STATE_VERSION,
  });
  // The host encodes read results with Struct.fromJavaScript, which rejects undefined values.
  return {
    id: region,
    props: withoutUndefined(outs),
    inputs: withoutUndefined(liveInputs),
  };
}

/**
 * Writes the new setting when a live property changed (one Set and one read-back); else no call.
 * When a write was recorded unconfirmed (or a takeover recorded before its write), the region is
 * read first, and the write is made only if the region holds a setting that write may have left
 * (the one it replaces, or the one it sent) and not the declared one yet.
 */
export async function update(
  _id: string,
  olds: EventCallbackOutputs,
  declared: EventCallbackInputs,
): Promise<dynamic.UpdateResult> {
  const news = withKeptAuthKey(declared, olds.authKey);
  const desired = desiredSetting(news);
  const previous = olds.previousSetting ?? null;
  const changed = settingDifferences(storedSetting(olds), desired).length > 0;
  const unconfirmed = olds[UNCONFIRMED_WRITE] === true;
  if (!changed && !unconfirmed) return { outs: outputsFor(news, previous) };
  const client = runtimeContext().imsClient(news.region);
  // The stack's own setting this write replaces, for the record if it goes unconfirmed.
  let replacedOwn: CallbackSetting | undefined = storedSetting(olds);
  let delayMs = 0;
  if (unconfirmed) {
    const live = await client.getEventCallback();
    if (sameSetting(live, desired)) return { outs: outputsFor(news, previous) };
    if (sameSetting(live, storedSetting(olds))) {
      replacedOwn = storedSetting(olds);
    } else if (sameSetting(live, replacedByUnconfirmedWrite(olds))) {
      replacedOwn = olds[REPLACED_SETTING] ?? undefined;
    } else {
      throw new Error(
        `The IMS event callback setting in ${news.region} is neither the one an earlier, unconfirmed write of this stack sent ` +
          `nor the one that write replaces (now: ${describeSetting(live)}): someone else wrote the region. It was left as it is. ` +
          'Run "pulumi refresh" to accept the current setting, or "pulumi up --refresh" to write this stack\'s setting over it.',
      );
    }
    // This completes a create's write (a takeover's first): check for a racing writer as create does.
    if (!olds[REPLACED_SETTING]) delayMs = configuredRaceCheckDelay();
  }
  await writeOwned(client, news, previous, delayMs, replacedOwn);
  return { outs: outputsFor(news, previous) };
}

/**
 * Applies the deletion policy. `retain` makes no call. Otherwise the live setting is read first:
 * when this stack never wrote the region (a takeover recorded before its write, a create whose write
 * went unconfirmed) and the region does not hold that write, nothing is written under any policy and
 * a warning says so: the stack leaves the region as it finds it. When the region already is the
 * target (the setting from before the takeover for `restore`, nothing for `clear`) no write is made;
 * when someone changed it since this stack last wrote it, it is left alone with an error; else the
 * target is written with one call and read back.
 */
export async function remove(_id: string, props: EventCallbackOutputs): Promise<void> {
  const policy: DeletionPolicy = props.deletionPolicy ?? CALLBACK_INPUT_DEFAULTS.deletionPolicy;
  if (policy === "retain") {
    return;
  }
  const client = runtimeContext().imsClient(props.region);
  const live = await client.getEventCallback();
  if (
    neverWrote(props) &&
    // The write never landed, or someone wrote over it: the region holds what the stack found, or
    // what someone else wrote since (which a refresh records as found, and as the stack's setting).
    (!sameSetting(live, storedSetting(props)) ||
      sameSetting(live, replacedByUnconfirmedWrite(props)))
  ) {
    await warn(lettingGoMessage(props.region, live));
    return;
  }
  const target =
    policy === "restore" && props.previousSetting ? props.previousSetting : EMPTY_SETTING;
  if (sameSetting(live, target)) {
    return;
  }
  const unconfirmed = props[UNCONFIRMED_WRITE] === true;
  const ours = [
    storedSetting(props),
    ...(unconfirmed && props[REPLACED_SETTING] ? [props[REPLACED_SETTING]] : []),
  ];
  if (isConfigured(live) && !ours.some((own) => sameSetting(live, own))) {
    throw new Error(
      `The IMS event callback setting in ${props.region} differs from the one this stack last recorded (now: ${describeSetting(live)}): ` +
        'either it was changed outside Pulumi since this stack last wrote it, or a "pulumi up" of this stack was killed after ' +
        'writing it (Pulumi then warns that this resource was "interrupted while updating"). It was left as it is. ' +
        'Run "pulumi refresh" to accept the current setting and then destroy, or set deletionPolicy: "retain" to leave the region as it is.',
    );
  }
  await writeAndConfirm(client, props.region, target, 0);
}

/**
 * Whether no write of this stack in the region was ever confirmed: a takeover recorded before its
 * write, or a create whose only write went unconfirmed. (An unconfirmed update keeps the stack's own
 * earlier setting in {@link REPLACED_SETTING}: that stack did write the region.)
 */
function neverWrote(outs: EventCallbackOutputs): boolean {
  return outs[UNCONFIRMED_WRITE] === true && !outs[REPLACED_SETTING];
}

/**
 * Whether the region now holds a setting someone else wrote after a stack that never wrote the
 * region recorded it: neither the one that stack's write would have left (what it recorded, as it
 * was before any refresh) nor the one it found.
 */
function someoneElsesSinceRecorded(outs: EventCallbackOutputs, live: CallbackSetting): boolean {
  return (
    neverWrote(outs) &&
    !sameSetting(live, storedSetting(outs)) &&
    !sameSetting(live, replacedByUnconfirmedWrite(outs))
  );
}

/** A setting as recorded for `previousSetting`: `null` when nothing is configured. */
function foundSetting(live: CallbackSetting): CallbackSetting | null {
  return isConfigured(live) ? live : null;
}

/** What destroy says when it lets go of a region this stack never wrote (no key in it). */
export function lettingGoMessage(region: string, live: CallbackSetting): string {
  return (
    `This stack never wrote the IMS event callback setting in ${region} (its takeover or create recorded the region, ` +
    `but no write of it was confirmed), and the region holds a setting this stack did not write (now: ${describeSetting(live)}). ` +
    "It was left as it is: destroy lets go of the region without restoring or clearing anything, whatever the deletionPolicy."
  );
}

/** The setting the region holds if an unconfirmed write recorded in `outs` did not land. */
function replacedByUnconfirmedWrite(outs: EventCallbackOutputs): CallbackSetting {
  return outs[REPLACED_SETTING] ?? outs.previousSetting ?? EMPTY_SETTING;
}

function configuredRaceCheckDelay(): number {
  return runtimeContext().setting(PROVIDER_SETTINGS.raceCheckDelayMs);
}

/**
 * Adopts the region's current setting for `pulumi import` (the provider plugin's `read` without
 * state): the outputs record it, as found, as the setting to restore on destroy; the inputs declare
 * it without the key (the code `pulumi import` generates shows every input), keeping the region's
 * key through `keepExistingAuthKey` instead. Defaults are left out of the inputs, so the generated
 * code shows only what the setting needs. Throws, saying why and what to do instead, for a region
 * with nothing configured and for a setting whose generated code would fail validation or show a
 * URL that may hold a secret (see ./importChecks).
 */
export async function importSetting(region: string): Promise<dynamic.ReadResult> {
  const live = await runtimeContext().imsClient(region).getEventCallback();
  const problem = importProblem(region, live);
  if (problem) throw new Error(problem);
  const inputs: EventCallbackInputs = importedInputs(region, live);
  const outs = withExplicitNulls({
    ...withCallbackDefaults(inputs),
    authKey: liveAuthKey(live),
    authSwitch: live.authSwitch,
    previousSetting: live,
    stateVersion: STATE_VERSION,
  });
  return { id: region, props: withoutUndefined(outs), inputs };
}

/**
 * `inputs` with the key to keep when they set `keepExistingAuthKey` (HTTP method, no `authKey`):
 * the key the state or the region holds. Only the provider's own comparisons and writes see it.
 */
function withKeptAuthKey(
  inputs: EventCallbackInputs,
  kept: string | null | undefined,
): EventCallbackInputs {
  if (inputs.keepExistingAuthKey !== true || inputs.callbackType !== "HTTP" || inputs.authKey) {
    return inputs;
  }
  return { ...inputs, authKey: kept ?? undefined };
}

function liveAuthKey(live: CallbackSetting): string | undefined {
  return live.authSwitch === "on" && live.authKey !== "" ? live.authKey : undefined;
}

/** The setting the inputs declare. */
export function desiredSetting(inputs: EventCallbackInputs): CallbackSetting {
  const authKey = inputs.callbackType === "HTTP" ? (inputs.authKey ?? "") : "";
  return {
    callbackType: inputs.callbackType,
    callbackUrl: inputs.callbackType === "HTTP" ? (inputs.callbackUrl ?? "") : "",
    queueName: inputs.callbackType === "MNS" ? (inputs.queueName ?? "") : "",
    eventTypes: inputs.eventTypes ?? [],
    authSwitch: authKey ? "on" : "off",
    authKey,
  };
}

/** The setting recorded in the outputs; none recorded (a read without state) is the empty setting. */
export function storedSetting(outs: Partial<EventCallbackOutputs>): CallbackSetting {
  return {
    callbackType: outs.callbackType ?? "",
    callbackUrl: outs.callbackUrl ?? "",
    queueName: outs.queueName ?? "",
    eventTypes: outs.eventTypes ?? [],
    authSwitch: outs.authSwitch ?? "off",
    authKey: outs.authKey ?? "",
  };
}

function outputsFor(
  inputs: EventCallbackInputs,
  previous: CallbackSetting | null,
): EventCallbackOutputs {
  const { __provider: _code, ...rest } = inputs;
  const desired = desiredSetting(inputs);
  return withExplicitNulls({
    ...withCallbackDefaults(rest),
    authSwitch: desired.authSwitch,
    previousSetting: previous,
    stateVersion: STATE_VERSION,
  });
}

/** Sets every optional output that is missing to `null`. */
function withExplicitNulls(outs: EventCallbackOutputs): EventCallbackOutputs {
  const filled: EventCallbackOutputs = { ...outs };
  for (const key of OPTIONAL_OUTPUTS) filled[key] = outs[key] ?? null;
  return filled;
}

/**
 * Writes the setting `inputs` declare and confirms it; a write that may have landed unconfirmed is
 * handed to the engine as partial state, so the resource (and `previous`) is recorded anyway, with
 * the stack's own setting the write replaces (`replacedOwn`, none for a create's write).
 */
async function writeOwned(
  client: ImsClient,
  inputs: EventCallbackInputs,
  previous: CallbackSetting | null,
  raceCheckDelayMs: number,
  replacedOwn?: CallbackSetting,
): Promise<void> {
  try {
    await writeAndConfirm(client, inputs.region, desiredSetting(inputs), raceCheckDelayMs);
  } catch (error) {
    if (!(error instanceof UnconfirmedWriteError)) throw error;
    // The host drops __provider from partial state unless given: delete and refresh need it.
    const recorded = {
      ...outputsFor(inputs, previous),
      [UNCONFIRMED_WRITE]: true,
      ...(replacedOwn ? { [REPLACED_SETTING]: replacedOwn } : {}),
      __provider: inputs.__provider,
    };
    throw partialStateError(inputs.region, recorded, unconfirmedWriteMessage(error));
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function containsUnknown(value: unknown): boolean {
  return value === UNKNOWN || (Array.isArray(value) && value.some((v) => v === UNKNOWN));
}

function emptyToUndefined(value: string): string | undefined {
  return value === "" ? undefined : value;
}
