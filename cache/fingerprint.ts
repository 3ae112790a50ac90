/**
 * Data versions: a SHA-256 of a value's canonical, type-tagged encoding.
 *
 * - Every value carries a type tag, so `1`, `"1"`, `1n` and `[1]` differ.
 * - Plain objects hash their own enumerable string keys in sorted order, so
 *   key order does not count. Map and Set entries hash in iteration order,
 *   which code can observe (a reordered Map is a different value).
 * - Typed arrays and DataViews hash their kind, length and bytes; ArrayBuffers
 *   their bytes; Dates their time; RegExps their source and flags.
 * - `-0` hashes as `0` and every NaN alike (they are `===`-equal, or all NaN,
 *   and the codec stores `-0` as `0`).
 * - Instances of a class with a registered codec hash as the codec's name and
 *   encoded form; any other class instance, a function, a symbol or a cycle
 *   makes the value unfingerprintable, with the path to the culprit.
 *
 * Nesting depth is unbounded: the walk keeps its own stack. The encoding is
 * the same on every runtime, so a data version is too.
 *
 * @module
 */
import type { Fingerprint } from "../lib/ports/fingerprint.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { acquire, type CanonicalWriter } from "./_canonical-writer.ts";
import { binaryKind } from "./_typed-arrays.ts";
import { codecFor } from "./codec-registry.ts";
import { type Frame, Kind, pathOf } from "./_fingerprint-frames.ts";

export type { Fingerprint };

/** Type tags of the canonical encoding (written into every hash: never renumber). */
const T = {
  undefined: 0, null: 1, false: 2, true: 3, number: 4, bigint: 5, string: 6, /* 7: UTF-16 string */
  array: 16, object: 17, map: 18, set: 19, date: 20, regexp: 21,
  binary: 32, arrayBuffer: 33, codec: 48,
} as const;

/**
 * The data version of `value`, or why it has none.
 *
 * @example
 * ```ts
 * const fp = fingerprint({ b: 2, a: 1 }, hasher);
 * if (fp.ok) fp.dataVersion === fingerprint({ a: 1, b: 2 }, hasher).dataVersion; // true
 * fingerprint({ f: () => 1 }, hasher); // { ok: false, path: ".f", reason: "a function" }
 * ```
 */
export function fingerprint(value: unknown, hasher: Hasher): Fingerprint {
  const w = acquire();
  w.start(hasher.sha256());
  let failure: { path: string; reason: string } | undefined;
  try {
    failure = walk(value, w);
  } catch (e) {
    w.abort();
    throw e;
  }
  if (failure !== undefined) {
    w.abort();
    return { ok: false, ...failure };
  }
  const dataVersion = w.finish();
  const preview = previewOf(value);
  return preview === undefined ? { ok: true, dataVersion } : { ok: true, dataVersion, preview };
}

/** Encodes `root` into `w`; returns the failure, if any. */
function walk(root: unknown, w: CanonicalWriter): { path: string; reason: string } | undefined {
  const stack: Frame[] = [];
  let active: Set<object> | undefined;
  let value = root;
  for (;;) {
    const reason = leaf(value, w);
    if (reason === CONTAINER) {
      const obj = value as object;
      active ??= new Set();
      if (active.has(obj)) {
        const at = stack.findIndex((f) => f.obj === obj);
        return { path: pathOf(stack), reason: `a reference cycle back to ${pathOf(stack.slice(0, at)) || "the top level"}` };
      }
      const frame = open(obj, w);
      if (typeof frame === "string") return { path: pathOf(stack), reason: frame };
      active.add(obj);
      stack.push(frame);
    } else if (reason !== undefined) return { path: pathOf(stack), reason };
    // Next value: the next child of the innermost unfinished container.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return undefined;
      if (top.i < top.n) {
        value = next(top, w);
        break;
      }
      stack.pop();
      active!.delete(top.obj);
    }
  }
}

const CONTAINER = "\0container";

/** Writes a value that has no children; CONTAINER for one that has, or the reason it cannot be hashed. */
function leaf(v: unknown, w: CanonicalWriter): string | undefined {
  switch (typeof v) {
    case "number": return w.tagNumber(T.number, v);
    case "string": return w.string(T.string, v);
    case "boolean": return w.tag(v ? T.true : T.false);
    case "undefined": return w.tag(T.undefined);
    case "bigint": return w.string(T.bigint, v.toString(16));
    case "symbol": return "a symbol";
    case "function": return `a function${v.name ? ` ("${v.name}")` : ""}`;
  }
  if (v === null) return w.tag(T.null);
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null || Array.isArray(v)) return CONTAINER;
  if (ArrayBuffer.isView(v)) {
    const kind = binaryKind(v);
    if (kind < 0) return "a binary view of an unknown kind";
    w.tag(T.binary);
    w.tagNumber(kind, v.byteLength);
    return w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  if (proto === ArrayBuffer.prototype) {
    w.tagNumber(T.arrayBuffer, (v as ArrayBuffer).byteLength);
    return w.bytes(new Uint8Array(v as ArrayBuffer));
  }
  if (proto === Date.prototype) return w.tagNumber(T.date, (v as Date).getTime());
  if (proto === RegExp.prototype) {
    w.string(T.regexp, (v as RegExp).source);
    return w.string(T.string, (v as RegExp).flags);
  }
  if (proto === Map.prototype || proto === Set.prototype || codecFor(v as object)) return CONTAINER;
  if (v instanceof Promise) return "a Promise; await it inside the node";
  const name = (v as object).constructor?.name || "anonymous";
  return `an instance of class "${name}" with no registered codec; register one with registerCodec({ name, class: ${name}, encode, decode })`;
}

/** Writes a container's header and returns its frame, or why it cannot be hashed. */
function open(obj: object, w: CanonicalWriter): Frame | string {
  if (Array.isArray(obj)) {
    w.tagLength(T.array, obj.length);
    return { kind: Kind.Array, obj, i: 0, n: obj.length, keys: undefined, it: undefined, pending: undefined };
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(obj).sort();
    w.tagLength(T.object, keys.length);
    return { kind: Kind.Object, obj, i: 0, n: keys.length, keys, it: undefined, pending: undefined };
  }
  if (proto === Map.prototype || proto === Set.prototype) {
    const m = obj as Map<unknown, unknown> | Set<unknown>;
    const isMap = proto === Map.prototype;
    w.tagLength(isMap ? T.map : T.set, m.size);
    // A Map entry is two children, key then value.
    return { kind: isMap ? Kind.Map : Kind.Set, obj, i: 0, n: isMap ? m.size * 2 : m.size, keys: undefined, it: m.values(), pending: isMap ? (m as Map<unknown, unknown>).entries() : undefined };
  }
  const codec = codecFor(obj)!;
  let encoded: unknown;
  try {
    encoded = codec.encode(obj);
  } catch (e) {
    return `the codec "${codec.name}" failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  w.string(T.codec, codec.name);
  return { kind: Kind.Codec, obj, i: 0, n: 1, keys: [codec.name], it: undefined, pending: encoded };
}

/** The container's next child, advancing it. */
function next(f: Frame, w: CanonicalWriter): unknown {
  const i = f.i++;
  switch (f.kind) {
    case Kind.Array: return (f.obj as unknown[])[i];
    case Kind.Object: {
      const key = f.keys![i]!;
      w.string(T.string, key);
      return (f.obj as Record<string, unknown>)[key];
    }
    case Kind.Set: return f.it!.next().value;
    case Kind.Map: {
      if (i % 2 === 0) {
        const entry = (f.pending as Iterator<[unknown, unknown]>).next().value!;
        f.current = entry;
        return entry[0];
      }
      return f.current![1];
    }
    case Kind.Codec: return f.pending;
  }
}

function previewOf(v: unknown): string | undefined {
  switch (typeof v) {
    case "string": return v.length <= 40 ? JSON.stringify(v) : undefined;
    case "number": case "boolean": return String(v);
    case "bigint": return v.toString().length <= 40 ? `${v}n` : undefined;
    case "undefined": return "undefined";
  }
  return v === null ? "null" : undefined;
}
