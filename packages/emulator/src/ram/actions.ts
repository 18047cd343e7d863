/**
 * RAM's actions (API 2015-05-01) as far as the alicloud resource plugin uses them: one small
 * handler per action in a table, with RAM's parameter rules and error codes, over {@link RamState}.
 *
 * @packageDocumentation
 */
import { ApiError } from "../ground/errors";
import { keyMap } from "../ground/records";
import {
  bindActions,
  booleanParam,
  isoSeconds,
  listParam,
  required,
  type RpcCall,
  type RpcProduct,
  type StateAction,
  tagsParam,
} from "../ground/rpcProduct";
import { checkPolicyDocument, ramError, SYSTEM_POLICIES } from "./policy";
import type { PolicyRecord, PolicyVersionRecord, RamState, RoleRecord } from "./state";

/** The RAM API version served. */
export const RAM_VERSION = "2015-05-01";

const MAX_DESCRIPTION_LENGTH = 1024;
const ROTATE_STRATEGIES = ["None", "DeleteOldestNonDefaultVersionWhenLimitExceeded"] as const;

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

const policyOf = (ram: RamState, call: RpcCall, name: string): PolicyRecord => {
  const policy = ram.account(call.accountId).policies[name];
  if (!policy) throw ramError("EntityNotExist.Policy", "The policy does not exist.");
  return policy;
};
const roleOf = (ram: RamState, call: RpcCall, name: string): RoleRecord => {
  const role = ram.account(call.accountId).roles[name];
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
const attachmentCount = (
  ram: RamState,
  accountId: string,
  name: string,
  type: "System" | "Custom",
): number =>
  Object.values(ram.account(accountId).roles).filter((r) =>
    r.attachments.some((a) => a.PolicyName === name && a.PolicyType === type),
  ).length;
const versionView = (policy: PolicyRecord, v: PolicyVersionRecord): Record<string, unknown> => ({
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
  ram: RamState,
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
    type === "policy" ? policyOf(ram, call, name) : roleOf(ram, call, name),
  );
  return { type, targets, names };
};

/** One RAM action: reads its parameters, changes or reads `ram`, returns the answer's fields. */
type RamAction = StateAction<RamState>;

const ACTIONS: Readonly<Record<string, RamAction>> = keyMap({
  CreatePolicy: (ram, call) => {
    const name = required(call.params, "PolicyName");
    checkPolicyName(name);
    const document = required(call.params, "PolicyDocument");
    checkPolicyDocument(document);
    const description = checkDescription(call.params.Description);
    const account = ram.account(call.accountId);
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
    return ram.changed({
      Policy: {
        PolicyName: name,
        PolicyType: "Custom",
        Description: description,
        DefaultVersion: "v1",
        CreateDate: date,
      },
    });
  },
  GetPolicy: (ram, call) => {
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
          AttachmentCount: attachmentCount(ram, call.accountId, name, "System"),
        },
        DefaultPolicyVersion: {
          VersionId: "v1",
          IsDefaultVersion: true,
          PolicyDocument: document,
        },
      };
    }
    const policy = policyOf(ram, call, name);
    const defaultVersion = policy.versions.find((v) => v.VersionId === policy.DefaultVersion)!;
    return {
      Policy: {
        PolicyName: policy.PolicyName,
        PolicyType: "Custom",
        Description: policy.Description,
        DefaultVersion: policy.DefaultVersion,
        AttachmentCount: attachmentCount(ram, call.accountId, name, "Custom"),
        CreateDate: policy.CreateDate,
        UpdateDate: policy.UpdateDate,
      },
      DefaultPolicyVersion: versionView(policy, defaultVersion),
    };
  },
  CreatePolicyVersion: async (ram, call) => {
    const name = required(call.params, "PolicyName");
    const document = required(call.params, "PolicyDocument");
    const setAsDefault = booleanParam(call.params, "SetAsDefault") ?? false;
    const strategy = call.params.RotateStrategy || "None";
    if (!(ROTATE_STRATEGIES as readonly string[]).includes(strategy)) {
      throw ramError(
        "InvalidParameter.RotateStrategy",
        `The parameter - "RotateStrategy" must be one of ${ROTATE_STRATEGIES.join(", ")}.`,
      );
    }
    policyOf(ram, call, name);
    const { policy, version } = await ram.createPolicyVersion(call.accountId, name, document, {
      setAsDefault,
      rotate: strategy !== "None",
      now: call.now,
    });
    return { PolicyVersion: versionView(policy, version) };
  },
  GetPolicyVersion: (ram, call) => {
    policyType(call, true);
    const policy = policyOf(ram, call, required(call.params, "PolicyName"));
    const version = policy.versions.find((v) => v.VersionId === required(call.params, "VersionId"));
    if (!version)
      throw ramError("EntityNotExist.Policy.Version", "The policy version does not exist.");
    return { PolicyVersion: versionView(policy, version) };
  },
  ListPolicyVersions: (ram, call) => {
    policyType(call, true);
    const policy = policyOf(ram, call, required(call.params, "PolicyName"));
    return {
      PolicyVersions: {
        PolicyVersion: [...policy.versions].reverse().map((v) => versionView(policy, v)),
      },
    };
  },
  SetDefaultPolicyVersion: (ram, call) => {
    const policy = policyOf(ram, call, required(call.params, "PolicyName"));
    const id = required(call.params, "VersionId");
    if (!policy.versions.some((v) => v.VersionId === id))
      throw ramError("EntityNotExist.Policy.Version", "The policy version does not exist.");
    policy.DefaultVersion = id;
    policy.UpdateDate = isoSeconds(call.now);
    return ram.changed({});
  },
  DeletePolicyVersion: (ram, call) => {
    const policy = policyOf(ram, call, required(call.params, "PolicyName"));
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
    return ram.changed({});
  },
  UpdatePolicyDescription: (ram, call) => {
    const policy = policyOf(ram, call, required(call.params, "PolicyName"));
    policy.Description = checkDescription(call.params.NewDescription);
    policy.UpdateDate = isoSeconds(call.now);
    return ram.changed({
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
  DeletePolicy: (ram, call) => {
    const name = required(call.params, "PolicyName");
    const policy = policyOf(ram, call, name);
    const account = ram.account(call.accountId);
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
    return ram.changed({});
  },
  ListEntitiesForPolicy: (ram, call) => {
    const name = required(call.params, "PolicyName");
    const type = policyType(call);
    if (type === "Custom") policyOf(ram, call, name);
    else if (!SYSTEM_POLICIES[name])
      throw ramError("EntityNotExist.Policy", "The policy does not exist.");
    const roles = Object.values(ram.account(call.accountId).roles).flatMap((role) =>
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
  CreateRole: (ram, call) => {
    const name = required(call.params, "RoleName");
    checkRoleName(name);
    const trust = required(call.params, "AssumeRolePolicyDocument");
    checkPolicyDocument(trust, "trust");
    const account = ram.account(call.accountId);
    if (account.roles[name]) throw ramError("EntityAlreadyExists.Role", "The role already exists.");
    const role = ram.newRole(call.accountId, name, {
      description: checkDescription(call.params.Description),
      trust,
      maxSessionDuration: maxSession(call, "MaxSessionDuration") ?? 3600,
      now: call.now,
      tags: tagsParam(call.params),
    });
    account.roles[name] = role;
    return ram.changed({ Role: roleView(role) });
  },
  GetRole: (ram, call) => ({
    Role: roleView(roleOf(ram, call, required(call.params, "RoleName"))),
  }),
  UpdateRole: (ram, call) => {
    const role = roleOf(ram, call, required(call.params, "RoleName"));
    if (call.params.NewAssumeRolePolicyDocument) {
      checkPolicyDocument(call.params.NewAssumeRolePolicyDocument, "trust");
      role.AssumeRolePolicyDocument = call.params.NewAssumeRolePolicyDocument;
    }
    if (call.params.NewDescription !== undefined)
      role.Description = checkDescription(call.params.NewDescription);
    role.MaxSessionDuration = maxSession(call, "NewMaxSessionDuration") ?? role.MaxSessionDuration;
    role.UpdateDate = isoSeconds(call.now);
    return ram.changed({ Role: roleView(role) });
  },
  DeleteRole: (ram, call) => {
    const name = required(call.params, "RoleName");
    const role = roleOf(ram, call, name);
    if (role.attachments.length > 0)
      throw ramError(
        "DeleteConflict.Role.Policy",
        "The role CAN NOT has any attached policy while deleting the role.",
      );
    delete ram.account(call.accountId).roles[name];
    return ram.changed({});
  },
  AttachPolicyToRole: (ram, call) => {
    const type = policyType(call);
    const name = required(call.params, "PolicyName");
    const role = roleOf(ram, call, required(call.params, "RoleName"));
    if (ram.policyDocument(call.accountId, name, type) === undefined)
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
    return ram.changed({});
  },
  DetachPolicyFromRole: (ram, call) => {
    const type = policyType(call);
    const name = required(call.params, "PolicyName");
    const role = roleOf(ram, call, required(call.params, "RoleName"));
    if (ram.policyDocument(call.accountId, name, type) === undefined)
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
    return ram.changed({});
  },
  ListPoliciesForRole: (ram, call) => {
    const role = roleOf(ram, call, required(call.params, "RoleName"));
    const account = ram.account(call.accountId);
    return {
      Policies: {
        Policy: role.attachments.map((a) => {
          const custom = a.PolicyType === "Custom" ? account.policies[a.PolicyName] : undefined;
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
  ListTagResources: (ram, call) => {
    const { type, targets, names } = tagged(ram, call);
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
  TagResources: (ram, call) => {
    const tags = tagsParam(call.params);
    for (const target of tagged(ram, call).targets) Object.assign(target.tags, tags);
    return ram.changed({});
  },
  UntagResources: (ram, call) => {
    const keys = listParam(call.params, "TagKeys");
    if (keys.length === 0) keys.push(...listParam(call.params, "TagKey"));
    const all = booleanParam(call.params, "All") ?? false;
    for (const target of tagged(ram, call).targets) {
      if (all) target.tags = keyMap();
      else for (const key of keys) delete target.tags[key];
    }
    return ram.changed({});
  },
});

/** The RAM 2015-05-01 product served by the emulator, over `ram`. */
export function ramProduct(ram: RamState): RpcProduct {
  return {
    name: "Ram",
    version: RAM_VERSION,
    host: () => "ram.aliyuncs.com",
    actions: bindActions(ram, ACTIONS),
  };
}
