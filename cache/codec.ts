/**
 * The portable binary codec of stored results. Two formats, told apart by the
 * first byte (older weft versions wrote `0x01` MessagePack and `0x02` raw;
 * those bytes are refused, so the store treats them as damaged: a miss):
 *
 * - `0x03` + the canonical encoding (format 2, the bytes a data version
 *   hashes): any value the fingerprint accepts, reproduced exactly in the
 *   sense of docs/internals/cache-data-versions.md (`-0`, lone surrogates, null
 *   prototypes, `"__proto__"` keys, property order, frozen objects, RegExp
 *   `lastIndex`, registered classes, nesting of any depth).
 * - `0x04` + a 16-byte header + raw bytes, for a typed array, DataView or
 *   ArrayBuffer at the top level: no per-element work, the bytes go to the
 *   file as they are and come back as a view over the bytes read.
 *
 * The encoding is plain JavaScript with the same output on every runtime, so
 * a result written on Bun reads on Deno and Node.
 *
 * @module
 */
import type { Hasher } from "../lib/ports/hasher.ts";
import { binaryFailure, FORMAT_PREFIX, isDetached, isResizable, T, walk } from "./_canonical-encoding.ts";
import { readCanonical } from "./_canonical-reader.ts";
import { acquire } from "./_canonical-writer.ts";
import { binaryKind, kindName, viewOf } from "./_typed-arrays.ts";

/** A value's encoding, in parts so a large payload is never copied into one buffer. */
export interface EncodedValue {
  readonly parts: readonly Uint8Array[];
  readonly size: number;
}

const CANONICAL = 0x03;
const RAW = 0x04;
/** Format bytes of earlier weft versions, whose decoding rules lost information (`-0`, holes, lone surrogates). */
const RETIRED: Record<number, string> = { 0x01: "MessagePack", 0x02: "raw" };
/** Raw header: format, kind, 6 bytes of padding, byte length as float64; 16 bytes keeps the body 8-aligned. */
export const RAW_HEADER_SIZE = 16;
const ARRAY_BUFFER_KIND = 0xff;

/**
 * Encodes a value the fingerprint accepted.
 *
 * @throws {Error} for a value the fingerprint refuses, with the same reason and path
 */
export function encodeValue(value: unknown): EncodedValue {
  const r = tryEncodeValue(value);
  if (!r.ok) throw new Error(`${r.path === "" ? "" : `at ${r.path}: `}${r.reason}`);
  return r.encoded;
}

/**
 * {@link encodeValue} that says why instead of throwing: what the cache calls
 * on a computed result, whose data version is then the hash of the encoding
 * ({@link dataVersionOfParts}), so the value is walked once, not twice.
 */
export function tryEncodeValue(value: unknown): { readonly ok: true; readonly encoded: EncodedValue } | { readonly ok: false; readonly path: string; readonly reason: string } {
  const raw = rawView(value);
  if (raw !== undefined) {
    const header = new Uint8Array(RAW_HEADER_SIZE);
    header[0] = RAW;
    header[1] = value instanceof ArrayBuffer ? ARRAY_BUFFER_KIND : binaryKind(value as ArrayBufferView);
    new DataView(header.buffer).setFloat64(8, raw.byteLength, true);
    return { ok: true, encoded: { parts: [header, raw], size: RAW_HEADER_SIZE + raw.byteLength } };
  }
  const w = acquire();
  w.startBytes();
  let failure;
  try {
    w.tag(CANONICAL);
    failure = walk(value, w);
  } catch (e) {
    w.abort();
    throw e;
  }
  if (failure !== undefined) {
    w.abort();
    return { ok: false, ...failure };
  }
  return { ok: true, encoded: w.finishBytes() };
}

/** {@link dataVersionOfEncoding} of an encoding still in its parts, as {@link encodeValue} returns it. */
export function dataVersionOfParts(encoded: EncodedValue, hasher: Hasher): string {
  const [first] = encoded.parts;
  if (first === undefined || first[0] !== CANONICAL) return dataVersionOfRaw(first!, encoded.parts[1]!, hasher);
  const h = hasher.sha256();
  h.update(FORMAT_PREFIX);
  h.update(first.subarray(1));
  for (let i = 1; i < encoded.parts.length; i++) h.update(encoded.parts[i]!);
  return h.hex();
}

/** The bytes of a top-level binary value the raw format carries exactly, or `undefined`. */
function rawView(value: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(value)) {
    if (binaryFailure(value, Object.getPrototypeOf(value)) !== undefined) return undefined;
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== ArrayBuffer.prototype) return undefined;
  const b = value as ArrayBuffer;
  // Anything unusual (own properties, resizable) goes through the walk, which refuses it with its reason.
  if (isResizable(b) || isDetached(b) || Reflect.ownKeys(b).length > 0 || !Object.isExtensible(b)) return undefined;
  return new Uint8Array(b);
}

/**
 * The data version of the value an encoding holds, from the bytes alone: the
 * canonical format is what a data version hashes, so checking stored bytes
 * against their data version needs no decoding (and no walk of the value).
 *
 * @throws {Error} for bytes that do not start with a header of this version
 * @example
 * ```ts
 * dataVersionOfEncoding(joinParts(encodeValue(v)), hasher) === fingerprint(v, hasher).dataVersion; // true
 * ```
 */
export function dataVersionOfEncoding(bytes: Uint8Array, hasher: Hasher): string {
  const length = rawBodyLength(bytes);
  if (length === undefined) {
    const h = hasher.sha256();
    h.update(FORMAT_PREFIX);
    h.update(bytes.subarray(1));
    return h.hex();
  }
  return dataVersionOfRaw(bytes, bytes.subarray(RAW_HEADER_SIZE), hasher);
}

/**
 * {@link dataVersionOfEncoding} for a raw encoding read in two parts, its
 * header and its body (a blob file read straight into the value's buffer).
 */
export function dataVersionOfRaw(header: Uint8Array, body: Uint8Array, hasher: Hasher): string {
  const h = hasher.sha256();
  h.update(FORMAT_PREFIX);
  // The walk writes a top-level binary value as its tag, its kind (not for an ArrayBuffer), its byte length as a float64, and its bytes.
  const head = new Uint8Array(10);
  const kind = header[1]!;
  const at = kind === ARRAY_BUFFER_KIND ? 1 : 2;
  head[0] = kind === ARRAY_BUFFER_KIND ? T.arrayBuffer : T.binary;
  if (at === 2) head[1] = kind;
  new DataView(head.buffer).setFloat64(at, body.byteLength, true);
  h.update(head.subarray(0, at + 8));
  h.update(body);
  return h.hex();
}

/** The parts of an encoding as one buffer (for values small enough to keep in SQLite). */
export function joinParts(encoded: EncodedValue): Uint8Array {
  if (encoded.parts.length === 1) return encoded.parts[0]!;
  const out = new Uint8Array(encoded.size);
  let at = 0;
  for (const p of encoded.parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * The body length a raw header announces, or `undefined` when `bytes` does
 * not start with a raw header (a canonical encoding).
 *
 * @throws {Error} for a header no encoder of this version wrote
 */
export function rawBodyLength(bytes: Uint8Array): number | undefined {
  if (bytes[0] === CANONICAL) return undefined;
  if (bytes[0] !== RAW || bytes.byteLength < RAW_HEADER_SIZE) {
    const retired = RETIRED[bytes[0]!];
    if (retired !== undefined) throw new Error(`it is in the ${retired} format of an earlier weft version, which this version does not read`);
    throw new Error("it does not start with a weft codec header");
  }
  return new DataView(bytes.buffer, bytes.byteOffset, RAW_HEADER_SIZE).getFloat64(8, true);
}

/**
 * Decodes a whole encoding. Raw bodies are copied into a fresh buffer, so a
 * typed array comes back with a buffer of its own (byteOffset 0, exact length).
 *
 * @throws {Error} when the bytes are not a valid encoding
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const length = rawBodyLength(bytes);
  if (length === undefined) return readCanonical(bytes, 1);
  if (bytes.byteLength !== RAW_HEADER_SIZE + length) throw new Error(`its raw body has ${bytes.byteLength - RAW_HEADER_SIZE} bytes, its header says ${length}`);
  // Uint8Array's slice copies; a Node Buffer's own slice() would return a view of the whole row.
  return decodeRawBody(bytes, Uint8Array.prototype.slice.call(bytes, RAW_HEADER_SIZE));
}

/**
 * The value of a raw encoding from its header and its body. `body` must own
 * its buffer exactly (byteOffset 0, no spare bytes): the result is a view
 * over it, without a copy.
 *
 * @throws {Error} for an unknown kind or a length that does not fit it
 */
export function decodeRawBody(header: Uint8Array, body: Uint8Array): unknown {
  const kind = header[1]!;
  if (kind === ARRAY_BUFFER_KIND) return body.buffer;
  const view = viewOf(kind, body);
  if (view === undefined) throw new Error(`this runtime has no ${kindName(kind)}`);
  return view;
}
