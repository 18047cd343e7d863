/**
 * The resource graph of ImsCallback / ImsQueueAuthorization under Pulumi's mocks: exact child
 * types, names, inputs, providers, parents and dependencies. This proves the wiring only; that the
 * plugin creates these resources, and the setting is applied, is proven through the engine in
 * test/e2e.
 */
import * as pulumi from "@pulumi/pulumi";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

const registrations: Registration[] = [];
const ACCOUNT = "1234567890123456";
/** The roles the mocked account has (getRoles answers from it). */
let rolesInAccount = ["AliyunICEDefaultRole", "AliyunOSSDefaultRole"];
const invokes: Array<{ token: string; args: Record<string, unknown>; provider?: string }> = [];
/** What reached the mock monitor, in order. */
const timeline: string[] = [];
/** How long the role lookup takes to answer, in ms. */
let roleLookupDelay = 0;

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
        });
        timeline.push(`registered ${args.name}`);
        const extra = args.type.startsWith("pulumi-nodejs:")
          ? { authSwitch: args.inputs.authKey ? "on" : "off" }
          : {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call(args) {
        invokes.push({ token: args.token, args: args.inputs, provider: args.provider });
        if (args.token === "alicloud:index/getCallerIdentity:getCallerIdentity") {
          return {
            accountId: ACCOUNT,
            arn: `acs:ram::${ACCOUNT}:root`,
            identityType: "Account",
            id: ACCOUNT,
          };
        }
        if (args.token === "alicloud:ram/getRolePolicyAttachments:getRolePolicyAttachments") {
          const roleName = String(args.inputs.roleName);
          return new Promise((resolve, reject) =>
            setTimeout(() => {
              timeline.push("role looked up");
              if (rolesInAccount.includes(roleName))
                resolve({ id: roleName, roleName, attachments: [] });
              // The plugin's error for RAM's answer to ListPoliciesForRole, as the engine's gRPC
              // error carries it (the SDK rethrows its `details`).
              else {
                const details = `ListPoliciesForRole Failed!!! [SDK alibaba-cloud-sdk-go ERROR]: SDK.ServerError ErrorCode: EntityNotExist.Role Message: The role not exists: ${roleName}.`;
                reject(Object.assign(new Error(details), { details }));
              }
            }, roleLookupDelay),
          );
        }
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    "shop",
    "prod",
    false,
  );
});

beforeEach(() => {
  registrations.length = 0;
  invokes.length = 0;
  timeline.length = 0;
  roleLookupDelay = 0;
  rolesInAccount = ["AliyunICEDefaultRole", "AliyunOSSDefaultRole"];
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** What a component created, as far as its properties show it. */
interface Created {
  readonly callback?: pulumi.Resource;
  readonly queue?: pulumi.Resource;
  readonly queueGuard?: pulumi.Resource;
  readonly authorization?: Created;
  readonly policy?: pulumi.Resource;
  readonly attachment?: pulumi.Resource;
}

/**
 * Resolves once the mocks have answered the registration of every resource these components
 * created (a derived provider is registered before the queue that uses it): unwraps their URNs, so
 * that no registration of one test arrives during the next.
 */
async function registered(...components: Created[]): Promise<void> {
  const created = (c: Created): pulumi.Resource[] => [
    ...[c.callback, c.queue, c.queueGuard, c.policy, c.attachment].filter(
      (r): r is pulumi.Resource => r !== undefined,
    ),
    ...(c.authorization ? created(c.authorization) : []),
  ];
  await Promise.all(components.flatMap(created).map((r) => output(r.urn)));
}

/** Resource name -> the resource, its parent and what its options make it depend on. */
const graph = new Map<
  string,
  {
    resource: pulumi.Resource;
    parent?: pulumi.Resource;
    dependsOn: pulumi.Resource[];
    retainOnDelete?: boolean;
  }
>();

/**
 * Records a component's resource graph as its resources' options declare it (pass it in the
 * component's `transformations`, which its children inherit).
 */
const recordGraph: pulumi.ResourceTransformation = ({ resource, name, opts }) => {
  const dependsOn = opts.dependsOn ?? [];
  if (!Array.isArray(dependsOn)) throw new Error(`${name}: dependsOn is not a plain list`);
  graph.set(name, {
    resource,
    parent: opts.parent,
    dependsOn: dependsOn as pulumi.Resource[],
    retainOnDelete: opts.retainOnDelete,
  });
  return undefined;
};

const graphName = (resource: pulumi.Resource) =>
  [...graph].find(([, node]) => node.resource === resource)?.[0];

/**
 * A recorded resource's parent and dependencies by name, a component standing for the custom
 * resources under it, as the SDK sends them to the engine.
 */
function dependencies(name: string): { deps: string[]; parent?: string } | undefined {
  const node = graph.get(name);
  if (!node) return undefined;
  const under = (component: pulumi.Resource): pulumi.Resource[] =>
    [...graph.values()]
      .filter((child) => child.parent === component)
      .flatMap((child) =>
        pulumi.ComponentResource.isInstance(child.resource)
          ? under(child.resource)
          : [child.resource],
      );
  const deps = node.dependsOn.flatMap((d) =>
    pulumi.ComponentResource.isInstance(d) ? under(d) : [d],
  );
  return {
    deps: deps.map((d) => graphName(d) ?? "(unrecorded)").sort(),
    parent: node.parent && graphName(node.parent),
  };
}

const byType = (t: string) => registrations.filter((r) => r.type === t);
const QUEUE = "alicloud:message/serviceQueue:ServiceQueue";
const POLICY = "alicloud:ram/policy:Policy";
const ATTACHMENT = "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment";
const PROVIDER = "pulumi:providers:alicloud";
const SETTING = "pulumi-nodejs:dynamic/ims:EventCallback";
const GUARD = "pulumi-nodejs:dynamic/ims:QueueDeletionGuard";

describe("ImsCallback", () => {
  it("HTTP method: registers only the setting, as a dynamic resource with a secret key", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback(
      "web",
      {
        region: "cn-shanghai",
        http: { url: "https://media.example.com/ims", authKey: "Abc123def" },
        eventTypes: ["ProduceMediaComplete"],
      },
      { transformations: [recordGraph] },
    );
    await registered(cb);
    expect(registrations.map((r) => [r.type, r.name])).toEqual([
      ["alicloud-ims-callback:index:ImsCallback", "web"],
      [SETTING, "web-setting"],
    ]);
    expect(registrations[1].inputs).toMatchObject({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
      adoptExisting: false,
      deletionPolicy: "restore",
    });
    expect(await output(graph.get("web-setting")!.parent!.urn)).toMatch(
      /alicloud-ims-callback:index:ImsCallback::web$/,
    );
    expect(await output(cb.setting)).toEqual({
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl: "https://media.example.com/ims",
      eventTypes: ["ProduceMediaComplete"],
      authSwitch: "on",
    });
    expect(await pulumi.isSecret(cb.authKey)).toBe(true);
  });

  it("queue method: a provider for the region, the queue on it, a rotating policy scoped to the queue, the attachment to IMS's role, then the setting", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("media", {
      region: "cn-hangzhou",
      queue: { options: { pollingWaitSeconds: 20 } },
      eventTypes: ["ProduceMediaComplete", "MediaConvertComplete"],
    });
    await registered(cb);
    expect(registrations.map((r) => r.type).sort()).toEqual(
      [
        "alicloud-ims-callback:index:ImsCallback",
        "alicloud-ims-callback:index:ImsQueueAuthorization",
        PROVIDER,
        QUEUE,
        POLICY,
        ATTACHMENT,
        GUARD,
        SETTING,
      ].sort(),
    );
    const provider = byType(PROVIDER)[0];
    expect(provider.name).toBe("media-provider");
    expect(provider.inputs.region).toBe("cn-hangzhou");
    const queue = byType(QUEUE)[0];
    expect(queue.name).toBe("media-queue");
    expect(queue.provider).toMatch(/::media-provider::media-provider-id$/);
    expect(queue.inputs).toEqual({
      queueName: expect.stringMatching(/^ice-callback-shop-prod-media-[0-9a-f]{8}$/),
      pollingWaitSeconds: 20,
    });
    const queueName = queue.inputs.queueName as string;

    const policy = byType(POLICY)[0];
    expect(policy.name).toBe("media-authorization-policy");
    expect(policy.inputs.policyName).toMatch(/^ims-callback-shop-prod-media-[0-9a-f]{8}-send$/);
    expect(policy.inputs.rotateStrategy).toBe("DeleteOldestNonDefaultVersionWhenLimitExceeded");
    expect(JSON.parse(policy.inputs.policyDocument as string)).toEqual({
      Version: "1",
      Statement: [
        {
          Effect: "Allow",
          Action: ["mns:SendMessage", "mns:BatchSendMessage"],
          Resource: [`acs:mns:cn-hangzhou:${ACCOUNT}:/queues/${queueName}/messages`],
        },
      ],
    });
    // RAM is global: its resources use the default provider, not the regional one.
    expect(policy.provider ?? "").not.toContain("media-provider");
    const attachment = byType(ATTACHMENT)[0];
    expect(attachment.inputs).toEqual({
      policyName: policy.inputs.policyName,
      policyType: "Custom",
      roleName: "AliyunICEDefaultRole",
    });
    expect(
      invokes.find(
        (i) => i.token === "alicloud:ram/getRolePolicyAttachments:getRolePolicyAttachments",
      )?.args,
    ).toEqual({
      roleName: "AliyunICEDefaultRole",
    });

    const setting = byType(SETTING)[0];
    expect(setting.inputs).toMatchObject({ callbackType: "MNS", queueName, region: "cn-hangzhou" });
    expect(setting.inputs.callbackUrl).toBeUndefined();
    expect(setting.provider ?? "").not.toContain("alicloud");
    expect(await output(cb.roleName)).toBe("AliyunICEDefaultRole");
    expect(await output(cb.queueName)).toBe(queueName);
  });

  it("the derived provider is configured like the stack's default provider, region replaced, credentials secret", async () => {
    const endpoints = [{ mnsOpen: "127.0.0.1:9000", ram: "127.0.0.1:9001" }];
    pulumi.runtime.setConfig("alicloud:region", "cn-beijing");
    pulumi.runtime.setConfig("alicloud:protocol", "HTTP");
    pulumi.runtime.setConfig("alicloud:accountId", "0001111222233334");
    pulumi.runtime.setConfig("alicloud:endpoints", JSON.stringify(endpoints));
    pulumi.runtime.setConfig("alicloud:skipRegionValidation", "true");
    pulumi.runtime.setConfig("alicloud:secretKey", "not-a-real-secret");
    pulumi.runtime.setConfig("ims:unrelated", "x");
    try {
      const { regionalProviderArgs } = await import("../../lib/program/regionalProvider");
      const args = regionalProviderArgs("cn-shenzhen") as Record<string, unknown>;
      expect(Object.keys(args).sort()).toEqual([
        "accountId",
        "endpoints",
        "protocol",
        "region",
        "secretKey",
        "skipRegionValidation",
      ]);
      expect(args.region).toBe("cn-shenzhen");
      expect(args.protocol).toBe("HTTP");
      expect(args.accountId).toBe("0001111222233334");
      expect(args.endpoints).toEqual(endpoints);
      expect(args.skipRegionValidation).toBe(true);
      expect(await pulumi.isSecret(args.secretKey as pulumi.Output<string>)).toBe(true);

      const alicloud = await import("@pulumi/alicloud");
      const provider = new alicloud.Provider("p", regionalProviderArgs("cn-shenzhen"));
      await output(provider.urn);
      // The provider sends JSON-typed arguments as JSON text, exactly like default-provider config.
      expect(byType(PROVIDER)[0].inputs).toMatchObject({
        endpoints: JSON.stringify(endpoints),
        skipRegionValidation: "true",
        accountId: "0001111222233334",
      });
    } finally {
      for (const key of [
        "region",
        "protocol",
        "accountId",
        "endpoints",
        "skipRegionValidation",
        "secretKey",
      ]) {
        pulumi.runtime.setConfig(`alicloud:${key}`, undefined as unknown as string);
      }
      pulumi.runtime.setAllConfig(
        Object.fromEntries(
          Object.entries(pulumi.runtime.allConfig()).filter(([, v]) => v !== undefined),
        ),
      );
    }
  });

  it("a provider given in the component's options is used for the queue and RAM, and no provider is derived", async () => {
    const alicloud = await import("@pulumi/alicloud");
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const sh = new alicloud.Provider("sh", { region: "cn-shanghai" });
    const viaProvider = new ImsCallback(
      "one",
      { region: "cn-shanghai", queue: {}, eventTypes: ["ProduceMediaComplete"] },
      { provider: sh },
    );
    const viaProviders = new ImsCallback(
      "two",
      { region: "cn-shanghai", queue: {}, eventTypes: ["ProduceMediaComplete"] },
      { providers: [sh] },
    );
    await registered(viaProvider, viaProviders);
    expect(byType(PROVIDER).map((p) => p.name)).toEqual(["sh"]);
    for (const r of [...byType(QUEUE), ...byType(POLICY), ...byType(ATTACHMENT)]) {
      expect([r.name, r.provider]).toEqual([r.name, expect.stringMatching(/::sh::sh-id$/)]);
    }
    expect(
      invokes
        .filter((i) => i.token.startsWith("alicloud:"))
        .every((i) => /::sh::sh-id$/.test(i.provider ?? "")),
    ).toBe(true);
    expect(byType(SETTING).every((s) => !(s.provider ?? "").includes("alicloud"))).toBe(true);
  });

  it("a provider of another region, or of none, is refused with both regions and the fix", async () => {
    const { providerRegionProblem } = await import("../../lib/program/regionalProvider");
    expect(providerRegionProblem("wrong", "cn-beijing", "cn-shanghai")).toBe(
      'ImsCallback "wrong": the alicloud provider given in the component\'s options is for region "cn-beijing", but region is "cn-shanghai". ' +
        "The queue would land in another region than the callback setting, and IMS would drop every event. " +
        'Pass a provider whose region is "cn-shanghai", or pass none and the component derives one.',
    );
    expect(providerRegionProblem("none", undefined, "cn-shanghai")).toContain(
      'the alicloud provider given in the component\'s options has no region, but region is "cn-shanghai"',
    );
    expect(providerRegionProblem("right", "cn-shanghai", "cn-shanghai")).toBeUndefined();
  });

  it("the queue's name goes through the region check of a given provider", async () => {
    const alicloud = await import("@pulumi/alicloud");
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const sh = new alicloud.Provider("sh-checked", { region: "cn-shanghai" });
    const cb = new ImsCallback(
      "checked",
      {
        region: "cn-shanghai",
        queue: { name: "ice-callback-checked" },
        skipAuthorization: true,
        eventTypes: ["A"],
      },
      { provider: sh },
    );
    await registered(cb);
    // The registration waited for the provider's region: the check ran, and passed.
    expect(
      byType(QUEUE).map((q) => [q.inputs.queueName, q.provider?.replace(/^.*::/, "")]),
    ).toEqual([["ice-callback-checked", "sh-checked-id"]]);
  });

  it("a provider of another region logs the error against the component and gives the queue an empty name, which the service refuses", async () => {
    const alicloud = await import("@pulumi/alicloud");
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const logged = jest.spyOn(pulumi.log, "error").mockResolvedValue();
    try {
      const bj = new alicloud.Provider("bj", { region: "cn-beijing" });
      const cb = new ImsCallback(
        "misplaced",
        { region: "cn-shanghai", queue: {}, skipAuthorization: true, eventTypes: ["A"] },
        { provider: bj },
      );
      await registered(cb);
      expect(logged.mock.calls).toEqual([
        [
          expect.stringContaining(
            'ImsCallback "misplaced": the alicloud provider given in the component\'s options is for region "cn-beijing"',
          ),
          cb,
        ],
      ]);
      expect(byType(QUEUE).map((q) => q.inputs.queueName)).toEqual([""]);
    } finally {
      logged.mockRestore();
    }
  });

  it("when a check fails, the queue, the policy and the attachment all get empty names, which the service refuses", async () => {
    rolesInAccount = [];
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const logged = jest.spyOn(pulumi.log, "error").mockResolvedValue();
    try {
      const cb = new ImsCallback("inactive", {
        region: "cn-shanghai",
        queue: {},
        eventTypes: ["A"],
      });
      await registered(cb);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(byType(QUEUE).map((q) => q.inputs.queueName)).toEqual([""]);
      expect(byType(POLICY).map((p) => p.inputs.policyName)).toEqual([""]);
      expect(byType(ATTACHMENT).map((a) => a.inputs.roleName)).toEqual([""]);
    } finally {
      logged.mockRestore();
    }
  });

  it("default physical names differ between stacks and projects of one account", async () => {
    const { stackScopedName } = await import("../../lib/shared/names");
    const name = (project: string, stack: string) =>
      stackScopedName({ prefix: "ice-callback-", project, stack, name: "media", maxLength: 120 });
    const names = [
      name("shop", "dev"),
      name("shop", "prod"),
      name("blog", "dev"),
      name("shop-dev", ""),
      name("shop", "dev-media"),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(name("shop", "dev")).toBe(name("shop", "dev"));
  });

  it("the setting depends on the queue and the authorization", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback(
      "dep",
      { region: "cn-beijing", queue: {}, eventTypes: ["ProduceMediaComplete"] },
      { transformations: [recordGraph] },
    );
    await registered(cb);
    // Depending on the authorization component means depending on its children.
    expect(dependencies("dep-setting")).toEqual({
      deps: [
        "dep-authorization-attachment",
        "dep-authorization-policy",
        "dep-queue",
        "dep-queue-guard",
      ],
      parent: "dep",
    });
    expect(dependencies("dep-queue-guard")).toEqual({ deps: ["dep-queue"], parent: "dep" });
    expect(dependencies("dep-queue")?.parent).toBe("dep");
    expect(dependencies("dep-provider")?.parent).toBe("dep");
    expect(dependencies("dep-authorization-policy")?.parent).toBe("dep-authorization");
  });

  it("the queue guard watches the created queue, without the user's consent to lose messages unless given", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const plain = new ImsCallback("guarded", {
      region: "cn-beijing",
      queue: {},
      eventTypes: ["ProduceMediaComplete"],
    });
    const consenting = new ImsCallback("consenting", {
      region: "cn-beijing",
      queue: { deleteWithMessages: true },
      eventTypes: ["ProduceMediaComplete"],
    });
    await registered(plain, consenting);
    const guards = byType(GUARD);
    expect(guards.map((g) => [g.name, g.inputs.deleteWithMessages])).toEqual([
      ["guarded-queue-guard", false],
      ["consenting-queue-guard", true],
    ]);
    expect(guards[0].inputs).toMatchObject({
      region: "cn-beijing",
      queueName: byType(QUEUE)[0].inputs.queueName,
    });
    // The serialized provider only forwards to the runtime, by package name.
    expect(String(guards[0].inputs.__provider)).toContain(
      'require("pulumi-alicloud-ims-callback/runtime")',
    );
    expect(String(guards[0].inputs.__provider).length).toBeLessThan(3000);
  });

  it("an existing queue gets no guard, and deleteWithMessages beside existingQueueName is refused", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("existing-guard", {
      region: "cn-beijing",
      queue: { existingQueueName: "ice-callback-theirs" },
      skipAuthorization: true,
      eventTypes: ["ProduceMediaComplete"],
    });
    await registered(cb);
    expect(byType(GUARD)).toEqual([]);
    expect(
      () =>
        new ImsCallback("both", {
          region: "cn-beijing",
          queue: { existingQueueName: "ice-callback-theirs", deleteWithMessages: true },
          eventTypes: ["ProduceMediaComplete"],
        }),
    ).toThrow("queue.deleteWithMessages: only applies to a queue this component creates");
  });

  it("renaming the queue renames the policy, so the engine replaces the grant (old one deleted last) instead of narrowing it in place", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const policyNameFor = async (queueName: string) => {
      registrations.length = 0;
      const cb = new ImsCallback("renamed", {
        region: "cn-beijing",
        queue: { name: queueName },
        eventTypes: ["ProduceMediaComplete"],
      });
      await registered(cb);
      return byType(POLICY)[0].inputs.policyName as string;
    };
    const before = await policyNameFor("ice-callback-before");
    const after = await policyNameFor("ice-callback-after");
    expect(before).toMatch(/^ims-callback-shop-prod-renamed-[0-9a-f]{8}-send$/);
    expect(after).toMatch(/^ims-callback-shop-prod-renamed-[0-9a-f]{8}-send$/);
    expect(after).not.toBe(before);
    expect(await policyNameFor("ice-callback-before")).toBe(before);
  });

  it("several regions share one authorization: one policy listing both queue ARNs, a provider per region", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    const auth = new ImsQueueAuthorization(
      "ims",
      {
        queues: [
          { region: "cn-shanghai", queueName: "ice-callback-sh" },
          { region: "cn-beijing", queueName: "ice-callback-bj" },
        ],
      },
      { transformations: [recordGraph] },
    );
    const sh = new ImsCallback(
      "sh",
      {
        region: "cn-shanghai",
        queue: { name: "ice-callback-sh" },
        authorization: auth,
        eventTypes: ["ProduceMediaComplete"],
      },
      { transformations: [recordGraph] },
    );
    const bj = new ImsCallback(
      "bj",
      {
        region: "cn-beijing",
        queue: { name: "ice-callback-bj" },
        authorization: auth,
        eventTypes: ["ProduceMediaComplete"],
      },
      { transformations: [recordGraph] },
    );
    await registered(sh, bj, auth);
    expect(byType(POLICY)).toHaveLength(1);
    expect(byType(ATTACHMENT)).toHaveLength(1);
    expect(byType("alicloud:ram/role:Role")).toHaveLength(0);
    expect(
      byType(QUEUE)
        .map((q) => [q.inputs.queueName, q.provider?.replace(/^.*::/, "")])
        .sort(),
    ).toEqual([
      ["ice-callback-bj", "bj-provider-id"],
      ["ice-callback-sh", "sh-provider-id"],
    ]);
    expect(
      byType(PROVIDER)
        .map((p) => [p.name, p.inputs.region])
        .sort(),
    ).toEqual([
      ["bj-provider", "cn-beijing"],
      ["sh-provider", "cn-shanghai"],
    ]);
    expect(byType(SETTING)).toHaveLength(2);
    expect(
      JSON.parse(byType(POLICY)[0].inputs.policyDocument as string).Statement[0].Resource,
    ).toEqual([
      `acs:mns:cn-beijing:${ACCOUNT}:/queues/ice-callback-bj/messages`,
      `acs:mns:cn-shanghai:${ACCOUNT}:/queues/ice-callback-sh/messages`,
    ]);
    expect(dependencies("sh-setting")?.deps).toEqual([
      "ims-attachment",
      "ims-policy",
      "sh-queue",
      "sh-queue-guard",
    ]);
    expect(dependencies("bj-setting")?.deps).toEqual([
      "bj-queue",
      "bj-queue-guard",
      "ims-attachment",
      "ims-policy",
    ]);
  });

  it("existing queue and skipped authorization: nothing but the setting, no provider", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const cb = new ImsCallback("ext", {
      region: "cn-shenzhen",
      queue: { existingQueueName: "ice-callback-existing" },
      skipAuthorization: true,
      eventTypes: ["ProduceMediaComplete"],
    });
    await registered(cb);
    expect(registrations.map((r) => r.type)).toEqual([
      "alicloud-ims-callback:index:ImsCallback",
      SETTING,
    ]);
    expect(await output(cb.policyName)).toBeNull();
  });

  describe('deletionPolicy "retain" with the queue method', () => {
    /** The recorded resources whose names start with `prefix` that a destroy would keep. */
    const retainedUnder = (prefix: string) =>
      [...graph]
        .filter(([name, node]) => name.startsWith(prefix) && node.retainOnDelete === true)
        .map(([name]) => name)
        .sort();
    let warned: jest.SpyInstance;
    let errors: jest.SpyInstance;
    beforeEach(() => {
      graph.clear();
      warned = jest.spyOn(pulumi.log, "warn").mockResolvedValue();
      errors = jest.spyOn(pulumi.log, "error").mockResolvedValue();
    });
    afterEach(() => {
      warned.mockRestore();
      errors.mockRestore();
    });
    /** The messages logged so far, once pending applies have run. */
    async function logged(spy: jest.SpyInstance): Promise<string[]> {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return spy.mock.calls.map((call) => String(call[0]));
    }

    it("keeps the created queue, its guard and IMS's grant with the setting, and warns that they stay", async () => {
      const { ImsCallback } = await import("../../lib/program/imsCallback");
      const kept = new ImsCallback(
        "kept",
        {
          region: "cn-hangzhou",
          queue: { name: "ice-callback-kept" },
          eventTypes: ["ProduceMediaComplete"],
          deletionPolicy: "retain",
        },
        { transformations: [recordGraph] },
      );
      const restored = new ImsCallback(
        "restored",
        { region: "cn-hangzhou", queue: {}, eventTypes: ["ProduceMediaComplete"] },
        { transformations: [recordGraph] },
      );
      await registered(kept, restored);
      expect(retainedUnder("kept")).toEqual([
        "kept-authorization",
        "kept-authorization-attachment",
        "kept-authorization-policy",
        "kept-queue",
        "kept-queue-guard",
      ]);
      expect(retainedUnder("restored")).toEqual([]);
      // The grant outlives the setting either way: the setting is deleted (moved) first.
      expect(dependencies("kept-setting")?.deps).toEqual([
        "kept-authorization-attachment",
        "kept-authorization-policy",
        "kept-queue",
        "kept-queue-guard",
      ]);
      const policyName = await output(kept.policyName);
      expect(await logged(warned)).toEqual([
        `ImsCallback "kept": deletionPolicy "retain" leaves the setting in cn-hangzhou pointing at queue "ice-callback-kept" ` +
          `when the stack is destroyed or this component removed, so the queue "ice-callback-kept" and IMS's permission to ` +
          `write to it (RAM policy "${policyName}" and its attachment to AliyunICEDefaultRole) are kept too (retainOnDelete) ` +
          "and events keep arriving. Pulumi no longer manages them then: delete them yourself once the region's setting points elsewhere.",
      ]);
      expect(warned.mock.calls[0][1]).toBe(kept);
    });

    it("the provider plugin's ImsCallback keeps the same resources", async () => {
      const { ImsCallback } = await import("../../lib/program/imsCallback");
      const { PluginEventCallback, PluginQueueDeletionGuard } =
        await import("../../lib/program/pluginEventCallback");
      const kept = new ImsCallback(
        "plugin-kept",
        {
          region: "cn-hangzhou",
          queue: {},
          eventTypes: ["ProduceMediaComplete"],
          deletionPolicy: "retain",
        },
        { transformations: [recordGraph] },
        { EventCallback: PluginEventCallback, QueueDeletionGuard: PluginQueueDeletionGuard },
      );
      await registered(kept);
      expect(retainedUnder("plugin-kept")).toEqual([
        "plugin-kept-authorization",
        "plugin-kept-authorization-attachment",
        "plugin-kept-authorization-policy",
        "plugin-kept-queue",
        "plugin-kept-queue-guard",
      ]);
      expect(await logged(warned)).toEqual([
        expect.stringContaining('ImsCallback "plugin-kept": deletionPolicy "retain" leaves'),
      ]);
    });

    it("an existing queue is never the component's: only the grant it created is kept", async () => {
      const { ImsCallback } = await import("../../lib/program/imsCallback");
      const kept = new ImsCallback(
        "existing-kept",
        {
          region: "cn-hangzhou",
          queue: { existingQueueName: "ice-callback-theirs" },
          eventTypes: ["ProduceMediaComplete"],
          deletionPolicy: "retain",
        },
        { transformations: [recordGraph] },
      );
      await registered(kept);
      expect(retainedUnder("existing-kept")).toEqual([
        "existing-kept-authorization",
        "existing-kept-authorization-attachment",
        "existing-kept-authorization-policy",
      ]);
      expect(await logged(warned)).toEqual([
        expect.stringMatching(
          /pointing at queue "ice-callback-theirs" .*, so IMS's permission to write to it \(RAM policy .*\) is kept too/,
        ),
      ]);
    });

    it("a shared authorization is kept only when created with retainOnDelete: true; otherwise the preview warns with the fix", async () => {
      const { ImsCallback } = await import("../../lib/program/imsCallback");
      const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
      const queues = [{ region: "cn-hangzhou", queueName: "ice-callback-shared" }];
      const plain = new ImsQueueAuthorization(
        "shared-plain",
        { queues },
        { transformations: [recordGraph] },
      );
      const retaining = new ImsQueueAuthorization(
        "shared-retained",
        { queues },
        { retainOnDelete: true, transformations: [recordGraph] },
      );
      const declare = (name: string, authorization: typeof plain) =>
        new ImsCallback(name, {
          region: "cn-hangzhou",
          queue: { existingQueueName: "ice-callback-shared" },
          authorization,
          eventTypes: ["ProduceMediaComplete"],
          deletionPolicy: "retain",
        });
      const a = declare("uses-plain", plain);
      const b = declare("uses-retained", retaining);
      await registered(a, b, plain, retaining);
      expect(retainedUnder("shared-")).toEqual([
        "shared-retained",
        "shared-retained-attachment",
        "shared-retained-policy",
      ]);
      expect(await logged(warned)).toEqual([
        'ImsCallback "uses-plain": deletionPolicy "retain" leaves the setting in cn-hangzhou pointing at queue "ice-callback-shared" ' +
          "when the stack is destroyed or this component removed, but the ImsQueueAuthorization given in authorization is deleted " +
          "with its stack unless it was created with retainOnDelete: true; IMS's events to the queue would then be refused and dropped. " +
          'Create it with { retainOnDelete: true } (its policy and attachment are kept), or use deletionPolicy "restore" or "clear".',
      ]);
    });

    it('"retain" given as an Output is refused: the queue, the policy and the attachment get empty names', async () => {
      const { ImsCallback } = await import("../../lib/program/imsCallback");
      const cb = new ImsCallback("deferred", {
        region: "cn-hangzhou",
        queue: {},
        eventTypes: ["ProduceMediaComplete"],
        deletionPolicy: pulumi.output("retain" as const),
      });
      await registered(cb);
      expect(await logged(errors)).toEqual([
        expect.stringContaining(
          'ImsCallback "deferred": deletionPolicy: "retain" must be given as a plain value, not an Output, with the queue method',
        ),
      ]);
      expect(byType(QUEUE).map((q) => q.inputs.queueName)).toEqual([""]);
      expect(byType(POLICY).map((p) => p.inputs.policyName)).toEqual([""]);
      expect(byType(ATTACHMENT).map((p) => p.inputs.policyName)).toEqual([""]);
      // Other policies may come from an Output.
      const restoring = new ImsCallback("deferred-restore", {
        region: "cn-hangzhou",
        queue: {},
        eventTypes: ["ProduceMediaComplete"],
        deletionPolicy: pulumi.output("restore" as const),
      });
      await registered(restoring);
      expect(byType(QUEUE).map((q) => q.inputs.queueName)[1]).toMatch(/^ice-callback-/);
      expect(await logged(errors)).toHaveLength(1);
    });
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
        '  - region: "mars-1" is not a documented IMS region (cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen, ap-southeast-1, us-west-1). Use one of them, or set allowUndocumentedRegion: true if IMS has launched there since.',
        "  - queue.name / queue.existingQueueName: give one: name creates a queue, existingQueueName uses one.",
        '  - queue.name: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
        '  - eventTypes: must list at least one event type, e.g. ["ProduceMediaComplete"]. To stop callbacks in a region, delete the resource (see deletionPolicy) instead of sending an empty list.',
      ].join("\n"),
    );
  });

  it("says what the shared rules say for the region and the event list (one text per rule)", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const { validateCallbackInputs } = await import("../../lib/shared/validation");
    const shared = (inputs: Record<string, unknown>, property: string) =>
      validateCallbackInputs(inputs)
        .filter((p) => p.property === property && p.severity === "error")
        .map((p) => `  - ${p.reason}`);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ region: "mars-1", eventTypes: ["ProduceMediaComplete"] }, "region"],
      [{ region: "", eventTypes: ["ProduceMediaComplete"] }, "region"],
      [{ eventTypes: ["ProduceMediaComplete"] }, "region"],
      [{ region: "cn-shanghai", eventTypes: [] }, "eventTypes"],
    ];
    for (const [inputs, property] of cases) {
      const expected = shared(inputs, property);
      expect(expected).toHaveLength(1);
      expect(
        () => new ImsCallback("c", { ...inputs, http: { url: "https://x.example.com" } } as never),
      ).toThrow(expected[0]);
    }
  });

  it("rejects a missing region, queue-only arguments on the HTTP method and a queue name beyond MNS's rules", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    expect(
      () =>
        new ImsCallback("r", {
          http: { url: "https://x.example.com" },
          eventTypes: ["A"],
        } as never),
    ).toThrow(
      '  - region: required. Set it to the IMS region of this setting, e.g. "cn-shanghai".',
    );
    expect(
      () =>
        new ImsCallback("h", {
          region: "cn-shanghai",
          http: { url: "https://x.example.com" },
          skipAuthorization: true,
          eventTypes: ["A"],
        }),
    ).toThrow("  - skipAuthorization: only used with the queue method; remove it.");
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    expect(
      () =>
        new ImsCallback("shared-and-skipped", {
          region: "cn-shanghai",
          queue: {},
          authorization: new ImsQueueAuthorization("shared", {
            queues: [{ region: "cn-shanghai", queueName: "ice-callback-a" }],
          }),
          skipAuthorization: true,
          eventTypes: ["A"],
        }),
    ).toThrow("  - authorization / skipAuthorization: give one");
    expect(
      () =>
        new ImsCallback("q", {
          region: "cn-shanghai",
          queue: { name: "ice-callback-my_queue" },
          eventTypes: ["A"],
        }),
    ).toThrow(
      '  - queue.name: "ice-callback-my_queue" may contain only letters, digits and hyphens.',
    );
    expect(
      () =>
        new ImsCallback("q", {
          region: "cn-shanghai",
          queue: { name: `ice-callback-${"x".repeat(120)}` },
          eventTypes: ["A"],
        }),
    ).toThrow("  - queue.name: is 133 characters; queue names are at most 120. Shorten it.");
  });

  it("a component name that is no valid queue name still gets a valid, unique default queue name", async () => {
    const { ImsCallback } = await import("../../lib/program/imsCallback");
    const a = new ImsCallback("my_queue", {
      region: "cn-shanghai",
      queue: {},
      skipAuthorization: true,
      eventTypes: ["A"],
    });
    const b = new ImsCallback("my.queue", {
      region: "cn-shanghai",
      queue: {},
      skipAuthorization: true,
      eventTypes: ["A"],
    });
    const [nameA, nameB] = await Promise.all([output(a.queueName), output(b.queueName)]);
    await registered(a, b);
    const { queueNameProblems } = await import("../../lib/shared/validation");
    expect(queueNameProblems(nameA!)).toEqual([]);
    expect(queueNameProblems(nameB!)).toEqual([]);
    expect(nameA).not.toBe(nameB);
  });
});

describe("ImsQueueAuthorization", () => {
  it("attaches to IMS's service role only, looked up before anything is created", async () => {
    const { ImsQueueAuthorization, IMS_SERVICE_ROLE_NAME } =
      await import("../../lib/program/queueAuthorization");
    const auth = new ImsQueueAuthorization("own", {
      queues: [{ region: "cn-shanghai", queueName: "ice-callback-x" }],
      accountId: "42",
    });
    expect(await output(auth.roleName)).toBe(IMS_SERVICE_ROLE_NAME);
    await registered(auth);
    expect(byType("alicloud:ram/role:Role")).toEqual([]);
    expect(await output(auth.queueArns)).toEqual([
      "acs:mns:cn-shanghai:42:/queues/ice-callback-x/messages",
    ]);
    expect(invokes.map((i) => i.token)).toEqual([
      "alicloud:ram/getRolePolicyAttachments:getRolePolicyAttachments",
    ]);
  });

  it("in an account without IMS's role (IMS not activated), the lookup's EntityNotExist.Role becomes the fix", async () => {
    const { isMissingRoleError, missingServiceRoleMessage } =
      await import("../../lib/program/queueAuthorization");
    expect(missingServiceRoleMessage("missing")).toBe(
      'ImsQueueAuthorization "missing": IMS\'s service role AliyunICEDefaultRole does not exist in this account, so IMS cannot be ' +
        "authorized to write to the queue (IMS is not activated here). Activate Intelligent Media Services in the account " +
        "(the console creates the role), then run again; or manage RAM yourself and use skipAuthorization: true.",
    );
    expect(
      isMissingRoleError(
        new Error(
          "invocation of ...getRolePolicyAttachments returned an error: SDK.ServerError ErrorCode: EntityNotExist.Role Message: The role not exists",
        ),
      ),
    ).toBe(true);
    expect(
      isMissingRoleError(
        new Error(
          "ErrorCode: EntityNotExist.Role.Policy Message: The indicate policy attached to the role does not exist.",
        ),
      ),
    ).toBe(false);
    expect(
      isMissingRoleError(
        new Error("ErrorCode: NoPermission Message: You are not authorized to do this action."),
      ),
    ).toBe(false);
  });

  it("the policy and the attachment wait for the role lookup", async () => {
    roleLookupDelay = 200;
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    const auth = new ImsQueueAuthorization("ordered", {
      queues: [{ region: "cn-shanghai", queueName: "ice-callback-x" }],
      accountId: "42",
    });
    await registered(auth);
    expect(timeline).toEqual([
      "registered ordered",
      "role looked up",
      "registered ordered-policy",
      "registered ordered-attachment",
    ]);
  });

  it("without IMS's role, logs the fix against the authorization and gives the policy and the attachment empty names, which the service refuses", async () => {
    rolesInAccount = ["AliyunOSSDefaultRole"];
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    const logged = jest.spyOn(pulumi.log, "error").mockResolvedValue();
    try {
      const auth = new ImsQueueAuthorization("inactive", {
        queues: [{ region: "cn-shanghai", queueName: "ice-callback-x" }],
        accountId: "42",
      });
      await registered(auth);
      expect(logged.mock.calls).toEqual([
        [
          expect.stringContaining(
            "IMS's service role AliyunICEDefaultRole does not exist in this account",
          ),
          auth,
        ],
      ]);
      expect(byType(POLICY).map((p) => p.inputs.policyName)).toEqual([""]);
      expect(byType(ATTACHMENT).map((p) => [p.inputs.policyName, p.inputs.roleName])).toEqual([
        ["", ""],
      ]);
    } finally {
      logged.mockRestore();
    }
  });

  it("rejects policy and queue names beyond RAM's and MNS's rules", async () => {
    const { ImsQueueAuthorization } = await import("../../lib/program/queueAuthorization");
    expect(
      () =>
        new ImsQueueAuthorization("bad", {
          queues: [{ region: "cn-shanghai", queueName: "orders" }],
          policyName: "ims_send",
        }),
    ).toThrow(
      [
        'Invalid ImsQueueAuthorization "bad":',
        '  - queues[0].queueName: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
        '  - policyName: "ims_send" may contain only letters, digits and hyphens (RAM\'s rule for policy names).',
      ].join("\n"),
    );
    expect(
      () =>
        new ImsQueueAuthorization("long", {
          queues: [{ region: "cn-shanghai", queueName: "ice-callback-x" }],
          policyName: "p".repeat(129),
        }),
    ).toThrow("  - policyName: is 129 characters; RAM policy names are at most 128. Shorten it.");
    expect(() => new ImsQueueAuthorization("none", { queues: [] })).toThrow(
      "  - queues: list at least one { region, queueName } that IMS may send to.",
    );
  });
});
