/**
 * The canonical encoding, format 2: one walk over a value that writes its
 * type-tagged bytes to a {@link CanonicalWriter}. Hashed, the bytes are the
 * value's data version (fingerprint.ts); kept, they are its stored form
 * (codec.ts, read back by _canonical-reader.ts). One walk for both is what
 * makes "equal data versions" and "decodes to the same value" the same thing.
 *
 * The walk refuses what it cannot reproduce exactly, with the path to it and
 * one reason; the contract is in docs/internals/cache-data-versions.md.
 *
 * @module
 */
import type { CanonicalWriter } from "./_canonical-writer.ts";
import { type WalkFrame, Kind, pathOf } from "./_fingerprint-frames.ts";
import { binaryKind, DATA_VIEW_CODE, kindPrototype } from "./_typed-arrays.ts";
import { codecFor } from "./codec-registry.ts";

/** Written first into every data version's hashed bytes: versions of another format can never be equal. */
export const FORMAT_PREFIX = new TextEncoder().encode("weft-data-v2");

/** Type tags of format 2 (written into hashes and stored values: never renumber within a format). */
export const T = {
  undefined: 0, null: 1, false: 2, true: 3, number: 4, bigint: 5, string: 6, /* 7: UTF-16 string */ int32: 8,
  array: 16, object: 17, map: 18, set: 19, date: 20, regexp: 21, nullObject: 22, frozen: 23,
  binary: 32, arrayBuffer: 33, codec: 48,
} as const;

/** Why a value has no canonical encoding: where, and what. */
export interface WalkFailure {
  readonly path: string;
  readonly reason: string;
}

/** Encodes `root` into `w`; returns the failure, if any. */
export function walk(root: unknown, w: CanonicalWriter): WalkFailure | undefined {
  const stack: WalkFrame[] = [];
  let active: Set<object> | undefined;
  let value = root;
  for (;;) {
    const reason = leaf(value, w);
    if (reason === CONTAINER) {
      const obj = value as object;
      if (onStack(stack, active, obj)) {
        const at = stack.findIndex((f) => f.obj === obj);
        return { path: pathOf(stack), reason: `a reference cycle back to ${pathOf(stack.slice(0, at)) || "the top level"}` };
      }
      const frame = open(obj, w);
      if (typeof frame === "string") return { path: pathOf(stack), reason: frame };
      if (stack.length >= SHALLOW) (active ??= new Set()).add(obj);
      stack.push(frame);
    } else if (reason !== undefined) return { path: pathOf(stack), reason };
    // Next value: the next child of the innermost unfinished container.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return undefined;
      if (top.kind === Kind.Array) primitives(top, w);
      if (top.i < top.n) {
        value = next(top, w);
        if (value === FAILED) return { path: pathOf(stack), reason: failure! };
        break;
      }
      stack.pop();
      if (stack.length >= SHALLOW) active!.delete(top.obj);
    }
  }
}

/** Frames below this depth are searched for cycles one by one; deeper ones are in a Set (scanning them would be quadratic). */
const SHALLOW = 16;

/** Whether `obj` is a container being walked: a cycle. */
function onStack(stack: readonly WalkFrame[], deep: Set<object> | undefined, obj: object): boolean {
  const n = Math.min(stack.length, SHALLOW);
  for (let i = 0; i < n; i++) if (stack[i]!.obj === obj) return true;
  return deep !== undefined && deep.has(obj);
}

/**
 * Writes the array's next elements while they are numbers or strings, in one
 * tight loop (a third of the walk's cost per element for arrays of numbers).
 */
function primitives(f: WalkFrame, w: CanonicalWriter): void {
  const arr = f.obj as unknown[];
  let i = f.i;
  for (; i < f.n; i++) {
    const v = arr[i];
    if (typeof v === "number") w.number(T.int32, T.number, v);
    else if (typeof v === "string") w.string(T.string, v);
    else break;
  }
  f.i = i;
}

const CONTAINER = "\0container";
const FAILED = Symbol("failed");
/** Why {@link next} returned FAILED (one walk at a time per writer; a re-entrant codec finishes its walk first). */
let failure: string | undefined;

/** Writes a value that has no children; CONTAINER for one that has, or the reason it cannot be encoded. */
function leaf(v: unknown, w: CanonicalWriter): string | undefined {
  switch (typeof v) {
    case "number": return w.number(T.int32, T.number, v);
    case "string": return w.string(T.string, v);
    case "boolean": return w.tag(v ? T.true : T.false);
    case "undefined": return w.tag(T.undefined);
    case "bigint": return w.string(T.bigint, v.toString(16));
    case "symbol": return "a symbol";
    case "function": return `a function${v.name ? ` ("${v.name}")` : ""}`;
  }
  if (v === null) return w.tag(T.null);
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null || proto === Array.prototype) return CONTAINER;
  if (ArrayBuffer.isView(v)) {
    const reason = binaryFailure(v, proto);
    if (reason === undefined) {
      w.tag(T.binary);
      w.tagNumber(binaryKind(v), v.byteLength);
      return w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    }
    if (reason !== SUBCLASS) return reason;
  } else if (proto === ArrayBuffer.prototype) {
    const reason = bufferFailure(v as ArrayBuffer) ?? shellFailure(v as object, "an ArrayBuffer");
    if (reason !== undefined) return reason;
    w.tagNumber(T.arrayBuffer, (v as ArrayBuffer).byteLength);
    return w.bytes(new Uint8Array(v as ArrayBuffer));
  } else if (proto === Date.prototype) {
    return shellFailure(v as object, "a Date") ?? w.tagNumber(T.date, (v as Date).getTime());
  } else if (proto === RegExp.prototype) {
    const re = v as RegExp;
    const reason = regExpFailure(re);
    if (reason !== undefined) return reason;
    w.tag(T.regexp);
    w.string(T.string, re.source);
    w.string(T.string, re.flags);
    return w.tagNumber(T.number, re.lastIndex);
  } else if (proto === Map.prototype || proto === Set.prototype) return CONTAINER;
  if (codecFor(v as object)) return CONTAINER;
  if (v instanceof Promise) return "a Promise; await it inside the node";
  if (Array.isArray(v)) return "an array whose prototype is not Array.prototype (a subclass, or an array of another realm)";
  const name = (v as object).constructor?.name || "anonymous";
  return `an instance of class "${name}" with no registered codec; register one with registerCodec({ name, class: ${name}, encode, decode })`;
}

/** Sentinel of {@link binaryFailure}: a subclass of a binary kind (a Node Buffer), which only a registered codec can carry. */
const SUBCLASS = "\0subclass";

/**
 * Why a typed array or DataView cannot be encoded exactly, or `undefined`.
 * Exported for the codec's raw format, which must refuse exactly what the walk refuses.
 */
export function binaryFailure(v: ArrayBufferView, proto: object | null): string | undefined {
  const kind = binaryKind(v);
  if (kind < 0) return "a binary view of an unknown kind";
  if (proto !== kindPrototype(kind)) return SUBCLASS;
  if (Object.getPrototypeOf(v.buffer) !== ArrayBuffer.prototype) return "a view of a SharedArrayBuffer";
  if (isResizable(v.buffer)) return "a view of a resizable ArrayBuffer";
  if (isDetached(v.buffer)) return "a view of a detached ArrayBuffer (transferred elsewhere)";
  // Named extra properties of a typed array are not looked for: listing them lists every index (about 700 ns
  // per element on Bun, a hundred times the cost of hashing the bytes); see docs/internals/cache-data-versions.md.
  if (kind === DATA_VIEW_CODE) return shellFailure(v, "a DataView");
  if (Object.getOwnPropertySymbols(v).length > 0) return "a typed array with a symbol-keyed property";
  if (!Object.isExtensible(v)) return "a non-extensible typed array";
  return undefined;
}

function bufferFailure(b: ArrayBuffer): string | undefined {
  if (isResizable(b)) return "a resizable ArrayBuffer";
  return isDetached(b) ? "a detached ArrayBuffer (transferred elsewhere)" : undefined;
}

/** A detached buffer (ES2024 `detached`) reads as empty; a decoded one would not be detached. */
export function isDetached(b: ArrayBufferLike): boolean {
  return (b as { detached?: boolean }).detached === true;
}

/** A resizable buffer (ES2024) can change length under a view; a decoded one would not. */
export function isResizable(b: ArrayBufferLike): boolean {
  return (b as { resizable?: boolean }).resizable === true;
}

/** Why an object that must carry no own properties (a Map, Set, Date, ArrayBuffer, DataView) cannot be encoded. */
function shellFailure(obj: object, what: string): string | undefined {
  const names = Object.getOwnPropertyNames(obj);
  if (names.length > 0) return `${what} with an own property "${names[0]}"`;
  const symbols = Object.getOwnPropertySymbols(obj);
  if (symbols.length > 0) return `${what} with a symbol-keyed property ${String(symbols[0])}`;
  if (!Object.isExtensible(obj)) return `a frozen, sealed or non-extensible ${what.replace(/^an? /, "")}`;
  return undefined;
}

function regExpFailure(re: RegExp): string | undefined {
  const names = Object.getOwnPropertyNames(re);
  if (names.length !== 1) return `a RegExp with an own property "${names.find((n) => n !== "lastIndex")}"`;
  if (Object.getOwnPropertySymbols(re).length > 0) return "a RegExp with a symbol-keyed property";
  if (!Object.isExtensible(re)) return "a frozen, sealed or non-extensible RegExp";
  const d = Object.getOwnPropertyDescriptor(re, "lastIndex")!;
  if (!d.writable) return "a RegExp whose lastIndex is read-only";
  if (typeof d.value !== "number") return "a RegExp whose lastIndex is not a number";
  return undefined;
}

/** Writes a container's header and returns its frame, or why it cannot be encoded. */
function open(obj: object, w: CanonicalWriter): WalkFrame | string {
  const proto = Object.getPrototypeOf(obj);
  if (proto === Array.prototype) {
    const arr = obj as unknown[];
    const frozen = integrity(arr, "array");
    if (typeof frozen === "string") return frozen;
    const symbols = Object.getOwnPropertySymbols(arr);
    if (symbols.length > 0) return `an array with a symbol-keyed property ${String(symbols[0])}`;
    // Every index and "length": fewer names means holes, more means extra properties (both at once is
    // caught by the hole check in next()). For a huge sparse array this lists only what it holds.
    const names = Object.getOwnPropertyNames(arr);
    if (names.length < arr.length + 1) return "a sparse array (it has holes)";
    if (names.length > arr.length + 1) return `an array with a property "${extraName(names)}" besides its elements`;
    if (frozen) w.tag(T.frozen);
    w.tagLength(T.array, arr.length);
    return { kind: Kind.Array, obj, i: 0, n: arr.length, keys: undefined, it: undefined, pending: undefined };
  }
  if (proto === Object.prototype || proto === null) {
    const what = proto === null ? "object with a null prototype" : "object";
    const frozen = integrity(obj, what);
    if (typeof frozen === "string") return frozen;
    const symbols = Object.getOwnPropertySymbols(obj);
    if (symbols.length > 0) return `an ${what} with a symbol-keyed property ${String(symbols[0])}`;
    const keys = Object.getOwnPropertyNames(obj);
    if (frozen) w.tag(T.frozen);
    w.tagLength(proto === null ? T.nullObject : T.object, keys.length);
    return { kind: Kind.Object, obj, i: 0, n: keys.length, keys, frozen, it: undefined, pending: undefined };
  }
  if (proto === Map.prototype || proto === Set.prototype) {
    const isMap = proto === Map.prototype;
    const reason = shellFailure(obj, isMap ? "a Map" : "a Set");
    if (reason !== undefined) return reason;
    const m = obj as Map<unknown, unknown> | Set<unknown>;
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
  w.tag(T.codec);
  w.string(T.string, codec.name);
  return { kind: Kind.Codec, obj, i: 0, n: 1, keys: [codec.name], it: undefined, pending: encoded };
}

/**
 * True for a frozen object (whose header then starts with the frozen tag), false for an ordinary one, or why it cannot be encoded (sealed or non-extensible only:
 * which properties stay writable is more than the format carries).
 */
function integrity(obj: object, what: string): boolean | string {
  if (Object.isExtensible(obj)) return false;
  if (!Object.isFrozen(obj)) return `a sealed or non-extensible ${what} (frozen ones are cached, these are not)`;
  return true;
}

const INDEX = /^(?:0|[1-9]\d*)$/;

function extraName(names: readonly string[]): string {
  for (let i = names.length - 1; i >= 0; i--) {
    const n = names[i]!;
    if (n !== "length" && !(INDEX.test(n) && Number(n) < 2 ** 32 - 1)) return n;
  }
  return "length";
}

/** The container's next child, advancing it; FAILED (reason in `failure`) for a property the format cannot carry. */
function next(f: WalkFrame, w: CanonicalWriter): unknown {
  const i = f.i++;
  switch (f.kind) {
    case Kind.Array: {
      const v = (f.obj as unknown[])[i];
      if (v === undefined && !(i in f.obj)) return fail("a hole (the array is sparse)");
      return v;
    }
    case Kind.Object: {
      const key = f.keys![i]!;
      // One descriptor read gives the value and what makes it more than a value; a getter is never run.
      const d = Object.getOwnPropertyDescriptor(f.obj, key)!;
      if (d.writable === undefined) return fail("an accessor property (a getter or setter)");
      if (!d.enumerable) return fail("a non-enumerable property");
      if (!f.frozen && !(d.writable && d.configurable)) return fail("a read-only or non-configurable property");
      w.string(T.string, key);
      return d.value;
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

function fail(reason: string): typeof FAILED {
  failure = reason;
  return FAILED;
}
