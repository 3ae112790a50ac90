/**
 * The MetadataStore in memory, for tests and `withCache({ memory: true })`.
 *
 * @module
 */
import type { CacheEntry, MetadataBatch, MetadataStore, CacheRecord, StoredKey } from "../../lib/ports/metadata-store.ts";

/**
 * Cache metadata in Maps; the same behaviour as the SQLite store (the
 * contract tests run against both).
 *
 * @example
 * ```ts
 * const metadata = new MemoryMetadataStore();
 * metadata.write({ entries: [entry], used: [], runs: [], at: Date.now() });
 * metadata.lookup(entry.key); // { dataVersion: entry.dataVersion, lastUsedAt: entry.lastUsedAt }
 * ```
 */
export class MemoryMetadataStore implements MetadataStore {
  readonly #entries = new Map<string, CacheEntry>();
  /** Node -> keys of its entries: `latest()` on every miss must not scan every entry (a 100,000-node run did). */
  readonly #keysByNode = new Map<string, Set<string>>();
  /** Run id -> node -> record; Map order is write order, which gives the last run. */
  readonly #runs = new Map<string, Map<string, CacheRecord>>();

  lookup(key: string): StoredKey | undefined {
    const e = this.#entries.get(key);
    return e === undefined ? undefined : { dataVersion: e.dataVersion, lastUsedAt: e.lastUsedAt };
  }

  get(key: string): CacheEntry | undefined {
    return this.#entries.get(key);
  }

  latest(node: string): CacheEntry | undefined {
    let best: CacheEntry | undefined;
    for (const key of this.#keysByNode.get(node) ?? []) {
      const e = this.#entries.get(key)!;
      if (best === undefined || e.lastUsedAt >= best.lastUsedAt) best = e;
    }
    return best;
  }

  #put(e: CacheEntry): void {
    this.#entries.set(e.key, e);
    let keys = this.#keysByNode.get(e.node);
    if (keys === undefined) this.#keysByNode.set(e.node, (keys = new Set()));
    keys.add(e.key);
  }

  #remove(e: CacheEntry): void {
    this.#entries.delete(e.key);
    const keys = this.#keysByNode.get(e.node);
    keys?.delete(e.key);
    if (keys?.size === 0) this.#keysByNode.delete(e.node);
  }

  write(batch: MetadataBatch): void {
    for (const e of batch.entries) {
      const old = this.#entries.get(e.key);
      // A key names one node: the same key is never filed under another.
      if (old !== undefined && old.node !== e.node) this.#remove(old);
      this.#put(old === undefined ? e : { ...e, createdAt: old.createdAt });
    }
    for (const key of batch.used) {
      const e = this.#entries.get(key);
      if (e !== undefined) this.#entries.set(key, { ...e, lastUsedAt: batch.at });
    }
    let runId: string | undefined;
    let run: Map<string, CacheRecord> | undefined;
    for (const r of batch.runs) {
      if (r.runId !== runId) {
        runId = r.runId;
        run = this.#runs.get(runId) ?? new Map<string, CacheRecord>();
        // As in SQLite, where each batch is a new row: the run written last is the last run.
        this.#runs.delete(runId);
        this.#runs.set(runId, run);
      }
      run!.set(r.node, r);
    }
  }

  runRecords(runId: string): CacheRecord[] {
    return [...(this.#runs.get(runId)?.values() ?? [])];
  }

  lastRunId(): string | undefined {
    let last: string | undefined;
    for (const id of this.#runs.keys()) last = id;
    return last;
  }

  clear(nodes?: readonly string[]): number {
    const wanted = nodes === undefined ? undefined : new Set(nodes);
    let removed = 0;
    for (const e of [...this.#entries.values()]) {
      if (wanted === undefined || wanted.has(e.node)) {
        this.#remove(e);
        removed++;
      }
    }
    return removed;
  }

  usage(): ReadonlyMap<string, number> {
    const used = new Map<string, number>();
    for (const e of this.#entries.values()) used.set(e.dataVersion, Math.max(used.get(e.dataVersion) ?? 0, e.lastUsedAt));
    return used;
  }

  forget(dataVersions: readonly string[]): number {
    const gone = new Set(dataVersions);
    let removed = 0;
    for (const e of [...this.#entries.values()]) {
      if (gone.has(e.dataVersion)) {
        this.#remove(e);
        removed++;
      }
    }
    return removed;
  }

  close(): void {
    this.#entries.clear();
    this.#keysByNode.clear();
    this.#runs.clear();
  }
}
