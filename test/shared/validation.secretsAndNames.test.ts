/**
 * Validation rules about the auth key (a secret: its problems must be reportable without showing
 * it; its length counted in characters) and the queue-name rename hint.
 */
import * as runtime from "../../lib/runtime/eventCallbackOperations";
import {
  authKeyProblem,
  queueNameProblems,
  validateCallbackInputs,
} from "../../lib/shared/validation";

const KEY_TOO_LONG = "Ab1" + "x".repeat(30); // 33 characters

describe("auth key problems", () => {
  it.each([
    [
      "too long",
      { callbackType: "HTTP", callbackUrl: "https://x.example.com", authKey: KEY_TOO_LONG },
    ],
    ["given for MNS", { callbackType: "MNS", queueName: "ice-callback-q", authKey: KEY_TOO_LONG }],
    [
      "not a string",
      { callbackType: "HTTP", callbackUrl: "https://x.example.com", authKey: 12345 },
    ],
  ])("are marked as about a secret value and never quote the key: %s", (_case, inputs) => {
    const problems = validateCallbackInputs({
      region: "cn-shanghai",
      eventTypes: ["ProduceMediaComplete"],
      ...inputs,
    });
    const about = problems.filter((p) => p.property === "authKey");
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({
      severity: "error",
      sensitiveValue: true,
      reason: expect.stringMatching(/^authKey: /),
    });
    expect(about[0].reason).not.toContain(String(inputs.authKey));
  });

  it("reach the engine without a property, so it prints no value, while the reason names authKey and the fix", async () => {
    const result = await runtime.check(
      {},
      {
        region: "cn-shanghai",
        callbackType: "HTTP",
        callbackUrl: "https://x.example.com",
        eventTypes: ["ProduceMediaComplete"],
        authKey: KEY_TOO_LONG,
      },
    );
    expect(result.failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          /^authKey: the key is 33 characters long \(at most 32\)\. .*RandomPassword/,
        ),
      },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain(KEY_TOO_LONG);
  });

  it("count characters (code points), not UTF-16 units", () => {
    const astral = "😀"; // one character, two UTF-16 units
    expect(authKeyProblem("Ab1" + astral.repeat(29))).toBeUndefined();
    expect(authKeyProblem("Ab1" + astral.repeat(30))).toContain(
      "is 33 characters long (at most 32)",
    );
  });
});

describe("queue rename hint", () => {
  it.each([
    ["ICE-CALLBACK-orders", "ice-callback-orders"],
    ["Ice-Callback-orders", "ice-callback-orders"],
    ["ice-callbackorders", "ice-callback-orders"],
    ["orders", "ice-callback-orders"],
  ])("%s is renamed to %s, the prefix not doubled", (name, suggestion) => {
    expect(queueNameProblems(name)[0]).toContain(`Rename it, e.g. "${suggestion}".`);
  });
});
