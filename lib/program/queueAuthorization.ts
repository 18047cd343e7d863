/**
 * `ImsQueueAuthorization`: the account-wide RAM setup that lets IMS write to `ice-callback-` queues.
 *
 * @packageDocumentation
 */
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { IMS_QUEUE_AUTHORIZATION_TYPE } from "../shared/contract";
import {
  MAX_POLICY_NAME_LENGTH,
  POLICY_NAME_PREFIX,
  policyNameProblems,
  stackScopedName,
} from "../shared/names";
import { IMS_SERVICE_ROLE_NAME, queueMessagesArn, QUEUE_SEND_ACTIONS } from "../shared/ram";
import { queueNameProblems } from "../shared/validation";

export { IMS_SERVICE_ROLE_NAME, queueMessagesArn };

/** The policy version rotation that keeps document updates working past RAM's five versions. */
export const POLICY_ROTATE_STRATEGY = "DeleteOldestNonDefaultVersionWhenLimitExceeded";

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
   * The custom policy's name: 1 to 128 letters, digits and hyphens, unique in the account.
   *
   * The default name changes with the list of queues, so a change of the list (a renamed queue, a
   * region added or removed) replaces the policy and its attachment: the new ones are created first
   * and the old ones, which still grant the old queues, are deleted at the end of the update, after
   * the callback settings have moved. A fixed name is updated in place instead, so a queue dropped
   * from the list loses its grant before the setting moves (add the new queue first, run `up`, then
   * remove the old one).
   *
   * @default "ims-callback-<project>-<stack>-<name>-<hash>-send" (unique per project, stack and list of queues)
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
 * allowing only sending (`mns:SendMessage`, `mns:BatchSendMessage`) to exactly the listed queues,
 * attached to IMS's service
 * role {@link IMS_SERVICE_ROLE_NAME}. RAM is account-wide: create one per stack and pass it to every
 * regional {@link ImsCallback} through `authorization`.
 *
 * The role must exist (IMS activated in the account): preview looks it up (RAM ListPoliciesForRole)
 * and fails with a clear error when it is missing, before anything is created.
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
  /** The role IMS writes with: always {@link IMS_SERVICE_ROLE_NAME}. */
  readonly roleName: pulumi.Output<string>;
  /** The custom policy's name. */
  readonly policyName: pulumi.Output<string>;
  /** The policy document (JSON). */
  readonly policyDocument: pulumi.Output<string>;
  /** The queue ARNs the policy allows. */
  readonly queueArns: pulumi.Output<string[]>;
  /** The custom policy. */
  readonly policy: alicloud.ram.Policy;
  /** The attachment of the policy to IMS's service role. */
  readonly attachment: alicloud.ram.RolePolicyAttachment;
  /**
   * Whether the lookup at preview found IMS's service role (when not, the error is logged and
   * nothing is created). Resources that only make sense with the authorization can wait for it.
   *
   * @internal
   */
  readonly serviceRoleFound: pulumi.Output<boolean>;
  /**
   * Whether the component was given `retainOnDelete: true`, which it passes to its policy and
   * attachment: the grant then outlives the stack (a callback setting kept with deletionPolicy
   * "retain" needs it).
   *
   * @internal
   */
  readonly retainsOnDelete: boolean;

  /**
   * @param opts - as for any component; `retainOnDelete: true` also keeps the policy and the
   * attachment when the stack is destroyed or the component removed (IMS may then still write to the
   * queues, e.g. for an {@link ImsCallback} with `deletionPolicy: "retain"` that shares it).
   */
  constructor(
    name: string,
    args: ImsQueueAuthorizationArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(IMS_QUEUE_AUTHORIZATION_TYPE, name, {}, opts);
    validateAuthorizationArgs(name, args);
    // A component's retainOnDelete is not inherited by its children: it is passed on here.
    this.retainsOnDelete = opts?.retainOnDelete === true;
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      ...(this.retainsOnDelete ? { retainOnDelete: true } : {}),
    };
    const accountId: pulumi.Input<string> =
      args.accountId ?? alicloud.getCallerIdentityOutput({ parent: this }).accountId;

    this.queueArns = pulumi
      .all([accountId, pulumi.all(args.queues.map((q) => pulumi.output(q)))])
      .apply(([account, queues]) =>
        queues.map((q) => queueMessagesArn(q.region, account, q.queueName)),
      );
    this.policyDocument = this.queueArns.apply((arns) => sendMessagePolicyDocument(arns));

    // Nothing is created in an account where IMS's role is missing: the names become "" (refused).
    const serviceRole = requireServiceRole(name, this);
    this.serviceRoleFound = serviceRole.apply((role) => role !== "");
    const policyName = pulumi
      .all([
        serviceRole,
        args.policyName ??
          pulumi
            .all(args.queues.map((q) => pulumi.output(q)))
            .apply((queues) => defaultPolicyName(name, queues)),
      ])
      .apply(([role, n]) => (role === "" ? "" : n));
    this.policy = new alicloud.ram.Policy(
      `${name}-policy`,
      {
        policyName,
        policyDocument: this.policyDocument,
        description: "IMS event callbacks: sending to the listed ice-callback queues only.",
        rotateStrategy: POLICY_ROTATE_STRATEGY,
      },
      childOpts,
    );
    this.attachment = new alicloud.ram.RolePolicyAttachment(
      `${name}-attachment`,
      // The planned name, not the policy's output: known at preview also while a rename replaces
      // the policy, so that the attachment's policy can be judged there (policy pack).
      {
        policyName,
        policyType: "Custom",
        roleName: serviceRole,
      },
      { ...childOpts, dependsOn: [this.policy] },
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
 * The policy name an authorization gets by default, unique per project, stack, component name and
 * set of granted queues (order and duplicates aside): granting other queues means another policy,
 * which the engine creates before it deletes the old one (see {@link ImsQueueAuthorizationArgs.policyName}).
 *
 * @example
 * ```ts
 * defaultPolicyName("ims", [{ region: "cn-shanghai", queueName: "ice-callback-a" }]);
 * // in project "shop", stack "prod": "ims-callback-shop-prod-ims-<hash>-send"
 * ```
 */
export function defaultPolicyName(
  name: string,
  queues: readonly { readonly region: string; readonly queueName: string }[],
): string {
  const granted = [...new Set(queues.map((q) => `${q.region}/${q.queueName}`))].sort();
  return stackScopedName({
    prefix: POLICY_NAME_PREFIX,
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    name,
    suffix: "-send",
    variant: granted.join(","),
    maxLength: MAX_POLICY_NAME_LENGTH,
  });
}

/**
 * IMS's service role name, once a lookup of the role's policies (RAM ListPoliciesForRole, which the
 * attachment needs anyway) has shown, at preview too, that the role exists. When it is missing (or
 * the lookup fails), the error is logged against `parent`, which fails the deployment at preview,
 * and the result is `""`, an empty name, which the service refuses, so that not even `up --skip-preview` creates
 * the policy or the attachment. (A rejected lookup would leave their outputs unresolved and the
 * program waiting for them.)
 */
function requireServiceRole(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const lookup = alicloud.ram
    .getRolePolicyAttachments({ roleName: IMS_SERVICE_ROLE_NAME }, { parent })
    .then(
      () => IMS_SERVICE_ROLE_NAME,
      (error: unknown) => {
        const message = isMissingRoleError(error)
          ? missingServiceRoleMessage(name)
          : `ImsQueueAuthorization "${name}": looking up IMS's service role ${IMS_SERVICE_ROLE_NAME} failed: ${error instanceof Error ? error.message : String(error)}`;
        void pulumi.log.error(message, parent);
        return "";
      },
    );
  return pulumi.output(lookup);
}

/**
 * Whether a failed RAM call failed because the role does not exist (error code
 * `EntityNotExist.Role`, as the alicloud plugin reports it).
 *
 * @internal
 */
export function isMissingRoleError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\bEntityNotExist\.Role\b(?!\.)/.test(message);
}

/**
 * What an {@link ImsQueueAuthorization} says in an account without IMS's service role.
 *
 * @internal
 */
export function missingServiceRoleMessage(name: string): string {
  return (
    `ImsQueueAuthorization "${name}": IMS's service role ${IMS_SERVICE_ROLE_NAME} does not exist in this account, ` +
    "so IMS cannot be authorized to write to the queue (IMS is not activated here). Activate Intelligent Media " +
    "Services in the account (the console creates the role), then run again; or manage RAM yourself and use " +
    "skipAuthorization: true."
  );
}

/** Checks the plain arguments and throws one error listing every problem. */
function validateAuthorizationArgs(name: string, args: ImsQueueAuthorizationArgs): void {
  const problems: string[] = [];
  if (!args || !Array.isArray(args.queues) || args.queues.length === 0) {
    problems.push("queues: list at least one { region, queueName } that IMS may send to.");
  } else {
    args.queues.forEach((queue, i) => {
      const queueName = isPlainObject(queue) ? (queue as AuthorizedQueue).queueName : undefined;
      if (typeof queueName === "string") {
        for (const reason of queueNameProblems(queueName))
          problems.push(`queues[${i}].queueName: ${reason}`);
      }
    });
  }
  if (typeof args?.policyName === "string") {
    for (const reason of policyNameProblems(args.policyName))
      problems.push(`policyName: ${reason}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `Invalid ImsQueueAuthorization "${name}":\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

function isPlainObject(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !pulumi.Output.isInstance(value) &&
    !(value instanceof Promise)
  );
}

/**
 * The policy document allowing IMS's send actions (`mns:SendMessage`, `mns:BatchSendMessage`: which
 * one IMS's writes need is not documented) on exactly the given ARNs (sorted, deduplicated).
 */
export function sendMessagePolicyDocument(arns: readonly string[]): string {
  return JSON.stringify({
    Version: "1",
    Statement: [
      { Effect: "Allow", Action: [...QUEUE_SEND_ACTIONS], Resource: [...new Set(arns)].sort() },
    ],
  });
}
