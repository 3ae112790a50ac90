/**
 * What can cross a thread boundary by structured clone, found by an
 * iterative walk (no recursion: values may nest to any depth), and which
 * buffers may be transferred instead of copied.
 *
 * @module
 */

/** Why a value cannot be cloned, and where inside it. */
export interface CloneProblem {
  /** Path inside the value, e.g. `.rows[3].parse` ("" for the value itself). */
  readonly path: string;
  readonly detail: string;
}

const CLONEABLE_PROTOTYPES: ReadonlySet<unknown> = new Set(
  [
    Object.prototype, Array.prototype, Date.prototype, RegExp.prototype, Map.prototype, Set.prototype,
    ArrayBuffer.prototype, DataView.prototype, Error.prototype, EvalError.prototype, RangeError.prototype,
    ReferenceError.prototype, SyntaxError.prototype, TypeError.prototype, URIError.prototype,
    Boolean.prototype, Number.prototype, String.prototype, BigInt.prototype,
    globalThis.Blob?.prototype, globalThis.File?.prototype,
    globalThis.SharedArrayBuffer?.prototype,
  ].filter((p) => p !== undefined),
);

/** The first part of `value` that structured clone would reject or damage, if any. */
export function findCloneProblem(value: unknown): CloneProblem | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === "function") return { path, detail: `a function (${v.name || "anonymous"}) cannot be cloned` };
    if (typeof v === "symbol") return { path, detail: "a symbol cannot be cloned" };
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) continue;
    const proto = Object.getPrototypeOf(v);
    if (proto !== null && !CLONEABLE_PROTOTYPES.has(proto)) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name || "an unnamed class";
      return { path, detail: `an instance of ${name} would lose its prototype and methods; pass plain data` };
    }
    if (v instanceof Map) {
      let i = 0;
      for (const [k, item] of v) {
        stack.push([k, `${path}<map key ${i}>`], [item, `${path}.get(${describeKey(k)})`]);
        i++;
      }
    } else if (v instanceof Set) {
      let i = 0;
      for (const item of v) stack.push([item, `${path}<set item ${i++}>`]);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (!(v instanceof Date || v instanceof RegExp || v instanceof ArrayBuffer || v instanceof Error)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push([(v as Record<string, unknown>)[keys[i]!], `${path}.${keys[i]}`]);
    }
  }
  return undefined;
}

function describeKey(k: unknown): string {
  return typeof k === "string" ? JSON.stringify(k) : typeof k === "object" ? "<object>" : String(k);
}

/**
 * ArrayBuffers inside `value` that can be transferred: whole buffers of typed
 * arrays and plain ArrayBuffers. A view on part of a larger buffer (a pooled
 * Node Buffer, a subarray) is left to be copied, since transferring would
 * detach memory that other values may share.
 */
export function transferableBuffers(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof ArrayBuffer) {
      if (v.byteLength > 0) out.add(v);
    } else if (ArrayBuffer.isView(v)) {
      const b = v.buffer;
      if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && b.byteLength > 0) out.add(b);
    } else if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
    } else if (v instanceof Set) {
      for (const item of v) stack.push(item);
    } else if (Array.isArray(v)) {
      // Arrays of primitives are common and large: skip them cheaply.
      for (let i = 0; i < v.length; i++) if (typeof v[i] === "object") stack.push(v[i]);
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return [...out];
}
