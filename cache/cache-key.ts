/**
 * Cache keys: one hash of everything a node's result depends on.
 *
 * @module
 */
import type { Hasher } from "../lib/ports/hasher.ts";
import type { KeyParts } from "../lib/ports/metadata-store.ts";
import { fingerprint } from "./fingerprint.ts";

/** The data version a parameter left to its default contributes (the default's text is in the code version). */
export const DEFAULT_INPUT = "default";

/**
 * The cache key of a node call: node name, code version (or the manual
 * version, which replaces it), and the data versions of its inputs and of
 * the config it reads. `previews` do not count.
 *
 * @example
 * ```ts
 * const key = cacheKey({ node: "cleaned", codeVersion, inputs: { rawRows: dv }, config: {} }, hasher);
 * ```
 */
export function cacheKey(parts: KeyParts, hasher: Hasher): string {
  const code = parts.version !== undefined ? ["version", parts.version] : ["code", parts.codeVersion];
  const fp = fingerprint(["weft-key-v1", parts.node, code, parts.inputs, parts.config], hasher);
  // Every part is a string or a record of strings, which always fingerprint.
  if (!fp.ok) throw new TypeError(`cacheKey() expects strings in its key parts: ${fp.reason} at ${fp.path}`);
  return fp.dataVersion;
}
