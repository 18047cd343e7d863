/**
 * `ImsQueueAuthorization`: the account-wide RAM setup that lets IMS write to `ice-callback-` queues.
 *
 * @packageDocumentation
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";

/** IMS's service role, created when IMS is activated in an account. */
export const DEFAULT_IMS_ROLE_NAME = "AliyunICEDefaultRole";

/** The service principal IMS assumes its role as. */
export const IMS_SERVICE_PRINCIPAL = "ice.aliyuncs.com";

/** One queue IMS may send to. */
export interface AuthorizedQueue {
  /** The queue's region, e.g. `"cn-shanghai"`. */
  readonly region: pulumi.Input<string>;
  /** The queue name, e.g. `"ice-callback-orders"`. */
  readonly queueName: pulumi.Input<string>;
}

/** Arguments of {@link ImsQueueAuthorization}. */
export interface ImsQueueAuthorizationArgs {
  /**
   * The queues IMS may send to: one policy statement covers them all, so one authorization serves
   * every region of a stack.
   */
  readonly queues: pulumi.Input<AuthorizedQueue>[];
  /**
   * The RAM role IMS uses to write to queues.
   *
   * @default "AliyunICEDefaultRole"
   */
  readonly roleName?: pulumi.Input<string>;
  /**
   * Create the role (trusting `ice.aliyuncs.com`) instead of using one that exists. Leave it off for
   * `AliyunICEDefaultRole`, which IMS creates when the service is activated.
   *
   * @default false
   */
  readonly createRole?: boolean;
  /**
   * The custom policy's name.
   *
   * @default "ims-callback-<name>-send"
   */
  readonly policyName?: pulumi.Input<string>;
  /**
   * The account id in the queue ARNs.
   *
   * @default the caller's account (alicloud.getCallerIdentity)
   */
  readonly accountId?: pulumi.Input<string>;
}

/**
 * The least-privilege RAM authorization for IMS to deliver callbacks to queues: a custom policy
 * allowing only `mns:SendMessage` on exactly the listed queues' messages, attached to IMS's service
 * role. RAM is account-wide: create one per account (per stack) and pass it to every regional
 * {@link ImsCallback} through `authorization`.
 *
 * @example
 * ```ts
 * const auth = new ImsQueueAuthorization("ims", {
 *   queues: [
 *     { region: "cn-shanghai", queueName: "ice-callback-sh" },
 *     { region: "cn-beijing", queueName: "ice-callback-bj" },
 *   ],
 * });
 * ```
 */
export class ImsQueueAuthorization extends pulumi.ComponentResource {
  /** The role IMS writes with. */
  readonly roleName: pulumi.Output<string>;
  /** The custom policy's name. */
  readonly policyName: pulumi.Output<string>;
  /** The policy document (JSON). */
  readonly policyDocument: pulumi.Output<string>;
  /** The queue ARNs the policy allows. */
  readonly queueArns: pulumi.Output<string[]>;
  /** The role, when this component created it. */
  readonly role?: alicloud.ram.Role;
  /** The custom policy. */
  readonly policy: alicloud.ram.Policy;
  /** The attachment of the policy to the role. */
  readonly attachment: alicloud.ram.RolePolicyAttachment;

  constructor(name: string, args: ImsQueueAuthorizationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("alicloud-ims-callback:index:ImsQueueAuthorization", name, {}, opts);
    if (!args || !Array.isArray(args.queues) || args.queues.length === 0) {
      throw new Error(`Invalid ImsQueueAuthorization "${name}":\n  - queues: list at least one { region, queueName } that IMS may send to.`);
    }
    const childOpts: pulumi.CustomResourceOptions = { parent: this };
    const accountId: pulumi.Input<string> =
      args.accountId ?? alicloud.getCallerIdentityOutput({ parent: this }).accountId;

    this.queueArns = pulumi
      .all([accountId, pulumi.all(args.queues.map((q) => pulumi.output(q)))])
      .apply(([account, queues]) => queues.map((q) => queueMessagesArn(q.region, account, q.queueName)));
    this.policyDocument = this.queueArns.apply((arns) => sendMessagePolicyDocument(arns));

    const roleName = args.roleName ?? DEFAULT_IMS_ROLE_NAME;
    if (args.createRole) {
      this.role = new alicloud.ram.Role(
        `${name}-role`,
        {
          roleName,
          assumeRolePolicyDocument: imsTrustPolicyDocument(),
          description: "Lets Intelligent Media Services deliver event callbacks to queues.",
        },
        childOpts,
      );
    }
    this.policy = new alicloud.ram.Policy(
      `${name}-policy`,
      {
        policyName: args.policyName ?? `ims-callback-${name}-send`,
        policyDocument: this.policyDocument,
        description: "IMS event callbacks: mns:SendMessage on the ice-callback queues only.",
      },
      childOpts,
    );
    this.attachment = new alicloud.ram.RolePolicyAttachment(
      `${name}-attachment`,
      {
        policyName: this.policy.policyName,
        policyType: "Custom",
        roleName: this.role ? this.role.roleName : roleName,
      },
      childOpts,
    );
    this.roleName = this.attachment.roleName;
    this.policyName = this.attachment.policyName;
    this.registerOutputs({
      roleName: this.roleName,
      policyName: this.policyName,
      policyDocument: this.policyDocument,
      queueArns: this.queueArns,
    });
  }
}

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

/** The policy document allowing `mns:SendMessage` on exactly the given ARNs (sorted, deduplicated). */
export function sendMessagePolicyDocument(arns: readonly string[]): string {
  return JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: ["mns:SendMessage"], Resource: [...new Set(arns)].sort() }],
  });
}

/** The trust policy letting IMS (`ice.aliyuncs.com`) assume a role. */
export function imsTrustPolicyDocument(): string {
  return JSON.stringify({
    Version: "1",
    Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: [IMS_SERVICE_PRINCIPAL] } }],
  });
}
