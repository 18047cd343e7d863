/**
 * RAM (Resource Access Management, API 2015-05-01) as far as the alicloud resource plugin uses it
 * for policies, roles and role attachments: state per account, the actions with RAM's parameter
 * rules and error codes, and the evaluation of a role's policies that decides whether IMS may
 * write into a queue.
 *
 * @packageDocumentation
 */
import { randomInt } from "node:crypto";
import type { EmulatorBehaviour } from "./behaviour";
import { ApiError } from "./errors";
import { keyMap } from "./records";
import {
  booleanParam,
  isoSeconds,
  listParam,
  required,
  RpcCall,
  RpcProduct,
  tagsParam,
} from "./rpc";

/** The RAM API version served. */
export const RAM_VERSION = "2015-05-01";

/** IMS's service role, present in an account where IMS is activated. */
export const IMS_SERVICE_ROLE = "AliyunICEDefaultRole";

/** The system policy attached to {@link IMS_SERVICE_ROLE} when IMS is activated. */
export const IMS_SERVICE_ROLE_POLICY = "AliyunICEDefaultRolePolicy";

/** At most this many versions per policy. */
export const MAX_POLICY_VERSIONS = 5;

const MAX_POLICY_DOCUMENT_LENGTH = 6144;
const MAX_DESCRIPTION_LENGTH = 1024;
const ROTATE_STRATEGIES = ["None", "DeleteOldestNonDefaultVersionWhenLimitExceeded"] as const;

/** One version of a custom policy. */
export interface PolicyVersionRecord {
  /** `v1`, `v2`, ...: numbers are never reused. */
  readonly VersionId: string;
  readonly PolicyDocument: string;
  readonly CreateDate: string;
}

/** A custom policy. */
export interface PolicyRecord {
  readonly PolicyName: string;
  Description: string;
  readonly CreateDate: string;
  UpdateDate: string;
  DefaultVersion: string;
  /** Oldest first. */
  versions: PolicyVersionRecord[];
  /** The number the next version gets. */
  nextVersion: number;
  tags: Record<string, string>;
}

/** A RAM role. */
export interface RoleRecord {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  Description: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  readonly CreateDate: string;
  UpdateDate: string;
  tags: Record<string, string>;
  /** The policies attached, in attachment order. */
  attachments: {
    readonly PolicyName: string;
    readonly PolicyType: "System" | "Custom";
    readonly AttachDate: string;
  }[];
}

/** The RAM state of one account. Both maps are objects without a prototype (names come from requests). */
export interface RamAccount {
  policies: Record<string, PolicyRecord>;
  roles: Record<string, RoleRecord>;
  /** Set once the account's IMS activation was first applied, so a deleted service role stays deleted. */
  imsInitialised?: boolean;
}

interface SystemPolicy {
  readonly description: string;
  readonly document: (behaviour: EmulatorBehaviour) => object;
}

const allow = (action: string | string[], resource: string | string[]): object => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
});

/**
 * The system policies the emulator knows (`PolicyType: "System"`). The content of
 * `AliyunICEDefaultRolePolicy` depends on the `imsQueueGrant` behaviour.
 */
const SYSTEM_POLICIES: Readonly<Record<string, SystemPolicy>> = keyMap({
  [IMS_SERVICE_ROLE_POLICY]: {
    description: "Default policy of the IMS service role.",
    document: (behaviour) => ({
      Version: "1",
      Statement: [
        allow(["oss:GetObject", "oss:PutObject", "oss:ListObjects"], "*"),
        ...(behaviour.imsQueueGrant === "ice-callback-queues"
          ? [allow("mns:SendMessage", "acs:mns:*:*:/queues/ice-callback-*")]
          : []),
      ],
    }),
  },
  AliyunMNSFullAccess: {
    description: "Full access to MNS.",
    document: () => ({ Version: "1", Statement: [allow("mns:*", "*")] }),
  },
  AliyunMNSReadOnlyAccess: {
    description: "Read-only access to MNS.",
    document: () => ({ Version: "1", Statement: [allow(["mns:Get*", "mns:List*"], "*")] }),
  },
  AliyunICEFullAccess: {
    description: "Full access to IMS.",
    document: () => ({ Version: "1", Statement: [allow("ice:*", "*")] }),
  },
  AliyunICEReadOnlyAccess: {
    description: "Read-only access to IMS.",
    document: () => ({
      Version: "1",
      Statement: [allow(["ice:Get*", "ice:List*", "ice:Describe*", "ice:Search*"], "*")],
    }),
  },
});

/** The names of the system policies the emulator knows. */
export const SYSTEM_POLICY_NAMES: readonly string[] = Object.keys(SYSTEM_POLICIES);

const ramError = (code: ConstructorParameters<typeof ApiError>[0], message: string): ApiError =>
  new ApiError(code, message);

function checkPolicyName(name: string, parameter = "PolicyName"): void {
  if (name.length < 1 || name.length > 128) {
    throw ramError(
      "InvalidParameter.PolicyName.Length",
      `The parameter - "${parameter}" beyond the length limit.`,
    );
  }
  if (!/^[A-Za-z0-9-]+$/.test(name))
    throw ramError(
      "InvalidParameter.PolicyName.InvalidChars",
      `The parameter - "${parameter}" contains invalid chars.`,
    );
}

function checkRoleName(name: string): void {
  if (name.length < 1 || name.length > 64)
    throw ramError(
      "InvalidParameter.RoleName.Length",
      'The parameter - "RoleName" beyond the length limit.',
    );
  if (!/^[A-Za-z0-9.-]+$/.test(name))
    throw ramError(
      "InvalidParameter.RoleName.InvalidChars",
      'The parameter - "RoleName" contains invalid chars.',
    );
}

function checkDescription(description: string | undefined): string {
  if (
    description !== undefined &&
    Buffer.byteLength(description, "utf8") > MAX_DESCRIPTION_LENGTH
  ) {
    throw ramError(
      "InvalidParameter.Description.Length",
      'The parameter - "Description" beyond the length limit.',
    );
  }
  return description ?? "";
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Checks a permission or trust policy document as RAM does: JSON, `Version` "1", a non-empty
 * `Statement` list whose entries have `Effect` Allow/Deny and string `Action` and (for permission
 * policies) `Resource` entries. Throws `MalformedPolicyDocument` with the detail.
 */
export function checkPolicyDocument(
  document: string,
  kind: "permission" | "trust" = "permission",
): void {
  if (document.length > MAX_POLICY_DOCUMENT_LENGTH) {
    throw ramError(
      "InvalidParameter.PolicyDocument.Length",
      `The maximum length of the policy document is exceeded. It must not exceed ${MAX_POLICY_DOCUMENT_LENGTH} characters.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw ramError("MalformedPolicyDocument", "The policy document is not valid JSON.");
  }
  const policy = parsed as { Version?: unknown; Statement?: unknown } | null;
  if (typeof policy !== "object" || policy === null || Array.isArray(policy))
    throw ramError("MalformedPolicyDocument", "The policy document must be a JSON object.");
  if (policy.Version !== "1")
    throw ramError("MalformedPolicyDocument", 'The policy document must have "Version": "1".');
  const statements = policy.Statement === undefined ? [] : asList(policy.Statement);
  if (statements.length === 0)
    throw ramError(
      "MalformedPolicyDocument",
      "The policy document must have at least one Statement.",
    );
  for (const [i, statement] of statements.entries()) {
    const s = statement as Record<string, unknown> | null;
    const where = `Statement[${i}]`;
    if (typeof s !== "object" || s === null)
      throw ramError("MalformedPolicyDocument", `${where} must be an object.`);
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
      throw ramError("MalformedPolicyDocument", `${where}.Effect must be Allow or Deny.`);
    const fields = kind === "permission" ? ["Action", "Resource"] : ["Action", "Principal"];
    for (const field of fields) {
      const alternative = `Not${field}`;
      const value = s[field] ?? s[alternative];
      if (value === undefined)
        throw ramError("MalformedPolicyDocument", `${where} must have ${field}.`);
      if (field !== "Principal" && asList(value).some((v) => typeof v !== "string" || v === "")) {
        throw ramError(
          "MalformedPolicyDocument",
          `${where}.${field} must be a string or a list of strings.`,
        );
      }
    }
  }
}

/** Whether `pattern` (with `*` for any run of characters) matches `value` in full. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = `^${pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*")}$`;
  return new RegExp(source, ignoreCase ? "is" : "s").test(value);
}

/** The outcome of evaluating a role's policies for one action on one resource. */
export interface PolicyDecision {
  /** `true` when an Allow statement matched and no Deny did. */
  readonly allowed: boolean;
  /** Why, e.g. `"allowed by Custom policy ims-send"` or `"no policy allows it"`. */
  readonly reason: string;
}

/** A RAM store: every account's policies and roles, persisted through `onChange`. */
export class RamState {
  private accounts = keyMap<RamAccount>();

  constructor(
    /** Called after every change (persists the state file). */
    private readonly onChange: () => Promise<void>,
    /** The behaviour switches in force (decides a system policy's content). */
    private readonly behaviour: () => EmulatorBehaviour,
  ) {}

  /** Loads the JSON written by {@link RamState.save}; unknown shapes are ignored. */
  load(json: unknown): void {
    if (typeof json !== "object" || json === null || Array.isArray(json)) return;
    const withTags = <T extends { tags?: Record<string, string> }>(record: T): T => ({
      ...record,
      tags: keyMap(record.tags ?? {}),
    });
    this.accounts = keyMap(
      Object.entries(structuredClone(json) as Record<string, RamAccount>).map(([id, account]) => [
        id,
        {
          ...account,
          policies: keyMap(
            Object.entries(account.policies ?? {}).map(([name, p]) => [name, withTags(p)]),
          ),
          roles: keyMap(
            Object.entries(account.roles ?? {}).map(([name, r]) => [name, withTags(r)]),
          ),
        },
      ]),
    );
  }

  /** The JSON for the state file. */
  save(): unknown {
    return this.accounts;
  }

  /** The RAM state of `accountId` (created empty on first use). */
  account(accountId: string): RamAccount {
    return (this.accounts[accountId] ??= { policies: keyMap(), roles: keyMap() });
  }

  /**
   * Applies IMS activation to an account the first time it is seen (creates the service role when
   * `activated`); later calls do nothing, so a user's deletion of the role persists.
   */
  async initialiseAccount(accountId: string, activated: boolean, now: number): Promise<void> {
    const account = this.account(accountId);
    if (account.imsInitialised) return;
    account.imsInitialised = true;
    if (activated) this.activateIms(accountId, now);
    await this.onChange();
  }

  /**
   * Activates or deactivates IMS in an account: activation creates `AliyunICEDefaultRole` (trusting
   * `ice.aliyuncs.com`) with `AliyunICEDefaultRolePolicy` attached, if the role is missing;
   * deactivation removes the role and its attachments.
   */
  async setImsActivated(accountId: string, activated: boolean, now: number): Promise<void> {
    const account = this.account(accountId);
    account.imsInitialised = true;
    if (activated) this.activateIms(accountId, now);
    else delete account.roles[IMS_SERVICE_ROLE];
    await this.onChange();
  }

  private activateIms(accountId: string, now: number): void {
    const account = this.account(accountId);
    if (account.roles[IMS_SERVICE_ROLE]) return;
    const role = this.newRole(accountId, IMS_SERVICE_ROLE, {
      description:
        "IMS (Intelligent Media Services) uses this role to access your resources in other services.",
      trust: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: ["ice.aliyuncs.com"] },
          },
        ],
      }),
      maxSessionDuration: 3600,
      now,
    });
    role.attachments.push({
      PolicyName: IMS_SERVICE_ROLE_POLICY,
      PolicyType: "System",
      AttachDate: isoSeconds(now),
    });
    account.roles[IMS_SERVICE_ROLE] = role;
  }

  private newRole(
    accountId: string,
    name: string,
    options: {
      description: string;
      trust: string;
      maxSessionDuration: number;
      now: number;
      tags?: Record<string, string>;
    },
  ): RoleRecord {
    const date = isoSeconds(options.now);
    return {
      RoleName: name,
      RoleId: `3${String(randomInt(0, 2 ** 47)).padStart(15, "0")}`,
      Arn: `acs:ram::${accountId}:role/${name.toLowerCase()}`,
      Description: options.description,
      AssumeRolePolicyDocument: options.trust,
      MaxSessionDuration: options.maxSessionDuration,
      CreateDate: date,
      UpdateDate: date,
      tags: keyMap(options.tags ?? {}),
      attachments: [],
    };
  }

  /** The document of a policy's default version (custom) or of a system policy; `undefined` if it does not exist. */
  policyDocument(accountId: string, name: string, type: "System" | "Custom"): string | undefined {
    if (type === "System") {
      const system = SYSTEM_POLICIES[name];
      return system ? JSON.stringify(system.document(this.behaviour())) : undefined;
    }
    const policy = this.account(accountId).policies[name];
    return policy?.versions.find((v) => v.VersionId === policy.DefaultVersion)?.PolicyDocument;
  }

  /**
   * Evaluates the policies attached to `roleName` for `action` on `resource`: an explicit Deny wins,
   * otherwise one matching Allow is needed. Statements with a `Condition`, `NotAction` or
   * `NotResource` are not evaluated (they never match).
   */
  evaluate(accountId: string, roleName: string, action: string, resource: string): PolicyDecision {
    const role = this.account(accountId).roles[roleName];
    if (!role) return { allowed: false, reason: `the role ${roleName} does not exist` };
    let allowedBy: string | undefined;
    for (const attachment of role.attachments) {
      const text = this.policyDocument(accountId, attachment.PolicyName, attachment.PolicyType);
      if (text === undefined) continue;
      let statements: unknown[];
      try {
        statements = asList((JSON.parse(text) as { Statement?: unknown }).Statement ?? []);
      } catch {
        continue;
      }
      for (const statement of statements as Record<string, unknown>[]) {
        if (
          typeof statement !== "object" ||
          statement === null ||
          statement.Condition !== undefined
        )
          continue;
        if (statement.Action === undefined || statement.Resource === undefined) continue;
        const actionMatches = asList(statement.Action).some(
          (a) => typeof a === "string" && wildcardMatch(a, action, true),
        );
        const resourceMatches = asList(statement.Resource).some(
          (r) => typeof r === "string" && wildcardMatch(r, resource),
        );
        if (!actionMatches || !resourceMatches) continue;
        const name = `${attachment.PolicyType} policy ${attachment.PolicyName}`;
        if (statement.Effect === "Deny") return { allowed: false, reason: `denied by ${name}` };
        if (statement.Effect === "Allow") allowedBy ??= name;
      }
    }
    return allowedBy
      ? { allowed: true, reason: `allowed by ${allowedBy}` }
      : {
          allowed: false,
          reason: `no policy attached to ${roleName} allows ${action} on ${resource}`,
        };
  }

  /** The RAM 2015-05-01 product served by the emulator. */
  product(): RpcProduct {
    const changed = async <T>(value: T): Promise<T> => {
      await this.onChange();
      return value;
    };
    const policyOf = (call: RpcCall, name: string): PolicyRecord => {
      const policy = this.account(call.accountId).policies[name];
      if (!policy) throw ramError("EntityNotExist.Policy", "The policy does not exist.");
      return policy;
    };
    const roleOf = (call: RpcCall, name: string): RoleRecord => {
      const role = this.account(call.accountId).roles[name];
      if (!role) throw ramError("EntityNotExist.Role", `The role not exists: ${name}.`);
      return role;
    };
    const policyType = (call: RpcCall, optional = false): "System" | "Custom" => {
      const type = optional
        ? (call.params.PolicyType ?? "Custom")
        : required(call.params, "PolicyType");
      if (type !== "System" && type !== "Custom")
        throw ramError("InvalidParameter.PolicyType", 'The parameter - "PolicyType" is incorrect.');
      return type;
    };
    const attachmentCount = (accountId: string, name: string, type: "System" | "Custom"): number =>
      Object.values(this.account(accountId).roles).filter((r) =>
        r.attachments.some((a) => a.PolicyName === name && a.PolicyType === type),
      ).length;
    const versionView = (
      policy: PolicyRecord,
      v: PolicyVersionRecord,
    ): Record<string, unknown> => ({
      VersionId: v.VersionId,
      IsDefaultVersion: v.VersionId === policy.DefaultVersion,
      PolicyDocument: v.PolicyDocument,
      CreateDate: v.CreateDate,
    });
    const roleView = (role: RoleRecord): Record<string, unknown> => ({
      RoleId: role.RoleId,
      RoleName: role.RoleName,
      Arn: role.Arn,
      Description: role.Description,
      AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      MaxSessionDuration: role.MaxSessionDuration,
      CreateDate: role.CreateDate,
      UpdateDate: role.UpdateDate,
    });
    const maxSession = (call: RpcCall, name: string): number | undefined => {
      const text = call.params[name];
      if (text === undefined || text === "") return undefined;
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < 3600 || value > 43200) {
        throw ramError(
          "InvalidParameter.MaxSessionDuration",
          `The parameter - "${name}" must be from 3600 to 43200.`,
        );
      }
      return value;
    };
    const tagged = (
      call: RpcCall,
    ): { type: string; targets: { tags: Record<string, string> }[]; names: string[] } => {
      const type = required(call.params, "ResourceType");
      if (type !== "policy" && type !== "role")
        throw new ApiError(
          "InvalidParameter",
          `Specified parameter ResourceType is not valid: it must be policy or role.`,
        );
      const names = listParam(call.params, "ResourceNames");
      if (names.length === 0) names.push(...listParam(call.params, "ResourceName"));
      const targets = names.map((name) =>
        type === "policy" ? policyOf(call, name) : roleOf(call, name),
      );
      return { type, targets, names };
    };

    return {
      name: "Ram",
      version: RAM_VERSION,
      host: () => "ram.aliyuncs.com",
      actions: {
        CreatePolicy: (call) => {
          const name = required(call.params, "PolicyName");
          checkPolicyName(name);
          const document = required(call.params, "PolicyDocument");
          checkPolicyDocument(document);
          const description = checkDescription(call.params.Description);
          const account = this.account(call.accountId);
          if (account.policies[name] || SYSTEM_POLICIES[name])
            throw ramError("EntityAlreadyExists.Policy", "The policy already exists.");
          const date = isoSeconds(call.now);
          const policy: PolicyRecord = {
            PolicyName: name,
            Description: description,
            CreateDate: date,
            UpdateDate: date,
            DefaultVersion: "v1",
            versions: [{ VersionId: "v1", PolicyDocument: document, CreateDate: date }],
            nextVersion: 2,
            tags: tagsParam(call.params),
          };
          account.policies[name] = policy;
          return changed({
            Policy: {
              PolicyName: name,
              PolicyType: "Custom",
              Description: description,
              DefaultVersion: "v1",
              CreateDate: date,
            },
          });
        },
        GetPolicy: (call) => {
          const name = required(call.params, "PolicyName");
          const type = policyType(call);
          if (type === "System") {
            const system = SYSTEM_POLICIES[name];
            if (!system) throw ramError("EntityNotExist.Policy", "The policy does not exist.");
            const document = JSON.stringify(system.document(call.behaviour));
            return {
              Policy: {
                PolicyName: name,
                PolicyType: "System",
                Description: system.description,
                DefaultVersion: "v1",
                AttachmentCount: attachmentCount(call.accountId, name, "System"),
              },
              DefaultPolicyVersion: {
                VersionId: "v1",
                IsDefaultVersion: true,
                PolicyDocument: document,
              },
            };
          }
          const policy = policyOf(call, name);
          const defaultVersion = policy.versions.find(
            (v) => v.VersionId === policy.DefaultVersion,
          )!;
          return {
            Policy: {
              PolicyName: policy.PolicyName,
              PolicyType: "Custom",
              Description: policy.Description,
              DefaultVersion: policy.DefaultVersion,
              AttachmentCount: attachmentCount(call.accountId, name, "Custom"),
              CreateDate: policy.CreateDate,
              UpdateDate: policy.UpdateDate,
            },
            DefaultPolicyVersion: versionView(policy, defaultVersion),
          };
        },
        CreatePolicyVersion: (call) => {
          const policy = policyOf(call, required(call.params, "PolicyName"));
          const document = required(call.params, "PolicyDocument");
          checkPolicyDocument(document);
          const setAsDefault = booleanParam(call.params, "SetAsDefault") ?? false;
          const strategy = call.params.RotateStrategy || "None";
          if (!(ROTATE_STRATEGIES as readonly string[]).includes(strategy)) {
            throw ramError(
              "InvalidParameter.RotateStrategy",
              `The parameter - "RotateStrategy" must be one of ${ROTATE_STRATEGIES.join(", ")}.`,
            );
          }
          if (policy.versions.length >= MAX_POLICY_VERSIONS) {
            const oldest = policy.versions.find((v) => v.VersionId !== policy.DefaultVersion);
            if (strategy === "None" || !oldest)
              throw ramError(
                "LimitExceeded.Policy.Version",
                "The count of policy version beyond the current limits.",
              );
            policy.versions = policy.versions.filter((v) => v !== oldest);
          }
          const date = isoSeconds(call.now);
          const version: PolicyVersionRecord = {
            VersionId: `v${policy.nextVersion++}`,
            PolicyDocument: document,
            CreateDate: date,
          };
          policy.versions.push(version);
          if (setAsDefault) policy.DefaultVersion = version.VersionId;
          policy.UpdateDate = date;
          return changed({ PolicyVersion: versionView(policy, version) });
        },
        GetPolicyVersion: (call) => {
          policyType(call, true);
          const policy = policyOf(call, required(call.params, "PolicyName"));
          const version = policy.versions.find(
            (v) => v.VersionId === required(call.params, "VersionId"),
          );
          if (!version)
            throw ramError("EntityNotExist.Policy.Version", "The policy version does not exist.");
          return { PolicyVersion: versionView(policy, version) };
        },
        ListPolicyVersions: (call) => {
          policyType(call, true);
          const policy = policyOf(call, required(call.params, "PolicyName"));
          return {
            PolicyVersions: {
              PolicyVersion: [...policy.versions].reverse().map((v) => versionView(policy, v)),
            },
          };
        },
        SetDefaultPolicyVersion: (call) => {
          const policy = policyOf(call, required(call.params, "PolicyName"));
          const id = required(call.params, "VersionId");
          if (!policy.versions.some((v) => v.VersionId === id))
            throw ramError("EntityNotExist.Policy.Version", "The policy version does not exist.");
          policy.DefaultVersion = id;
          policy.UpdateDate = isoSeconds(call.now);
          return changed({});
        },
        DeletePolicyVersion: (call) => {
          const policy = policyOf(call, required(call.params, "PolicyName"));
          const id = required(call.params, "VersionId");
          if (!/^v\d+$/.test(id))
            throw ramError(
              "InvalidParameter.VersionId.Format",
              'The format of the parameter - "VersionId" is incorrect.',
            );
          if (!policy.versions.some((v) => v.VersionId === id))
            throw ramError("EntityNotExist.Policy.Version", "The policy version does not exist.");
          if (id === policy.DefaultVersion)
            throw ramError(
              "DeleteConflict.Policy.Version.Default",
              "The default policy version CAN NOT been deleted directly.",
            );
          policy.versions = policy.versions.filter((v) => v.VersionId !== id);
          return changed({});
        },
        UpdatePolicyDescription: (call) => {
          const policy = policyOf(call, required(call.params, "PolicyName"));
          policy.Description = checkDescription(call.params.NewDescription);
          policy.UpdateDate = isoSeconds(call.now);
          return changed({
            Policy: {
              PolicyName: policy.PolicyName,
              PolicyType: "Custom",
              Description: policy.Description,
              DefaultVersion: policy.DefaultVersion,
              CreateDate: policy.CreateDate,
              UpdateDate: policy.UpdateDate,
            },
          });
        },
        DeletePolicy: (call) => {
          const name = required(call.params, "PolicyName");
          const policy = policyOf(call, name);
          const account = this.account(call.accountId);
          const attachedTo = Object.values(account.roles).filter((r) =>
            r.attachments.some((a) => a.PolicyName === name && a.PolicyType === "Custom"),
          );
          if (booleanParam(call.params, "CascadingDelete")) {
            for (const role of attachedTo)
              role.attachments = role.attachments.filter(
                (a) => !(a.PolicyName === name && a.PolicyType === "Custom"),
              );
          } else {
            if (attachedTo.length > 0)
              throw ramError(
                "DeleteConflict.Role.Policy",
                "The policy CAN NOT been attached to any role while deleting the policy.",
              );
            if (policy.versions.length > 1)
              throw ramError(
                "DeleteConflict.Policy.Version",
                "The policy CAN NOT has any version except the default version.",
              );
          }
          delete account.policies[name];
          return changed({});
        },
        ListEntitiesForPolicy: (call) => {
          const name = required(call.params, "PolicyName");
          const type = policyType(call);
          if (type === "Custom") policyOf(call, name);
          else if (!SYSTEM_POLICIES[name])
            throw ramError("EntityNotExist.Policy", "The policy does not exist.");
          const roles = Object.values(this.account(call.accountId).roles).flatMap((role) =>
            role.attachments
              .filter((a) => a.PolicyName === name && a.PolicyType === type)
              .map((a) => ({
                RoleId: role.RoleId,
                RoleName: role.RoleName,
                Arn: role.Arn,
                Description: role.Description,
                AttachDate: a.AttachDate,
              })),
          );
          return { Users: { User: [] }, Groups: { Group: [] }, Roles: { Role: roles } };
        },
        CreateRole: (call) => {
          const name = required(call.params, "RoleName");
          checkRoleName(name);
          const trust = required(call.params, "AssumeRolePolicyDocument");
          checkPolicyDocument(trust, "trust");
          const account = this.account(call.accountId);
          if (account.roles[name])
            throw ramError("EntityAlreadyExists.Role", "The role already exists.");
          const role = this.newRole(call.accountId, name, {
            description: checkDescription(call.params.Description),
            trust,
            maxSessionDuration: maxSession(call, "MaxSessionDuration") ?? 3600,
            now: call.now,
            tags: tagsParam(call.params),
          });
          account.roles[name] = role;
          return changed({ Role: roleView(role) });
        },
        GetRole: (call) => ({ Role: roleView(roleOf(call, required(call.params, "RoleName"))) }),
        UpdateRole: (call) => {
          const role = roleOf(call, required(call.params, "RoleName"));
          if (call.params.NewAssumeRolePolicyDocument) {
            checkPolicyDocument(call.params.NewAssumeRolePolicyDocument, "trust");
            role.AssumeRolePolicyDocument = call.params.NewAssumeRolePolicyDocument;
          }
          if (call.params.NewDescription !== undefined)
            role.Description = checkDescription(call.params.NewDescription);
          role.MaxSessionDuration =
            maxSession(call, "NewMaxSessionDuration") ?? role.MaxSessionDuration;
          role.UpdateDate = isoSeconds(call.now);
          return changed({ Role: roleView(role) });
        },
        DeleteRole: (call) => {
          const name = required(call.params, "RoleName");
          const role = roleOf(call, name);
          if (role.attachments.length > 0)
            throw ramError(
              "DeleteConflict.Role.Policy",
              "The role CAN NOT has any attached policy while deleting the role.",
            );
          delete this.account(call.accountId).roles[name];
          return changed({});
        },
        AttachPolicyToRole: (call) => {
          const type = policyType(call);
          const name = required(call.params, "PolicyName");
          const role = roleOf(call, required(call.params, "RoleName"));
          if (this.policyDocument(call.accountId, name, type) === undefined)
            throw ramError("EntityNotExist.Policy", "The policy does not exist.");
          if (role.attachments.some((a) => a.PolicyName === name && a.PolicyType === type)) {
            throw ramError(
              "EntityAlreadyExists.Role.Policy",
              "The role has already been attached this policy.",
            );
          }
          role.attachments.push({
            PolicyName: name,
            PolicyType: type,
            AttachDate: isoSeconds(call.now),
          });
          return changed({});
        },
        DetachPolicyFromRole: (call) => {
          const type = policyType(call);
          const name = required(call.params, "PolicyName");
          const role = roleOf(call, required(call.params, "RoleName"));
          if (this.policyDocument(call.accountId, name, type) === undefined)
            throw ramError("EntityNotExist.Policy", "The policy does not exist.");
          if (!role.attachments.some((a) => a.PolicyName === name && a.PolicyType === type)) {
            throw ramError(
              "EntityNotExist.Role.Policy",
              "The indicate policy attached to the role does not exist.",
            );
          }
          role.attachments = role.attachments.filter(
            (a) => !(a.PolicyName === name && a.PolicyType === type),
          );
          return changed({});
        },
        ListPoliciesForRole: (call) => {
          const role = roleOf(call, required(call.params, "RoleName"));
          const account = this.account(call.accountId);
          return {
            Policies: {
              Policy: role.attachments.map((a) => {
                const custom =
                  a.PolicyType === "Custom" ? account.policies[a.PolicyName] : undefined;
                return {
                  PolicyName: a.PolicyName,
                  PolicyType: a.PolicyType,
                  Description: custom
                    ? custom.Description
                    : (SYSTEM_POLICIES[a.PolicyName]?.description ?? ""),
                  DefaultVersion: custom ? custom.DefaultVersion : "v1",
                  AttachDate: a.AttachDate,
                };
              }),
            },
          };
        },
        ListTagResources: (call) => {
          const { type, targets, names } = tagged(call);
          return {
            TagResources: targets.flatMap((target, i) =>
              Object.entries(target.tags).map(([TagKey, TagValue]) => ({
                ResourceName: names[i],
                ResourceType: type,
                TagKey,
                TagValue,
              })),
            ),
          };
        },
        TagResources: (call) => {
          const tags = tagsParam(call.params);
          for (const target of tagged(call).targets) Object.assign(target.tags, tags);
          return changed({});
        },
        UntagResources: (call) => {
          const keys = listParam(call.params, "TagKeys");
          if (keys.length === 0) keys.push(...listParam(call.params, "TagKey"));
          const all = booleanParam(call.params, "All") ?? false;
          for (const target of tagged(call).targets) {
            if (all) target.tags = keyMap();
            else for (const key of keys) delete target.tags[key];
          }
          return changed({});
        },
      },
    };
  }
}
