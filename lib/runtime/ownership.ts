/**
 * How the provider writes a region's setting and keeps track of what it owns, given that IMS has
 * one setting per region, no owner field, no delete and no conditional write:
 *
 * - a setting this stack has not recorded belongs to someone else, identical or not, and is taken
 *   over only with `adoptExisting`;
 * - a write is read back after a short delay, so a second writer that raced this one (both read an
 *   empty region, both wrote) is detected by the one whose write was overwritten;
 * - a write that may have landed but could not be confirmed is still recorded (as partial state,
 *   with what was there before), so destroy restores the region instead of keeping the stack's own
 *   write as if someone else had made it;
 * - a takeover (`adoptExisting`) records what it found before it writes anything: its create only
 *   reads and records (as partial state), the next `up` writes, so no interruption can lose the
 *   previous owner's setting.
 *
 * @packageDocumentation
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ImsClient } from "./imsClient";
import {
  describeSetting,
  sameSetting,
  settingDifferences,
  type CallbackSetting,
} from "../shared/setting";

/**
 * Set in the outputs recorded while a write of this stack is unconfirmed (sent without an answer, or
 * not sent yet after a takeover was recorded): the region holds either the setting the outputs
 * declare or the one the write replaces. The next update reads the region first; destroy knows both.
 *
 * @internal
 */
export const UNCONFIRMED_WRITE = "unconfirmedWrite";

/**
 * Recorded beside {@link UNCONFIRMED_WRITE} when the unconfirmed write replaces this stack's own
 * earlier setting (an update): that setting, so that destroy and the next update recognise it as
 * the stack's. Absent after a create, whose write replaces `previousSetting`. Secret (it holds a key).
 *
 * @internal
 */
export const REPLACED_SETTING = "replacedSetting";

/** The two calls of {@link ImsClient} this module uses. */
export type SettingClient = Pick<ImsClient, "getEventCallback" | "setEventCallback">;

/**
 * A write that may have landed but was not confirmed (the write's outcome or its read-back was
 * lost). The caller records the resource anyway, see {@link partialStateError}.
 */
export class UnconfirmedWriteError extends Error {
  /** `"UnconfirmedWriteError"` */
  override readonly name = "UnconfirmedWriteError";
  constructor(region: string, cause: unknown) {
    super(
      `IMS SetEventCallback in ${region} was sent but could not be confirmed: ${messageOf(cause)}`,
    );
  }
}

/** The read-back after a write found another setting: someone wrote the region at the same moment. */
export class ConcurrentWriteError extends Error {
  /** `"ConcurrentWriteError"` */
  override readonly name = "ConcurrentWriteError";
}

/**
 * The error a dynamic provider's `create` or `update` throws so that the engine records the resource
 * with `properties` as its outputs although the operation failed (the host turns an error carrying
 * `id` and `properties` into `ErrorResourceInitFailed`; the next `up` then calls `update`).
 */
export function partialStateError(
  id: string,
  properties: Record<string, unknown>,
  message: string,
): Error & {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
} {
  const defined = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined));
  return Object.assign(new Error(message), { id, properties: defined, reasons: [message] });
}

/** The message of a write recorded unconfirmed. */
export function unconfirmedWriteMessage(cause: UnconfirmedWriteError): string {
  return (
    `${cause.message} The resource is recorded with the setting it wrote and the one found before it, so destroy still puts ` +
    'the region back; the next "pulumi up" reads the region again and completes the write.'
  );
}

/** The message of an adopting create, which records what it found and writes nothing. */
export function takeoverRecordedMessage(region: string, found: CallbackSetting): string {
  return (
    `Took over the IMS event callback setting in ${region}: recorded the setting found there (${describeSetting(found)}) ` +
    'as the one destroy puts back, and wrote nothing yet. Run "pulumi up" again to write the declared setting. ' +
    "A takeover records what it found before it writes, so that no interruption can lose the previous owner's setting."
  );
}

/**
 * Writes `desired` and reads it back after `raceCheckDelayMs`. Throws the write's own error when it
 * certainly did not land, {@link UnconfirmedWriteError} when it may have landed but could not be
 * confirmed, and {@link ConcurrentWriteError} when the region then holds another setting.
 */
export async function writeAndConfirm(
  client: SettingClient,
  region: string,
  desired: CallbackSetting,
  raceCheckDelayMs: number,
): Promise<void> {
  try {
    await client.setEventCallback(desired);
  } catch (error) {
    if (refusedByService(error)) throw error;
    // A timeout, dropped connection or 5xx after the service may have applied the write: look.
    let live: CallbackSetting;
    try {
      live = await client.getEventCallback();
    } catch {
      throw new UnconfirmedWriteError(region, error);
    }
    if (!sameSetting(live, desired)) throw error;
  }
  if (raceCheckDelayMs > 0) await sleep(raceCheckDelayMs);
  let after: CallbackSetting;
  try {
    after = await client.getEventCallback();
  } catch (error) {
    throw new UnconfirmedWriteError(region, error);
  }
  const differences = settingDifferences(after, desired);
  if (differences.length > 0) {
    throw new ConcurrentWriteError(
      `IMS accepted SetEventCallback in ${region}, but reading it back ${raceCheckDelayMs > 0 ? `${raceCheckDelayMs} ms later ` : ""}` +
        `finds another setting (differs in ${differences.join(", ")}; now: ${describeSetting(after)}). ` +
        "Another stack, script or console user wrote the region at the same moment and its write came last.",
    );
  }
}

/**
 * The refusal to create over a setting this stack has not recorded. An identical setting is refused
 * too: nothing in IMS tells whose it is, and a second owner would later overwrite or clear it.
 */
export function unownedSettingError(
  region: string,
  found: CallbackSetting,
  desired: CallbackSetting,
): Error {
  const head = `IMS already has an event callback setting in ${region} that this stack did not create: ${describeSetting(found)}`;
  if (!sameSetting(found, desired)) {
    return new Error(
      `${head}. To take it over, set adoptExisting: true (with deletionPolicy "restore", the default, destroy puts it back); ` +
        "to leave it alone, remove this resource or pick another region.",
    );
  }
  return new Error(
    `${head}, identical to the one declared here. A setting this stack has not recorded is someone else's even when identical ` +
      "(another stack would later overwrite or clear it), so it is not taken over silently. To take it over, set adoptExisting: true. " +
      'If it is this stack\'s own write from a "pulumi up" killed before the engine recorded it (Pulumi warns that this resource was ' +
      '"interrupted while creating"), set adoptExisting: true with deletionPolicy: "clear", so that destroy removes it; ' +
      'then "pulumi refresh --clear-pending-creates" drops the stale pending operation.',
  );
}

/** Whether the service answered the write with a refusal (4xx or Success=false): nothing was written. */
function refusedByService(error: unknown): boolean {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  return (
    code === "Unsuccessful" ||
    (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500)
  );
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
