/**
 * Cache keys: one hash of everything a node's result depends on.
 *
 * @module
 */
import type { Hasher } from "../lib/ports/hasher.ts";
import type { KeyParts } from "../lib/ports/metadata-store.ts";

/** The data version a parameter left to a non-literal default contributes (the default's text is in the code version). */
export { DEFAULT_INPUT } from "../lib/ports/cache.ts";

/**
 * The cache key of a node call: node name, code version (or the manual
 * version, which replaces it), and the data versions of its inputs and of
 * the config it reads. `previews` and `codeParts` do not count. Version 2:
 * code versions come from module source files (they changed meaning).
 *
 * @example
 * ```ts
 * const key = cacheKey({ node: "cleaned", codeVersion, inputs: { rawRows: dv }, config: {} }, hasher);
 * ```
 */
export function cacheKey(parts: KeyParts, hasher: Hasher): string {
  const code = parts.version !== undefined ? ["version", parts.version] : ["code", parts.codeVersion];
  // Every part is a string or a record of strings: JSON with sorted entries is canonical and unambiguous,
  // and measured at a third of the cost of the general fingerprint on this hot path.
  const text = JSON.stringify(["weft-key-v2", parts.node, code, sortedEntries(parts.inputs), sortedEntries(parts.config)]);
  const h = hasher.sha256();
  h.update(encoder.encode(text));
  return h.hex();
}

const encoder = new TextEncoder();

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  return keys.map((k) => [k, record[k]!]);
}
