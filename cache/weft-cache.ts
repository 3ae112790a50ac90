/**
 * `WeftCache`: the NodeCache port over a MetadataStore and a ResultStore —
 * lookups by key parts, runs that batch their writes, explanations, data
 * versions per run, clear and garbage collection.
 *
 * @module
 */
import { systemClock, type Clock } from "../lib/hooks.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { setOwn } from "../lib/own-property.ts";
import type { KeyParts, MetadataStore, StoredKey } from "../lib/ports/metadata-store.ts";
import type { CacheExplanation, GcOptions, GcReport, NodeCache, NodeLookup } from "../lib/ports/node-cache.ts";
import type { ResultRead, ResultStore } from "../lib/ports/result-store.ts";
import { cacheKey } from "./cache-key.ts";
import { codeVersion } from "./code-version.ts";
import { CacheRun } from "./cache-run.ts";
import { explainMiss } from "./explain-miss.ts";
import { fingerprint, type Fingerprint } from "./fingerprint.ts";
import { collectGarbage, DEFAULT_GRACE_MS } from "./gc.ts";

/** Options of {@link WeftCache}. */
export interface WeftCacheOptions {
  readonly metadata: MetadataStore;
  readonly results: ResultStore;
  readonly hasher: Hasher;
  readonly clock?: Clock;
  /** Where warnings go (default `console.warn`). */
  readonly warn?: (message: string) => void;
  /** See {@link CacheRun}. */
  readonly flushDelayMs?: number;
  /**
   * The entry under a key and its result in one step, when the stores can
   * (SQLite: one query instead of two). `undefined` when the key is unknown.
   */
  readonly lookupWithResult?: (key: string) => { readonly stored: StoredKey; readonly read: ResultRead } | undefined;
}

/**
 * The cache the engine and `driver.cache` use.
 *
 * @example
 * ```ts
 * const cache = new WeftCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher });
 * const parts = { node: "total", codeVersion, inputs: { rows: dv }, config: {} };
 * const found = cache.lookup(parts); // { hit: false, reason: 'no cached result for "total" yet', … }
 * ```
 */
export class WeftCache implements NodeCache {
  readonly #o: WeftCacheOptions;
  readonly #clock: Clock;
  readonly #warn: (message: string) => void;

  constructor(options: WeftCacheOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#warn = options.warn ?? ((m) => console.warn(m));
  }

  fingerprint(value: unknown): Fingerprint {
    return fingerprint(value, this.#o.hasher);
  }

  codeVersion(fn: Function, module?: object): { ok: true; codeVersion: string } | { ok: false; reason: string } {
    const v = codeVersion(fn, this.#o.hasher, module === undefined ? {} : { module });
    return v.ok ? { ok: true, codeVersion: v.codeVersion } : { ok: false, reason: v.reason };
  }

  lookup(parts: KeyParts): NodeLookup {
    const key = cacheKey(parts, this.#o.hasher);
    let stored: StoredKey | undefined;
    let read: ResultRead | undefined;
    if (this.#o.lookupWithResult) {
      const found = this.#o.lookupWithResult(key);
      stored = found?.stored;
      read = found?.read;
    } else stored = this.#o.metadata.lookup(key);
    if (stored === undefined) return { hit: false, key, reason: explainMiss(this.#o.metadata.latest(parts.node), parts) };
    const { dataVersion, lastUsedAt } = stored;
    read ??= this.#o.results.get(dataVersion);
    if (read.status === "hit") return { hit: true, key, dataVersion, value: read.value, lastUsedAt };
    if (read.status === "damaged") {
      this.#warn(`Cache miss for "${parts.node}": ${read.reason}`);
      // The store dropped the result; its entries go too, so nothing points to it until the run stores it again.
      try {
        this.#o.metadata.forget([dataVersion]);
      } catch {
        // A cache that cannot be written: the entry reads as a miss ("gone") until then.
      }
      return { hit: false, key, reason: "its cached result was damaged" };
    }
    return { hit: false, key, reason: "its cached result is gone (removed by garbage collection or by another process)" };
  }

  beginRun(runId: string): CacheRun {
    const { metadata, results, hasher, flushDelayMs } = this.#o;
    return new CacheRun(runId, { metadata, results, hasher, clock: this.#clock, warn: this.#warn, ...(flushDelayMs === undefined ? {} : { flushDelayMs }) });
  }

  explain(node: string, runId?: string): CacheExplanation {
    const id = runId ?? this.#o.metadata.lastRunId();
    const record = id === undefined ? undefined : this.#o.metadata.runRecords(id).find((r) => r.node === node);
    if (record === undefined) {
      return { node, runId: id, status: "not-run", message: id === undefined ? "no run has used the cache yet" : `"${node}" did not run in run ${id}` };
    }
    const dv = record.dataVersion === undefined ? {} : { dataVersion: record.dataVersion };
    if (record.status === "hit") {
      const from = record.key === undefined ? undefined : this.#o.metadata.get(record.key)?.runId;
      return { node, runId: id, status: "hit", ...dv, message: `hit: reused the result${from === undefined ? "" : ` computed in run ${from}`}` };
    }
    const prefix = record.status === "miss" ? "miss" : "not cached";
    return { node, runId: id, status: record.status, ...dv, message: `${prefix}: ${record.reason ?? "no reason recorded"}` };
  }

  dataVersions(runId?: string): Record<string, string> {
    const id = runId ?? this.#o.metadata.lastRunId();
    const out: Record<string, string> = {};
    if (id === undefined) return out;
    for (const r of this.#o.metadata.runRecords(id)) if (r.dataVersion !== undefined) setOwn(out, r.node, r.dataVersion);
    return out;
  }

  lastRunId(): string | undefined {
    return this.#o.metadata.lastRunId();
  }

  clear(nodes?: readonly string[]): void {
    // Every result goes anyway: results first, so on a full disk their files make room for the entries' delete.
    if (nodes === undefined) this.#o.results.delete(this.#o.results.list().map((r) => r.dataVersion));
    this.#o.metadata.clear(nodes);
    // Results no entry points to any more go at once; stray files only after the grace period.
    collectGarbage(this.#o, { graceMs: 0, fileGraceMs: DEFAULT_GRACE_MS }, this.#clock.now());
  }

  gc(options: GcOptions = {}): GcReport {
    return collectGarbage(this.#o, options, this.#clock.now());
  }

  close(): void {
    this.#o.metadata.close();
    this.#o.results.close();
  }
}
