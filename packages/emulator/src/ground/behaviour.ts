/**
 * The one place where the emulator documents what it does where Alibaba's public documentation
 * does not settle how the real IMS API behaves. Each choice can be switched per emulator.
 *
 * @packageDocumentation
 */
import { ownValue } from "./records";

/**
 * The emulator's answers to the questions the IMS API documentation leaves open. Every field is a
 * guess about the real service; tests that depend on one should run against each value.
 *
 * @example
 * ```ts
 * await startEmulator({ behaviour: { setSemantics: "replace" } });
 * ```
 */
export interface EmulatorBehaviour {
  /**
   * What `GetEventCallback` returns for a region whose setting was never written.
   *
   * - `"empty"`: every field present as `""`, except `AuthSwitch: "off"`.
   * - `"omitted"`: only `RequestId`.
   *
   * @default "empty"
   */
  readonly unconfiguredRead: "empty" | "omitted";
  /**
   * How `SetEventCallback` merges the request into the stored setting.
   *
   * - `"partial"`: only parameters present in the request change; an empty string that is sent
   *   does overwrite.
   * - `"replace"`: the request is the whole setting; parameters not sent become `""`.
   *
   * Under `"partial"`, the first Set of a never-configured region starts from the `"empty"` read
   * (every field `""`, `AuthSwitch: "off"`), whatever `unconfiguredRead` says.
   *
   * @default "partial"
   */
  readonly setSemantics: "partial" | "replace";
  /**
   * What `SetEventCallback` does with `EventTypeList=""` (the sibling VOD API documents that an
   * empty list turns every callback off).
   *
   * - `"allowed"`: stored as `""`, meaning no event is delivered.
   * - `"rejected"`: `400 InvalidParameter` naming `EventTypeList`.
   *
   * @default "allowed"
   */
  readonly emptyEventList: "allowed" | "rejected";
  /**
   * Whether IMS's own service grant (the system policy `AliyunICEDefaultRolePolicy` on
   * `AliyunICEDefaultRole`) already lets IMS send to queues named `ice-callback-*`, so that no
   * custom policy is needed for delivery into such a queue.
   *
   * - `"none"`: it does not; delivery needs an attached policy allowing `mns:SendMessage`.
   * - `"ice-callback-queues"`: it allows `mns:SendMessage` on `acs:mns:*:*:/queues/ice-callback-*`.
   *
   * @default "none"
   */
  readonly imsQueueGrant: "none" | "ice-callback-queues";
  /**
   * How IMS writes the event envelope into the queue's message body.
   *
   * - `"raw"`: the JSON text as it is.
   * - `"base64"`: the JSON text Base64-encoded (what MNS clients do when told to encode).
   *
   * @default "raw"
   */
  readonly queueMessageEncoding: "raw" | "base64";
}

/** The values of each {@link EmulatorBehaviour} switch, first value is the default. */
export const BEHAVIOUR_CHOICES: {
  readonly [K in keyof EmulatorBehaviour]: readonly EmulatorBehaviour[K][];
} = {
  unconfiguredRead: ["empty", "omitted"],
  setSemantics: ["partial", "replace"],
  emptyEventList: ["allowed", "rejected"],
  imsQueueGrant: ["none", "ice-callback-queues"],
  queueMessageEncoding: ["raw", "base64"],
};

/**
 * The behaviour used when none is given.
 *
 * @example
 * ```ts
 * DEFAULT_BEHAVIOUR.unconfiguredRead; // "empty"
 * ```
 */
export const DEFAULT_BEHAVIOUR: EmulatorBehaviour = Object.freeze({
  unconfiguredRead: "empty",
  setSemantics: "partial",
  emptyEventList: "allowed",
  imsQueueGrant: "none",
  queueMessageEncoding: "raw",
});

/**
 * Merges `overrides` (which may come from JSON or command-line flags) over `base`, throwing one
 * error that lists every unknown switch or value.
 *
 * @example
 * ```ts
 * resolveBehaviour({ setSemantics: "replace" }); // { unconfiguredRead: "empty", setSemantics: "replace", ... }
 * ```
 */
export function resolveBehaviour(
  overrides: unknown = {},
  base: EmulatorBehaviour = DEFAULT_BEHAVIOUR,
): EmulatorBehaviour {
  if (overrides === null || typeof overrides !== "object" || Array.isArray(overrides)) {
    throw new Error('behaviour must be an object such as {"setSemantics": "replace"}.');
  }
  const problems: string[] = [];
  const result: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const choices = ownValue<readonly string[]>(BEHAVIOUR_CHOICES, key);
    if (!choices) {
      problems.push(
        `Unknown behaviour switch '${key}'; known: ${Object.keys(BEHAVIOUR_CHOICES).join(", ")}.`,
      );
    } else if (typeof value !== "string" || !choices.includes(value)) {
      problems.push(
        `Behaviour '${key}' must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(value)}.`,
      );
    } else {
      result[key] = value;
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return Object.freeze(result) as unknown as EmulatorBehaviour;
}
