/**
 * The stack policies (several resources at once) and the RAM document reader, run without the
 * engine. Proves pass/fail on fake stacks shaped like the engine's view (outputs, providers,
 * property dependencies); does not prove the engine gives these shapes for every provider.
 */
import {
  callbackOneSettingPerRegion,
  callbackQueueRegion,
  imsRoleLeastPrivilege,
  queueSendGrantProblems,
  RAM_POLICY_TYPE,
  RAM_ROLE_POLICY_ATTACHMENT_TYPE,
  SERVICE_QUEUE_TYPE,
} from "../../lib/policy";
import { queueMessagesArn } from "../../lib/shared/ram";
import {
  compliantHttpCallback,
  compliantQueueCallback,
  runStackPolicy,
  UNKNOWN_AT_PREVIEW,
  type FakeResource,
} from "./helpers";

const urn = (r: FakeResource) => `urn:pulumi:test::policy::${r.type}::${r.name}`;

function queue(name: string, queueName: string, region?: unknown): FakeResource {
  return {
    type: SERVICE_QUEUE_TYPE,
    name,
    props: { queueName },
    provider: {
      type: "pulumi:providers:alicloud",
      name: `provider-${String(region)}`,
      props: region === undefined ? {} : { region },
    },
  };
}

describe("ims-callback-one-setting-per-region", () => {
  test("accepts one setting per region", async () => {
    const stack = [
      compliantHttpCallback({}, "sh"),
      compliantHttpCallback({ region: "cn-beijing" }, "bj"),
    ];
    expect(await runStackPolicy(callbackOneSettingPerRegion, stack)).toEqual([]);
  });

  test("reports every setting of a region that has two, against each resource", async () => {
    const a = compliantHttpCallback({}, "a");
    const b = compliantQueueCallback({}, "b");
    const violations = await runStackPolicy(callbackOneSettingPerRegion, [
      a,
      b,
      compliantHttpCallback({ region: "cn-beijing" }, "c"),
    ]);
    expect(violations).toEqual([
      {
        urn: urn(a),
        message:
          'EventCallback "a": region "cn-shanghai" is also set by EventCallback "b"; a region has one callback setting, so they overwrite each other. ' +
          "Fix: keep one EventCallback (or ImsCallback) per region and list all wanted events in it.",
      },
      {
        urn: urn(b),
        message: expect.stringContaining(
          'EventCallback "b": region "cn-shanghai" is also set by EventCallback "a"',
        ),
      },
    ]);
  });

  test("ignores regions unknown at preview", async () => {
    const stack = [
      compliantHttpCallback({ region: UNKNOWN_AT_PREVIEW }, "a"),
      compliantHttpCallback({ region: UNKNOWN_AT_PREVIEW }, "b"),
    ];
    expect(await runStackPolicy(callbackOneSettingPerRegion, stack)).toEqual([]);
  });
});

describe("ims-callback-queue-region", () => {
  test("accepts a queue whose provider is in the setting's region", async () => {
    const stack = [compliantQueueCallback(), queue("q", "ice-callback-orders", "cn-shanghai")];
    expect(await runStackPolicy(callbackQueueRegion, stack)).toEqual([]);
  });

  test("reports a queue created in another region, naming both regions, the provider and the fix", async () => {
    const setting = compliantQueueCallback();
    const violations = await runStackPolicy(callbackQueueRegion, [
      setting,
      queue("q", "ice-callback-orders", "cn-hangzhou"),
    ]);
    expect(violations).toEqual([
      {
        urn: urn(setting),
        message:
          'EventCallback "queue-setting": region "cn-shanghai" delivers to queue "ice-callback-orders", but ServiceQueue "q" creates it in region "cn-hangzhou" ' +
          '(the region of its provider "provider-cn-hangzhou"); IMS writes only to a queue in the setting\'s region and drops every event otherwise. ' +
          'Fix: give the queue an alicloud provider for region "cn-shanghai" (opts.provider), or set the setting\'s region to "cn-hangzhou".',
      },
    ]);
  });

  test("accepts same-named queues when one of them is in the setting's region (one queue per region)", async () => {
    const stack = [
      compliantQueueCallback({}, "sh"),
      compliantQueueCallback({ region: "cn-beijing" }, "bj"),
      queue("q-sh", "ice-callback-orders", "cn-shanghai"),
      queue("q-bj", "ice-callback-orders", "cn-beijing"),
    ];
    expect(await runStackPolicy(callbackQueueRegion, stack)).toEqual([]);
  });

  test("does not check queues outside the stack, providers without a region, or unknown regions", async () => {
    expect(
      await runStackPolicy(callbackQueueRegion, [
        compliantQueueCallback(),
        queue("q", "ice-callback-other", "cn-hangzhou"),
      ]),
    ).toEqual([]);
    expect(
      await runStackPolicy(callbackQueueRegion, [
        compliantQueueCallback(),
        queue("q", "ice-callback-orders"),
      ]),
    ).toEqual([]);
    expect(
      await runStackPolicy(callbackQueueRegion, [
        compliantQueueCallback(),
        queue("q", "ice-callback-orders", UNKNOWN_AT_PREVIEW),
      ]),
    ).toEqual([]);
  });

  test("does not apply to HTTP settings", async () => {
    const stack = [
      compliantHttpCallback({ queueName: "ice-callback-orders" }),
      queue("q", "ice-callback-orders", "cn-hangzhou"),
    ];
    expect(await runStackPolicy(callbackQueueRegion, stack)).toEqual([]);
  });
});

describe("ims-callback-ram-least-privilege", () => {
  const sendOnly = JSON.stringify({
    Version: "1",
    Statement: [
      {
        Effect: "Allow",
        Action: ["mns:SendMessage"],
        Resource: [queueMessagesArn("cn-shanghai", "1234567890", "ice-callback-orders")],
      },
    ],
  });

  function ramPolicy(name: string, document: unknown, policyName = `${name}-name`): FakeResource {
    return { type: RAM_POLICY_TYPE, name, props: { policyName, policyDocument: document } };
  }
  function attachment(
    name: string,
    props: Record<string, unknown>,
    dependsOn?: string,
  ): FakeResource {
    return {
      type: RAM_ROLE_POLICY_ATTACHMENT_TYPE,
      name,
      props: { roleName: "AliyunICEDefaultRole", policyType: "Custom", ...props },
      propertyDependencies: dependsOn ? { policyName: [dependsOn] } : undefined,
    };
  }

  test("accepts mns:SendMessage (and BatchSendMessage) on ice-callback- queue messages", async () => {
    const both = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Action: ["mns:SendMessage", "mns:BatchSendMessage"],
          Resource: queueMessagesArn("cn-beijing", "1", "ice-callback-a"),
        },
      ],
    });
    const stack = [
      ramPolicy("p", sendOnly),
      attachment("att", { policyName: "p-name" }, "p"),
      ramPolicy("p2", both),
      attachment("att2", { policyName: "p2-name" }),
    ];
    expect(await runStackPolicy(imsRoleLeastPrivilege, stack)).toEqual([]);
  });

  test("reports wildcards and other actions in a policy linked by dependency, against the policy", async () => {
    const wide = JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: ["mns:*", "mns:DeleteQueue"], Resource: "*" }],
    });
    const policy = ramPolicy("wide", wide);
    const violations = await runStackPolicy(imsRoleLeastPrivilege, [
      policy,
      attachment("att", { policyName: UNKNOWN_AT_PREVIEW }, "wide"),
    ]);
    expect(violations).toEqual([
      {
        urn: urn(policy),
        message:
          'Policy "wide": attached to IMS\'s role "AliyunICEDefaultRole" by RolePolicyAttachment "att", its policyDocument grants more than sending to ice-callback- queues: ' +
          'Statement[0] Action "mns:*" is a wildcard; Statement[0] Action "mns:DeleteQueue" is not a send action (mns:SendMessage, mns:BatchSendMessage); Statement[0] Resource "*" is a wildcard. ' +
          "Fix: allow only mns:SendMessage / mns:BatchSendMessage on acs:mns:<region>:<account>:/queues/ice-callback-<name>/messages, without wildcards (as ImsQueueAuthorization does).",
      },
    ]);
  });

  test("finds the policy by name when there is no dependency, and reads the deprecated document property", async () => {
    const other = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Action: "mns:SendMessage",
          Resource: queueMessagesArn("cn-shanghai", "1", "orders"),
        },
      ],
    });
    const policy: FakeResource = {
      type: RAM_POLICY_TYPE,
      name: "legacy",
      props: { policyName: "legacy-policy", document: other },
    };
    const violations = await runStackPolicy(imsRoleLeastPrivilege, [
      policy,
      attachment("att", { policyName: "legacy-policy" }),
    ]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining(
        `Statement[0] Resource "${queueMessagesArn("cn-shanghai", "1", "orders")}" is not an ice-callback- queue's messages`,
      ),
    ]);
  });

  test("reports a system policy attached to IMS's role, against the attachment", async () => {
    const att = attachment("sys", { policyName: "AliyunMNSFullAccess", policyType: "System" });
    const violations = await runStackPolicy(imsRoleLeastPrivilege, [att]);
    expect(violations).toEqual([
      {
        urn: urn(att),
        message:
          'RolePolicyAttachment "sys": attaches system policy "AliyunMNSFullAccess" to IMS\'s role "AliyunICEDefaultRole"; a system policy grants far more than sending to ice-callback- queues. ' +
          "Fix: attach a custom policy that allows only mns:SendMessage / mns:BatchSendMessage on the queues' messages (ImsQueueAuthorization creates one).",
      },
    ]);
  });

  test("ignores other roles, unless the pack config names them", async () => {
    const wide = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const stack = [
      ramPolicy("admin", wide),
      attachment("att", { roleName: "Deployers", policyName: "admin-name" }, "admin"),
    ];
    expect(await runStackPolicy(imsRoleLeastPrivilege, stack)).toEqual([]);
    expect(
      await runStackPolicy(imsRoleLeastPrivilege, stack, { roleNames: ["deployers"] }),
    ).toHaveLength(1);
  });

  test("skips documents unknown at preview and policies managed elsewhere", async () => {
    expect(
      await runStackPolicy(imsRoleLeastPrivilege, [
        ramPolicy("p", UNKNOWN_AT_PREVIEW),
        attachment("att", {}, "p"),
      ]),
    ).toEqual([]);
    expect(
      await runStackPolicy(imsRoleLeastPrivilege, [attachment("att", { policyName: "elsewhere" })]),
    ).toEqual([]);
  });

  test("reports a policy once even when attached twice", async () => {
    const wide = JSON.stringify({ Statement: [{ Action: "mns:*", Resource: "*" }] });
    const stack = [ramPolicy("w", wide), attachment("a1", {}, "w"), attachment("a2", {}, "w")];
    expect(await runStackPolicy(imsRoleLeastPrivilege, stack)).toHaveLength(1);
  });
});

describe("queueSendGrantProblems", () => {
  const arn = queueMessagesArn("cn-shanghai", "1234", "ice-callback-a");

  test.each([
    [
      "send on one queue",
      { Statement: [{ Effect: "Allow", Action: "mns:SendMessage", Resource: arn }] },
      [],
    ],
    [
      "action names in another case",
      { Statement: [{ Effect: "Allow", Action: "MNS:sendmessage", Resource: [arn] }] },
      [],
    ],
    [
      "a Deny statement that takes away more",
      { Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] },
      [],
    ],
    [
      "a wildcard account in the ARN",
      {
        Statement: [
          {
            Action: "mns:SendMessage",
            Resource: "acs:mns:cn-shanghai:*:/queues/ice-callback-a/messages",
          },
        ],
      },
      [
        'Statement[0] Resource "acs:mns:cn-shanghai:*:/queues/ice-callback-a/messages" is a wildcard',
      ],
    ],
    [
      "a queue ARN without /messages",
      {
        Statement: [
          { Action: "mns:SendMessage", Resource: "acs:mns:cn-shanghai:1:/queues/ice-callback-a" },
        ],
      },
      [
        'Statement[0] Resource "acs:mns:cn-shanghai:1:/queues/ice-callback-a" is not the messages of a queue (acs:mns:<region>:<account>:/queues/ice-callback-<name>/messages)',
      ],
    ],
    [
      "NotAction",
      { Statement: [{ Effect: "Allow", NotAction: "ram:*", Resource: arn }] },
      ["Statement[0] uses NotAction, which allows everything not listed"],
    ],
    ["a statement that is not an object", { Statement: ["x"] }, ["Statement[0] is not an object"]],
  ])("%s", (_label, document, expected) => {
    expect(queueSendGrantProblems(JSON.stringify(document))).toEqual(expected);
  });

  test("reports a document that is not JSON", () => {
    expect(queueSendGrantProblems("{Version: 1")).toEqual(["the document is not valid JSON"]);
  });
});
