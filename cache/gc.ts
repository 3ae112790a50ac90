/**
 * Garbage collection across the two stores: results no entry points to,
 * results unused for longer than `maxAgeMs`, the least recently used results
 * beyond `maxBytes`, and blob files no result points to.
 *
 * @module
 */
import type { MetadataStore } from "../lib/ports/metadata-store.ts";
import type { GcOptions, GcReport } from "../lib/ports/cache.ts";
import type { ResultStore } from "../lib/ports/result-store.ts";

/** Ten minutes: far longer than any batch takes between writing its results and its entries. */
export const DEFAULT_GRACE_MS = 10 * 60 * 1000;

/**
 * Removes what `options` allows and returns what went.
 *
 * @example
 * ```ts
 * collectGarbage({ metadata, results }, { maxBytes: 1e9, maxAgeMs: 30 * 86_400_000 }, Date.now());
 * ```
 */
export function collectGarbage(
  stores: { readonly metadata: MetadataStore; readonly results: ResultStore },
  options: GcOptions & { readonly fileGraceMs?: number },
  now: number,
): GcReport {
  const { metadata, results } = stores;
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const usage = metadata.usage();
  const doomed = new Set<string>();
  const alive: { dataVersion: string; size: number; used: number }[] = [];
  const sizes = new Map<string, number>();
  for (const r of results.list()) {
    sizes.set(r.dataVersion, r.size);
    const used = usage.get(r.dataVersion);
    // An unreferenced result younger than the grace period may be waiting for its entry in a batch in flight.
    if (used === undefined ? now - r.createdAt >= grace : options.maxAgeMs !== undefined && now - used > options.maxAgeMs) {
      doomed.add(r.dataVersion);
    } else alive.push({ dataVersion: r.dataVersion, size: r.size, used: used ?? r.createdAt });
  }
  if (options.maxBytes !== undefined) {
    let total = alive.reduce((sum, r) => sum + r.size, 0);
    alive.sort((a, b) => a.used - b.used);
    for (const r of alive) {
      if (total <= options.maxBytes) break;
      doomed.add(r.dataVersion);
      total -= r.size;
    }
  }
  const list = [...doomed];
  // Results before their entries: on a full disk, removing results frees their files, which makes the room the
  // entries' delete needs. An entry left without its result in between reads as a miss.
  results.delete(list);
  const entries = metadata.forget(list);
  const files = results.sweep(options.fileGraceMs ?? grace);
  return { results: list.length, entries, bytes: list.reduce((sum, dv) => sum + (sizes.get(dv) ?? 0), 0), files };
}
