/**
 * IMS's write of an event into a queue (a callback of type MNS): the queue must exist in the
 * region and IMS's service role must be allowed to send to it.
 *
 * @packageDocumentation
 */
import type { EmulatorBehaviour } from "../ground/behaviour";
import { queueArn, type QueueStore } from "../mns/queues";
import { IMS_SERVICE_ROLE, type RamState } from "../ram/state";
import type { QueueWriter } from "../ims/delivery";

/** IMS's write into `accountId`'s queues in `region`, as {@link deliverEvent} calls it. */
export const imsQueueWriter =
  (
    queues: QueueStore,
    ram: RamState,
    behaviour: EmulatorBehaviour,
    accountId: string,
    region: string,
  ): QueueWriter =>
  async (queueName, body) => {
    const queue = queues.get(accountId, region, queueName);
    if (!queue) throw new Error(`QueueNotExist: no queue ${queueName} in ${region}`);
    const resource = `${queueArn(region, accountId, queueName)}/messages`;
    const decision = ram.evaluate(accountId, IMS_SERVICE_ROLE, "mns:SendMessage", resource);
    if (!decision.allowed)
      throw new Error(
        `AccessDenied: ${IMS_SERVICE_ROLE} may not mns:SendMessage on ${resource} (${decision.reason})`,
      );
    const messageBody =
      behaviour.queueMessageEncoding === "base64"
        ? Buffer.from(body, "utf8").toString("base64")
        : body;
    try {
      const [message] = await queues.send(queue, [{ MessageBody: messageBody }]);
      return message.MessageId;
    } catch (error) {
      throw new Error(
        `${(error as { code?: string }).code ?? "Error"}: ${(error as Error).message}`,
      );
    }
  };
