/**
 * Reads format 2 of the canonical encoding (written by _canonical-encoding.ts)
 * back into a value. Like the walk that wrote it, the reader keeps its own
 * stack: whatever depth was written can be read. Bytes no writer produced
 * raise an Error, never a wrong value or a hang (every child is at least one
 * byte, so a count larger than the bytes left is refused up front).
 *
 * @module
 */
import { T } from "./_canonical-encoding.ts";
import { elementSize, kindName, viewOf } from "./_typed-arrays.ts";
import { codecNamed } from "./codec-registry.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ARRAY = 0, OBJECT = 1, MAP = 2, SET = 3, CODEC = 4;

/** A container being filled: `left` children still to come. */
interface Open {
  readonly kind: number;
  readonly target: any;
  left: number;
  readonly frozen: boolean;
  /** The key of the object property or Map entry being read. */
  key: unknown;
  readonly name?: string;
}

/**
 * The value encoded in `bytes` from `start` to the end.
 *
 * @throws {Error} for bytes that are not one complete format-2 value
 */
export function readCanonical(bytes: Uint8Array, start: number): unknown {
  return new CanonicalReader(bytes, start).read();
}

class CanonicalReader {
  readonly #b: Uint8Array;
  readonly #v: DataView;
  #p: number;

  constructor(bytes: Uint8Array, start: number) {
    this.#b = bytes;
    this.#v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#p = start;
  }

  read(): unknown {
    const stack: Open[] = [];
    for (;;) {
      const top = stack[stack.length - 1];
      if (top?.kind === OBJECT) top.key = this.#string(this.#u8());
      let value = this.#value(stack);
      if (value === OPENED) continue;
      // Place the value; a container that is now complete is itself a value for its parent.
      for (;;) {
        const parent = stack[stack.length - 1];
        if (parent === undefined) {
          if (this.#p !== this.#b.byteLength) throw new Error(`${this.#b.byteLength - this.#p} bytes follow the value`);
          return value;
        }
        add(parent, value);
        if (--parent.left > 0) break;
        stack.pop();
        value = close(parent);
      }
    }
  }

  /** A leaf value, or OPENED after pushing a container (or an empty container's value). */
  #value(stack: Open[]): unknown {
    let tag = this.#u8();
    let frozen = false;
    if (tag === T.frozen) {
      frozen = true;
      tag = this.#u8();
      if (tag !== T.array && tag !== T.object && tag !== T.nullObject) throw new Error(`tag ${tag} cannot be frozen`);
    }
    switch (tag) {
      case T.undefined: return undefined;
      case T.null: return null;
      case T.false: return false;
      case T.true: return true;
      case T.number: return this.#f64();
      case T.int32: {
        this.#need(4);
        const x = this.#v.getInt32(this.#p, true);
        this.#p += 4;
        return x;
      }
      case T.bigint: {
        const hex = this.#string(T.string);
        return hex.startsWith("-") ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
      }
      case T.string: case T.string + 1: return this.#string(tag);
      case T.date: return new Date(this.#f64());
      case T.regexp: {
        const re = new RegExp(this.#string(this.#u8()), this.#string(this.#u8()));
        if (this.#u8() !== T.number) throw new Error("a RegExp without its lastIndex");
        re.lastIndex = this.#f64();
        return re;
      }
      case T.binary: {
        const kind = this.#u8();
        const length = this.#f64();
        const view = viewOf(kind, this.#copy(length));
        if (view === undefined) throw new Error(`this runtime has no ${kindName(kind)}`);
        if (length % elementSize(kind) !== 0) throw new Error(`${length} bytes do not fit ${kindName(kind)}`);
        return view;
      }
      case T.arrayBuffer: return this.#copy(this.#f64()).buffer;
      case T.array: return this.#open(stack, ARRAY, [], this.#count(), frozen);
      case T.object: return this.#open(stack, OBJECT, {}, this.#count(), frozen);
      case T.nullObject: return this.#open(stack, OBJECT, Object.create(null), this.#count(), frozen);
      case T.map: return this.#open(stack, MAP, new Map(), this.#count() * 2, false);
      case T.set: return this.#open(stack, SET, new Set(), this.#count(), false);
      case T.codec: {
        const name = this.#string(this.#u8());
        stack.push({ kind: CODEC, target: undefined, left: 1, frozen: false, key: undefined, name });
        return OPENED;
      }
    }
    throw new Error(`unknown tag ${tag} at byte ${this.#p - 1}`);
  }

  #open(stack: Open[], kind: number, target: object, left: number, frozen: boolean): unknown {
    if (left === 0) return close({ kind, target, left, frozen, key: undefined });
    stack.push({ kind, target, left, frozen, key: undefined });
    return OPENED;
  }

  #u8(): number {
    if (this.#p >= this.#b.byteLength) throw new Error("it ends in the middle of a value");
    return this.#b[this.#p++]!;
  }

  #need(n: number): void {
    if (this.#p + n > this.#b.byteLength) throw new Error("it ends in the middle of a value");
  }

  #f64(): number {
    this.#need(8);
    const x = this.#v.getFloat64(this.#p, true);
    this.#p += 8;
    return x;
  }

  /** A LEB128 varint below 2^32 (a length or a count); one byte below 128. */
  #u32(): number {
    const b = this.#b;
    const p = this.#p;
    if (p < b.byteLength && b[p]! < 0x80) {
      this.#p = p + 1;
      return b[p]!;
    }
    const { value, end } = longVarint(b, p);
    this.#p = end;
    return value;
  }

  /** A count of children, each at least one byte. */
  #count(): number {
    const n = this.#u32();
    if (n > this.#b.byteLength - this.#p) throw new Error(`a count of ${n} is larger than the bytes left`);
    return n;
  }

  #string(tag: number): string {
    if (tag === T.string + 1) {
      const n = this.#u32();
      this.#need(n * 2);
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(this.#v.getUint16(this.#p + 2 * i, true));
      this.#p += 2 * n;
      return s;
    }
    if (tag !== T.string && tag !== T.bigint) throw new Error(`tag ${tag} where a string belongs`);
    const n = this.#u32();
    this.#need(n);
    const b = this.#b;
    const at = this.#p;
    this.#p += n;
    if (n <= 32) return shortString(b, at, n);
    return utf8.decode(b.subarray(at, at + n));
  }

  /** The next `n` bytes in a buffer of their own (aligned for any typed array). */
  #copy(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a byte length of ${n}`);
    this.#need(n);
    // Uint8Array's slice copies; a Node Buffer's own slice() would return a view of the whole row.
    const out = Uint8Array.prototype.slice.call(this.#b, this.#p, this.#p + n);
    this.#p += n;
    return out;
  }
}

const OPENED = Symbol("opened");

function longVarint(b: Uint8Array, at: number): { value: number; end: number } {
  let n = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= b.byteLength) throw new Error("it ends in the middle of a value");
    const c = b[at++]!;
    n += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return { value: n, end: at };
    if (shift >= 28) throw new Error("a length of more than 32 bits");
  }
}

/** Recently decoded short strings (keys, mostly), by a hash of their bytes: a hit costs a byte comparison, not a new string. */
const recent: ({ bytes: Uint8Array; s: string } | undefined)[] = new Array(1024);

function shortString(b: Uint8Array, at: number, n: number): string {
  if (n === 0) return "";
  let h = n;
  for (let i = at; i < at + n; i++) h = (h * 31 + b[i]!) | 0;
  const slot = h & 1023;
  const hit = recent[slot];
  if (hit !== undefined && hit.bytes.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) if (hit.bytes[i] !== b[at + i]) { same = false; break; }
    if (same) return hit.s;
  }
  let s: string;
  let ascii = true;
  for (let i = at; i < at + n; i++) if (b[i]! >= 0x80) { ascii = false; break; }
  if (ascii) s = String.fromCharCode.apply(null, b.subarray(at, at + n) as unknown as number[]);
  else s = utf8.decode(b.subarray(at, at + n));
  // A copy: a Node Buffer's own slice() would alias bytes the caller may reuse.
  recent[slot] = { bytes: Uint8Array.prototype.slice.call(b, at, at + n), s };
  return s;
}

function add(o: Open, value: unknown): void {
  switch (o.kind) {
    case ARRAY: o.target.push(value); return;
    case OBJECT: {
      const key = o.key as string;
      // Assigning "__proto__" to an ordinary object would set its prototype; the value has an own property of that name.
      if (key === "__proto__") Object.defineProperty(o.target, key, { value, writable: true, enumerable: true, configurable: true });
      else o.target[key] = value;
      return;
    }
    case MAP:
      if (o.left % 2 === 0) o.key = value;
      else o.target.set(o.key, value);
      return;
    case SET: o.target.add(value); return;
    case CODEC: o.key = value; return;
  }
}

function close(o: Open): unknown {
  if (o.kind === CODEC) return codecNamed(o.name!).decode(o.key);
  return o.frozen ? Object.freeze(o.target) : o.target;
}
