/**
 * Data versions: a SHA-256 of a value's canonical, type-tagged encoding
 * (format 2, `weft-data-v2`, see _canonical-encoding.ts), the same bytes the
 * codec stores. The contract, in full in docs/internals/cache-data-versions.md:
 *
 * - Two values share a data version only if no node can tell them apart after
 *   the cache's round trip, and for every value with a data version
 *   `decodeValue(encodeValue(v))` is indistinguishable from `v`.
 * - "Indistinguishable" covers type, prototype, every own property (names,
 *   order, values, attributes), numbers by `Object.is` (`-0` is not `0`; NaN is
 *   one value), strings by code unit (lone surrogates included), Map and Set
 *   order, and frozenness. It does not cover identity: shared parts are
 *   encoded once per reference and decoded values share nothing; a typed
 *   array's value is its kind and the bytes it views, not its buffer or offset.
 * - What the format cannot reproduce exactly is refused with the path and one
 *   reason (`{ ok: false, path, reason }`), never collapsed: sparse arrays,
 *   extra array properties, symbol keys, non-enumerable, accessor or
 *   read-only properties, sealed objects, class instances without a
 *   registered codec (a codec's encoded form is its instances' value),
 *   functions, symbols, Promises, cycles, views of shared or resizable buffers.
 *
 * Cost follows what the value holds: the walk keeps its own stack (no depth
 * limit), a getter is never run, and a huge sparse array is refused after
 * listing only the elements it has. The encoding is the same on every
 * runtime, so a data version is too.
 *
 * @module
 */
import type { Fingerprint } from "../lib/ports/fingerprint.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { acquire } from "./_canonical-writer.ts";
import { FORMAT_PREFIX, walk } from "./_canonical-encoding.ts";

export type { Fingerprint };

/**
 * The data version of `value`, or why it has none.
 *
 * @example
 * ```ts
 * const fp = fingerprint({ a: 1, b: 2 }, hasher);
 * if (fp.ok) fp.dataVersion === fingerprint({ a: 1, b: 2 }, hasher).dataVersion; // true
 * fingerprint({ f: () => 1 }, hasher); // { ok: false, path: ".f", reason: "a function" }
 * fingerprint([1, , 3], hasher); // { ok: false, path: "", reason: "a sparse array (it has holes)" }
 * ```
 */
export function fingerprint(value: unknown, hasher: Hasher): Fingerprint {
  const w = acquire();
  w.start(hasher.sha256());
  let failure: { path: string; reason: string } | undefined;
  try {
    w.bytes(FORMAT_PREFIX);
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
  const preview = shortPreview(value);
  return preview === undefined ? { ok: true, dataVersion } : { ok: true, dataVersion, preview };
}

function shortPreview(v: unknown): string | undefined {
  switch (typeof v) {
    case "string": return v.length <= 40 ? JSON.stringify(v) : undefined;
    case "number": return Object.is(v, -0) ? "-0" : String(v);
    case "boolean": return String(v);
    case "bigint": return v.toString().length <= 40 ? `${v}n` : undefined;
    case "undefined": return "undefined";
  }
  return v === null ? "null" : undefined;
}
