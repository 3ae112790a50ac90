/**
 * The one value plane of the BullMQ executor: a small value travels inline in
 * its job; a large one goes to the cache's result store, the store every node
 * result lives in, and only its data version (the cache's fingerprint)
 * travels. Every read by data version is verified, as every cache read is; a
 * value no cache entry points to is removed by `cache.gc()` once older than
 * its grace period.
 *
 * A value the cache cannot fingerprint, or any value when a side has no
 * cache, travels inline up to {@link MAX_INLINE_BYTES}; beyond that it is a
 * `SerializationError`: Redis is a queue, not a value store.
 *
 * @module
 */
import { describe, SerializationError } from "../lib/errors.ts";
import type { Cache } from "../lib/ports/cache.ts";
import { decodeWire, encodeWire, fromBase64, toBase64, type Wire } from "./wire-codec.ts";

/** The most bytes a value ever takes inline in a job or its result: 1 MiB. */
export const MAX_INLINE_BYTES = 1024 * 1024;

/** Where a value is going or coming from, for messages: `input "samples" of node "doubled"`. */
export interface ValueSite {
  readonly node: string;
  /** What the value is, as a phrase: `input "samples"`, `the result`, `the config`. */
  readonly what: string;
  /** How to make the value fit when it is too large to travel inline (differs on driver and worker). */
  readonly fix: string;
}

/** Inline up to `inlineLimit` bytes, through the cache above that. */
export class JobValues {
  /** The cache whose result store large values go through; `undefined`: everything inline. */
  readonly cache: Cache | undefined;
  readonly inlineLimit: number;

  constructor(cache: Cache | undefined, inlineLimit: number) {
    this.cache = cache;
    this.inlineLimit = inlineLimit;
  }

  /**
   * `value` on the wire.
   *
   * @throws {SerializationError} for a value that cannot be encoded, or that must travel inline and is larger than {@link MAX_INLINE_BYTES}
   */
  async put(value: unknown, site: ValueSite): Promise<Wire> {
    let bytes: Uint8Array;
    try {
      bytes = await encodeWire(value);
    } catch (e) {
      throw new SerializationError(site.node, "", `${site.what} cannot be encoded: ${describe(e)}`, { cause: e });
    }
    if (bytes.byteLength <= this.inlineLimit) return { i: toBase64(bytes) };
    const stored = this.#store(value);
    if (typeof stored !== "string") return stored;
    if (bytes.byteLength <= MAX_INLINE_BYTES) return { i: toBase64(bytes) };
    throw new SerializationError(site.node, "", `${site.what} takes ${bytes.byteLength} bytes, more than the ${MAX_INLINE_BYTES} a job carries inline, and ${stored}; ${site.fix}`);
  }

  /** The wire of a value stored in the cache, or why it could not be stored there. */
  #store(value: unknown): Wire | string {
    if (this.cache === undefined) return "there is no cache to pass it through";
    try {
      const fp = this.cache.putResult(value);
      if (fp.ok) return { d: fp.dataVersion };
      return `the cache cannot fingerprint it${fp.path === "" ? "" : ` at ${fp.path}`}: ${fp.reason}`;
    } catch (e) {
      return `the cache could not store it: ${describe(e)}`;
    }
  }

  /**
   * The value a wire carries. `missingCache` makes the error for a data
   * version when this side has no cache (the message differs on driver and worker).
   *
   * @throws {Error} from `unreadable` when the cache holds no readable value under the data version
   */
  async get(wire: Wire, missingCache: () => Error, unreadable: (dataVersion: string) => Error): Promise<unknown> {
    if ("i" in wire) return decodeWire(fromBase64(wire.i));
    if (this.cache === undefined) throw missingCache();
    const read = this.cache.result(wire.d);
    if (read === undefined) throw unreadable(wire.d);
    return read.value;
  }
}
