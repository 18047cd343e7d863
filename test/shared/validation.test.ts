import {
  authKeyProblem,
  queueNameProblems,
  validateCallbackInputs,
  type CallbackInputsToValidate,
} from "../../lib/shared/validation";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const httpBase: CallbackInputsToValidate = {
  region: "cn-shanghai",
  callbackType: "HTTP",
  callbackUrl: "https://media.example.com/ims",
  eventTypes: ["ProduceMediaComplete"],
};
const mnsBase: CallbackInputsToValidate = {
  region: "cn-shanghai",
  callbackType: "MNS",
  queueName: "ice-callback-orders",
  eventTypes: ["ProduceMediaComplete"],
};

describe("validateCallbackInputs", () => {
  it("accepts a valid HTTP setting with an auth key and a valid MNS setting", () => {
    expect(validateCallbackInputs({ ...httpBase, authKey: "Abc123" })).toEqual([]);
    expect(validateCallbackInputs(mnsBase)).toEqual([]);
  });

  const errorCases: Array<[string, CallbackInputsToValidate, string]> = [
    [
      "missing region",
      { ...httpBase, region: undefined },
      'region: required. Set it to the IMS region of this setting, e.g. "cn-shanghai".',
    ],
    [
      "undocumented region",
      { ...httpBase, region: "eu-central-1" },
      'region: "eu-central-1" is not a documented IMS region (cn-beijing, cn-hangzhou, cn-shanghai, cn-shenzhen, ap-southeast-1, us-west-1). Use one of them, or set allowUndocumentedRegion: true if IMS has launched there since.',
    ],
    [
      "bad callbackType",
      { ...httpBase, callbackType: "SMS" },
      'callbackType: must be "HTTP" or "MNS", got "SMS".',
    ],
    [
      "HTTP without URL",
      { ...httpBase, callbackUrl: undefined },
      'callbackUrl: required when callbackType is "HTTP". Set it to the http(s) URL that receives the events.',
    ],
    [
      "non-http URL",
      { ...httpBase, callbackUrl: "ftp://example.com/x" },
      'callbackUrl: must be an http:// or https:// URL, got "ftp://example.com/x".',
    ],
    [
      "two URLs",
      { ...httpBase, callbackUrl: "https://a.example.com,https://b.example.com" },
      'callbackUrl: holds more than one URL ("http://" or "https://" appears 2 times); IMS accepts exactly one. Keep one URL; a URL inside a query value must be percent-encoded.',
    ],
    [
      "URL over 256 bytes",
      { ...httpBase, callbackUrl: `https://example.com/${"a".repeat(240)}` },
      "callbackUrl: is 260 bytes; IMS accepts at most 256. Use a shorter URL.",
    ],
    [
      "MNS without queue",
      { ...mnsBase, queueName: undefined },
      'queueName: required when callbackType is "MNS". Set it to a queue in the same region whose name starts with "ice-callback-".',
    ],
    [
      "queue without prefix",
      { ...mnsBase, queueName: "orders" },
      'queueName: "orders" must start with "ice-callback-" (IMS writes only to such queues). Rename it, e.g. "ice-callback-orders".',
    ],
    [
      "queue with bad characters",
      { ...mnsBase, queueName: "ice-callback-a_b" },
      'queueName: "ice-callback-a_b" may contain only letters, digits and hyphens.',
    ],
    [
      "queue over 120 characters",
      { ...mnsBase, queueName: `ice-callback-${"q".repeat(108)}` },
      "queueName: is 121 characters; queue names are at most 120. Shorten it.",
    ],
    [
      "empty event list",
      { ...httpBase, eventTypes: [] },
      'eventTypes: must list at least one event type, e.g. ["ProduceMediaComplete"]. To stop callbacks in a region, delete the resource (see deletionPolicy) instead of sending an empty list.',
    ],
    [
      "event with a comma",
      { ...httpBase, eventTypes: ["A,B"] },
      'eventTypes: "A,B" contains a comma, which IMS reads as the separator between names; list each event name as its own entry.',
    ],
    [
      "auth key too weak",
      { ...httpBase, authKey: "abcdef" },
      "authKey: the key lacks an upper-case letter, a digit. IMS requires at most 32 characters with upper-case letters, lower-case letters and digits; generate one, e.g. with @pulumi/random's RandomPassword.",
    ],
    [
      "auth key too long",
      { ...httpBase, authKey: `Ab1${"x".repeat(30)}` },
      "authKey: the key is 33 characters long (at most 32). IMS requires at most 32 characters with upper-case letters, lower-case letters and digits; generate one, e.g. with @pulumi/random's RandomPassword.",
    ],
    [
      "auth key for MNS",
      { ...mnsBase, authKey: "Abc123" },
      'authKey: callback authentication applies to the HTTP method only. Remove authKey, or use callbackType "HTTP".',
    ],
    [
      "URL for MNS",
      { ...mnsBase, callbackUrl: "https://a.example.com" },
      'callbackUrl: is only used with callbackType "HTTP". Remove it, or use callbackType "HTTP".',
    ],
    [
      "queue for HTTP",
      { ...httpBase, queueName: "ice-callback-x" },
      'queueName: is only used with callbackType "MNS". Remove it, or use callbackType "MNS".',
    ],
    [
      "bad deletion policy",
      { ...httpBase, deletionPolicy: "purge" },
      'deletionPolicy: must be "restore", "clear" or "retain", got "purge".',
    ],
    [
      "non-boolean adoptExisting",
      { ...httpBase, adoptExisting: "yes" },
      'adoptExisting: must be true or false, got "yes".',
    ],
  ];
  it.each(errorCases)("%s", (_label, inputs, reason) => {
    const errors = validateCallbackInputs(inputs).filter((p) => p.severity === "error");
    expect(errors.map((p) => p.reason)).toEqual([reason]);
    expect(reason.startsWith(`${errors[0].property}: `)).toBe(true);
  });

  const warningCases: Array<[string, CallbackInputsToValidate, string]> = [
    [
      "plain http",
      { ...httpBase, callbackUrl: "http://media.example.com/ims" },
      "callbackUrl: uses plain http: events and their signature headers travel unencrypted. Use https:// where the receiver supports it.",
    ],
    [
      "misspelt event",
      { ...httpBase, eventTypes: ["ProduceMediaComplet"] },
      'eventTypes: "ProduceMediaComplet" is not in the known event catalogue; did you mean "ProduceMediaComplete"? It is sent as given (IMS adds events over time), so check the spelling.',
    ],
    [
      "retired event",
      { ...httpBase, eventTypes: ["TranscodeComplete"] },
      'eventTypes: "TranscodeComplete" is retired by IMS on 2025-12-31; move to its successor in the IMS event list (e.g. MediaConvertComplete).',
    ],
  ];
  it.each(warningCases)("warns for %s and reports no error", (_label, inputs, reason) => {
    const problems = validateCallbackInputs(inputs);
    expect(problems).toEqual([{ property: reason.split(":")[0], reason, severity: "warning" }]);
  });

  it("reports every problem at once", () => {
    const problems = validateCallbackInputs({
      region: "mars-1",
      callbackType: "MNS",
      queueName: "orders",
      eventTypes: [],
      authKey: "k",
    });
    expect(problems.map((p) => p.property)).toEqual([
      "region",
      "queueName",
      "eventTypes",
      "authKey",
    ]);
  });

  it("accepts an undocumented region when allowed", () => {
    expect(
      validateCallbackInputs({
        ...httpBase,
        region: "eu-central-1",
        allowUndocumentedRegion: true,
      }),
    ).toEqual([]);
  });

  it("skips values unknown at preview", () => {
    const isUnknown = (v: unknown) => v === UNKNOWN;
    expect(
      validateCallbackInputs(
        { ...httpBase, region: UNKNOWN, callbackUrl: UNKNOWN, eventTypes: [UNKNOWN] },
        isUnknown,
      ),
    ).toEqual([]);
    expect(validateCallbackInputs({ ...httpBase, eventTypes: UNKNOWN }, isUnknown)).toEqual([]);
  });

  it("never puts the auth key into a message", () => {
    const key = "secretvalue-no-digits";
    const problems = validateCallbackInputs({ ...httpBase, authKey: key });
    expect(problems).toHaveLength(1);
    expect(problems[0].reason).not.toContain(key);
  });
});

describe("queueNameProblems and authKeyProblem", () => {
  it("accepts good names and keys", () => {
    expect(queueNameProblems("ice-callback-Prod-01")).toEqual([]);
    expect(authKeyProblem("Abcdefgh12345678Abcdefgh12345678")).toBeUndefined();
  });
  it("suggests the prefixed name without doubling a partial prefix", () => {
    expect(queueNameProblems("ice-callbackorders")[0]).toContain('e.g. "ice-callback-orders"');
  });
  it("rejects whitespace in a key", () => {
    expect(authKeyProblem("Abc 123")).toContain("contains whitespace");
  });
});
