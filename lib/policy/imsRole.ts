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
 *   rule cannot tell whether it would reach IMS's role;
 * - a ROS template (stack, stack group, change set) is parsed and each role name in it resolved
 *   with the parameters given (`rosTemplates.ts`); a stack group's template is kept under its name,
 *   so its stack instances are judged with their parameter overrides. What cannot be read or
 *   resolved is refused unless the stack is allowed by name (`allowedRosStacks`).
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
  known,
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
import {
  EVALUATED_FUNCTIONS,
  judgeTemplate,
  literal,
  oneOf,
  parseTemplate,
  unknownValue,
  type Given,
  type ParsedTemplate,
  type Value,
} from "./rosTemplates";

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
  /**
   * ROS stacks and stack groups (by `stackName`, `stackGroupName`, or a change set's
   * `changeSetName`, any case) the organisation has reviewed, whose templates may be deployed
   * although the pack cannot judge them: a template given by URL or template id, or unknown at
   * preview; a role name the pack cannot resolve; a stack instance whose stack group is managed
   * elsewhere. A template resource whose role name resolves to IMS's role is refused all the same.
   *
   * @default []
   */
  readonly allowedRosStacks?: string[];
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

/** A ROS resource that deploys a template: its label, and the names it is allow-listed by. */
interface RosTemplateKind {
  readonly label: string;
  /** `allowedRosStacks` matches any of these properties. */
  readonly nameFields: readonly string[];
  /** Whether its template is remembered for the stack instances of the run. */
  readonly group: boolean;
}

/**
 * ROS resources that deploy a template, which can attach any policy to any role
 * (`ALIYUN::RAM::AttachPolicyToRole`, `ALIYUN::RAM::ManagedPolicy` with `Roles`, ...): the template
 * is parsed and each role name in it resolved.
 */
const ROS_TEMPLATE_KINDS: Readonly<Record<string, RosTemplateKind>> = {
  "alicloud:ros/stack:Stack": { label: "ros.Stack", nameFields: ["stackName"], group: false },
  "alicloud:ros/stackGroup:StackGroup": {
    label: "ros.StackGroup",
    nameFields: ["stackGroupName"],
    group: true,
  },
  "alicloud:ros/changeSet:ChangeSet": {
    label: "ros.ChangeSet",
    nameFields: ["stackName", "changeSetName"],
    group: false,
  },
};

/** ROS resources that deploy a stack group's template with their own parameter overrides. */
const ROS_INSTANCE_KINDS: Readonly<Record<string, string>> = {
  "alicloud:ros/stackInstance:StackInstance": "ros.StackInstance",
  "alicloud:ros/stackInstances:StackInstances": "ros.StackInstances",
};

/** A stack group seen in this run: its template and the parameter values it gives. */
interface StackGroupMemory {
  readonly template: ParsedTemplate;
  readonly given: Given;
}

/** The judgement of one document resource: its problems (empty: sends only), or unknown. */
type Judgement = Maybe<string[]>;

/** What one run of the pack has learnt across resources (the engine runs one pack process per run). */
interface RunMemory {
  /** Per policy name (lower case): per resource URN, the judgement of its documents. */
  readonly documents: Map<string, Map<string, Judgement>>;
  /** Policy names (lower case) attached to IMS's role so far in this run. */
  readonly attachedToImsRole: Set<string>;
  /** Per stack group name (lower case): each stack group resource of that name seen in this run. */
  readonly stackGroups: Map<string, StackGroupMemory[]>;
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
  const memory: RunMemory = {
    documents: new Map(),
    attachedToImsRole: new Set(),
    stackGroups: new Map(),
  };

  const validate = (args: ResourceValidationArgs, report: ReportViolation): void => {
    const check: Check = { args, report, memory, ...readRoleConfig(args) };
    const documentKind = DOCUMENT_KINDS[args.type];
    if (documentKind) return checkPolicyDocument(check, documentKind);
    const roleKind = ROLE_KINDS[args.type];
    if (roleKind) return checkRole(check, roleKind);
    const rosKind = ROS_TEMPLATE_KINDS[args.type];
    if (rosKind) return checkRosTemplate(check, rosKind);
    const instanceLabel = ROS_INSTANCE_KINDS[args.type];
    if (instanceLabel) return checkRosInstance(check, instanceLabel);
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
        allowedRosStacks: { type: "array", items: { type: "string" }, default: [] },
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
  /** The ROS stacks and stack groups allowed without judgement after review, lower case. */
  readonly allowedRos: readonly string[];
  readonly isImsRole: (name: string) => boolean;
  /** The role names as messages quote them. */
  readonly roleList: string;
}

/** The pack's configuration of this policy, names in lower case. */
function readRoleConfig(
  args: ResourceValidationArgs,
): Pick<Check, "roles" | "allowed" | "allowedRos" | "isImsRole" | "roleList"> {
  const config = args.getConfig<ImsRoleConfig>();
  const roles = (Array.isArray(config.roleNames) ? config.roleNames : [IMS_SERVICE_ROLE_NAME])
    .filter((r): r is string => typeof r === "string")
    .map((r) => r.toLowerCase());
  const lowerStrings = (list: unknown) =>
    (Array.isArray(list) ? (list as unknown[]) : [])
      .filter((p): p is string => typeof p === "string")
      .map((p) => p.toLowerCase());
  return {
    roles,
    allowed: lowerStrings(config.allowedPolicyNames),
    allowedRos: lowerStrings(config.allowedRosStacks),
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

/** A Pulumi property of a ROS resource as a template parameter value. */
function parameterValue(value: Maybe<unknown>, key: string): Value | undefined {
  if (value === UNKNOWN) return unknownValue(`parameter "${key}" is not known at preview`);
  if (typeof value === "string") return literal(value);
  if (typeof value === "number" || typeof value === "boolean") return literal(String(value));
  return undefined;
}

/** The parameter values a ROS resource gives (`parameters` or `parameterOverrides`). */
function readGiven(
  props: Record<string, unknown>,
  field: "parameters" | "parameterOverrides",
): { values: Map<string, Value>; allUnknown?: string } {
  const values = new Map<string, Value>();
  const list = known(() => props[field]);
  if (list === UNKNOWN) return { values, allUnknown: `${field} is not known at preview` };
  if (!Array.isArray(list)) return { values };
  const all = new Map<string, Value[]>();
  for (let i = 0; i < list.length; i++) {
    const entry = known(() => list[i] as unknown);
    if (entry === UNKNOWN) return { values, allUnknown: `${field} is not known at preview` };
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    const key = readString(record, "parameterKey");
    if (key === UNKNOWN)
      return { values, allUnknown: `a parameterKey in ${field} is not known at preview` };
    if (key === undefined) continue;
    const value = parameterValue(
      known(() => record.parameterValue),
      key,
    );
    if (value !== undefined) all.set(key, [...(all.get(key) ?? []), value]);
  }
  for (const [key, options] of all) values.set(key, oneOf(options));
  return { values };
}

/** A ROS resource's template: parsed from `templateBody`, or why it cannot be read at preview. */
function readTemplate(props: Record<string, unknown>): ParsedTemplate {
  const body = readString(props, "templateBody");
  if (body === UNKNOWN) return { ok: false, why: "templateBody is not known at preview" };
  if (body !== undefined) return parseTemplate(body);
  for (const field of ["templateUrl", "templateId"]) {
    const value = known(() => props[field]);
    if (value !== undefined && value !== null && value !== "")
      return { ok: false, why: `given by ${field}` };
  }
  return { ok: false, why: "no templateBody" };
}

/** The known names (stackName, ...) a ROS resource can be allow-listed by. */
function rosNames(props: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields
    .map((field) => readString(props, field))
    .filter((name): name is string => typeof name === "string");
}

/** How one deployment of a template is described in messages, and whether it is allow-listed. */
interface Deployment {
  /** `ros.Stack "name"`. */
  readonly what: string;
  /** Before `template resource "X"`: empty, or `with its parameterOverrides, stack group "g"'s `. */
  readonly prefix: string;
  /** `its template`, or `stack group "g"'s template`. */
  readonly templateSubject: string;
  /** The fix for a template that cannot be read. */
  readonly templateFix: string;
  /** The clause naming the allow-list. */
  readonly allowFix: string;
  readonly allowed: boolean;
}

/** The allow-list clause of a fix: `or, after review, list "name" in allowedRosStacks of ...`. */
function allowRosFix(names: readonly string[], field: string): string {
  return names.length > 0
    ? `or, after review, list "${names[0]}" in allowedRosStacks of ims-callback-ram-least-privilege.`
    : `or, after review, give ${field} a value known at preview and list it in allowedRosStacks of ims-callback-ram-least-privilege.`;
}

/** Judges one deployment of a template; returns the messages (IMS's role is never allow-listed). */
function judgeDeployment(
  { roles, roleList }: Check,
  deployment: Deployment,
  template: ParsedTemplate,
  given: Given,
): string[] {
  const { what, prefix, allowed, allowFix } = deployment;
  const cannotTell = `so it cannot be told whether it reaches IMS's role (${roleList})`;
  if (!template.ok)
    return allowed
      ? []
      : [
          `${what}: ${deployment.templateSubject} cannot be read at preview (${template.why}), ${cannotTell}. ` +
            `Fix: ${deployment.templateFix}, ${allowFix}`,
        ];
  const messages: string[] = [];
  for (const finding of judgeTemplate(template.template, given, roles)) {
    if (finding.kind === "ims")
      messages.push(
        `${what}: ${prefix}template resource "${finding.path}" (${finding.type}) ${finding.property} resolves to IMS's role "${finding.value}"; a template can attach any policy to it, out of the pack's sight. ` +
          "Fix: attach policies to IMS's role in the Pulumi program (ImsQueueAuthorization), where the pack judges them.",
      );
    else if (allowed) continue;
    else if (finding.kind === "unresolved")
      messages.push(
        `${what}: ${prefix}template resource "${finding.path}" (${finding.type}) ${finding.property} cannot be resolved at preview (${finding.why}), ${cannotTell}. ` +
          `Fix: build the role name from literals and parameters known at preview (${EVALUATED_FUNCTIONS} are evaluated), ${allowFix}`,
      );
    else
      messages.push(
        `${what}: ${deployment.templateSubject} cannot be read at preview (${finding.why}), ${cannotTell}. ` +
          `Fix: ${deployment.templateFix}, ${allowFix}`,
      );
  }
  return messages;
}

/**
 * A ROS stack, stack group or change set: its template parsed and each role name in it resolved
 * with the parameters it gives; a stack group is remembered for its stack instances.
 */
function checkRosTemplate(check: Check, kind: RosTemplateKind): void {
  const { args, report, memory, allowedRos } = check;
  const names = rosNames(args.props, kind.nameFields);
  const template = readTemplate(args.props);
  const parameters = readGiven(args.props, "parameters");
  const previous = known(() => args.props.usePreviousParameters) === true;
  const given: Given = {
    values: parameters.values,
    allUnknown:
      parameters.allUnknown ??
      (previous ? "usePreviousParameters reuses values the pack cannot see" : undefined),
    missing: "never",
  };
  if (kind.group && names.length > 0) {
    const key = names[0].toLowerCase();
    memory.stackGroups.set(key, [...(memory.stackGroups.get(key) ?? []), { template, given }]);
  }
  const deployment: Deployment = {
    what: subject(kind.label, args.name),
    prefix: "",
    templateSubject: "its template",
    templateFix: "give the template as templateBody (JSON or YAML, known at preview)",
    allowFix: allowRosFix(names, kind.nameFields[0]),
    allowed: names.some((name) => allowedRos.includes(name.toLowerCase())),
  };
  for (const message of judgeDeployment(check, deployment, template, given)) report(message);
}

/**
 * A stack instance (or instances): its stack group's template, remembered from earlier in the run,
 * judged with the group's parameters overridden by the instance's.
 */
function checkRosInstance(check: Check, label: string): void {
  const { args, report, memory, allowedRos } = check;
  const what = subject(label, args.name);
  const group = readString(args.props, "stackGroupName");
  if (group === UNKNOWN) {
    report(
      `${what}: stackGroupName is not known at preview, so its stack group's template cannot be judged with this instance's parameterOverrides. ` +
        "Fix: give stackGroupName a value known at preview (a plain string, or the stack group's stackGroupName output).",
    );
    return;
  }
  if (group === undefined) return;
  const allowed = allowedRos.includes(group.toLowerCase());
  const allowFix = allowRosFix([group], "stackGroupName");
  const remembered = memory.stackGroups.get(group.toLowerCase()) ?? [];
  if (remembered.length === 0) {
    if (!allowed)
      report(
        `${what}: stack group "${group}" was not seen before it in this stack, so its template cannot be judged with this instance's parameterOverrides. ` +
          `Fix: manage the stack group in this stack and pass its output (stackGroupName: group.stackGroupName) so the pack reads its template first, ${allowFix}`,
      );
    return;
  }
  const overrides = readGiven(args.props, "parameterOverrides");
  const deployment: Deployment = {
    what,
    prefix: `with its parameterOverrides, stack group "${group}"'s `,
    templateSubject: `stack group "${group}"'s template`,
    templateFix: "give the stack group's template as templateBody (JSON or YAML, known at preview)",
    allowFix,
    allowed,
  };
  const messages = new Set<string>();
  for (const entry of remembered) {
    const values = new Map(entry.given.values);
    for (const [key, value] of overrides.values) values.set(key, value);
    const given: Given = {
      values,
      allUnknown: overrides.allUnknown ?? entry.given.allUnknown,
      missing: entry.given.missing,
    };
    for (const message of judgeDeployment(check, deployment, entry.template, given))
      messages.add(message);
  }
  for (const message of messages) report(message);
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
 * ROS templates (`ros.Stack`, `ros.StackGroup`, `ros.ChangeSet`, and `ros.StackInstance` /
 * `ros.StackInstances` with their stack group's template and their parameter overrides) are parsed,
 * JSON or YAML, and each template resource's role name is resolved through parameters and the
 * intrinsic functions that can be evaluated at preview: one that resolves to IMS's role is refused;
 * one that cannot be resolved, or a template that cannot be read (by URL, unknown at preview), is
 * refused unless the ROS stack or stack group is listed in `allowedRosStacks` after review.
 *
 * Limits: a policy's document changed outside the stack (the console, another stack without the
 * pack) after it was judged; OOS executions, and template resources that call the RAM API their own
 * way (functions, custom resources), are not judged.
 */
export const imsRoleLeastPrivilege: ResourceValidationPolicy = createImsRoleLeastPrivilege();
