/**
 * ims-callback-ram-least-privilege, a resource policy: each resource is judged alone, in the order
 * the engine registers them (one run of the pack), before it is created. Proves every way this
 * package knows of to put a broad grant on IMS's role is refused at the resource that would do it,
 * that what is unknown at preview is refused, and that what ImsQueueAuthorization creates passes.
 * Does not prove the engine's registration order (test/e2e/policyPack.test.ts runs the pack through
 * the engine and the alicloud plugin).
 */
import * as alicloud from "@pulumi/alicloud";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { imsCallbackPolicies, queueSendGrantProblems } from "../../lib/policy";
import { createImsRoleLeastPrivilege } from "../../lib/policy/imsRole";
import { ImsQueueAuthorization } from "../../lib/program/queueAuthorization";
import { queueMessagesArn } from "../../lib/shared/ram";
import {
  asTheEngineSends,
  runResourcePolicy,
  secretOnTheWire,
  UNKNOWN_AT_PREVIEW,
  type FakeResource,
} from "./helpers";

/** The type token a resource class registers (so the tokens the policy matches are checked too). */
const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType: string }).__pulumiType;
const RAM_POLICY_TYPE = typeOf(alicloud.ram.Policy);
const RAM_ROLE_POLICY_ATTACHMENT_TYPE = typeOf(alicloud.ram.RolePolicyAttachment);
const RAM_ROLE_TYPE = typeOf(alicloud.ram.Role);
const RESOURCE_MANAGER_POLICY_TYPE = typeOf(alicloud.resourcemanager.Policy);
const RESOURCE_MANAGER_POLICY_VERSION_TYPE = typeOf(alicloud.resourcemanager.PolicyVersion);
const RESOURCE_MANAGER_POLICY_ATTACHMENT_TYPE = typeOf(alicloud.resourcemanager.PolicyAttachment);
const RESOURCE_MANAGER_ROLE_TYPE = typeOf(alicloud.resourcemanager.Role);

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

/**
 * What `ImsQueueAuthorization` registers (types and inputs as the engine receives them), under
 * Pulumi's mocks: IMS's role exists, the account is given.
 */
async function registeredByImsQueueAuthorization(): Promise<FakeResource[]> {
  const registered: FakeResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, props: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        if (args.token !== "alicloud:ram/getRolePolicyAttachments:getRolePolicyAttachments") {
          throw new Error(`unexpected call ${args.token}`);
        }
        return { id: "AliyunICEDefaultRole", roleName: "AliyunICEDefaultRole", attachments: [] };
      },
    },
    "shop",
    "prod",
    false,
  );
  const authorization = new ImsQueueAuthorization("ims", {
    queues: [{ region: "cn-shanghai", queueName: "ice-callback-orders" }],
    accountId: "1234567890",
  });
  await new Promise((resolve) => authorization.attachment.urn.apply(resolve));
  return registered.filter((r) => r.type !== "alicloud-ims-callback:index:ImsQueueAuthorization");
}

test("through the pack's own list: nothing for what ImsQueueAuthorization registers, a violation for a broad policy on IMS's role", async () => {
  // The policy as the shipped pack and a composed pack run it (./policy's imsCallbackPolicies).
  const policy = imsCallbackPolicies.find((p) => p.name === "ims-callback-ram-least-privilege");
  const reported = async (resources: FakeResource[]) => {
    const messages: string[] = [];
    for (const resource of resources) {
      messages.push(...(await runResourcePolicy(policy as ResourceValidationPolicy, resource)));
    }
    return messages;
  };
  const compliant = await registeredByImsQueueAuthorization();
  expect(compliant.map((r) => r.type)).toEqual([
    typeOf(alicloud.ram.Policy),
    typeOf(alicloud.ram.RolePolicyAttachment),
  ]);
  expect(await reported(compliant)).toEqual([]);
  expect(
    await reported([
      ramPolicy("broad", { policyDocument: BROAD }),
      attachment("att", { policyName: "broad-name" }),
    ]),
  ).toEqual([
    'ram.RolePolicyAttachment "att": attaches custom policy "broad-name" to IMS\'s role "AliyunICEDefaultRole", and the policy grants more than sending to ice-callback- queues: ' +
      'policyDocument Statement[0] Action "mns:*" is a wildcard; policyDocument Statement[0] Resource "*" is a wildcard. ' +
      FIX_SEND_ONLY,
  ]);
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

describe("ROS: templates are parsed and each role a template resource names is resolved", () => {
  const STACK = typeOf(alicloud.ros.Stack);
  const GROUP = typeOf(alicloud.ros.StackGroup);
  const CHANGE_SET = typeOf(alicloud.ros.ChangeSet);
  const INSTANCE = typeOf(alicloud.ros.StackInstance);
  const INSTANCES = typeOf(alicloud.ros.StackInstances);
  const ALLOW_FIX = (name: string) =>
    `or, after review, list "${name}" in allowedRosStacks of ims-callback-ram-least-privilege.`;

  /** A ROS template (JSON text) attaching a system policy to the role `roleName` evaluates to. */
  const attachTemplate = (
    roleName: unknown,
    parameters: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ) =>
    JSON.stringify({
      ROSTemplateFormatVersion: "2015-09-01",
      Parameters: parameters,
      Resources: {
        Attach: {
          Type: "ALIYUN::RAM::AttachPolicyToRole",
          Properties: {
            PolicyType: "System",
            PolicyName: "AliyunMNSFullAccess",
            RoleName: roleName,
          },
        },
      },
      ...extra,
    });
  const stack = (name: string, props: Record<string, unknown>): FakeResource => ({
    type: STACK,
    name,
    props: { stackName: `${name}-stack`, ...props },
  });
  /** A stack group whose template looks harmless: the role is a parameter defaulting to another role. */
  const harmlessGroup: FakeResource = {
    type: GROUP,
    name: "group",
    props: {
      stackGroupName: "baseline",
      templateBody: attachTemplate(
        { Ref: "RoleName" },
        { RoleName: { Type: "String", Default: "Deployers" } },
      ),
      parameters: [{ parameterKey: "RoleName", parameterValue: "Deployers" }],
    },
  };

  test("a stack instance (and stack instances) overriding a harmless stack group's RoleName with IMS's role", async () => {
    for (const type of [INSTANCE, INSTANCES]) {
      const out = await run([
        harmlessGroup,
        {
          type,
          name: "instance",
          props: {
            stackGroupName: "baseline",
            parameterOverrides: [
              { parameterKey: "RoleName", parameterValue: "AliyunICEDefaultRole" },
            ],
          },
        },
        { type, name: "harmless-instance", props: { stackGroupName: "baseline" } },
      ]);
      const label = type === INSTANCE ? "ros.StackInstance" : "ros.StackInstances";
      expect(out).toEqual({
        instance: [
          `${label} "instance": with its parameterOverrides, stack group "baseline"'s template resource "Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName resolves to IMS's role "AliyunICEDefaultRole"; a template can attach any policy to it, out of the pack's sight. ` +
            "Fix: attach policies to IMS's role in the Pulumi program (ImsQueueAuthorization), where the pack judges them.",
        ],
      });
    }
  });

  test("a secret parameter override, as the engine sends it, is resolved too, and no parameter value is shown", async () => {
    const out = await run([
      harmlessGroup,
      {
        type: INSTANCES,
        name: "instances",
        props: asTheEngineSends({
          stackGroupName: "baseline",
          regionIds: ["cn-shanghai"],
          parameterOverrides: [
            { parameterKey: "RoleName", parameterValue: secretOnTheWire("AliyunICEDefaultRole") },
            { parameterKey: "Password", parameterValue: secretOnTheWire("Canary9Pw") },
          ],
        }),
      },
    ]);
    expect(out.instances).toEqual([
      expect.stringContaining('resolves to IMS\'s role "AliyunICEDefaultRole"'),
    ]);
    expect(JSON.stringify(out)).not.toContain("Canary9Pw");
  });

  test("a stack instance whose stack group was not seen before it in the run, unless allowed after review", async () => {
    const instance: FakeResource = {
      type: INSTANCE,
      name: "instance",
      props: { stackGroupName: "managed-elsewhere", stackInstanceRegionId: "cn-shanghai" },
    };
    expect(await run([instance, harmlessGroup])).toEqual({
      instance: [
        'ros.StackInstance "instance": stack group "managed-elsewhere" was not seen before it in this stack, so its template cannot be judged with this instance\'s parameterOverrides. ' +
          "Fix: manage the stack group in this stack and pass its output (stackGroupName: group.stackGroupName) so the pack reads its template first, " +
          ALLOW_FIX("managed-elsewhere"),
      ],
    });
    expect(await run([instance], { allowedRosStacks: ["Managed-Elsewhere"] })).toEqual({});
    const unknownGroup = { ...instance, props: { stackGroupName: UNKNOWN_AT_PREVIEW } };
    expect((await run([harmlessGroup, unknownGroup])).instance).toEqual([
      expect.stringContaining("stackGroupName is not known at preview"),
    ]);
  });

  test("a JSON escape in the template (\\u0041liyunICEDefaultRole) is read as the role it spells", async () => {
    const body = attachTemplate("AliyunICEDefaultRole").replace(
      "AliyunICEDefaultRole",
      "\\u0041liyunICEDefaultRole",
    );
    expect(body).not.toContain("AliyunICEDefaultRole");
    const out = await run([stack("ros", { templateBody: body })]);
    expect(out.ros).toEqual([
      'ros.Stack "ros": template resource "Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName resolves to IMS\'s role "AliyunICEDefaultRole"; a template can attach any policy to it, out of the pack\'s sight. ' +
        "Fix: attach policies to IMS's role in the Pulumi program (ImsQueueAuthorization), where the pack judges them.",
    ]);
  });

  test.each([
    ["Fn::Join", { "Fn::Join": ["", ["Aliyun", "ICE", "DefaultRole"]] }, {}],
    [
      "Fn::Sub with a parameter default",
      { "Fn::Sub": "Aliyun${Part}" },
      { Part: { Type: "String", Default: "ICEDefaultRole" } },
    ],
    [
      "Fn::Sub with a variable map",
      { "Fn::Sub": ["${A}${B}", { A: "AliyunICE", B: { Ref: "Part" } }] },
      { Part: { Type: "String", Default: "DefaultRole" } },
    ],
    [
      "Ref to a parameter default",
      { Ref: "Role" },
      { Role: { Type: "String", Default: "aliyunicedefaultrole" } },
    ],
    [
      "Fn::Select from a CommaDelimitedList",
      { "Fn::Select": ["1", { Ref: "Roles" }] },
      { Roles: { Type: "CommaDelimitedList", Default: "Deployers,AliyunICEDefaultRole" } },
    ],
    [
      "Fn::Select over Fn::Split",
      { "Fn::Select": [0, { "Fn::Split": [",", "AliyunICEDefaultRole,x"] }] },
      {},
    ],
    ["Fn::Replace", { "Fn::Replace": [{ $who: "ICE" }, "Aliyun$whoDefaultRole"] }, {}],
    ["either branch of Fn::If", { "Fn::If": ["Prod", "Deployers", "AliyunICEDefaultRole"] }, {}],
    ["Fn::FindInMap", { "Fn::FindInMap": ["Roles", "cn-shanghai", "Media"] }, {}],
    [
      "Fn::Base64Decode",
      { "Fn::Base64Decode": Buffer.from("AliyunICEDefaultRole").toString("base64") },
      {},
    ],
  ])("a role name built with %s", async (_label, roleName, parameters) => {
    const body = attachTemplate(roleName, parameters, {
      Mappings: { Roles: { "cn-shanghai": { Media: "AliyunICEDefaultRole" } } },
    });
    const out = await run([stack("ros", { templateBody: body })]);
    expect(out.ros).toEqual([expect.stringContaining("RoleName resolves to IMS's role")]);
  });

  test("a parameter given by the stack, stack group or change set overrides the template's default", async () => {
    const body = attachTemplate(
      { Ref: "Role" },
      { Role: { Type: "String", Default: "Deployers" } },
    );
    const parameters = [{ parameterKey: "Role", parameterValue: "AliyunICEDefaultRole" }];
    const out = await run([
      stack("ros", { templateBody: body, parameters }),
      {
        type: GROUP,
        name: "group",
        props: { stackGroupName: "g", templateBody: body, parameters },
      },
      {
        type: CHANGE_SET,
        name: "change",
        props: { changeSetName: "c", stackName: "s", templateBody: body, parameters },
      },
      stack("default-only", { templateBody: body }),
    ]);
    expect(Object.keys(out)).toEqual(["ros", "group", "change"]);
    expect(out.group[0]).toMatch(/^ros\.StackGroup "group": template resource "Attach"/);
  });

  test("a YAML template, short-form tags and merge keys included", async () => {
    const yaml = [
      "ROSTemplateFormatVersion: '2015-09-01'",
      "Parameters:",
      "  Part: {Type: String, Default: DefaultRole}",
      "Common: &common",
      "  PolicyType: System",
      '  RoleName: !Join ["", [AliyunICE, !Ref Part]]',
      "Resources:",
      "  Attach:",
      "    Type: ALIYUN::RAM::AttachPolicyToRole",
      "    Properties:",
      "      <<: *common",
      "      PolicyName: AliyunMNSFullAccess",
      "  Policy:",
      "    Type: ALIYUN::RAM::ManagedPolicy",
      "    Properties:",
      "      PolicyName: broad",
      '      PolicyDocument: {Version: "1", Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}',
      "      Roles: [Deployers, !Sub 'Aliyun${!Literal}', \"\\x41liyunICEDefaultRole\"]",
      "  Ims:",
      "    Type: ALIYUN::RAM::Role",
      "    Properties: {RoleName: AliyunICEDefaultRole}",
    ].join("\n");
    const out = await run([stack("ros", { templateBody: yaml })]);
    expect(out.ros).toEqual([
      expect.stringContaining(
        'template resource "Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName resolves to IMS\'s role "AliyunICEDefaultRole"',
      ),
      expect.stringContaining(
        'template resource "Policy" (ALIYUN::RAM::ManagedPolicy) Roles resolves to IMS\'s role "AliyunICEDefaultRole"',
      ),
      expect.stringContaining(
        'template resource "Ims" (ALIYUN::RAM::Role) RoleName resolves to IMS\'s role "AliyunICEDefaultRole"',
      ),
    ]);
  });

  test("a nested stack's template body is judged with the parameters passed to it", async () => {
    const nested = JSON.parse(
      attachTemplate({ Ref: "Inner" }, { Inner: { Type: "String" } }),
    ) as unknown;
    const body = JSON.stringify({
      ROSTemplateFormatVersion: "2015-09-01",
      Resources: {
        Child: {
          Type: "ALIYUN::ROS::Stack",
          Properties: { TemplateBody: nested, Parameters: { Inner: "AliyunICEDefaultRole" } },
        },
      },
    });
    const out = await run([stack("ros", { templateBody: body })]);
    expect(out.ros).toEqual([
      expect.stringContaining(
        'template resource "Child/Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName resolves to IMS\'s role',
      ),
    ]);
  });

  test("a principal name <role>@role.<account>.onaliyunservice.com with an unknown account", async () => {
    const principal = (name: string) =>
      JSON.stringify({
        Resources: {
          A: {
            Type: "ALIYUN::ResourceManager::PolicyAttachment",
            Properties: {
              PrincipalType: "ServiceRole",
              PrincipalName: {
                "Fn::Sub": `${name}@role.\${ALIYUN::AccountId}.onaliyunservice.com`,
              },
            },
          },
        },
      });
    const out = await run([
      stack("ims", { templateBody: principal("AliyunICEDefaultRole") }),
      stack("other", { templateBody: principal("Deployers") }),
    ]);
    expect(out).toEqual({
      ims: [
        expect.stringContaining('PrincipalName resolves to IMS\'s role "AliyunICEDefaultRole"'),
      ],
    });
  });

  test("passes role names that resolve to other roles, or that cannot be IMS's role whatever the unknown part", async () => {
    const out = await run([
      stack("literal", { templateBody: attachTemplate("Deployers") }),
      stack("suffix", {
        templateBody: attachTemplate({
          "Fn::Join": ["-", [{ Ref: "ALIYUN::StackName" }, "workers"]],
        }),
      }),
      stack("no-value", {
        templateBody: attachTemplate({ Ref: "Role" }, { Role: { Type: "String" } }),
      }),
      stack("empty", { templateBody: "{}" }),
      stack("unrelated", {
        templateBody: JSON.stringify({
          Resources: {
            Vpc: {
              Type: "ALIYUN::ECS::VPC",
              Properties: { VpcName: { Ref: "ALIYUN::StackName" } },
            },
          },
        }),
      }),
      harmlessGroup,
    ]);
    expect(out).toEqual({});
  });

  test("a role name that cannot be resolved at preview is refused, naming the allow-list", async () => {
    const out = await run([
      stack("pseudo", { templateBody: attachTemplate({ Ref: "ALIYUN::StackName" }) }),
      stack("unknown-parameter", {
        templateBody: attachTemplate({ Ref: "Role" }, { Role: { Type: "String" } }),
        parameters: [{ parameterKey: "Role", parameterValue: UNKNOWN_AT_PREVIEW }],
      }),
      stack("function", { templateBody: attachTemplate({ "Fn::GetJsonValue": ["r", "{}"] }) }),
      stack("prefix", {
        templateBody: attachTemplate({
          "Fn::Join": ["", ["Aliyun", { Ref: "ALIYUN::StackName" }]],
        }),
      }),
    ]);
    expect(Object.keys(out)).toEqual(["pseudo", "unknown-parameter", "function", "prefix"]);
    expect(out.pseudo).toEqual([
      'ros.Stack "pseudo": template resource "Attach" (ALIYUN::RAM::AttachPolicyToRole) RoleName cannot be resolved at preview (Ref "ALIYUN::StackName"), so it cannot be told whether it reaches IMS\'s role ("aliyunicedefaultrole"). ' +
        "Fix: build the role name from literals and parameters known at preview (Ref, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::Replace, Fn::If, Fn::FindInMap, Fn::Base64Decode, Fn::Base64Encode, Fn::Str, Fn::GetAtt are evaluated), " +
        ALLOW_FIX("pseudo-stack"),
    ]);
    expect(out["unknown-parameter"][0]).toContain('(parameter "Role" is not known at preview)');
    expect(out.function[0]).toContain("(Fn::GetJsonValue is not evaluated by the pack)");
    expect(
      await run([stack("pseudo", { templateBody: attachTemplate({ Ref: "ALIYUN::StackName" }) })], {
        allowedRosStacks: ["pseudo-stack"],
      }),
    ).toEqual({});
  });

  test("a template that cannot be read at preview is refused, naming the allow-list", async () => {
    const out = await run([
      stack("url", { templateUrl: "oss://bucket/template.json" }),
      stack("unknown", { templateBody: UNKNOWN_AT_PREVIEW }),
      stack("garbage", { templateBody: '{"Resources": ["AliyunICEDefault' }),
      stack("tag", {
        templateBody:
          "Resources:\n  A:\n    Type: ALIYUN::RAM::AttachPolicyToRole\n    Properties: {RoleName: !Lower X}\n",
      }),
      stack("duplicate", {
        templateBody:
          '{"Resources": {"A": {"Type": "ALIYUN::RAM::AttachPolicyToRole", "Properties": ' +
          '{"RoleName": "AliyunICEDefaultRole", "RoleName": "Deployers"}}}}',
      }),
      stack("transform", {
        templateBody: JSON.stringify({ Transform: "Aliyun::Terraform-v1.2", Workspace: {} }),
      }),
      {
        type: GROUP,
        name: "by-id",
        props: { stackGroupName: "by-id", templateId: "t-1" },
      },
      stack("nested-url", {
        templateBody: JSON.stringify({
          Resources: {
            Child: { Type: "ALIYUN::ROS::Stack", Properties: { TemplateURL: "oss://b/c.json" } },
          },
        }),
      }),
    ]);
    expect(Object.keys(out)).toEqual([
      "url",
      "unknown",
      "garbage",
      "tag",
      "duplicate",
      "transform",
      "by-id",
      "nested-url",
    ]);
    expect(out.url).toEqual([
      'ros.Stack "url": its template cannot be read at preview (given by templateUrl), so it cannot be told whether it reaches IMS\'s role ("aliyunicedefaultrole"). ' +
        "Fix: give the template as templateBody (JSON or YAML, known at preview), " +
        ALLOW_FIX("url-stack"),
    ]);
    expect(out.garbage[0]).not.toContain("AliyunICEDefault");
    expect(
      await run([stack("url", { templateUrl: "oss://bucket/template.json" })], {
        allowedRosStacks: ["URL-stack"],
      }),
    ).toEqual({});
  });

  test("parameters the pack cannot see: usePreviousParameters, a parameter list unknown at preview", async () => {
    const body = attachTemplate(
      { Ref: "Role" },
      { Role: { Type: "String", Default: "Deployers" } },
    );
    const out = await run([
      stack("previous", { templateBody: body, usePreviousParameters: true }),
      stack("unknown-list", { templateBody: body, parameters: UNKNOWN_AT_PREVIEW }),
      stack("given", {
        templateBody: body,
        usePreviousParameters: true,
        parameters: [{ parameterKey: "Role", parameterValue: "Deployers" }],
      }),
    ]);
    expect(Object.keys(out)).toEqual(["previous", "unknown-list"]);
    expect(out.previous[0]).toContain(
      "cannot be resolved at preview (usePreviousParameters reuses values the pack cannot see)",
    );
  });

  test("a stack instance of a stack group whose template cannot be read, unless the group is allowed", async () => {
    const group: FakeResource = {
      type: GROUP,
      name: "group",
      props: { stackGroupName: "by-url", templateUrl: "oss://bucket/t.json" },
    };
    const instance: FakeResource = {
      type: INSTANCE,
      name: "instance",
      props: { stackGroupName: "by-url" },
    };
    const out = await run([group, instance]);
    expect(out.instance).toEqual([
      'ros.StackInstance "instance": stack group "by-url"\'s template cannot be read at preview (given by templateUrl), so it cannot be told whether it reaches IMS\'s role ("aliyunicedefaultrole"). ' +
        "Fix: give the stack group's template as templateBody (JSON or YAML, known at preview), " +
        ALLOW_FIX("by-url"),
    ]);
    expect(await run([group, instance], { allowedRosStacks: ["by-url"] })).toEqual({});
  });

  test("the allow-list lets through what cannot be judged, never a role resolved to IMS's", async () => {
    const out = await run(
      [stack("ros", { templateBody: attachTemplate("AliyunICEDefaultRole") })],
      {
        allowedRosStacks: ["ros-stack"],
      },
    );
    expect(out.ros).toEqual([expect.stringContaining("resolves to IMS's role")]);
  });
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
