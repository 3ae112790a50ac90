/**
 * Lookups and writes by user-chosen name. Node, input, override, config and
 * output names are names like any other, `constructor`, `toString` and
 * `__proto__` included: a lookup must see only what the caller put there
 * (never `Object.prototype`), and a write must make an own property (never
 * call the `__proto__` setter).
 *
 * @module
 */

/** `obj[key]` when `obj` has its own property `key`, else undefined. */
export function ownValue(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Sets `obj[key] = value` as an own enumerable property, also for `__proto__`
 * (a plain assignment would change the object's prototype instead).
 *
 * @example
 * ```ts
 * const out: Record<string, unknown> = {};
 * setOwn(out, "__proto__", 1);
 * Object.keys(out); // ["__proto__"]
 * ```
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * An empty object with no prototype, for arguments a function destructures:
 * an optional `{ constructor = 1 }` falls back to its default instead of
 * receiving `Object`.
 */
export function bareRecord<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * True when `value` has the field `key`, own or from its class (getters),
 * but not from `Object.prototype`: `"constructor"` is a field only if the
 * value itself defines one.
 */
export function hasField(value: object, key: string): boolean {
  if (Object.hasOwn(value, key)) return true;
  // A class's `constructor` is the class, not a field of its instances.
  if (key === "constructor") return false;
  for (let o = Object.getPrototypeOf(value) as object | null; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, key)) return true;
  }
  return false;
}
