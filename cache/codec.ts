/**
 * The portable binary codec of stored results. Two formats, told apart by the
 * first byte:
 *
 * - `0x01` + MessagePack (msgpackr, records on, `moreTypes`): any value the
 *   fingerprint accepts — Map, Set, Date, RegExp, BigInt of any size,
 *   `undefined`, typed arrays, nested values, registered classes.
 * - `0x02` + a 16-byte header + raw bytes, for a typed array, DataView or
 *   ArrayBuffer at the top level: no per-element work, the bytes go to the
 *   file as they are and come back as a view over the bytes read.
 *
 * msgpackr is pure JavaScript with the same output on every runtime, so a
 * result written on Bun reads on Deno and Node.
 *
 * @module
 */
import { Packr } from "msgpackr";
import { mayHoldProtoKey, protoKeyPath } from "../lib/own-property.ts";
import { binaryKind, kindName, viewOf } from "./_typed-arrays.ts";

/** A value's encoding, in parts so a large payload is never copied into one buffer. */
export interface EncodedValue {
  readonly parts: readonly Uint8Array[];
  readonly size: number;
}

const MSGPACK = 0x01;
const RAW = 0x02;
/** Raw header: format, kind, 6 bytes of padding, byte length as float64; 16 bytes keeps the body 8-aligned. */
export const RAW_HEADER_SIZE = 16;
const ARRAY_BUFFER_KIND = 0xff;

const packr = new Packr({
  moreTypes: true,
  // BigInts stay BigInts: 64-bit ones as MessagePack int64, larger ones through msgpackr's BigInt extension.
  int64AsType: "bigint",
  useBigIntExtension: true,
  // Records (msgpackr's default) keep plain objects and Maps apart on decode.
  useRecords: true,
  // msgpackr would quietly write a function as nil; the fingerprint refuses them, so should the codec.
  writeFunction: () => {
    throw new Error("a function cannot be stored");
  },
});

/**
 * Encodes a value the fingerprint accepted.
 *
 * @throws {Error} when msgpackr cannot encode it (the caller reports it as a SerializationError)
 */
export function encodeValue(value: unknown): EncodedValue {
  if (value instanceof ArrayBuffer || (ArrayBuffer.isView(value) && binaryKind(value) >= 0)) {
    const view = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const header = new Uint8Array(RAW_HEADER_SIZE);
    header[0] = RAW;
    header[1] = value instanceof ArrayBuffer ? ARRAY_BUFFER_KIND : binaryKind(value as ArrayBufferView);
    new DataView(header.buffer).setFloat64(8, view.byteLength, true);
    return { parts: [header, view], size: RAW_HEADER_SIZE + view.byteLength };
  }
  const body = packr.pack(value) as Uint8Array;
  // msgpackr reads an own key "__proto__" back as "__proto_": refuse the value rather than store a changed one.
  const at = mayHoldProtoKey(body) ? protoKeyPath(value) : undefined;
  if (at !== undefined) throw new Error(`the key "__proto__" at ${at === "" ? "the top of the value" : at} cannot be stored (MessagePack reads it back as "__proto_")`);
  return { parts: [Uint8Array.of(MSGPACK), body], size: 1 + body.byteLength };
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
 * not start with a raw header (a MessagePack encoding).
 *
 * @throws {Error} for a header no encoder wrote
 */
export function rawBodyLength(bytes: Uint8Array): number | undefined {
  if (bytes[0] === MSGPACK) return undefined;
  if (bytes[0] !== RAW || bytes.byteLength < RAW_HEADER_SIZE) throw new Error("it does not start with a weft codec header");
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
  if (length === undefined) return packr.unpack(bytes.subarray(1));
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
