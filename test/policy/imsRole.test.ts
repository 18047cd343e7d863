/**
 * ims-callback-ram-least-privilege, a resource policy: each resource is judged alone, in the order
 * the engine registers them (one run of the pack), before it is created. Proves every way this
 * package knows of to put a broad grant on IMS's role is refused at the resource that would do it,
 * that what is unknown at preview is refused, and that what ImsQueueAuthorization creates passes.
 * Does not prove the engine's registration order (test/e2e/policyPack.test.ts runs the pack through
 * the engine and the alicloud plugin).
 */
import * as alicloud from "@pulumi/alicloud";
import {
  imsRoleLeastPrivilege,
  queueSendGrantProblems,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  RAM_ROLE_TYPE,
  RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
  RESOURCE_MANAGER_POLICY_TYPE,
  RESOURCE_MANAGER_POLICY_VERSION_TYPE,
  RESOURCE_MANAGER_ROLE_TYPE,
} from "../../lib/policy";
import { createImsRoleLeastPrivilege } from "../../lib/policy/imsRole";
import { queueMessagesArn } from "../../lib/shared/ram";
import { runResourcePolicy, UNKNOWN_AT_PREVIEW, type FakeResource } from "./helpers";

/** The type token a resource class registers (so the tokens the policy matches are checked too). */
const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType: string }).__pulumiType;

const SEND_ONLY = JSON.stringify({
  Version: "1",
  Statement: [
    {
      Effect: "Allow",
      Action: ["mns:SendMessage", "mns:BatchSendMessage"],
      Resource: [queueMessagesArn("cn-shanghai", "1234567890", "ice-callback-orders")],
    },
  ],
});
const BROAD = JSON.stringify({
  Version: "1",
  Statement: [{ Effect: "Allow", Action: "mns:*", Resource: "*" }],
});
const FIX_SEND_ONLY =
  "Fix: allow only mns:SendMessage / mns:BatchSendMessage on acs:mns:<region>:<account>:/queues/ice-callback-<name>/messages, without wildcards (as ImsQueueAuthorization does).";

/** Messages per resource name, running the resources through one fresh policy in this order. */
async function run(
  resources: FakeResource[],
  config: Record<string, unknown> = {},
): Promise<Record<string, string[]>> {
  const policy = createImsRoleLeastPrivilege();
  const out: Record<string, string[]> = {};
  for (const resource of resources) {
    const messages = await runResourcePolicy(policy, resource, config);
    if (messages.length > 0) out[resource.name] = messages;
  }
  return out;
}

const ramPolicy = (name: string, props: Record<string, unknown>): FakeResource => ({
  type: RAM_POLICY_TYPE,
  name,
  props: { policyName: `${name}-name`, ...props },
});
const attachment = (name: string, props: Record<string, unknown>): FakeResource => ({
  type: RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  name,
  props: { roleName: "AliyunICEDefaultRole", policyType: "Custom", ...props },
});

test("is a mandatory resource policy (judged before each resource is created, not after the stack)", () => {
  expect(imsRoleLeastPrivilege.enforcementLevel).toBe("mandatory");
  expect("validateResource" in imsRoleLeastPrivilege).toBe(true);
  expect("validateStack" in imsRoleLeastPrivilege).toBe(false);
});

test("accepts what ImsQueueAuthorization creates: a send-only policy, then its attachment by name", async () => {
  expect(
    await run([
      ramPolicy("send", {
        policyDocument: SEND_ONLY,
        rotateStrategy: "DeleteOldestNonDefaultVersionWhenLimitExceeded",
      }),
      attachment("send-attachment", { policyName: "send-name" }),
    ]),
  ).toEqual({});
});

describe("refuses at the attachment", () => {
  test("a custom policy in the deprecated statements form granting mns:* on *", async () => {
    const out = await run([
      ramPolicy("broad", {
        statements: [{ effect: "Allow", actions: ["mns:*"], resources: ["*"] }],
      }),
      attachment("att", { policyName: "broad-name" }),
    ]);
    expect(out).toEqual({
      att: [
        'ram.RolePolicyAttachment "att": attaches custom policy "broad-name" to IMS\'s role "AliyunICEDefaultRole", and the policy grants more than sending to ice-callback- queues: ' +
          'statements Statement[0] Action "mns:*" is a wildcard; statements Statement[0] Resource "*" is a wildcard. ' +
          FIX_SEND_ONLY,
      ],
    });
  });

  test("a custom policy with a broad policyDocument or deprecated document", async () => {
    for (const field of ["policyDocument", "document"]) {
      const out = await run([
        ramPolicy("broad", { [field]: BROAD }),
        attachment("att", { policyName: "broad-name" }),
      ]);
      expect(out.att).toEqual([
        expect.stringContaining(`${field} Statement[0] Action "mns:*" is a wildcard`),
      ]);
    }
  });

  test("a system policy through resourcemanager.PolicyAttachment to the ServiceRole principal", async () => {
    const out = await run([
      {
        type: RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
        name: "rm",
        props: {
          principalType: "ServiceRole",
          principalName: "AliyunICEDefaultRole",
          policyType: "System",
          policyName: "AliyunMNSFullAccess",
          resourceGroupId: "rg-1",
        },
      },
    ]);
    expect(out).toEqual({
      rm: [
        'resourcemanager.PolicyAttachment "rm": attaches system policy "AliyunMNSFullAccess" to IMS\'s role "AliyunICEDefaultRole"; a system policy grants far more than sending to ice-callback- queues. ' +
          "Fix: attach a custom policy that allows only mns:SendMessage / mns:BatchSendMessage on acs:mns:<region>:<account>:/queues/ice-callback-<name>/messages, without wildcards (ImsQueueAuthorization creates one), " +
          'or, after review, list "AliyunMNSFullAccess" in allowedPolicyNames of ims-callback-ram-least-privilege.',
      ],
    });
  });

  test("IMS's role in any case, and in the role@role.<account>.onaliyunservice.com form", async () => {
    const out = await run([
      attachment("lower", {
        roleName: "aliyunicedefaultrole",
        policyType: "System",
        policyName: "AliyunMNSFullAccess",
      }),
      {
        type: RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
        name: "qualified",
        props: {
          principalType: "ServiceRole",
          principalName: "AliyunICEDefaultRole@role.1234567890.onaliyunservice.com",
          policyType: "System",
          policyName: "AdministratorAccess",
          resourceGroupId: "rg-1",
        },
      },
    ]);
    expect(Object.keys(out)).toEqual(["lower", "qualified"]);
  });

  test("a policy type that is not Custom (or missing) as a system policy", async () => {
    const out = await run([
      attachment("odd", { policyType: "Managed", policyName: "x" }),
      attachment("none", { policyType: undefined, policyName: "x" }),
    ]);
    expect(Object.keys(out)).toEqual(["odd", "none"]);
  });

  test("a custom policy whose document the run has not seen (managed elsewhere, or attached before it is registered)", async () => {
    const out = await run([
      attachment("early", { policyName: "later-name" }),
      ramPolicy("later", { policyDocument: SEND_ONLY }),
    ]);
    expect(out).toEqual({
      early: [
        'ram.RolePolicyAttachment "early": attaches custom policy "later-name" to IMS\'s role "AliyunICEDefaultRole", but no document of that policy was seen before it in this stack, so what it grants cannot be judged. ' +
          'Fix: manage the policy in this stack and pass its output (policyName: policy.policyName) so the pack reads its document first, or, after review, list "later-name" in allowedPolicyNames of ims-callback-ram-least-privilege.',
      ],
    });
  });

  test("a second document of the same name that is broad (resourcemanager.Policy, PolicyVersion)", async () => {
    for (const type of [RESOURCE_MANAGER_POLICY_TYPE, RESOURCE_MANAGER_POLICY_VERSION_TYPE]) {
      const out = await run([
        ramPolicy("send", { policyDocument: SEND_ONLY }),
        {
          type,
          name: "v2",
          props: { policyName: "SEND-NAME", policyDocument: BROAD, isDefaultVersion: true },
        },
        attachment("att", { policyName: "send-name" }),
      ]);
      expect(Object.keys(out)).toEqual(["att"]);
    }
  });
});

describe("fails closed on what is unknown at preview", () => {
  test("the role name: it could be IMS's role", async () => {
    const out = await run([attachment("att", { roleName: UNKNOWN_AT_PREVIEW, policyName: "x" })]);
    expect(out).toEqual({
      att: [
        'ram.RolePolicyAttachment "att": roleName is not known at preview, so it cannot be told whether this attaches a policy to IMS\'s role ("aliyunicedefaultrole"). ' +
          "Fix: give roleName a value known at preview: a plain string, or a role's roleName output (not its id).",
      ],
    });
  });

  test("the principal name of a resourcemanager.PolicyAttachment", async () => {
    const out = await run([
      {
        type: RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE,
        name: "rm",
        props: {
          principalType: "ServiceRole",
          principalName: UNKNOWN_AT_PREVIEW,
          policyType: "Custom",
          policyName: "x",
        },
      },
    ]);
    expect(out.rm).toEqual([
      expect.stringMatching(
        /^resourcemanager\.PolicyAttachment "rm": principalName is not known at preview/,
      ),
    ]);
  });

  test("the policy type or name of an attachment to IMS's role", async () => {
    const out = await run([
      attachment("type", { policyType: UNKNOWN_AT_PREVIEW, policyName: "AliyunMNSFullAccess" }),
      attachment("name", { policyName: UNKNOWN_AT_PREVIEW }),
    ]);
    expect(out).toEqual({
      type: [
        'ram.RolePolicyAttachment "type": attaches to IMS\'s role "AliyunICEDefaultRole" a policy whose policyType is not known at preview, so what it grants cannot be judged. ' +
          'Fix: give them values known at preview: policyType "Custom", and policyName from the policy resource of this stack (policyName: policy.policyName).',
      ],
      name: [expect.stringContaining("a policy whose policyName is not known at preview")],
    });
  });

  test("the document of the attached policy, in either form", async () => {
    const out = await run([
      ramPolicy("doc", { policyDocument: UNKNOWN_AT_PREVIEW }),
      attachment("att-doc", { policyName: "doc-name" }),
      ramPolicy("stmt", {
        statements: [{ effect: "Allow", actions: [UNKNOWN_AT_PREVIEW], resources: ["*"] }],
      }),
      attachment("att-stmt", { policyName: "stmt-name" }),
    ]);
    expect(Object.keys(out)).toEqual(["att-doc", "att-stmt"]);
    expect(out["att-doc"][0]).toContain("whose document is not known at preview");
  });

  test("a document registered after an attachment of its name (a new PolicyVersion), judged at that resource", async () => {
    const out = await run([
      ramPolicy("send", { policyDocument: SEND_ONLY }),
      attachment("att", { policyName: "send-name" }),
      {
        type: RESOURCE_MANAGER_POLICY_VERSION_TYPE,
        name: "v2",
        props: { policyName: "send-name", policyDocument: BROAD },
      },
      {
        type: RESOURCE_MANAGER_POLICY_VERSION_TYPE,
        name: "v3",
        props: { policyName: "send-name", policyDocument: UNKNOWN_AT_PREVIEW },
      },
    ]);
    expect(out).toEqual({
      v2: [
        'resourcemanager.PolicyVersion "v2": policy "send-name" is attached to IMS\'s role in this stack and grants more than sending to ice-callback- queues: ' +
          'policyDocument Statement[0] Action "mns:*" is a wildcard; policyDocument Statement[0] Resource "*" is a wildcard. ' +
          FIX_SEND_ONLY,
      ],
      v3: [expect.stringContaining("its document is not known at preview, so it cannot be judged")],
    });
  });
});

test("refuses a stack that manages IMS's role itself", async () => {
  const out = await run([
    {
      type: RAM_ROLE_TYPE,
      name: "ims",
      props: { roleName: "AliyunICEDefaultRole", assumeRolePolicyDocument: "{}" },
    },
    {
      type: RESOURCE_MANAGER_ROLE_TYPE,
      name: "rm-ims",
      props: { roleName: "aliyunicedefaultrole" },
    },
    { type: RAM_ROLE_TYPE, name: "deployers", props: { roleName: "Deployers" } },
  ]);
  expect(Object.keys(out)).toEqual(["ims", "rm-ims"]);
});

test("refuses a ROS template (stack, stack group, change set) that names IMS's role, in any case", async () => {
  const template = JSON.stringify({
    ROSTemplateFormatVersion: "2015-09-01",
    Resources: {
      Attach: {
        Type: "ALIYUN::RAM::AttachPolicyToRole",
        Properties: {
          PolicyType: "System",
          PolicyName: "AliyunMNSFullAccess",
          RoleName: "aliyunicedefaultrole",
        },
      },
    },
  });
  const out = await run([
    {
      type: typeOf(alicloud.ros.Stack),
      name: "ros",
      props: { stackName: "s", templateBody: template },
    },
    {
      type: typeOf(alicloud.ros.StackGroup),
      name: "group",
      props: {
        templateBody: "{}",
        parameters: [{ parameterKey: "Role", parameterValue: "AliyunICEDefaultRole" }],
      },
    },
    { type: typeOf(alicloud.ros.ChangeSet), name: "other", props: { templateBody: "{}" } },
  ]);
  expect(Object.keys(out)).toEqual(["ros", "group"]);
  expect(out.ros[0]).toBe(
    'ros.Stack "ros": its template or parameters name IMS\'s role ("aliyunicedefaultrole"); a template can attach any policy to it, and the pack does not read templates. ' +
      "Fix: attach policies to IMS's role in the Pulumi program (ImsQueueAuthorization), where the pack judges them.",
  );
});

test("leaves other roles alone, unless the pack config names them", async () => {
  const stack = [
    ramPolicy("admin", {
      policyDocument: JSON.stringify({ Statement: [{ Action: "*", Resource: "*" }] }),
    }),
    attachment("att", { roleName: "Deployers", policyName: "admin-name" }),
  ];
  expect(await run(stack)).toEqual({});
  expect(Object.keys(await run(stack, { roleNames: ["deployers"] }))).toEqual(["att"]);
});

test("lets reviewed policies through by name (allowedPolicyNames, any case)", async () => {
  const out = await run(
    [
      attachment("sys", { policyType: "System", policyName: "AliyunICEDefaultRolePolicy" }),
      attachment("elsewhere", { policyName: "reviewed-send" }),
    ],
    { allowedPolicyNames: ["aliyunicedefaultrolepolicy", "Reviewed-Send"] },
  );
  expect(out).toEqual({});
});

describe("queueSendGrantProblems reads keys in any case", () => {
  test.each([
    [{ statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }],
    [{ Statement: [{ effect: "Allow", action: "*", resource: "*" }] }],
    [{ Statement: [{ Effect: "Allow", Action: "mns:SendMessage", action: "*", Resource: "*" }] }],
  ])("%j", (document) => {
    expect(queueSendGrantProblems(JSON.stringify(document)).length).toBeGreaterThan(0);
  });

  test("a Deny takes away only when every spelling of Effect says so", () => {
    expect(
      queueSendGrantProblems(
        JSON.stringify({
          Statement: [{ Effect: "Deny", effect: "Allow", Action: "*", Resource: "*" }],
        }),
      ),
    ).not.toEqual([]);
  });
});
