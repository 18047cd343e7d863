/**
 * Physical names of the account-wide and regional resources the components create, and the naming
 * rules of RAM that a name must meet before any API call.
 *
 * @packageDocumentation
 */
import { createHash } from "node:crypto";

/** RAM's limit on policy names, in characters. */
export const MAX_POLICY_NAME_LENGTH = 128;

/** The prefix of the RAM policies the components name by default. */
export const POLICY_NAME_PREFIX = "ims-callback-";

/**
 * Why a name cannot be a RAM policy name (empty when it can): 1 to 128 letters, digits and hyphens,
 * unique in the account.
 *
 * @example
 * ```ts
 * policyNameProblems("ims_send"); // ['"ims_send" may contain only letters, digits and hyphens.']
 * ```
 */
export function policyNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name === "") {
    out.push("must not be empty; RAM policy names have 1 to 128 letters, digits and hyphens.");
    return out;
  }
  if (!/^[A-Za-z0-9-]*$/.test(name)) {
    out.push(
      `"${name}" may contain only letters, digits and hyphens (RAM's rule for policy names).`,
    );
  }
  if (name.length > MAX_POLICY_NAME_LENGTH) {
    out.push(
      `is ${name.length} characters; RAM policy names are at most ${MAX_POLICY_NAME_LENGTH}. Shorten it.`,
    );
  }
  return out;
}

/** What {@link stackScopedName} builds a name from. */
export interface StackScopedNameParts {
  /** Starts the name unchanged, e.g. `"ice-callback-"`. */
  readonly prefix: string;
  /** The Pulumi project. */
  readonly project: string;
  /** The Pulumi stack. */
  readonly stack: string;
  /** The component's name. */
  readonly name: string;
  /**
   * Ends the name unchanged, e.g. `"-send"`.
   *
   * @default ""
   */
  readonly suffix?: string;
  /**
   * Hashed with the other parts but not shown: a different variant gives a different name (e.g. a
   * policy per set of granted queues, so that a change of the set replaces the policy).
   *
   * @default undefined (the name depends on project, stack and name only)
   */
  readonly variant?: string;
  /** The service's limit on the whole name. */
  readonly maxLength: number;
}

/**
 * A physical name unique per project, stack and component name, made of letters, digits and
 * hyphens only and at most `maxLength` characters long:
 * `<prefix><project>-<stack>-<name>-<hash><suffix>`.
 *
 * RAM names are account-wide and queue names are per account and region, so two stacks (or two
 * projects) that use the same component name need different physical names. The readable part is
 * cleaned (any other character becomes a hyphen) and shortened to fit; the 8-hex-digit hash of the
 * exact values (and the variant, when given) keeps names apart that cleaning or shortening made alike (`a_b` and `a-b`, or
 * project `a-b` with stack `c` and project `a` with stack `b-c`).
 *
 * @example
 * ```ts
 * stackScopedName({ prefix: "ice-callback-", project: "shop", stack: "prod", name: "media", maxLength: 120 });
 * // "ice-callback-shop-prod-media-" + 8 hex digits
 * ```
 */
export function stackScopedName(parts: StackScopedNameParts): string {
  const { prefix, project, stack, name, suffix = "", variant, maxLength } = parts;
  const hashed = variant === undefined ? [project, stack, name] : [project, stack, name, variant];
  const hash = createHash("sha256").update(JSON.stringify(hashed)).digest("hex").slice(0, 8);
  const readable = [project, stack, name]
    .join("-")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  const room = maxLength - prefix.length - suffix.length - hash.length - 1;
  if (room < 0) {
    throw new RangeError(
      `stackScopedName: "${prefix}" and "${suffix}" leave no room within ${maxLength} characters.`,
    );
  }
  const shortened = readable.slice(0, room).replace(/-+$/, "");
  return `${prefix}${shortened === "" ? "" : `${shortened}-`}${hash}${suffix}`;
}
