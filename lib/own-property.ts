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

const PROTO = new TextEncoder().encode("__proto__");

/**
 * False when `bytes` (an encoding of a value) cannot hold the key `__proto__`
 * because they do not contain its text: a cheap test before {@link protoKeyPath}.
 */
export function mayHoldProtoKey(bytes: Uint8Array): boolean {
  const last = bytes.length - PROTO.length;
  outer: for (let i = bytes.indexOf(0x5f); i !== -1 && i <= last; i = bytes.indexOf(0x5f, i + 1)) {
    for (let j = 1; j < PROTO.length; j++) if (bytes[i + j] !== PROTO[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The path of the first object inside `value` with an own `__proto__` key
 * (`.rows[1]`, "" for `value` itself), or undefined. msgpackr reads such a key
 * back as `__proto_`, so encoders refuse these values rather than change them.
 */
export function protoKeyPath(value: unknown): string | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v !== "object" || v === null || seen.has(v) || ArrayBuffer.isView(v)) continue;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, item] of v) stack.push([k, `${path}<map key>`], [item, `${path}.get(${typeof k === "string" ? JSON.stringify(k) : "…"})`]);
    } else if (v instanceof Set) {
      for (const item of v) stack.push([item, `${path}<set item>`]);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === "object") stack.push([v[i], `${path}[${i}]`]);
    } else {
      if (Object.hasOwn(v, "__proto__")) return path;
      for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], `${path}.${k}`]);
    }
  }
  return undefined;
}
