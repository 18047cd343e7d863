/**
 * `ims-callback-ram-least-privilege`: nothing broad reaches IMS's service role. A resource policy, so
 * the engine runs it on each resource before that resource is created or changed, at preview and
 * again during `pulumi up` (a stack policy runs only after every resource is in place).
 *
 * A resource policy sees one resource, but an attachment names its policy while the document lives
 * in another resource. The rule that links them, within one run of the pack:
 * - every policy document resource (`ram.Policy` in both forms, `resourcemanager.Policy`,
 *   `resourcemanager.PolicyVersion`) is judged when it is registered, and the judgement is kept
 *   under the policy's name;
 * - an attachment of a custom policy to IMS's role passes only when every document registered under
 *   that name earlier in the run was judged, and each grants only sending to `ice-callback-` queues.
 *   Passing the policy resource's output (`policyName: policy.policyName`) makes the engine register
 *   the policy first; a policy managed elsewhere cannot be read, so it is refused unless allowed by
 *   name in the pack config;
 * - a document registered after an attachment of its name (a new `PolicyVersion`) is judged against
 *   the same rule;
 * - whatever is unknown at preview (the role, the policy's type, name or document) is refused: the
 *   rule cannot tell whether it would reach IMS's role.
 *
 * @packageDocumentation
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { IMS_SERVICE_ROLE_NAME, QUEUE_SEND_ACTIONS } from "../shared/ram";
import { QUEUE_NAME_PREFIX } from "../shared/validation";
import { queueSendGrantProblems, statementsDocument } from "./ramGrants";
import {
  knownPlain,
  quoteList,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  RAM_ROLE_TYPE,
  readString,
  RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
  RESOURCE_MANAGER_POLICY_TYPE,
  RESOURCE_MANAGER_POLICY_VERSION_TYPE,
  RESOURCE_MANAGER_ROLE_TYPE,
  UNKNOWN,
  type Maybe,
} from "./resources";

/** Pack config of {@link imsRoleLeastPrivilege}. */
export interface ImsRoleConfig {
  /**
   * The roles IMS writes to queues with (compared in any case).
   *
   * @default ["AliyunICEDefaultRole"]
   */
  readonly roleNames?: string[];
  /**
   * Policies (system or custom, by name, any case) the organisation has reviewed and allows on
   * IMS's role without reading their document, e.g. a custom policy managed in another stack.
   *
   * @default []
   */
  readonly allowedPolicyNames?: string[];
}

const SEND_ONLY = `only ${QUEUE_SEND_ACTIONS.join(" / ")} on acs:mns:<region>:<account>:/queues/${QUEUE_NAME_PREFIX}<name>/messages, without wildcards`;

/** A resource type that holds a policy document, and where its name and documents are. */
interface DocumentKind {
  readonly label: string;
  readonly nameFields: readonly string[];
  readonly documentFields: readonly string[];
  /** Whether the deprecated `statements` list is a document form too. */
  readonly statements: boolean;
}

const DOCUMENT_KINDS: Readonly<Record<string, DocumentKind>> = {
  [RAM_POLICY_TYPE]: {
    label: "ram.Policy",
    nameFields: ["policyName", "name"],
    documentFields: ["policyDocument", "document"],
    statements: true,
  },
  [RESOURCE_MANAGER_POLICY_TYPE]: {
    label: "resourcemanager.Policy",
    nameFields: ["policyName"],
    documentFields: ["policyDocument"],
    statements: false,
  },
  [RESOURCE_MANAGER_POLICY_VERSION_TYPE]: {
    label: "resourcemanager.PolicyVersion",
    nameFields: ["policyName"],
    documentFields: ["policyDocument"],
    statements: false,
  },
};

/** A resource type that attaches a named policy to a principal. */
interface AttachmentKind {
  readonly label: string;
  readonly principalField: string;
  /** The role name inside the principal field's value. */
  readonly roleName: (principal: string) => string;
}

const ATTACHMENT_KINDS: Readonly<Record<string, AttachmentKind>> = {
  [RAM_ROLE_POLICY_ATTACHMENT_TYPE]: {
    label: "ram.RolePolicyAttachment",
    principalField: "roleName",
    roleName: (principal) => principal,
  },
  [RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE]: {
    label: "resourcemanager.PolicyAttachment",
    principalField: "principalName",
    // A role is named `<role>@role.<account>.onaliyunservice.com`; any principal type whose name
    // starts with IMS's role name is treated as IMS's role.
    roleName: (principal) => principal.split("@")[0],
  },
};

/** Resource types that manage a role itself (its trust policy decides who may act as it). */
const ROLE_KINDS: Readonly<Record<string, { label: string; nameFields: readonly string[] }>> = {
  [RAM_ROLE_TYPE]: { label: "ram.Role", nameFields: ["roleName", "name"] },
  [RESOURCE_MANAGER_ROLE_TYPE]: { label: "resourcemanager.Role", nameFields: ["roleName"] },
};

/**
 * ROS resources that deploy a template, which can attach any policy to any role
 * (`ALIYUN::RAM::AttachPolicyToRole`); the pack does not interpret templates.
 */
const ROS_TEMPLATE_KINDS: Readonly<Record<string, string>> = {
  "alicloud:ros/stack:Stack": "ros.Stack",
  "alicloud:ros/stackGroup:StackGroup": "ros.StackGroup",
  "alicloud:ros/changeSet:ChangeSet": "ros.ChangeSet",
};

/** The judgement of one document resource: its problems (empty: sends only), or unknown. */
type Judgement = Maybe<string[]>;

/** What one run of the pack has learnt across resources (the engine runs one pack process per run). */
interface RunMemory {
  /** Per policy name (lower case): per resource URN, the judgement of its documents. */
  readonly documents: Map<string, Map<string, Judgement>>;
  /** Policy names (lower case) attached to IMS's role so far in this run. */
  readonly attachedToImsRole: Set<string>;
}

/** The first of `fields` that is set (a string), unknown, or `undefined` when none is. */
function readFirst(
  props: Record<string, unknown>,
  fields: readonly string[],
): Maybe<string | undefined> {
  for (const field of fields) {
    const value = readString(props, field);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Every document of a resource judged; unknown when any of them is not known yet. */
function judgeDocuments(kind: DocumentKind, props: Record<string, unknown>): Judgement {
  const problems: string[] = [];
  for (const field of kind.documentFields) {
    const document = readString(props, field);
    if (document === UNKNOWN) return UNKNOWN;
    if (document !== undefined)
      problems.push(...queueSendGrantProblems(document).map((p) => `${field} ${p}`));
  }
  if (kind.statements) {
    const statements = knownPlain(() => props.statements);
    if (statements === UNKNOWN) return UNKNOWN;
    if (statements !== undefined && statements !== null)
      problems.push(
        ...queueSendGrantProblems(statementsDocument(statements)).map((p) => `statements ${p}`),
      );
  }
  return problems;
}

/** How messages name a policy that is not `Custom` (system, another type, or none). */
function policyKind(policyType: string | undefined): string {
  if (policyType === undefined) return "a policy without policyType";
  return policyType.toLowerCase() === "system" ? "system policy" : `policy of type "${policyType}"`;
}

/** `label "name"` for messages. */
function subject(label: string, name: string): string {
  return `${label} "${name}"`;
}

/**
 * A fresh `ims-callback-ram-least-privilege` policy with its own run memory. The pack uses one
 * ({@link imsRoleLeastPrivilege}); tests take a new one per case.
 *
 * @internal
 */
export function createImsRoleLeastPrivilege(): ResourceValidationPolicy {
  const memory: RunMemory = { documents: new Map(), attachedToImsRole: new Set() };

  const validate = (args: ResourceValidationArgs, report: ReportViolation): void => {
    const check: Check = { args, report, memory, ...readRoleConfig(args) };
    const documentKind = DOCUMENT_KINDS[args.type];
    if (documentKind) return checkPolicyDocument(check, documentKind);
    const roleKind = ROLE_KINDS[args.type];
    if (roleKind) return checkRole(check, roleKind);
    const rosLabel = ROS_TEMPLATE_KINDS[args.type];
    if (rosLabel) return checkRosTemplate(check, rosLabel);
    const attachmentKind = ATTACHMENT_KINDS[args.type];
    if (attachmentKind) return checkAttachment(check, attachmentKind);
  };

  return {
    name: "ims-callback-ram-least-privilege",
    description:
      "Nothing attached to IMS's service role may grant more than mns:SendMessage (and mns:BatchSendMessage) on ice-callback- queue messages, and what cannot be judged at preview is refused: IMS acts on behalf of every media job in the account.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        roleNames: { type: "array", items: { type: "string" }, default: [IMS_SERVICE_ROLE_NAME] },
        allowedPolicyNames: { type: "array", items: { type: "string" }, default: [] },
      },
    },
    validateResource: validate,
  };
}

/** One resource under judgement, with the pack's configuration and the run's memory. */
interface Check {
  readonly args: ResourceValidationArgs;
  readonly report: ReportViolation;
  readonly memory: RunMemory;
  /** IMS's role names, lower case. */
  readonly roles: readonly string[];
  /** The policies allowed on IMS's role after review, lower case. */
  readonly allowed: readonly string[];
  readonly isImsRole: (name: string) => boolean;
  /** The role names as messages quote them. */
  readonly roleList: string;
}

/** The pack's configuration of this policy, names in lower case. */
function readRoleConfig(
  args: ResourceValidationArgs,
): Pick<Check, "roles" | "allowed" | "isImsRole" | "roleList"> {
  const config = args.getConfig<ImsRoleConfig>();
  const roles = (Array.isArray(config.roleNames) ? config.roleNames : [IMS_SERVICE_ROLE_NAME])
    .filter((r): r is string => typeof r === "string")
    .map((r) => r.toLowerCase());
  const allowed = (Array.isArray(config.allowedPolicyNames) ? config.allowedPolicyNames : [])
    .filter((p): p is string => typeof p === "string")
    .map((p) => p.toLowerCase());
  return {
    roles,
    allowed,
    isImsRole: (name: string) => roles.includes(name.toLowerCase()),
    roleList: quoteList(roles.length > 0 ? roles : [IMS_SERVICE_ROLE_NAME]),
  };
}

/** A policy document: judged and remembered; refused here when its policy is already on IMS's role. */
function checkPolicyDocument(
  { args, report, memory, allowed }: Check,
  documentKind: DocumentKind,
): void {
  const name = readFirst(args.props, documentKind.nameFields);
  const judgement = judgeDocuments(documentKind, args.props);
  if (typeof name !== "string") return; // an attachment cannot name it either: refused there
  const key = name.toLowerCase();
  const judged = memory.documents.get(key) ?? new Map<string, Judgement>();
  judged.set(args.urn, judgement);
  memory.documents.set(key, judged);
  if (!memory.attachedToImsRole.has(key) || allowed.includes(key)) return;
  const what = subject(documentKind.label, args.name);
  if (judgement === UNKNOWN)
    report(
      `${what}: policy "${name}" is attached to IMS's role in this stack, and its document is not known at preview, so it cannot be judged. ` +
        "Fix: give the document a value known at preview (a plain string or JSON.stringify of plain values).",
    );
  else if (judgement.length > 0)
    report(
      `${what}: policy "${name}" is attached to IMS's role in this stack and grants more than sending to ${QUEUE_NAME_PREFIX} queues: ${judgement.join("; ")}. ` +
        `Fix: allow ${SEND_ONLY} (as ImsQueueAuthorization does).`,
    );
}

/** A role resource: refused when it is IMS's role. */
function checkRole(
  { args, report, isImsRole }: Check,
  roleKind: { label: string; nameFields: readonly string[] },
): void {
  const name = readFirst(args.props, roleKind.nameFields);
  if (typeof name === "string" && isImsRole(name))
    report(
      `${subject(roleKind.label, args.name)}: manages IMS's role "${name}" itself; its trust policy decides who may act as IMS, and destroying the stack would delete the role IMS writes with. ` +
        "Fix: leave the role to IMS (it creates it when the service is activated) and attach policies to it with ImsQueueAuthorization.",
    );
}

/** A ROS stack, stack group or change set: refused when its template or parameters name IMS's role. */
function checkRosTemplate({ args, report, roles }: Check, rosLabel: string): void {
  const template = knownPlain(() => [args.props.templateBody, args.props.parameters]);
  const text = template === UNKNOWN ? "" : JSON.stringify(template).toLowerCase();
  const mentioned = roles.find((r) => text.includes(r));
  if (mentioned)
    report(
      `${subject(rosLabel, args.name)}: its template or parameters name IMS's role ("${mentioned}"); a template can attach any policy to it, and the pack does not read templates. ` +
        "Fix: attach policies to IMS's role in the Pulumi program (ImsQueueAuthorization), where the pack judges them.",
    );
}

/** An attachment: refused when it puts on IMS's role a policy granting more than sending, or one that cannot be judged. */
function checkAttachment(
  { args, report, memory, allowed, isImsRole, roleList }: Check,
  attachmentKind: AttachmentKind,
): void {
  const what = subject(attachmentKind.label, args.name);
  const principal = readString(args.props, attachmentKind.principalField);
  if (principal === UNKNOWN) {
    report(
      `${what}: ${attachmentKind.principalField} is not known at preview, so it cannot be told whether this attaches a policy to IMS's role (${roleList}). ` +
        `Fix: give ${attachmentKind.principalField} a value known at preview: a plain string, or a role's roleName output (not its id).`,
    );
    return;
  }
  if (principal === undefined || !isImsRole(attachmentKind.roleName(principal))) return;
  const role = attachmentKind.roleName(principal);
  const policyName = readString(args.props, "policyName");
  const policyType = readString(args.props, "policyType");
  if (typeof policyName === "string") memory.attachedToImsRole.add(policyName.toLowerCase());
  if (policyName === UNKNOWN || policyType === UNKNOWN) {
    const unknown = [
      policyName === UNKNOWN ? "policyName" : "",
      policyType === UNKNOWN ? "policyType" : "",
    ]
      .filter((f) => f !== "")
      .join(" and ");
    report(
      `${what}: attaches to IMS's role "${role}" a policy whose ${unknown} ${unknown.includes(" and ") ? "are" : "is"} not known at preview, so what it grants cannot be judged. ` +
        'Fix: give them values known at preview: policyType "Custom", and policyName from the policy resource of this stack (policyName: policy.policyName).',
    );
    return;
  }
  if (policyName === undefined || allowed.includes(policyName.toLowerCase())) return;
  if (policyType?.toLowerCase() !== "custom") {
    report(
      `${what}: attaches ${policyKind(policyType)} "${policyName}" to IMS's role "${role}"; a system policy grants far more than sending to ${QUEUE_NAME_PREFIX} queues. ` +
        `Fix: attach a custom policy that allows ${SEND_ONLY} (ImsQueueAuthorization creates one), or, after review, list "${policyName}" in allowedPolicyNames of ims-callback-ram-least-privilege.`,
    );
    return;
  }
  const judged = [...(memory.documents.get(policyName.toLowerCase())?.values() ?? [])];
  if (judged.length === 0) {
    report(
      `${what}: attaches custom policy "${policyName}" to IMS's role "${role}", but no document of that policy was seen before it in this stack, so what it grants cannot be judged. ` +
        `Fix: manage the policy in this stack and pass its output (policyName: policy.policyName) so the pack reads its document first, or, after review, list "${policyName}" in allowedPolicyNames of ims-callback-ram-least-privilege.`,
    );
    return;
  }
  if (judged.includes(UNKNOWN)) {
    report(
      `${what}: attaches custom policy "${policyName}" to IMS's role "${role}", whose document is not known at preview, so what it grants cannot be judged. ` +
        "Fix: give the policy's document a value known at preview (a plain string or JSON.stringify of plain values).",
    );
    return;
  }
  const problems = judged.flatMap((j) => (j === UNKNOWN ? [] : j));
  if (problems.length > 0)
    report(
      `${what}: attaches custom policy "${policyName}" to IMS's role "${role}", and the policy grants more than sending to ${QUEUE_NAME_PREFIX} queues: ${[...new Set(problems)].join("; ")}. ` +
        `Fix: allow ${SEND_ONLY} (as ImsQueueAuthorization does).`,
    );
}

/**
 * `ims-callback-ram-least-privilege`: nothing attached to IMS's role (`roleNames`, any case) grants
 * more than sending (`mns:SendMessage`, `mns:BatchSendMessage`) to the messages of `ice-callback-`
 * queues. Judged on each resource before it is created: attachments
 * (`ram.RolePolicyAttachment`, `resourcemanager.PolicyAttachment`), policy documents (`ram.Policy`
 * with `policyDocument`, `document` or `statements`, `resourcemanager.Policy`,
 * `resourcemanager.PolicyVersion`) and roles (`ram.Role`, `resourcemanager.Role` may not manage IMS's
 * role). A system policy is refused; a custom policy passes only when its document was judged
 * earlier in the same run; anything unknown at preview is refused. `allowedPolicyNames` lets
 * reviewed policies through by name.
 *
 * ROS stacks, stack groups and change sets whose template or parameters name IMS's role are
 * refused (a template can attach anything; the pack does not interpret templates).
 *
 * Limits: a policy's document changed outside the stack (the console, another stack without the
 * pack) after it was judged; ROS templates given by URL or unknown at preview, and OOS executions,
 * are not read.
 */
export const imsRoleLeastPrivilege: ResourceValidationPolicy = createImsRoleLeastPrivilege();
