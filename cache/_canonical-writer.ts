/**
 * A byte writer that streams into a SHA-256 computation: the canonical
 * encoding of a value is never held in memory whole, and large binary
 * payloads are hashed straight from the caller's view, without a copy.
 *
 * @module
 */
import type { HashState } from "../lib/ports/hasher.ts";

const CAPACITY = 64 * 1024;
/** Binary payloads at least this large skip the buffer and go to the hash directly. */
const DIRECT = 4 * 1024;
const encoder = new TextEncoder();

/** Writes tags, numbers, strings and bytes into a hash. One instance is reused; see {@link acquire}. */
export class CanonicalWriter {
  readonly #buf = new Uint8Array(CAPACITY);
  readonly #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #hash: HashState | undefined;
  busy = false;

  start(hash: HashState): void {
    this.#hash = hash;
    this.#pos = 0;
    this.busy = true;
  }

  /** Ends the computation and returns the digest. */
  finish(): string {
    this.#flush();
    const hex = this.#hash!.hex();
    this.#hash = undefined;
    this.busy = false;
    return hex;
  }

  /** Abandons the computation (after an unfingerprintable value). */
  abort(): void {
    this.#hash = undefined;
    this.busy = false;
  }

  #flush(): void {
    if (this.#pos > 0) this.#hash!.update(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }

  #room(n: number): void {
    if (this.#pos + n > CAPACITY) this.#flush();
  }

  tag(t: number): undefined {
    this.#room(1);
    this.#buf[this.#pos++] = t;
  }

  /** A tag followed by a 32-bit length or count. */
  tagLength(t: number, n: number): undefined {
    this.#room(5);
    this.#buf[this.#pos] = t;
    this.#view.setUint32(this.#pos + 1, n, true);
    this.#pos += 5;
  }

  /** A tag followed by a float64; -0 and every NaN are written as 0 and one NaN (see the fingerprint docs). */
  tagNumber(t: number, x: number): undefined {
    this.#room(9);
    this.#buf[this.#pos] = t;
    if (x !== x) {
      // setFloat64(NaN) may write any NaN bit pattern; write one fixed pattern instead.
      this.#view.setUint32(this.#pos + 1, 0, true);
      this.#view.setUint32(this.#pos + 5, 0x7ff80000, true);
    } else this.#view.setFloat64(this.#pos + 1, x === 0 ? 0 : x, true);
    this.#pos += 9;
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
    if (s.length * 3 + 5 > CAPACITY / 4) {
      const bytes = encoder.encode(s);
      this.tagLength(t, bytes.length);
      this.bytes(bytes);
      return;
    }
    this.#room(s.length * 3 + 5);
    const { written } = encoder.encodeInto(s, this.#buf.subarray(this.#pos + 5));
    this.#buf[this.#pos] = t;
    this.#view.setUint32(this.#pos + 1, written, true);
    this.#pos += 5 + written;
  }

  /** Raw bytes; large ones are hashed in place. */
  bytes(b: Uint8Array): undefined {
    if (b.byteLength >= DIRECT) {
      this.#flush();
      this.#hash!.update(b);
      return;
    }
    this.#room(b.byteLength);
    this.#buf.set(b, this.#pos);
    this.#pos += b.byteLength;
  }
}

const shared = new CanonicalWriter();

/** The shared writer, or a fresh one when it is busy (a getter or a codec that fingerprints re-entrantly). */
export function acquire(): CanonicalWriter {
  return shared.busy ? new CanonicalWriter() : shared;
}
