/**
 * How values travel between a driver and remote workers. Values are encoded
 * with msgpackr's structured-clone extensions (typed arrays, Map, Set, Date,
 * RegExp, Error, BigInt, cycles), which read the same on Bun, Deno and Node.
 * A small encoding travels inline in the job (base64, since BullMQ stores job
 * data as JSON); a large value goes to the cache's result store and only its
 * data version travels (see bullmq-values.ts).
 *
 * msgpackr is imported on first use, so that importing weft does not load it.
 *
 * @module
 */
import type { Packr } from "msgpackr";
import { mayHoldProtoKey, protoKeyPath } from "../lib/own-property.ts";

/** A value on the wire: inline bytes (base64) or the data version of a value in the cache's result store. */
export type Wire = { readonly i: string } | { readonly d: string };

let packr: Promise<Packr> | undefined;

function codec(): Promise<Packr> {
  // structuredClone keeps identity and cycles and enables the typed extensions;
  // the BigInt extension carries integers beyond 64 bits.
  packr ??= import("msgpackr").then(({ Packr }) => new Packr({ structuredClone: true, useBigIntExtension: true }));
  return packr;
}

/**
 * Encodes `value` to bytes. Functions and symbols must be ruled out before (they would be dropped).
 *
 * @throws {TypeError} for an object with an own key `__proto__`, which msgpackr would decode as
 *   `__proto_` (its guard against prototype pollution): refused rather than delivered changed
 */
export async function encodeWire(value: unknown): Promise<Uint8Array> {
  const bytes = (await codec()).pack(value);
  // The walk runs only when the bytes hold the text at all, so the common case costs one scan.
  if (mayHoldProtoKey(bytes)) {
    const path = protoKeyPath(value);
    if (path !== undefined) {
      throw new TypeError(`the key "__proto__" at ${path === "" ? "the top of the value" : path} cannot travel to a remote worker (msgpack reads it back as "__proto_"); rename the key`);
    }
  }
  return bytes;
}

/** Decodes bytes made by {@link encodeWire}. */
export async function decodeWire(bytes: Uint8Array): Promise<unknown> {
  return (await codec()).unpack(bytes);
}

/** `value` inline on the wire, whatever its size (errors, which are small). */
export async function inlineWire(value: unknown): Promise<Wire> {
  return { i: toBase64(await encodeWire(value)) };
}

type Base64Native = { toBase64?: () => string };
type Base64Ctor = { fromBase64?: (text: string) => Uint8Array };

/** Base64 of `bytes`; native where the runtime has it (Bun, Deno), chunked `btoa` elsewhere. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Base64Native).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of a base64 string. */
export function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as Base64Ctor).fromBase64;
  if (typeof native === "function") return native(text);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
