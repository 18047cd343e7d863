/**
 * The resource graph of ImsCallback / ImsQueueAuthorization under Pulumi's mocks: exact child
 * types, names, inputs, parents and dependencies. This proves the wiring only; that the setting is
 * really applied is proven through the engine in test/e2e.
 */
import * as pulumi from "@pulumi/pulumi";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

const registrations: Registration[] = [];
/** Resource name -> names of the resources in its registration's dependency list, and its parent. */
const dependencies = new Map<string, { deps: string[]; parent: string }>();
const ACCOUNT = "1234567890123456";
const parentTypes = new Map<string, string>();
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

beforeAll(async () => {
  // The mock monitor does not pass dependencies to newResource: record them from the request.
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: { getName(): string; getDependenciesList(): string[]; getParent(): string }, callback: unknown) {
    dependencies.set(req.getName(), { deps: req.getDependenciesList().map(nameOf).sort(), parent: nameOf(req.getParent()) });
    parentTypes.set(req.getName(), req.getParent());
    return original.call(this, req, callback);
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...(args.type.startsWith("pulumi-nodejs:") ? { authSwitch: args.inputs.authKey ? "on" : "off" } : {}) } };
      },
      call(args) {
        if (args.token === "alicloud:index/getCallerIdentity:getCallerIdentity") {
          return { accountId: ACCOUNT, arn: `acs:ram::${ACCOUNT}:root`, identityType: "Account", id: ACCOUNT };
        }
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "project",
    "stack",
    false,
  );
});

beforeEach(() => {
  registrations.length = 0;
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

async function settle(): Promise<void> {
  // Let pending registrations reach the mock monitor.
  await new Promise((r) => setTimeout(r, 50));
}

describe("ImsCallback", () => {
  it("HTTP method: registers only the setting, as a dynamic resource with a secret key", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("web", {
      region: "cn-shanghai",
      http: { url: "https://media.example.com/ims", authKey: "Abc123def" },
      eventTypes: ["ProduceMediaComplete"],
    });
    await output(cb.setting);
    await settle();
    expect(registrations.map((r) => [r.type, r.name])).toEqual([
      ["alicloud-ims-callback:index:ImsCallback", "web"],
      ["pulumi-nodejs:dynamic/ims:EventCallback", "web-setting"],
    ]);
    const setting = registrations[1];
    expect(setting.inputs).toMatchObject({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
      adoptExisting: false,
      deletionPolicy: "restore",
    });
    expect(parentTypes.get("web-setting")).toMatch(/alicloud-ims-callback:index:ImsCallback::web$/);
    expect(await output(cb.setting)).toEqual({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      queueName: undefined,
      eventTypes: ["ProduceMediaComplete"],
      authSwitch: "on",
    });
    expect(await pulumi.isSecret(cb.authKey)).toBe(true);
  });

  it("queue method: creates the queue, a policy scoped to that queue's ARN, the attachment, then the setting", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("media", {
      region: "cn-hangzhou",
      queue: { options: { pollingWaitSeconds: 20 } },
      eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
    });
    await output(cb.setting);
    await output(cb.policyName);
    await settle();
    const byType = (t: string) => registrations.filter((r) => r.type === t);
    expect(registrations.map((r) => r.type).sort()).toEqual(
      [
        "alicloud-ims-callback:index:ImsCallback",
        "alicloud-ims-callback:index:ImsQueueAuthorization",
        "alicloud:message/serviceQueue:ServiceQueue",
        "alicloud:ram/policy:Policy",
        "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
        "pulumi-nodejs:dynamic/ims:EventCallback",
      ].sort(),
    );
    const queue = byType("alicloud:message/serviceQueue:ServiceQueue")[0];
    expect(queue.name).toBe("media-queue");
    expect(queue.inputs).toEqual({ queueName: "ice-callback-media", pollingWaitSeconds: 20 });
    const policy = byType("alicloud:ram/policy:Policy")[0];
    expect(policy.name).toBe("media-authorization-policy");
    expect(policy.inputs.policyName).toBe("ims-callback-media-send");
    expect(JSON.parse(policy.inputs.policyDocument as string)).toEqual({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: ["mns:SendMessage"],
          Resource: [`acs:mns:cn-hangzhou:${ACCOUNT}:/queues/ice-callback-media/messages`],
        },
      ],
    });
    const attachment = byType("alicloud:ram/rolePolicyAttachment:RolePolicyAttachment")[0];
    expect(attachment.inputs).toEqual({ policyName: "ims-callback-media-send", policyType: "Custom", roleName: "AliyunICEDefaultRole" });
    const setting = byType("pulumi-nodejs:dynamic/ims:EventCallback")[0];
    expect(setting.inputs).toMatchObject({ callbackType: "MNS", queueName: "ice-callback-media", region: "cn-hangzhou" });
    expect(setting.inputs.callbackUrl).toBeUndefined();
    expect(await output(cb.roleName)).toBe("AliyunICEDefaultRole");
    expect(await output(cb.queueName)).toBe("ice-callback-media");
  });

  it("queue method: the setting depends on the queue and the authorization", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("dep", { region: "cn-beijing", queue: {}, eventTypes: ["ProduceMediaComplete"] });
    await output(cb.setting);
    await settle();
    // Depending on the authorization component means depending on its children.
    expect(dependencies.get("dep-setting")).toEqual({
      deps: ["dep-authorization-attachment", "dep-authorization-policy", "dep-queue"],
      parent: "dep",
    });
    expect(dependencies.get("dep-queue")?.parent).toBe("dep");
    expect(dependencies.get("dep-authorization-policy")?.parent).toBe("dep-authorization");
  });

  it("several regions share one authorization: one policy listing both queue ARNs, no role per region", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    const auth = new ImsQueueAuthorization("ims", {
      queues: [
        { region: "cn-shanghai", queueName: "ice-callback-sh" },
        { region: "cn-beijing", queueName: "ice-callback-bj" },
      ],
    });
    const sh = new ImsCallback("sh", { region: "cn-shanghai", queue: { name: "ice-callback-sh" }, authorization: auth, eventTypes: ["ProduceMediaComplete"] });
    const bj = new ImsCallback("bj", { region: "cn-beijing", queue: { name: "ice-callback-bj" }, authorization: auth, eventTypes: ["ProduceMediaComplete"] });
    await Promise.all([output(sh.setting), output(bj.setting), output(auth.policyName)]);
    await settle();
    const count = (t: string) => registrations.filter((r) => r.type === t).length;
    expect(count("alicloud:ram/policy:Policy")).toBe(1);
    expect(count("alicloud:ram/rolePolicyAttachment:RolePolicyAttachment")).toBe(1);
    expect(count("alicloud:ram/role:Role")).toBe(0);
    expect(count("alicloud:message/serviceQueue:ServiceQueue")).toBe(2);
    expect(count("pulumi-nodejs:dynamic/ims:EventCallback")).toBe(2);
    const policy = registrations.find((r) => r.type === "alicloud:ram/policy:Policy")!;
    expect(JSON.parse(policy.inputs.policyDocument as string).Statement[0].Resource).toEqual([
      `acs:mns:cn-beijing:${ACCOUNT}:/queues/ice-callback-bj/messages`,
      `acs:mns:cn-shanghai:${ACCOUNT}:/queues/ice-callback-sh/messages`,
    ]);
    expect(dependencies.get("sh-setting")?.deps).toEqual(["ims-attachment", "ims-policy", "sh-queue"]);
    expect(dependencies.get("bj-setting")?.deps).toEqual(["bj-queue", "ims-attachment", "ims-policy"]);
  });

  it("createRole creates the role trusting ice.aliyuncs.com and attaches to it", async () => {
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    const auth = new ImsQueueAuthorization("own", { queues: [{ region: "cn-shanghai", queueName: "ice-callback-x" }], createRole: true, roleName: "MyIceRole", accountId: "42" });
    await output(auth.roleName);
    await settle();
    const role = registrations.find((r) => r.type === "alicloud:ram/role:Role")!;
    expect(role.name).toBe("own-role");
    expect(role.inputs.roleName).toBe("MyIceRole");
    expect(JSON.parse(role.inputs.assumeRolePolicyDocument as string).Statement[0].Principal).toEqual({ Service: ["ice.aliyuncs.com"] });
    expect(await output(auth.queueArns)).toEqual(["acs:mns:cn-shanghai:42:/queues/ice-callback-x/messages"]);
  });

  it("existing queue and skipped authorization: nothing but the setting", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("ext", { region: "cn-shenzhen", queue: { existingQueueName: "ice-callback-existing" }, authorization: "skip", eventTypes: ["ProduceMediaComplete"] });
    await output(cb.setting);
    await settle();
    expect(registrations.map((r) => r.type)).toEqual(["alicloud-ims-callback:index:ImsCallback", "pulumi-nodejs:dynamic/ims:EventCallback"]);
    expect(await output(cb.policyName)).toBeUndefined();
  });

  it("the dynamic resource never receives an alicloud provider", async () => {
    const alicloud = await import("@pulumi/alicloud");
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const provider = new alicloud.Provider("sh-provider", { region: "cn-shanghai" });
    const cb = new ImsCallback("prov", { provider, queue: {}, eventTypes: ["ProduceMediaComplete"], accountId: ACCOUNT }, { provider });
    await output(cb.setting);
    await settle();
    const setting = registrations.find((r) => r.type === "pulumi-nodejs:dynamic/ims:EventCallback")!;
    expect(setting.provider ?? "").not.toContain("alicloud");
    expect(setting.inputs.region).toBe("cn-shanghai");
    const queue = registrations.find((r) => r.type === "alicloud:message/serviceQueue:ServiceQueue")!;
    expect(queue.provider).toContain("sh-provider");
  });

  it("rejects bad plain arguments with every problem at once", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    expect(
      () =>
        new ImsCallback("bad", {
          region: "mars-1",
          http: { url: "https://x.example.com" },
          queue: { name: "orders", existingQueueName: "ice-callback-x" },
          eventTypes: [],
        }),
    ).toThrow(
      [
        'Invalid ImsCallback "bad":',
        "  - http / queue: give exactly one of them: http: { url } for HTTP(S) delivery, or queue: {} for a queue.",
        '  - region: "mars-1" is not a documented IMS region (cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen, ap-southeast-1, us-west-1). Use one of them, or set allowUndocumentedRegion: true.',
        "  - queue.name / queue.existingQueueName: give one: name creates a queue, existingQueueName uses one.",
        '  - queue.name: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
        '  - eventTypes: must list at least one event type, e.g. ["ProduceMediaComplete"].',
      ].join("\n"),
    );
  });

  it("rejects queue-only arguments on the HTTP method and a component name that makes a bad queue name", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    expect(() => new ImsCallback("h", { region: "cn-shanghai", http: { url: "https://x.example.com" }, authorization: "skip", eventTypes: ["A"] })).toThrow(
      "  - authorization: only used with the queue method; remove it.",
    );
    expect(() => new ImsCallback("my_queue", { region: "cn-shanghai", queue: {}, eventTypes: ["A"] })).toThrow(
      '  - queue.name: "ice-callback-my_queue" may contain only letters, digits and hyphens.',
    );
  });
});

