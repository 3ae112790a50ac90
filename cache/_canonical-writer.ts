/**
 * A byte writer for the canonical encoding, with two sinks: a SHA-256
 * computation (a data version: the encoding is never held in memory whole) or
 * a list of parts (a stored value). Large binary payloads go to either sink
 * straight from the caller's view, without a copy.
 *
 * @module
 */
import type { HashState } from "../lib/ports/hasher.ts";

const CAPACITY = 64 * 1024;
/** Binary payloads at least this large skip the buffer and go to the sink directly. */
const DIRECT = 4 * 1024;
const encoder = new TextEncoder();

/** Writes tags, numbers, strings and bytes into a hash or into parts. One instance is reused; see {@link acquire}. */
export class CanonicalWriter {
  readonly #buf = new Uint8Array(CAPACITY);
  readonly #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #hash: HashState | undefined;
  #parts: Uint8Array[] | undefined;
  #size = 0;
  busy = false;

  /** Starts a data version: the bytes go to `hash`. */
  start(hash: HashState): void {
    this.#hash = hash;
    this.#parts = undefined;
    this.#pos = 0;
    this.busy = true;
  }

  /** Starts an encoding: the bytes are kept, see {@link finishBytes}. */
  startBytes(): void {
    this.#hash = undefined;
    this.#parts = [];
    this.#size = 0;
    this.#pos = 0;
    this.busy = true;
  }

  /** Ends a data version and returns the digest. */
  finish(): string {
    this.#flush();
    const hex = this.#hash!.hex();
    this.#hash = undefined;
    this.busy = false;
    return hex;
  }

  /** Ends an encoding and returns its parts (large payloads are views of the caller's values). */
  finishBytes(): { parts: Uint8Array[]; size: number } {
    this.#flush();
    const out = { parts: this.#parts!, size: this.#size };
    this.#parts = undefined;
    this.busy = false;
    return out;
  }

  /** Abandons the computation (after a value that has no canonical encoding). */
  abort(): void {
    this.#hash = undefined;
    this.#parts = undefined;
    this.busy = false;
  }

  #flush(): void {
    if (this.#pos === 0) return;
    if (this.#hash !== undefined) this.#hash.update(this.#buf.subarray(0, this.#pos));
    else {
      this.#parts!.push(this.#buf.slice(0, this.#pos));
      this.#size += this.#pos;
    }
    this.#pos = 0;
  }

  #room(n: number): void {
    if (this.#pos + n > CAPACITY) this.#flush();
  }

  tag(t: number): undefined {
    this.#room(1);
    this.#buf[this.#pos++] = t;
  }

  /** A tag followed by a length or count below 2^32, as a LEB128 varint (1 byte below 128). */
  tagLength(t: number, n: number): undefined {
    this.#room(6);
    this.#buf[this.#pos] = t;
    this.#pos = this.#varint(this.#pos + 1, n);
  }

  /** Writes `n` as the shortest LEB128 varint at `at`; returns the position after it. */
  #varint(at: number, n: number): number {
    const buf = this.#buf;
    while (n >= 0x80) {
      buf[at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[at++] = n;
    return at;
  }

  /**
   * A tag followed by a float64. `-0` keeps its sign; every NaN is written as
   * one fixed pattern (engines may canonicalise NaN payloads of numbers
   * anyway, so no node can rely on one).
   */
  tagNumber(t: number, x: number): undefined {
    this.#room(9);
    this.#buf[this.#pos] = t;
    if (x !== x) {
      this.#view.setUint32(this.#pos + 1, 0, true);
      this.#view.setUint32(this.#pos + 5, 0x7ff80000, true);
    } else this.#view.setFloat64(this.#pos + 1, x, true);
    this.#pos += 9;
  }

  /**
   * A number: an integer of 32 bits (not `-0`) under `tInt` in 4 bytes, any
   * other number under `tFloat` as a float64 (see {@link tagNumber}).
   */
  number(tInt: number, tFloat: number, x: number): undefined {
    if ((x | 0) !== x || (x === 0 && 1 / x < 0)) return this.tagNumber(tFloat, x);
    this.#room(5);
    this.#buf[this.#pos] = tInt;
    this.#view.setInt32(this.#pos + 1, x, true);
    this.#pos += 5;
  }

  /**
   * A tag and a string: UTF-8 when well formed; otherwise (lone surrogates,
   * which UTF-8 cannot carry) the UTF-16 code units under tag `t + 1`.
   */
  string(t: number, s: string): undefined {
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      this.tagLength(t + 1, s.length);
      for (let i = 0; i < s.length; i++) {
        this.#room(2);
        this.#view.setUint16(this.#pos, s.charCodeAt(i), true);
        this.#pos += 2;
      }
      return;
    }
    if (s.length * 3 + 6 > CAPACITY / 4) {
      const bytes = encoder.encode(s);
      this.tagLength(t, bytes.length);
      this.bytes(bytes);
      return;
    }
    // At most 3 bytes per UTF-16 unit: up to 42 units fit a one-byte length, written in place.
    const short = s.length <= 42;
    const gap = short ? 2 : 6;
    this.#room(s.length * 3 + gap);
    const at = this.#pos;
    const { written } = encoder.encodeInto(s, this.#buf.subarray(at + gap));
    this.#buf[at] = t;
    const end = short ? ((this.#buf[at + 1] = written), at + 2) : this.#varint(at + 1, written);
    if (end !== at + gap) this.#buf.copyWithin(end, at + gap, at + gap + written);
    this.#pos = end + written;
  }

  /** Raw bytes; large ones go to the sink in place. */
  bytes(b: Uint8Array): undefined {
    if (b.byteLength >= DIRECT) {
      this.#flush();
      if (this.#hash !== undefined) this.#hash.update(b);
      else {
        this.#parts!.push(b);
        this.#size += b.byteLength;
      }
      return;
    }
    this.#room(b.byteLength);
    this.#buf.set(b, this.#pos);
    this.#pos += b.byteLength;
  }
}

const shared = new CanonicalWriter();

/** The shared writer, or a fresh one when it is busy (a codec that fingerprints or encodes re-entrantly). */
export function acquire(): CanonicalWriter {
  return shared.busy ? new CanonicalWriter() : shared;
}
