/**
 * Objects keyed by request values. In a plain `{}` a key such as `__proto__` or `constructor`
 * reaches `Object.prototype` or `Object` (then `counters[action][region] = 1` writes into every
 * object of the process); these have no prototype, so every key is an own property and nothing
 * more. Fixed tables looked up with a request value go through {@link ownValue}.
 *
 * @packageDocumentation
 */

/**
 * An object without a prototype, holding `entries` (or the own enumerable properties of a record).
 *
 * @example
 * ```ts
 * const tags = keyMap<string>();
 * tags["__proto__"] = "x"; // an own property; Object.prototype is untouched
 * ```
 */
export function keyMap<T>(
  entries: Iterable<readonly [string, T]> | Readonly<Record<string, T>> = [],
): Record<string, T> {
  const result = Object.create(null) as Record<string, T>;
  const pairs =
    Symbol.iterator in entries
      ? (entries as Iterable<readonly [string, T]>)
      : Object.entries(entries as Readonly<Record<string, T>>);
  for (const [key, value] of pairs) result[key] = value;
  return result;
}

/**
 * `table[key]` when `key` is the table's own property, else `undefined`: `ownValue(table,
 * "constructor")` is not `Object`.
 *
 * @example
 * ```ts
 * ownValue({ lt: "<" }, "constructor"); // undefined
 * ```
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
