/**
 * RAM facts of the queue method: IMS's service role, the actions IMS sends with, and the ARN of a
 * queue's messages (the resource those actions are granted on).
 *
 * @packageDocumentation
 */

/**
 * IMS's service role. SetEventCallback has no role parameter: IMS always writes to queues as this
 * role, which IMS creates when the service is activated in an account. A policy attached to any
 * other role has no effect on delivery, and a stack must never create (and later delete) this one.
 */
export const IMS_SERVICE_ROLE_NAME = "AliyunICEDefaultRole";

/**
 * The RAM actions IMS may need to deliver into a queue. The MNS permission table maps batch sends
 * to `mns:SendMessage`; a newer page names `mns:BatchSendMessage`, so both count as sending.
 */
export const QUEUE_SEND_ACTIONS: readonly string[] = ["mns:SendMessage", "mns:BatchSendMessage"];

/**
 * The ARN of a queue's messages, the resource of `mns:SendMessage`.
 *
 * @example
 * ```ts
 * queueMessagesArn("cn-shanghai", "1234567890123456", "ice-callback-orders");
 * // "acs:mns:cn-shanghai:1234567890123456:/queues/ice-callback-orders/messages"
 * ```
 */
export function queueMessagesArn(region: string, accountId: string, queueName: string): string {
  return `acs:mns:${region}:${accountId}:/queues/${queueName}/messages`;
}

/** The parts of a queue-messages ARN, see {@link parseQueueMessagesArn}. */
export interface QueueMessagesArn {
  readonly region: string;
  readonly accountId: string;
  readonly queueName: string;
}

const QUEUE_MESSAGES_ARN = /^acs:mns:([^:]*):([^:]*):\/queues\/([^/]*)\/messages$/;

/**
 * The parts of an ARN built like {@link queueMessagesArn}, or `undefined` for any other ARN.
 * Wildcards are not expanded: `"*"` comes back as a literal part.
 *
 * @example
 * ```ts
 * parseQueueMessagesArn("acs:mns:cn-shanghai:123:/queues/ice-callback-orders/messages");
 * // { region: "cn-shanghai", accountId: "123", queueName: "ice-callback-orders" }
 * ```
 */
export function parseQueueMessagesArn(arn: string): QueueMessagesArn | undefined {
  const match = QUEUE_MESSAGES_ARN.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, queueName] = match;
  return { region, accountId, queueName };
}
