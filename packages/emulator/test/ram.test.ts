/**
 * RAM 2015-05-01 as the emulator serves it to Alibaba's own OpenAPI client: policies with versions
 * and the rotate strategy, roles, attachments, tags, RAM's parameter rules and error codes, IMS's
 * service role, and the policy evaluation behind delivery into a queue.
 */
import { EmulatorHandle, startEmulator } from "../src";
import { IMS_SERVICE_ROLE } from "../src/ram/state";
import { IMS_SERVICE_ROLE_POLICY } from "../src/ram/policy";
import { RAM_VERSION } from "../src/ram/actions";
import { callRpc, removeTempDirs, sdkClient, sdkError, tempDir } from "./helpers";

const SH = "cn-shanghai";
let emulator: EmulatorHandle;
const ram = (
  action: string,
  body: Record<string, string | number | boolean> = {},
  v2 = false,
): Promise<Record<string, unknown>> =>
  callRpc(sdkClient(emulator.endpoints[SH], { v2 }), action, RAM_VERSION, body);
const ramError = async (
  action: string,
  body: Record<string, string | number | boolean>,
): Promise<[number, string]> => {
  const error = await sdkError(ram(action, body));
  return [error.statusCode, error.code];
};
const doc = (queue: string): string =>
  JSON.stringify({
    Version: "1",
    Statement: [
      {
        Effect: "Allow",
        Action: "mns:SendMessage",
        Resource: `acs:mns:*:*:/queues/${queue}/messages`,
      },
    ],
  });
const trust = JSON.stringify({
  Version: "1",
  Statement: [
    { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: ["ecs.aliyuncs.com"] } },
  ],
});

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
  removeTempDirs();
});

describe("policies", () => {
  it("creates a policy and reads it back with its default version, as the plugin parses it", async () => {
    const created = await ram("CreatePolicy", {
      PolicyName: "p-read",
      PolicyDocument: doc("a"),
      Description: "d",
    });
    expect(created.Policy).toMatchObject({
      PolicyName: "p-read",
      PolicyType: "Custom",
      DefaultVersion: "v1",
      Description: "d",
    });
    const read = await ram("GetPolicy", { PolicyName: "p-read", PolicyType: "Custom" }, true);
    expect(read.Policy).toMatchObject({
      PolicyName: "p-read",
      PolicyType: "Custom",
      DefaultVersion: "v1",
      AttachmentCount: 0,
      CreateDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(read.DefaultPolicyVersion).toEqual({
      VersionId: "v1",
      IsDefaultVersion: true,
      PolicyDocument: doc("a"),
      CreateDate: expect.any(String),
    });
  });

  it("refuses a second policy of the same name, bad names and malformed documents with RAM's codes", async () => {
    await ram("CreatePolicy", { PolicyName: "p-dup", PolicyDocument: doc("a") });
    expect(
      await ramError("CreatePolicy", { PolicyName: "p-dup", PolicyDocument: doc("b") }),
    ).toEqual([409, "EntityAlreadyExists.Policy"]);
    expect(
      await ramError("CreatePolicy", { PolicyName: "bad_name", PolicyDocument: doc("a") }),
    ).toEqual([400, "InvalidParameter.PolicyName.InvalidChars"]);
    expect(
      await ramError("CreatePolicy", { PolicyName: "p".repeat(129), PolicyDocument: doc("a") }),
    ).toEqual([400, "InvalidParameter.PolicyName.Length"]);
    expect(
      await ramError("CreatePolicy", { PolicyName: "p-bad-doc", PolicyDocument: "{not json" }),
    ).toEqual([400, "MalformedPolicyDocument"]);
    expect(
      await ramError("CreatePolicy", {
        PolicyName: "p-bad-doc",
        PolicyDocument: JSON.stringify({
          Version: "1",
          Statement: [{ Effect: "Maybe", Action: "a:b", Resource: "*" }],
        }),
      }),
    ).toEqual([400, "MalformedPolicyDocument"]);
    expect(await ramError("GetPolicy", { PolicyName: "p-missing", PolicyType: "Custom" })).toEqual([
      404,
      "EntityNotExist.Policy",
    ]);
  });

  it("keeps at most five versions: LimitExceeded without a rotate strategy, the oldest non-default version dropped with one", async () => {
    await ram("CreatePolicy", { PolicyName: "p-versions", PolicyDocument: doc("v1") });
    for (let i = 2; i <= 5; i++) {
      expect(
        (
          await ram("CreatePolicyVersion", {
            PolicyName: "p-versions",
            PolicyDocument: doc(`v${i}`),
            SetAsDefault: true,
          })
        ).PolicyVersion,
      ).toMatchObject({
        VersionId: `v${i}`,
        IsDefaultVersion: true,
      });
    }
    expect(
      await ramError("CreatePolicyVersion", {
        PolicyName: "p-versions",
        PolicyDocument: doc("v6"),
        SetAsDefault: true,
      }),
    ).toEqual([409, "LimitExceeded.Policy.Version"]);
    await ram("CreatePolicyVersion", {
      PolicyName: "p-versions",
      PolicyDocument: doc("v6"),
      SetAsDefault: true,
      RotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
    });
    const versions = (
      await ram("ListPolicyVersions", { PolicyName: "p-versions", PolicyType: "Custom" })
    ).PolicyVersions as { PolicyVersion: { VersionId: string; IsDefaultVersion: boolean }[] };
    expect(versions.PolicyVersion.map((v) => v.VersionId)).toEqual(["v6", "v5", "v4", "v3", "v2"]);
    expect(
      versions.PolicyVersion.filter((v) => v.IsDefaultVersion).map((v) => v.VersionId),
    ).toEqual(["v6"]);
    expect(
      (
        (await ram("GetPolicy", { PolicyName: "p-versions", PolicyType: "Custom" }))
          .DefaultPolicyVersion as { PolicyDocument: string }
      ).PolicyDocument,
    ).toBe(doc("v6"));
  });

  it("deletes a version but never the default one; deletes a policy with versions only when cascading", async () => {
    await ram("CreatePolicy", { PolicyName: "p-delete", PolicyDocument: doc("a") });
    await ram("CreatePolicyVersion", {
      PolicyName: "p-delete",
      PolicyDocument: doc("b"),
      SetAsDefault: true,
    });
    expect(
      await ramError("DeletePolicyVersion", { PolicyName: "p-delete", VersionId: "v2" }),
    ).toEqual([409, "DeleteConflict.Policy.Version.Default"]);
    expect(
      await ramError("DeletePolicyVersion", { PolicyName: "p-delete", VersionId: "v9" }),
    ).toEqual([404, "EntityNotExist.Policy.Version"]);
    expect(await ramError("DeletePolicy", { PolicyName: "p-delete" })).toEqual([
      409,
      "DeleteConflict.Policy.Version",
    ]);
    await ram("DeletePolicyVersion", { PolicyName: "p-delete", VersionId: "v1" });
    await ram("CreatePolicyVersion", { PolicyName: "p-delete", PolicyDocument: doc("c") });
    await ram("DeletePolicy", { PolicyName: "p-delete", CascadingDelete: true });
    expect(await ramError("GetPolicy", { PolicyName: "p-delete", PolicyType: "Custom" })).toEqual([
      404,
      "EntityNotExist.Policy",
    ]);
  });

  it("changes the description, tags and lists tags as the plugin reads them", async () => {
    await ram("CreatePolicy", {
      PolicyName: "p-tags",
      PolicyDocument: doc("a"),
      Tag: JSON.stringify([{ Key: "env", Value: "dev" }]),
    });
    await ram("UpdatePolicyDescription", { PolicyName: "p-tags", NewDescription: "new" });
    await ram("TagResources", {
      ResourceType: "policy",
      ResourceNames: '["p-tags"]',
      Tag: JSON.stringify([{ Key: "team", Value: "media" }]),
    });
    await ram("UntagResources", {
      ResourceType: "policy",
      ResourceNames: '["p-tags"]',
      TagKeys: '["env"]',
    });
    expect(
      (await ram("ListTagResources", { ResourceType: "policy", ResourceNames: '["p-tags"]' }))
        .TagResources,
    ).toEqual([
      { ResourceName: "p-tags", ResourceType: "policy", TagKey: "team", TagValue: "media" },
    ]);
    expect(
      (
        (await ram("GetPolicy", { PolicyName: "p-tags", PolicyType: "Custom" })).Policy as {
          Description: string;
        }
      ).Description,
    ).toBe("new");
  });
});

describe("roles and attachments", () => {
  it("creates, reads, updates and deletes a role; names allow periods, at most 64", async () => {
    const created = (
      await ram("CreateRole", {
        RoleName: "app.role-1",
        AssumeRolePolicyDocument: trust,
        Description: "r",
      })
    ).Role as Record<string, unknown>;
    expect(created).toMatchObject({
      RoleName: "app.role-1",
      Arn: `acs:ram::${emulator.defaultAccountId}:role/app.role-1`,
      MaxSessionDuration: 3600,
    });
    await ram("UpdateRole", {
      RoleName: "app.role-1",
      NewDescription: "changed",
      NewMaxSessionDuration: 7200,
    });
    expect((await ram("GetRole", { RoleName: "app.role-1" })).Role).toMatchObject({
      Description: "changed",
      MaxSessionDuration: 7200,
      AssumeRolePolicyDocument: trust,
    });
    expect(
      await ramError("CreateRole", { RoleName: "app.role-1", AssumeRolePolicyDocument: trust }),
    ).toEqual([409, "EntityAlreadyExists.Role"]);
    expect(
      await ramError("CreateRole", { RoleName: "r".repeat(65), AssumeRolePolicyDocument: trust }),
    ).toEqual([400, "InvalidParameter.RoleName.Length"]);
    expect(
      await ramError("CreateRole", { RoleName: "bad/role", AssumeRolePolicyDocument: trust }),
    ).toEqual([400, "InvalidParameter.RoleName.InvalidChars"]);
    await ram("DeleteRole", { RoleName: "app.role-1" });
    expect(await ramError("GetRole", { RoleName: "app.role-1" })).toEqual([
      404,
      "EntityNotExist.Role",
    ]);
  });

  it("attaches, lists and detaches policies, with RAM's codes for missing roles, policies and attachments", async () => {
    await ram("CreateRole", { RoleName: "attach-role", AssumeRolePolicyDocument: trust });
    await ram("CreatePolicy", {
      PolicyName: "p-attach",
      PolicyDocument: doc("a"),
      Description: "send",
    });
    await ram("AttachPolicyToRole", {
      PolicyType: "Custom",
      PolicyName: "p-attach",
      RoleName: "attach-role",
    });
    await ram("AttachPolicyToRole", {
      PolicyType: "System",
      PolicyName: "AliyunMNSReadOnlyAccess",
      RoleName: "attach-role",
    });
    expect(
      await ramError("AttachPolicyToRole", {
        PolicyType: "Custom",
        PolicyName: "p-attach",
        RoleName: "attach-role",
      }),
    ).toEqual([409, "EntityAlreadyExists.Role.Policy"]);
    expect(
      await ramError("AttachPolicyToRole", {
        PolicyType: "Custom",
        PolicyName: "p-attach",
        RoleName: "no-such-role",
      }),
    ).toEqual([404, "EntityNotExist.Role"]);
    expect(
      await ramError("AttachPolicyToRole", {
        PolicyType: "System",
        PolicyName: "NoSuchSystemPolicy",
        RoleName: "attach-role",
      }),
    ).toEqual([404, "EntityNotExist.Policy"]);
    const listed = (
      (await ram("ListPoliciesForRole", { RoleName: "attach-role" })).Policies as {
        Policy: Record<string, unknown>[];
      }
    ).Policy;
    expect(listed.map((p) => [p.PolicyName, p.PolicyType, p.DefaultVersion])).toEqual([
      ["p-attach", "Custom", "v1"],
      ["AliyunMNSReadOnlyAccess", "System", "v1"],
    ]);
    expect(
      (
        (await ram("GetPolicy", { PolicyName: "p-attach", PolicyType: "Custom" })).Policy as {
          AttachmentCount: number;
        }
      ).AttachmentCount,
    ).toBe(1);
    expect(await ramError("DeleteRole", { RoleName: "attach-role" })).toEqual([
      409,
      "DeleteConflict.Role.Policy",
    ]);
    await ram("DetachPolicyFromRole", {
      PolicyType: "Custom",
      PolicyName: "p-attach",
      RoleName: "attach-role",
    });
    expect(
      await ramError("DetachPolicyFromRole", {
        PolicyType: "Custom",
        PolicyName: "p-attach",
        RoleName: "attach-role",
      }),
    ).toEqual([404, "EntityNotExist.Role.Policy"]);
    expect(await ramError("ListPoliciesForRole", { RoleName: "no-such-role" })).toEqual([
      404,
      "EntityNotExist.Role",
    ]);
  });

  it("cascading delete of a policy detaches it from roles", async () => {
    await ram("CreateRole", { RoleName: "cascade-role", AssumeRolePolicyDocument: trust });
    await ram("CreatePolicy", { PolicyName: "p-cascade", PolicyDocument: doc("a") });
    await ram("AttachPolicyToRole", {
      PolicyType: "Custom",
      PolicyName: "p-cascade",
      RoleName: "cascade-role",
    });
    expect(await ramError("DeletePolicy", { PolicyName: "p-cascade" })).toEqual([
      409,
      "DeleteConflict.Role.Policy",
    ]);
    await ram("DeletePolicy", { PolicyName: "p-cascade", CascadingDelete: true });
    expect(
      (
        (await ram("ListPoliciesForRole", { RoleName: "cascade-role" })).Policies as {
          Policy: unknown[];
        }
      ).Policy,
    ).toEqual([]);
  });
});

describe("IMS's service role and policy evaluation", () => {
  it("an activated account has AliyunICEDefaultRole with its system policy; deactivation removes it", async () => {
    const role = (await ram("GetRole", { RoleName: IMS_SERVICE_ROLE })).Role as {
      AssumeRolePolicyDocument: string;
    };
    expect(JSON.parse(role.AssumeRolePolicyDocument).Statement[0].Principal.Service).toEqual([
      "ice.aliyuncs.com",
    ]);
    const policies = (
      (await ram("ListPoliciesForRole", { RoleName: IMS_SERVICE_ROLE })).Policies as {
        Policy: { PolicyName: string }[];
      }
    ).Policy;
    expect(policies.map((p) => p.PolicyName)).toEqual([IMS_SERVICE_ROLE_POLICY]);
    await emulator.setImsActivated(false);
    expect(
      await ramError("AttachPolicyToRole", {
        PolicyType: "System",
        PolicyName: "AliyunMNSFullAccess",
        RoleName: IMS_SERVICE_ROLE,
      }),
    ).toEqual([404, "EntityNotExist.Role"]);
    await emulator.setImsActivated(true);
    expect(
      (await emulator.getRam()).roles.find((r) => r.name === IMS_SERVICE_ROLE)?.attachments,
    ).toEqual([{ policyName: IMS_SERVICE_ROLE_POLICY, policyType: "System" }]);
  });

  it("an account configured with imsActivated: false has no service role, and a deleted role stays deleted across restarts", async () => {
    const dir = tempDir();
    const stateFile = `${dir}/state.json`;
    const account = {
      accountId: "2222222222222222",
      accessKeys: [{ id: "TESTAKRam2", secret: "secret-2" }],
      imsActivated: false,
    };
    const first = await startEmulator({ stateFile, accounts: [emulator.accounts[0], account] });
    try {
      expect((await first.getRam("2222222222222222")).roles).toEqual([]);
      expect((await first.getRam()).roles.map((r) => r.name)).toEqual([IMS_SERVICE_ROLE]);
      await first.setImsActivated(false);
    } finally {
      await first.close();
    }
    const second = await startEmulator({ stateFile, accounts: [emulator.accounts[0], account] });
    try {
      expect((await second.getRam()).roles).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("out-of-band edits of a policy document make a new default version", async () => {
    await ram("CreatePolicy", { PolicyName: "p-drift", PolicyDocument: doc("a") });
    const changed = await emulator.putPolicyDocument("p-drift", doc("b"));
    expect([changed.defaultVersion, changed.versions]).toEqual(["v2", ["v1", "v2"]]);
    expect(
      (
        (await ram("GetPolicy", { PolicyName: "p-drift", PolicyType: "Custom" }))
          .DefaultPolicyVersion as { PolicyDocument: string }
      ).PolicyDocument,
    ).toBe(doc("b"));
    await expect(emulator.putPolicyDocument("p-drift", "{")).rejects.toThrow("not accepted");
  });
});

describe("STS and unserved calls", () => {
  it("GetCallerIdentity names the account of the key", async () => {
    const identity = await callRpc(
      sdkClient(emulator.endpoints[SH]),
      "GetCallerIdentity",
      "2015-04-01",
    );
    expect(identity).toMatchObject({
      AccountId: emulator.defaultAccountId,
      IdentityType: "Account",
      Arn: `acs:ram::${emulator.defaultAccountId}:root`,
    });
  });

  it("records actions the emulator does not serve, so gaps are visible", async () => {
    await emulator.reset();
    expect(await ramError("ListUsers", {})).toEqual([404, "InvalidAction.NotFound"]);
    expect(await emulator.getUnhandledCalls()).toEqual([
      {
        product: "Ram",
        version: RAM_VERSION,
        action: "ListUsers",
        count: 1,
        lastSeen: expect.any(String),
      },
    ]);
  });
});
