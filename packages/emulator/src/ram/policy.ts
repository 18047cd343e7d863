/**
 * RAM's policies as documents: the system policies the emulator knows, the document checks
 * (CreatePolicy, CreateRole), and the evaluation that decides whether a role may act on a resource.
 *
 * @packageDocumentation
 */
import type { EmulatorBehaviour } from "../ground/behaviour";
import { ApiError } from "../ground/errors";
import { keyMap } from "../ground/records";

/** The system policy attached to IMS's service role when IMS is activated. */
export const IMS_SERVICE_ROLE_POLICY = "AliyunICEDefaultRolePolicy";

/** Longest policy document accepted, characters. */
const MAX_POLICY_DOCUMENT_LENGTH = 6144;

/** A RAM error (codes and messages as RAM answers them). */
export const ramError = (
  code: ConstructorParameters<typeof ApiError>[0],
  message: string,
): ApiError => new ApiError(code, message);

/** A system policy: its description and its document under the behaviour in force. */
export interface SystemPolicy {
  readonly description: string;
  readonly document: (behaviour: EmulatorBehaviour) => object;
}

const allow = (action: string | string[], resource: string | string[]): object => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
});

/**
 * The system policies the emulator knows (`PolicyType: "System"`). The content of
 * `AliyunICEDefaultRolePolicy` depends on the `imsQueueGrant` behaviour.
 */
export const SYSTEM_POLICIES: Readonly<Record<string, SystemPolicy>> = keyMap({
  [IMS_SERVICE_ROLE_POLICY]: {
    description: "Default policy of the IMS service role.",
    document: (behaviour) => ({
      Version: "1",
      Statement: [
        allow(["oss:GetObject", "oss:PutObject", "oss:ListObjects"], "*"),
        ...(behaviour.imsQueueGrant === "ice-callback-queues"
          ? [allow("mns:SendMessage", "acs:mns:*:*:/queues/ice-callback-*")]
          : []),
      ],
    }),
  },
  AliyunMNSFullAccess: {
    description: "Full access to MNS.",
    document: () => ({ Version: "1", Statement: [allow("mns:*", "*")] }),
  },
  AliyunMNSReadOnlyAccess: {
    description: "Read-only access to MNS.",
    document: () => ({ Version: "1", Statement: [allow(["mns:Get*", "mns:List*"], "*")] }),
  },
  AliyunICEFullAccess: {
    description: "Full access to IMS.",
    document: () => ({ Version: "1", Statement: [allow("ice:*", "*")] }),
  },
  AliyunICEReadOnlyAccess: {
    description: "Read-only access to IMS.",
    document: () => ({
      Version: "1",
      Statement: [allow(["ice:Get*", "ice:List*", "ice:Describe*", "ice:Search*"], "*")],
    }),
  },
});

/** The names of the system policies the emulator knows. */
export const SYSTEM_POLICY_NAMES: readonly string[] = Object.keys(SYSTEM_POLICIES);

/** `value` as a list (RAM accepts a single value where a list is expected). */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Checks a permission or trust policy document as RAM does: JSON, `Version` "1", a non-empty
 * `Statement` list whose entries have `Effect` Allow/Deny and string `Action` and (for permission
 * policies) `Resource` entries. Throws `MalformedPolicyDocument` with the detail.
 */
export function checkPolicyDocument(
  document: string,
  kind: "permission" | "trust" = "permission",
): void {
  if (document.length > MAX_POLICY_DOCUMENT_LENGTH) {
    throw ramError(
      "InvalidParameter.PolicyDocument.Length",
      `The maximum length of the policy document is exceeded. It must not exceed ${MAX_POLICY_DOCUMENT_LENGTH} characters.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw ramError("MalformedPolicyDocument", "The policy document is not valid JSON.");
  }
  const policy = parsed as { Version?: unknown; Statement?: unknown } | null;
  if (typeof policy !== "object" || policy === null || Array.isArray(policy))
    throw ramError("MalformedPolicyDocument", "The policy document must be a JSON object.");
  if (policy.Version !== "1")
    throw ramError("MalformedPolicyDocument", 'The policy document must have "Version": "1".');
  const statements = policy.Statement === undefined ? [] : asList(policy.Statement);
  if (statements.length === 0)
    throw ramError(
      "MalformedPolicyDocument",
      "The policy document must have at least one Statement.",
    );
  for (const [i, statement] of statements.entries()) {
    const s = statement as Record<string, unknown> | null;
    const where = `Statement[${i}]`;
    if (typeof s !== "object" || s === null)
      throw ramError("MalformedPolicyDocument", `${where} must be an object.`);
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
      throw ramError("MalformedPolicyDocument", `${where}.Effect must be Allow or Deny.`);
    const fields = kind === "permission" ? ["Action", "Resource"] : ["Action", "Principal"];
    for (const field of fields) {
      const alternative = `Not${field}`;
      const value = s[field] ?? s[alternative];
      if (value === undefined)
        throw ramError("MalformedPolicyDocument", `${where} must have ${field}.`);
      if (field !== "Principal" && asList(value).some((v) => typeof v !== "string" || v === "")) {
        throw ramError(
          "MalformedPolicyDocument",
          `${where}.${field} must be a string or a list of strings.`,
        );
      }
    }
  }
}

/** Whether `pattern` (with `*` for any run of characters) matches `value` in full. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = `^${pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*")}$`;
  return new RegExp(source, ignoreCase ? "is" : "s").test(value);
}

/** The outcome of evaluating a role's policies for one action on one resource. */
export interface PolicyDecision {
  /** `true` when an Allow statement matched and no Deny did. */
  readonly allowed: boolean;
  /** Why, e.g. `"allowed by Custom policy ims-send"` or `"no policy allows it"`. */
  readonly reason: string;
}

/** A policy attached to a role, as the evaluation sees it. */
export interface AttachedPolicy {
  /** How a decision names it, e.g. `"Custom policy ims-send"`. */
  readonly name: string;
  /** Its document (default version), or `undefined` when it no longer exists. */
  readonly document: string | undefined;
}

/**
 * Evaluates `policies` (attached to `roleName`) for `action` on `resource`: an explicit Deny wins,
 * otherwise one matching Allow is needed. Statements with a `Condition`, `NotAction` or
 * `NotResource` are not evaluated (they never match).
 */
export function evaluatePolicies(
  policies: readonly AttachedPolicy[],
  roleName: string,
  action: string,
  resource: string,
): PolicyDecision {
  let allowedBy: string | undefined;
  for (const policy of policies) {
    const text = policy.document;
    if (text === undefined) continue;
    let statements: unknown[];
    try {
      statements = asList((JSON.parse(text) as { Statement?: unknown }).Statement ?? []);
    } catch {
      continue;
    }
    for (const statement of statements as Record<string, unknown>[]) {
      if (typeof statement !== "object" || statement === null || statement.Condition !== undefined)
        continue;
      if (statement.Action === undefined || statement.Resource === undefined) continue;
      const actionMatches = asList(statement.Action).some(
        (a) => typeof a === "string" && wildcardMatch(a, action, true),
      );
      const resourceMatches = asList(statement.Resource).some(
        (r) => typeof r === "string" && wildcardMatch(r, resource),
      );
      if (!actionMatches || !resourceMatches) continue;
      const name = policy.name;
      if (statement.Effect === "Deny") return { allowed: false, reason: `denied by ${name}` };
      if (statement.Effect === "Allow") allowedBy ??= name;
    }
  }
  return allowedBy
    ? { allowed: true, reason: `allowed by ${allowedBy}` }
    : {
        allowed: false,
        reason: `no policy attached to ${roleName} allows ${action} on ${resource}`,
      };
}
