/**
 * Secrets on the provider protocol: the plugin accepts secrets, so the engine sends secret values
 * wrapped (`{ <sig>: <secret sig>, value }`) and stores as secret what the plugin returns wrapped.
 * The runtime works on plain values; these helpers take the wrapping off on the way in and put it
 * back on the way out.
 *
 * @packageDocumentation
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** A property bag without secret wrappers, and which of its top-level properties held a secret. */
export interface Unwrapped {
  readonly value: Record<string, unknown>;
  readonly secretKeys: ReadonlySet<string>;
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

/** Whether `value` is or holds a secret wrapper. */
function holdsSecret(value: unknown): boolean {
  if (isSecretWrapper(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

function unwrapDeep(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapDeep(value.value);
  if (Array.isArray(value)) return value.map(unwrapDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapDeep(v)]));
  }
  return value;
}

/** Removes every secret wrapper from `bag`, noting the top-level properties that held one. */
export function unwrapSecrets(bag: Record<string, unknown> | undefined): Unwrapped {
  const secretKeys = new Set<string>();
  const value: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(bag ?? {})) {
    if (holdsSecret(v)) secretKeys.add(key);
    value[key] = unwrapDeep(v);
  }
  return { value, secretKeys };
}

/** `value` wrapped as a secret. */
export function secret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/**
 * `bag` with each property named in `secretKeys` wrapped as a secret (absent and `null` values are
 * left as they are: there is nothing to hide, and a wrapped `null` would show as `[secret]`).
 */
export function wrapSecrets(
  bag: Record<string, unknown>,
  secretKeys: Iterable<string>,
): Record<string, unknown> {
  const out = { ...bag };
  for (const key of secretKeys) {
    if (out[key] !== undefined && out[key] !== null && !isSecretWrapper(out[key])) {
      out[key] = secret(out[key]);
    }
  }
  return out;
}
