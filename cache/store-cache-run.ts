/**
 * One run's writes to the cache, batched: results and entries queue up and
 * are written together (results first, then metadata, each one transaction)
 * on the next turn of the event loop after the first one arrives, and at the
 * end of the run. A burst of fast nodes costs one commit; a node that
 * finished before a slow one started is on disk while the slow one runs, so a
 * killed process loses at most the last few milliseconds.
 *
 * @module
 */
import type { Clock } from "../lib/hooks.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import type { CacheEntry, KeyParts, MetadataStore, CacheRecord } from "../lib/ports/metadata-store.ts";
import type { CacheRun, NodeLookup } from "../lib/ports/cache.ts";
import type { ResultStore } from "../lib/ports/result-store.ts";
import { dataVersionOfParts, type EncodedValue, tryEncodeValue } from "./codec.ts";

/** A hit refreshes its entry's last use only when that is older than this. */
export const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

/** What a {@link StoreCacheRun} writes to and reports through. */
export interface StoreCacheRunContext {
  readonly metadata: MetadataStore;
  readonly results: ResultStore;
  readonly hasher: Hasher;
  readonly clock: Clock;
  readonly warn: (message: string) => void;
  /** Delay before a batch is written, ms (default 0: the next turn of the event loop). */
  readonly flushDelayMs?: number;
  /**
   * Write at once when this many nodes are pending (default 2,000): a long run of sync nodes gives the event
   * loop no turn. Larger batches dirty fewer B-tree pages per entry (random keys); at 500 the write cost per
   * node doubled from 10,000 to 100,000 nodes, at 2,000 it grows by a third.
   */
  readonly maxPending?: number;
  /** Called with each result computed and fingerprinted (the cache keeps recent ones in memory: cache/warm-set.ts). */
  readonly keep?: (key: string, node: string, dataVersion: string, encoded: EncodedValue, value: unknown, at: number) => void;
  /** Called when a hit refreshes its entry's last use (see {@link TOUCH_INTERVAL_MS}). */
  readonly touched?: (key: string, at: number) => void;
}

/** Batches one run's cache writes. Made by `StoreCache.beginRun`. */
export class StoreCacheRun implements CacheRun {
  readonly runId: string;
  readonly #ctx: StoreCacheRunContext;
  #entries: { entry: CacheEntry; value: unknown; encoded: EncodedValue }[] = [];
  #used: string[] = [];
  #records: CacheRecord[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the first record of the pending batch came. */
  #batchAt: number | undefined;
  #failed = false;

  constructor(runId: string, ctx: StoreCacheRunContext) {
    this.runId = runId;
    this.#ctx = ctx;
  }

  hit(node: string, lookup: NodeLookup & { hit: true }): void {
    // The time of the batch, read when its first record came: a warm run's hits are a burst of microseconds, and a
    // clock read per hit was a tenth of a hit served from memory. (Read back from a hit list they have the batch's time anyway.)
    const now = this.#batchAt ?? this.#ctx.clock.now();
    // Garbage collection goes by last use with hours-to-days granularity; touching an entry used
    // within the hour would only add a write per hit (about a tenth of a warm hit's cost).
    if (now - lookup.lastUsedAt >= TOUCH_INTERVAL_MS) {
      this.#used.push(lookup.key);
      this.#ctx.touched?.(lookup.key, now);
    }
    this.#record({ runId: this.runId, node, status: "hit", key: lookup.key, dataVersion: lookup.dataVersion, at: now });
  }

  miss(parts: KeyParts, lookup: NodeLookup & { hit: false }, value: unknown): string | undefined {
    // Encoded now, once: the data version is the hash of these very bytes (no second walk at flush time). A
    // large binary value is referenced, not copied: a node that changes it in place before the batch is written
    // makes the stored bytes disagree with the data version, and every read checks that.
    const r = tryEncodeValue(value);
    if (!r.ok) {
      const at = r.path === "" ? "" : ` at ${r.path}`;
      this.uncacheable(parts.node, `its result cannot be fingerprinted${at}: ${r.reason}`);
      return undefined;
    }
    const dataVersion = dataVersionOfParts(r.encoded, this.#ctx.hasher);
    const now = this.#ctx.clock.now();
    const entry: CacheEntry = { ...parts, key: lookup.key, dataVersion, runId: this.runId, createdAt: now, lastUsedAt: now };
    this.#entries.push({ entry, value, encoded: r.encoded });
    this.#ctx.keep?.(lookup.key, parts.node, dataVersion, r.encoded, value, now);
    this.#record({ runId: this.runId, node: parts.node, status: "miss", key: lookup.key, dataVersion, reason: lookup.reason, at: now });
    return dataVersion;
  }

  uncacheable(node: string, reason: string, options: { warn?: boolean } = {}): void {
    if (options.warn !== false) this.#ctx.warn(`Not caching "${node}" in this run: ${reason}`);
    this.#record({ runId: this.runId, node, status: "uncacheable", reason, at: this.#ctx.clock.now() });
  }

  #record(record: CacheRecord): void {
    if (this.#records.length === 0) this.#batchAt = record.at;
    this.#records.push(record);
    if (this.#records.length >= (this.#ctx.maxPending ?? 2000)) this.flush();
    else if (this.#timer === undefined) this.#timer = setTimeout(() => this.flush(), this.#ctx.flushDelayMs ?? 0);
  }

  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#batchAt = undefined;
    if (this.#records.length === 0) return;
    const entries = this.#entries;
    const used = this.#used;
    const records = this.#records;
    this.#entries = [];
    this.#used = [];
    this.#records = [];
    if (this.#failed) return;
    const { metadata, results } = this.#ctx;
    try {
      // Results before the entries that point to them: a crash in between leaves only unreferenced results, which gc removes.
      const report = results.putMany(entries.map(({ entry, value, encoded }) => ({ dataVersion: entry.dataVersion, value, encoded })));
      const failed = new Map(report.failed.map((f) => [f.dataVersion, f.error]));
      const kept = entries.filter(({ entry }) => !failed.has(entry.dataVersion)).map(({ entry }) => entry);
      const finalRecords = records.map((r) => {
        if (r.status !== "miss" || r.dataVersion === undefined || !failed.has(r.dataVersion)) return r;
        const error = failed.get(r.dataVersion);
        const reason = `its result cannot be stored: ${error instanceof Error ? error.message : String(error)}`;
        this.#ctx.warn(`Not caching "${r.node}" in this run: ${reason}`);
        return { runId: r.runId, node: r.node, status: "uncacheable" as const, reason, at: r.at };
      });
      metadata.write({ entries: kept, used, runs: finalRecords, at: this.#ctx.clock.now() });
    } catch (e) {
      // One warning per run: the run itself goes on, uncached from here.
      this.#failed = true;
      this.#ctx.warn(`Cannot write to the cache, the rest of run ${this.runId} is not cached: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  finish(): void {
    this.flush();
  }
}
