/**
 * The stack policies (several resources at once) and the RAM document reader, run without the
 * engine (ims-callback-ram-least-privilege, a resource policy, is in imsRole.test.ts). Proves pass/fail on fake stacks shaped like the engine's view (outputs, providers,
 * property dependencies); does not prove the engine gives these shapes for every provider.
 */
import {
  callbackOneSettingPerRegion,
  callbackQueueRegion,
  queueSendGrantProblems,
  SERVICE_QUEUE_TYPE,
} from "../../lib/policy";
import { queueMessagesArn } from "../../lib/shared/ram";
import {
  compliantHttpCallback,
  compliantQueueCallback,
  runStackPolicy,
  servedByPlugin,
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

describe("settings served by the provider plugin (PluginEventCallback, ImsCallback from YAML or Go)", () => {
  test("ims-callback-one-setting-per-region reports two plugin settings of a region, and a plugin setting beside a dynamic one", async () => {
    const pluginA = servedByPlugin(compliantHttpCallback({}, "a"));
    const pluginB = servedByPlugin(compliantQueueCallback({}, "b"));
    const dynamicC = compliantHttpCallback({}, "c");
    expect(
      (await runStackPolicy(callbackOneSettingPerRegion, [pluginA, pluginB])).map((v) => v.urn),
    ).toEqual([urn(pluginA), urn(pluginB)]);
    const mixed = await runStackPolicy(callbackOneSettingPerRegion, [pluginA, dynamicC]);
    expect(mixed.map((v) => v.urn)).toEqual([urn(pluginA), urn(dynamicC)]);
    expect(mixed[0].message).toContain(
      'EventCallback "a": region "cn-shanghai" is also set by EventCallback "c"',
    );
  });

  test("ims-callback-queue-region reports a plugin setting whose queue is created in another region", async () => {
    const setting = servedByPlugin(compliantQueueCallback());
    const violations = await runStackPolicy(callbackQueueRegion, [
      setting,
      queue("q", "ice-callback-orders", "cn-hangzhou"),
    ]);
    expect(violations).toEqual([
      {
        urn: urn(setting),
        message: expect.stringContaining(
          'EventCallback "queue-setting": region "cn-shanghai" delivers to queue "ice-callback-orders", but ServiceQueue "q" creates it in region "cn-hangzhou"',
        ),
      },
    ]);
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
