/**
 * The runtime of {@link QueueDeletionGuard}: a resource that depends on a queue and refuses its own
 * delete while the queue holds messages, so that the engine never reaches the queue's delete (a
 * rename's replacement, a destroy, a queue removed from the program) unless the user said so.
 *
 * It reads the queue's message counts with Mns-open GetQueueAttributes, through the credential chain
 * of the setting's runtime and at the Mns-open endpoint the stack's `alicloud:*` config gives (the
 * one the alicloud provider of the queue uses). Its state holds the region, the queue name and the
 * user's choice, nothing else; no credential.
 *
 * @packageDocumentation
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { runtimeContext } from "./context";
import { PROVIDER_SETTINGS } from "./providerSettings";
import {
  QueueCountError,
  queueMessageCounts,
  type CountFailureCause,
  type QueueMessageCounts,
} from "./queueCounts";
import { warn } from "./warnings";

/** The engine's marker for a value not known at preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The environment variable that lets one run delete guarded queues that still hold messages, for a
 * queue the program no longer declares (a rename whose delete was refused, a removed component).
 */
export const DELETE_QUEUES_WITH_MESSAGES_VARIABLE =
  PROVIDER_SETTINGS.deleteQueuesWithMessages.envVar;

/**
 * The environment variable that sets the Mns-open endpoint the guard counts at, over the stack
 * config: the repair that works at destroy (which configures the provider from the last up).
 */
export const MNS_OPEN_ENDPOINT_VARIABLE = PROVIDER_SETTINGS.mnsOpenEndpoint.envVar;

/**
 * Inputs and outputs of one guard.
 *
 * @internal
 */
export interface QueueGuardState {
  /** The queue's region. */
  region: string;
  /** The guarded queue. */
  queueName: string;
  /** Whether deleting the queue may delete messages it still holds. */
  deleteWithMessages: boolean;
}

/** Fills the default of `deleteWithMessages`; no API call. */
export async function queueGuardCheck(
  _olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<dynamic.CheckResult> {
  return { inputs: { ...news, deleteWithMessages: news.deleteWithMessages === true } };
}

/**
 * Another queue (or region) replaces the guard, whose old copy is deleted at the end of the update,
 * after the setting has moved. When that delete will meet messages, the preview says so with the
 * count (one GetQueueAttributes call, only for a replacement).
 */
export async function queueGuardDiff(
  _id: string,
  olds: QueueGuardState,
  news: QueueGuardState,
): Promise<dynamic.DiffResult> {
  const replaces = (["region", "queueName"] as const).filter(
    (field) => news[field] === UNKNOWN || news[field] !== olds[field],
  );
  const changes = replaces.length > 0 || news.deleteWithMessages !== olds.deleteWithMessages;
  if (replaces.length > 0) await warnAboutReplacement(olds);
  return { changes, replaces, deleteBeforeReplace: false };
}

/** Records the guard; no API call (the queue exists: the guard depends on it). */
export async function queueGuardCreate(inputs: QueueGuardState): Promise<dynamic.CreateResult> {
  return { id: `${inputs.region}/${inputs.queueName}`, outs: stateOf(inputs) };
}

/** Records the new choice; no API call. */
export async function queueGuardUpdate(
  _id: string,
  _olds: QueueGuardState,
  news: QueueGuardState,
): Promise<dynamic.UpdateResult> {
  return { outs: stateOf(news) };
}

/**
 * Succeeds (and so lets the engine delete the queue next) when the queue is empty or gone, when
 * `deleteWithMessages` was set, or when {@link DELETE_QUEUES_WITH_MESSAGES_VARIABLE} is `true`;
 * otherwise fails with the count and the ways out. A count that cannot be read (no answer, an answer
 * that is not Mns-open's JSON, one without the three counts or with `Success: false`, an error) fails
 * too, with its cause and the advice that fits it.
 */
export async function queueGuardDelete(_id: string, props: QueueGuardState): Promise<void> {
  if (props.deleteWithMessages === true || deletionAllowedByEnvironment()) return;
  let counts: QueueMessageCounts | undefined;
  try {
    counts = await queueMessageCounts(
      runtimeContext().mnsOpenClient(props.region),
      props.queueName,
    );
  } catch (error) {
    const where = { region: props.region, queueName: props.queueName };
    const advice =
      error instanceof QueueCountError
        ? ADVICE[error.reason]({ ...where, endpoint: error.endpoint })
        : ADVICE.service(where);
    throw new Error(
      `Could not count the messages in queue "${props.queueName}" in ${props.region} before deleting it, so it was left in place: ` +
        `${error instanceof Error ? error.message : String(error)}. ${advice} (or consume the messages yourself), or ${ALLOW_ADVICE}.`,
    );
  }
  if (counts === undefined || total(counts) === 0) return;
  throw new Error(
    `Queue "${props.queueName}" in ${props.region} still holds ${describeCounts(counts)}; deleting it would delete them unread, ` +
      `so it was left in place and nothing after it was deleted. Consume them (e.g. with pulumi-alicloud-ims-callback/consumer) ` +
      `and run the command again, or ${ALLOW_ADVICE}.`,
  );
}

/** The first advice of a refusal, by cause. */
const ADVICE: Record<
  CountFailureCause,
  (where: { region: string; queueName: string; endpoint?: string }) => string
> = {
  permission: ({ region, queueName }) =>
    `Grant the deploying credentials mns:GetQueueAttributes on acs:mns:${region}:*:/queues/${queueName}`,
  credentials: () =>
    "Check the deploying credentials (the AccessKey pair or the security token the stack deploys with)",
  endpoint: ({ endpoint }) =>
    `Check the Mns-open endpoint (${endpoint}): it must resolve, be reachable from here and be Mns-open's; ` +
    `if the queue is served at another one, run the command again with ${MNS_OPEN_ENDPOINT_VARIABLE}=<host[:port] or http(s) URL> ` +
    "(it wins over the Mns-open endpoint the stack recorded at its last up)",
  answer: () => "Run the command again later",
  service: () => "Run the command again later",
};

const ALLOW_ADVICE =
  'to delete them unread, set queue: { deleteWithMessages: true } on the ImsCallback and run "pulumi up" before destroying, ' +
  `or run the command once with ${DELETE_QUEUES_WITH_MESSAGES_VARIABLE}=true (for a queue the program no longer declares, e.g. after a rename)`;

async function warnAboutReplacement(olds: QueueGuardState): Promise<void> {
  if (deletionAllowedByEnvironment()) return;
  let counts: QueueMessageCounts | undefined;
  try {
    counts = await queueMessageCounts(runtimeContext().mnsOpenClient(olds.region), olds.queueName);
  } catch (error) {
    await warn(
      `Queue "${olds.queueName}" in ${olds.region} is replaced; its messages could not be counted (${error instanceof Error ? error.message : String(error)}).`,
    );
    return;
  }
  if (counts === undefined || total(counts) === 0) return;
  await warn(
    olds.deleteWithMessages
      ? `Queue "${olds.queueName}" in ${olds.region} holds ${describeCounts(counts)}: this update replaces it and deletes it with them unread (deleteWithMessages is set).`
      : `Queue "${olds.queueName}" in ${olds.region} holds ${describeCounts(counts)}. This update replaces it: the new queue and its grant come first, ` +
          `then the setting moves; deleting "${olds.queueName}" is refused while it holds messages, which stops the update there. ` +
          'Consume them and run "pulumi up" again, or set queue: { deleteWithMessages: true } to delete them.',
  );
}

/** `N messages (a visible, b received and not deleted, c delayed)`. */
export function describeCounts(counts: QueueMessageCounts): string {
  const n = total(counts);
  return (
    `${n} message${n === 1 ? "" : "s"} (${counts.visible} visible, ${counts.invisible} received and not deleted, ` +
    `${counts.delayed} delayed)`
  );
}

function total(counts: QueueMessageCounts): number {
  return counts.visible + counts.invisible + counts.delayed;
}

function deletionAllowedByEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return runtimeContext().setting(PROVIDER_SETTINGS.deleteQueuesWithMessages, env);
}

function stateOf(inputs: QueueGuardState): QueueGuardState {
  return {
    region: inputs.region,
    queueName: inputs.queueName,
    deleteWithMessages: inputs.deleteWithMessages === true,
  };
}
