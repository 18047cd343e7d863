/**
 * The resource policies on callback settings, run without the engine on fake argument bags built
 * like @pulumi/policy's server builds them. Proves which inputs pass and fail and what the messages
 * say; does not prove the engine calls them (test/e2e/policyPack.test.ts does).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  callbackAdoptExisting,
  callbackAllowedRegions,
  callbackDeletionPolicyClear,
  callbackHttpAuthentication,
  callbackKnownEvents,
  callbackQueueName,
  callbackRequiredEvents,
  callbackUrlAllowedHosts,
  callbackUrlHttps,
  imsCallbackPolicies,
  isAllowedHost,
  SERVICE_QUEUE_TYPE,
} from "../../lib/policy";
import { IMS_REGIONS } from "../../lib/shared/regions";
import {
  asTheEngineSends,
  compliantHttpCallback,
  compliantQueueCallback,
  runResourcePolicy,
  secretOnTheWire,
  servedByPlugin,
  UNKNOWN_AT_PREVIEW,
  type FakeResource,
} from "./helpers";

const resourcePolicies = imsCallbackPolicies.filter(
  (p): p is ResourceValidationPolicy => "validateResource" in p,
);

describe("every resource policy", () => {
  test.each(resourcePolicies.map((p) => [p.name, p] as const))(
    "%s accepts compliant HTTP and MNS settings",
    async (_name, policy) => {
      expect(await runResourcePolicy(policy, compliantHttpCallback())).toEqual([]);
      expect(await runResourcePolicy(policy, compliantQueueCallback())).toEqual([]);
    },
  );

  test.each(resourcePolicies.map((p) => [p.name, p] as const))(
    "%s ignores other resource types",
    async (_name, policy) => {
      const queue = {
        type: SERVICE_QUEUE_TYPE,
        name: "q",
        props: { queueName: "orders", callbackUrl: "http://x", region: "mars-1" },
      };
      expect(await runResourcePolicy(policy, queue, { allowedHosts: ["nothing.example"] })).toEqual(
        [],
      );
    },
  );

  test.each(resourcePolicies.map((p) => [p.name, p] as const))(
    "%s skips values unknown at preview",
    async (_name, policy) => {
      const unknownEverything = compliantHttpCallback({
        region: UNKNOWN_AT_PREVIEW,
        callbackType: UNKNOWN_AT_PREVIEW,
        callbackUrl: UNKNOWN_AT_PREVIEW,
        queueName: UNKNOWN_AT_PREVIEW,
        eventTypes: UNKNOWN_AT_PREVIEW,
        authKey: UNKNOWN_AT_PREVIEW,
        adoptExisting: UNKNOWN_AT_PREVIEW,
        deletionPolicy: UNKNOWN_AT_PREVIEW,
      });
      const config = {
        allowedHosts: ["a.example"],
        allowedRegions: ["cn-beijing"],
        requiredEventTypes: ["SnapshotComplete"],
      };
      expect(await runResourcePolicy(policy, unknownEverything, config)).toEqual([]);
    },
  );

  test("have kebab-case names starting with ims-callback- and a description that says why", () => {
    const names = imsCallbackPolicies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const policy of imsCallbackPolicies) {
      expect(policy.name).toMatch(/^ims-callback-[a-z]+(-[a-z]+)*$/);
      expect(policy.description).toMatch(/: |without|because|so /);
      expect(["advisory", "mandatory", "remediate", "disabled"]).toContain(policy.enforcementLevel);
    }
  });

  test("never print the auth key, whatever they report", async () => {
    const key = "Sup3rSecretKeyValue";
    const bad = compliantHttpCallback({
      region: "eu-central-1",
      callbackUrl: `http://${key}:${key}@attacker.example.net/cb?token=${key}`,
      eventTypes: ["ProduceMediaCompleted"],
      authKey: key,
      adoptExisting: true,
      deletionPolicy: "clear",
    });
    const config = {
      allowedHosts: ["media.example.com"],
      requiredEventTypes: ["SnapshotComplete"],
    };
    const messages = (
      await Promise.all(resourcePolicies.map((p) => runResourcePolicy(p, bad, config)))
    ).flat();
    expect(messages.length).toBeGreaterThanOrEqual(6);
    for (const message of messages) expect(message).not.toContain(key);
  });
});

describe("ims-callback-url-https", () => {
  test("is mandatory by default", () => {
    expect(callbackUrlHttps.enforcementLevel).toBe("mandatory");
  });

  test("reports a plain-http URL with the resource, the property, the value and the https fix", async () => {
    const messages = await runResourcePolicy(
      callbackUrlHttps,
      compliantHttpCallback({ callbackUrl: "http://media.example.com/ims/events" }),
    );
    expect(messages).toEqual([
      'EventCallback "web-setting": callbackUrl "http://media.example.com/ims/events" uses plain http, so events and their signature headers travel unencrypted. ' +
        'Fix: serve the receiver over https and set callbackUrl to "https://media.example.com/ims/events".',
    ]);
  });

  test("treats the scheme case-insensitively", async () => {
    expect(
      await runResourcePolicy(
        callbackUrlHttps,
        compliantHttpCallback({ callbackUrl: "HTTP://media.example.com/x" }),
      ),
    ).toHaveLength(1);
  });

  test("hides user info and query strings of the URL", async () => {
    const [message] = await runResourcePolicy(
      callbackUrlHttps,
      compliantHttpCallback({ callbackUrl: "http://u:p@h.example/cb?sig=abc" }),
    );
    expect(message).toContain('callbackUrl "http://…@h.example/cb?…"');
    expect(message).not.toMatch(/u:p|sig=abc/);
  });
});

describe("ims-callback-http-authentication", () => {
  test("reports an HTTP setting without an auth key", async () => {
    const messages = await runResourcePolicy(
      callbackHttpAuthentication,
      compliantHttpCallback({ authKey: undefined }),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^EventCallback "web-setting": authKey is not set, so callback authentication is off for callbackUrl "https:\/\/media\.example\.com\/ims\/events"/,
    );
    expect(messages[0]).toContain("Fix: set authKey");
  });

  test("counts an empty key as not set", async () => {
    expect(
      await runResourcePolicy(callbackHttpAuthentication, compliantHttpCallback({ authKey: "" })),
    ).toHaveLength(1);
  });

  test("accepts a key that is unknown at preview (e.g. a RandomPassword still to be created)", async () => {
    expect(
      await runResourcePolicy(
        callbackHttpAuthentication,
        compliantHttpCallback({ authKey: UNKNOWN_AT_PREVIEW }),
      ),
    ).toEqual([]);
  });

  test("does not apply to the queue method", async () => {
    expect(
      await runResourcePolicy(
        callbackHttpAuthentication,
        compliantQueueCallback({ authKey: undefined }),
      ),
    ).toEqual([]);
  });
});

describe("ims-callback-url-allowed-hosts", () => {
  const config = { allowedHosts: ["hooks.example.org"], allowedHostSuffixes: [".example.com"] };

  test("does nothing until the pack config lists hosts or domains", async () => {
    const attacker = compliantHttpCallback({ callbackUrl: "https://attacker.example.net/x" });
    expect(await runResourcePolicy(callbackUrlAllowedHosts, attacker)).toEqual([]);
    expect(
      await runResourcePolicy(callbackUrlAllowedHosts, attacker, {
        allowedHosts: [],
        allowedHostSuffixes: [],
      }),
    ).toEqual([]);
  });

  test("reports a host outside the lists, naming host, lists and fix", async () => {
    const messages = await runResourcePolicy(
      callbackUrlAllowedHosts,
      compliantHttpCallback({ callbackUrl: "https://attacker.example.net/ims" }),
      config,
    );
    expect(messages).toEqual([
      'EventCallback "web-setting": callbackUrl "https://attacker.example.net/ims" points at host "attacker.example.net", which is not allowed ' +
        '(hosts "hooks.example.org"; domains ".example.com"). ' +
        'Fix: point callbackUrl at an allowed host, or add "attacker.example.net" to allowedHosts in the pack config of ims-callback-url-allowed-hosts.',
    ]);
  });

  test.each([
    ["https://hooks.example.org/x", true],
    ["https://HOOKS.example.org./x", true],
    ["https://media.example.com:8443/x", true],
    ["https://example.com/x", true],
    ["https://badexample.com/x", false],
    ["https://example.com.attacker.net/x", false],
    ["https://sub.hooks.example.org/x", false],
  ])("%s allowed: %s", async (url, ok) => {
    const messages = await runResourcePolicy(
      callbackUrlAllowedHosts,
      compliantHttpCallback({ callbackUrl: url }),
      config,
    );
    expect(messages.length === 0).toBe(ok);
  });

  test("isAllowedHost matches exact names and domains, never a bare suffix of a label", () => {
    expect(isAllowedHost("a.example.com", [], ["example.com"])).toBe(true);
    expect(isAllowedHost("aexample.com", [], ["example.com"])).toBe(false);
    expect(isAllowedHost("anything", [], ["", "."])).toBe(false);
  });
});

describe("ims-callback-allowed-regions", () => {
  test("allows every documented IMS region by default and nothing else", async () => {
    for (const region of IMS_REGIONS) {
      expect(
        await runResourcePolicy(callbackAllowedRegions, compliantHttpCallback({ region })),
      ).toEqual([]);
    }
    const messages = await runResourcePolicy(
      callbackAllowedRegions,
      compliantHttpCallback({ region: "eu-central-1", allowUndocumentedRegion: true }),
    );
    expect(messages).toEqual([
      `EventCallback "web-setting": region "eu-central-1" is not an allowed region (${IMS_REGIONS.join(", ")}). ` +
        "Fix: use an allowed region, or add it to allowedRegions in the pack config of ims-callback-allowed-regions.",
    ]);
  });

  test("uses the configured list", async () => {
    const config = { allowedRegions: ["cn-beijing"] };
    expect(
      await runResourcePolicy(
        callbackAllowedRegions,
        compliantHttpCallback({ region: "cn-beijing" }),
        config,
      ),
    ).toEqual([]);
    const [message] = await runResourcePolicy(
      callbackAllowedRegions,
      compliantHttpCallback({ region: "cn-shanghai" }),
      config,
    );
    expect(message).toContain('region "cn-shanghai" is not an allowed region (cn-beijing)');
  });
});

describe("ims-callback-required-events", () => {
  const config = { requiredEventTypes: ["ProduceMediaComplete", "SnapshotComplete"] };

  test("reports the missing required events", async () => {
    const messages = await runResourcePolicy(
      callbackRequiredEvents,
      compliantHttpCallback(),
      config,
    );
    expect(messages).toEqual([
      'EventCallback "web-setting": eventTypes lacks required event type "SnapshotComplete". ' +
        "Fix: add them to eventTypes (the pack config of ims-callback-required-events lists what is required).",
    ]);
  });

  test("passes when all are listed, in any order", async () => {
    const setting = compliantHttpCallback({
      eventTypes: ["SnapshotComplete", "LiveRecordTaskStatus", "ProduceMediaComplete"],
    });
    expect(await runResourcePolicy(callbackRequiredEvents, setting, config)).toEqual([]);
  });

  test("compares names case-sensitively, as IMS does", async () => {
    const setting = compliantHttpCallback({
      eventTypes: ["producemediacomplete", "SnapshotComplete"],
    });
    const [message] = await runResourcePolicy(callbackRequiredEvents, setting, config);
    expect(message).toContain('lacks required event type "ProduceMediaComplete"');
  });

  test("waits for the update when one listed entry is unknown", async () => {
    const setting = compliantHttpCallback({
      eventTypes: ["ProduceMediaComplete", UNKNOWN_AT_PREVIEW],
    });
    expect(await runResourcePolicy(callbackRequiredEvents, setting, config)).toEqual([]);
  });
});

describe("ims-callback-known-events", () => {
  test("is advisory by default: IMS adds events over time", () => {
    expect(callbackKnownEvents.enforcementLevel).toBe("advisory");
  });

  test("reports each unknown name with the closest known one", async () => {
    const setting = compliantHttpCallback({
      eventTypes: ["ProduceMediaCompleted", "ProduceMediaComplete", "Hello"],
    });
    expect(await runResourcePolicy(callbackKnownEvents, setting)).toEqual([
      'EventCallback "web-setting": eventTypes has "ProduceMediaCompleted", which is not a known IMS event type; did you mean "ProduceMediaComplete"? ' +
        "Fix: correct the name, or, if IMS added this event after this release, add it to additionalEventTypes in the pack config of ims-callback-known-events.",
      'EventCallback "web-setting": eventTypes has "Hello", which is not a known IMS event type. ' +
        "Fix: correct the name, or, if IMS added this event after this release, add it to additionalEventTypes in the pack config of ims-callback-known-events.",
    ]);
  });

  test("accepts names added in the pack config", async () => {
    const setting = compliantHttpCallback({ eventTypes: ["BrandNewComplete"] });
    expect(
      await runResourcePolicy(callbackKnownEvents, setting, {
        additionalEventTypes: ["BrandNewComplete"],
      }),
    ).toEqual([]);
  });
});

describe("ims-callback-queue-name", () => {
  test("reports a queue without the ice-callback- prefix, suggesting a name", async () => {
    const messages = await runResourcePolicy(
      callbackQueueName,
      compliantQueueCallback({ queueName: "orders" }),
    );
    expect(messages).toEqual([
      'EventCallback "queue-setting": queueName "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
    ]);
  });

  test("reports the queue service's other name rules too", async () => {
    const messages = await runResourcePolicy(
      callbackQueueName,
      compliantQueueCallback({ queueName: `ice-callback-${"x".repeat(120)}` }),
    );
    expect(messages).toEqual([
      expect.stringMatching(
        /^EventCallback "queue-setting": queueName "ice-callback-x+" is 133 characters; queue names are at most 120/,
      ),
    ]);
  });
});

describe("ims-callback-adopt-existing", () => {
  const adopting = compliantHttpCallback({ adoptExisting: true });

  test("reports adoptExisting without an allow", async () => {
    expect(await runResourcePolicy(callbackAdoptExisting, adopting)).toEqual([
      'EventCallback "web-setting": adoptExisting is true, so this stack takes over and overwrites the callback setting that already exists in region "cn-shanghai". ' +
        'Fix: remove adoptExisting, or allow takeovers with {"ims-callback-adopt-existing": {"allow": true}} in the pack config (pulumi preview / up --policy-pack-config <file>). ' +
        'Recovering a create interrupted after its write (adoptExisting with deletionPolicy "clear") needs both: {"ims-callback-adopt-existing": {"allow": true}, "ims-callback-deletion-policy-clear": {"allow": true}}.',
    ]);
    expect(await runResourcePolicy(callbackAdoptExisting, adopting, { allow: "yes" })).toHaveLength(
      1,
    );
  });

  test("passes with allow: true in the pack config", async () => {
    expect(await runResourcePolicy(callbackAdoptExisting, adopting, { allow: true })).toEqual([]);
  });
});

describe("ims-callback-deletion-policy-clear", () => {
  const clearing = compliantHttpCallback({ deletionPolicy: "clear" });

  test("reports the clear deletion policy without an allow", async () => {
    const messages = await runResourcePolicy(callbackDeletionPolicyClear, clearing);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^EventCallback "web-setting": deletionPolicy is "clear", so destroying or replacing it empties region "cn-shanghai"'s callback setting/,
    );
    expect(messages[0]).toContain('Fix: use "restore" (the default) or "retain"');
  });

  test("passes with allow: true, and for the other policies or none", async () => {
    expect(await runResourcePolicy(callbackDeletionPolicyClear, clearing, { allow: true })).toEqual(
      [],
    );
    expect(
      await runResourcePolicy(
        callbackDeletionPolicyClear,
        compliantHttpCallback({ deletionPolicy: "retain" }),
      ),
    ).toEqual([]);
    expect(
      await runResourcePolicy(
        callbackDeletionPolicyClear,
        compliantHttpCallback({ deletionPolicy: undefined }),
      ),
    ).toEqual([]);
  });
});

describe("callback URLs are judged as parsed, and shown without user info or query", () => {
  const UNPARSABLE = "http://admin:PassW0rd@media.example.com:99999/ims?token=Tok";

  test.each<[string, ResourceValidationPolicy, Record<string, unknown>, Record<string, unknown>]>([
    ["ims-callback-url-https", callbackUrlHttps, {}, {}],
    ["ims-callback-http-authentication", callbackHttpAuthentication, { authKey: undefined }, {}],
    [
      "ims-callback-url-allowed-hosts",
      callbackUrlAllowedHosts,
      {},
      { allowedHosts: ["media.example.com"] },
    ],
  ])(
    "%s reports a URL that new URL cannot parse (port 99999) without its password or token",
    async (_name, policy, overrides, config) => {
      const messages = await runResourcePolicy(
        policy,
        compliantHttpCallback({ callbackUrl: UNPARSABLE, ...overrides }),
        config,
      );
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('callbackUrl "http://…@media.example.com:99999/ims?…"');
      expect(messages[0]).not.toMatch(/admin|PassW0rd|token|Tok/);
    },
  );

  test.each([
    "http:media.example.com/ims",
    "http:/media.example.com/ims",
    "http:\\\\media.example.com\\ims",
    "HTTP:media.example.com/ims",
    "https://media.example.com\\ims",
  ])("ims-callback-url-https refuses %j, which new URL would read as another URL", async (url) => {
    const messages = await runResourcePolicy(
      callbackUrlHttps,
      compliantHttpCallback({ callbackUrl: url }),
    );
    expect(messages).toEqual([
      `EventCallback "web-setting": callbackUrl ${JSON.stringify(url)} is not a well-formed http:// or https:// URL, so whether it uses https cannot be judged (a browser or HTTP client may read it as a plain-http URL). ` +
        "Fix: write it as https://<host>[:<port>]/<path>, with forward slashes and a port from 1 to 65535.",
    ]);
  });

  test("ims-callback-url-allowed-hosts refuses a URL whose host cannot be read", async () => {
    const messages = await runResourcePolicy(
      callbackUrlAllowedHosts,
      compliantHttpCallback({ callbackUrl: "https:attacker.example.net/ims" }),
      { allowedHostSuffixes: ["example.com"] },
    );
    expect(messages).toEqual([
      'EventCallback "web-setting": callbackUrl "https:attacker.example.net/ims" is not a well-formed http:// or https:// URL, so its host cannot be checked against the allowed hosts. ' +
        "Fix: write it as https://<host>[:<port>]/<path>, with an allowed host.",
    ]);
  });
});

describe("the recovery settings say how to allow them", () => {
  const RECOVERY_CONFIG =
    '{"ims-callback-adopt-existing": {"allow": true}, "ims-callback-deletion-policy-clear": {"allow": true}}';
  const recovering = compliantHttpCallback({ adoptExisting: true, deletionPolicy: "clear" });

  test.each<[string, ResourceValidationPolicy]>([
    ["ims-callback-adopt-existing", callbackAdoptExisting],
    ["ims-callback-deletion-policy-clear", callbackDeletionPolicyClear],
  ])(
    "%s names the --policy-pack-config file and the config that allows the recovery after an interrupted create",
    async (_name, policy) => {
      const [message] = await runResourcePolicy(policy, recovering);
      expect(message).toContain("--policy-pack-config <file>");
      expect(message).toContain(
        `Recovering a create interrupted after its write (adoptExisting with deletionPolicy "clear") needs both: ${RECOVERY_CONFIG}.`,
      );
    },
  );

  test("that config lets the recovery through both policies", async () => {
    for (const policy of [callbackAdoptExisting, callbackDeletionPolicyClear]) {
      expect(await runResourcePolicy(policy, recovering, { allow: true })).toEqual([]);
    }
  });
});

describe("a setting served by the provider plugin (PluginEventCallback, ImsCallback from YAML or Go)", () => {
  /** For each callback policy: a setting it refuses, with the pack config that makes it apply. */
  const refused: Array<[string, ResourceValidationPolicy, FakeResource, Record<string, unknown>]> =
    [
      [
        "ims-callback-url-https",
        callbackUrlHttps,
        compliantHttpCallback({ callbackUrl: "http://media.example.com/ims/events" }),
        {},
      ],
      [
        "ims-callback-http-authentication",
        callbackHttpAuthentication,
        compliantHttpCallback({ authKey: undefined }),
        {},
      ],
      [
        "ims-callback-url-allowed-hosts",
        callbackUrlAllowedHosts,
        compliantHttpCallback({ callbackUrl: "https://attacker.example.net/ims" }),
        { allowedHosts: ["media.example.com"] },
      ],
      [
        "ims-callback-allowed-regions",
        callbackAllowedRegions,
        compliantHttpCallback({ region: "eu-central-1", allowUndocumentedRegion: true }),
        {},
      ],
      [
        "ims-callback-required-events",
        callbackRequiredEvents,
        compliantHttpCallback(),
        { requiredEventTypes: ["SnapshotComplete"] },
      ],
      [
        "ims-callback-known-events",
        callbackKnownEvents,
        compliantHttpCallback({ eventTypes: ["ProduceMediaCompleted"] }),
        {},
      ],
      [
        "ims-callback-queue-name",
        callbackQueueName,
        compliantQueueCallback({ queueName: "orders" }),
        {},
      ],
      [
        "ims-callback-adopt-existing",
        callbackAdoptExisting,
        compliantHttpCallback({ adoptExisting: true }),
        {},
      ],
      [
        "ims-callback-deletion-policy-clear",
        callbackDeletionPolicyClear,
        compliantHttpCallback({ deletionPolicy: "clear" }),
        {},
      ],
    ];

  test("the cases cover every resource policy on callback settings", () => {
    // ims-callback-ram-least-privilege judges RAM resources, never a setting.
    const onSettings = resourcePolicies
      .map((p) => p.name)
      .filter((n) => n !== "ims-callback-ram-least-privilege");
    expect(refused.map(([name]) => name)).toEqual(onSettings);
  });

  test.each(refused)(
    "%s refuses it as it refuses the dynamic EventCallback",
    async (_name, policy, setting, config) => {
      const dynamic = await runResourcePolicy(policy, setting, config);
      expect(dynamic).toHaveLength(1);
      expect(await runResourcePolicy(policy, servedByPlugin(setting), config)).toEqual(dynamic);
    },
  );

  test.each(resourcePolicies.map((p) => [p.name, p] as const))(
    "%s accepts compliant HTTP and MNS settings served by the plugin",
    async (_name, policy) => {
      expect(await runResourcePolicy(policy, servedByPlugin(compliantHttpCallback()))).toEqual([]);
      expect(await runResourcePolicy(policy, servedByPlugin(compliantQueueCallback()))).toEqual([]);
    },
  );

  test("ims-callback-http-authentication reads the key the engine sends as a secret, and an empty secret as no key", async () => {
    const withKey = servedByPlugin(
      compliantHttpCallback({ authKey: secretOnTheWire("Sup3rSecretKeyValue") }),
    );
    const emptyKey = servedByPlugin(compliantHttpCallback({ authKey: secretOnTheWire("") }));
    const run = (setting: FakeResource) =>
      runResourcePolicy(callbackHttpAuthentication, {
        ...setting,
        props: asTheEngineSends(setting.props),
      });
    expect(await run(withKey)).toEqual([]);
    const messages = await run(emptyKey);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("authKey is not set");
  });
});

describe("ims-callback-http-authentication and a kept key (keepExistingAuthKey)", () => {
  const keeping = compliantHttpCallback({ authKey: undefined, keepExistingAuthKey: true });

  test.each([
    ["the dynamic EventCallback", keeping],
    ["the plugin's EventCallback", servedByPlugin(keeping)],
  ])(
    "refuses %s by default: the pack cannot see whether the region has a key, and says how to allow it",
    async (_kind, setting) => {
      expect(await runResourcePolicy(callbackHttpAuthentication, setting)).toEqual([
        'EventCallback "web-setting": keepExistingAuthKey keeps the key the region has without declaring one, so this pack cannot tell whether callback authentication is on ' +
          'for callbackUrl "https://media.example.com/ims/events" (a region without a key keeps it off). ' +
          "Fix: set authKey from a secret (stack config secret or @pulumi/random's RandomPassword), or, once the region is known to have a key " +
          '(pulumi import writes keepExistingAuthKey only then), allow kept keys with {"ims-callback-http-authentication": {"allowKeepExistingAuthKey": true}} ' +
          "in the pack config (pulumi preview / up --policy-pack-config <file>).",
      ]);
    },
  );

  test("accepts it with allowKeepExistingAuthKey: true, and only with true", async () => {
    for (const setting of [keeping, servedByPlugin(keeping)]) {
      expect(
        await runResourcePolicy(callbackHttpAuthentication, setting, {
          allowKeepExistingAuthKey: true,
        }),
      ).toEqual([]);
      expect(
        await runResourcePolicy(callbackHttpAuthentication, setting, {
          allowKeepExistingAuthKey: "yes",
        }),
      ).toHaveLength(1);
    }
  });

  test("the allow does not let a setting through that neither keeps nor declares a key", async () => {
    expect(
      await runResourcePolicy(
        callbackHttpAuthentication,
        compliantHttpCallback({ authKey: undefined, keepExistingAuthKey: false }),
        { allowKeepExistingAuthKey: true },
      ),
    ).toEqual([expect.stringContaining("authKey is not set")]);
  });

  test("waits for the update when keepExistingAuthKey is unknown at preview", async () => {
    expect(
      await runResourcePolicy(
        callbackHttpAuthentication,
        compliantHttpCallback({ authKey: undefined, keepExistingAuthKey: UNKNOWN_AT_PREVIEW }),
      ),
    ).toEqual([]);
  });
});
