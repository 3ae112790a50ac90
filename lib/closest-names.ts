/**
 * "Did you mean": the known names close enough to a wrong one to be a likely
 * typo, for every message that rejects a name (the planner's unknown output,
 * `weft cache explain` of a node the cache does not know).
 *
 * @module
 */
import { distance } from "fastest-levenshtein";

/**
 * The names among `known` within a typo of `name`, closest first (ties keep
 * the order of `known`), at most `max` of them (3 by default). A typo is an
 * edit distance of up to a third of the name's length (at least 2), or a
 * difference in case only.
 *
 * @example
 * ```ts
 * closestNames("regionTotl", ["orders", "regionTotal", "regionTotals"]); // ["regionTotal", "regionTotals"]
 * ```
 */
export function closestNames(name: string, known: Iterable<string>, options: { readonly max?: number } = {}): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  const near: { name: string; d: number }[] = [];
  for (const candidate of known) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === lower ? 0 : distance(name, candidate);
    if (d <= limit) near.push({ name: candidate, d });
  }
  // Array.prototype.sort is stable: equal distances keep the order of `known`.
  return near.sort((a, b) => a.d - b.d).slice(0, options.max ?? 3).map((n) => n.name);
}
