/**
 * `StoreCache`: the Cache port over a MetadataStore and a ResultStore —
 * lookups by key parts, runs that batch their writes, explanations, data
 * versions per run, clear and garbage collection.
 *
 * @module
 */
import { systemClock, type Clock } from "../lib/hooks.ts";
import type { FileSystem } from "../lib/ports/file-system.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { setOwn } from "../lib/own-property.ts";
import type { CacheEntry, CacheRecord, CodeAnalysisRow, KeyParts, MetadataStore, StoredKey } from "../lib/ports/metadata-store.ts";
import type { CacheExplanation, CodeLocation, GcOptions, GcReport, Cache, NodeCodeVersion, NodeLookup, NodeProbe } from "../lib/ports/cache.ts";
import type { ResultRead, ResultStore } from "../lib/ports/result-store.ts";
import { cacheKey } from "./cache-key.ts";
import { itemRecords } from "./item-records.ts";
import type { AnalysisMemo } from "./code/module-analysis.ts";
import { sha256 } from "./code/_parts.ts";
import { UNKNOWN_FILE } from "./code/function-code-version.ts";
import { nodeCodeVersions } from "./code/node-code-versions.ts";
import { StoreCacheRun } from "./store-cache-run.ts";
import { dataVersionOfParts, decodeValue, type EncodedValue, joinParts, tryEncodeValue } from "./codec.ts";
import { DEFAULT_MEMORY_BYTES, isImmutable, WarmSet, type WarmEntry } from "./warm-set.ts";
import { explainMiss } from "./explain-miss.ts";
import { fingerprint, type Fingerprint } from "./fingerprint.ts";
import { collectGarbage, DEFAULT_GRACE_MS } from "./gc.ts";

/** Stored analyses of module files older than this are dropped (a file unchanged that long is parsed once more). */
const ANALYSIS_MAX_AGE_MS = 30 * 24 * 3600_000;

/** Why a key whose result is no longer stored misses. */
const GONE = "its cached result is gone (removed by garbage collection or by another process)";

/** Nodes named in one "not fully tracked" warning; the rest are counted. */
const NAMES_SHOWN = 10;

/** Quoted node names, at most {@link NAMES_SHOWN} (a module of hundreds of nodes is one line, not a page). */
function listed(nodes: readonly string[]): string {
  return nodes.length <= NAMES_SHOWN ? nodes.join(", ") : `${nodes.slice(0, NAMES_SHOWN).join(", ")} and ${nodes.length - NAMES_SHOWN} more`;
}

/** Options of {@link StoreCache}. */
export interface StoreCacheOptions {
  readonly metadata: MetadataStore;
  readonly results: ResultStore;
  readonly hasher: Hasher;
  /** Reads module source files for code versions; without it every node's version comes from its function's text. */
  readonly fs?: FileSystem;
  readonly clock?: Clock;
  /** Where warnings go (default `console.warn`). */
  readonly warn?: (message: string) => void;
  /** See {@link StoreCacheRun}. */
  readonly flushDelayMs?: number;
  /**
   * The entry under a key and its result in one step, when the stores can
   * (SQLite: one query instead of two). `undefined` when the key is unknown.
   * `node` is the key's node: a store may fetch, in the same step, its latest
   * entry, which a miss is explained against next (PostgreSQL: one round trip
   * to the server instead of two).
   */
  readonly lookupWithResult?: (key: string, node: string) => { readonly stored: StoredKey; readonly read: ResultRead } | undefined;
  /**
   * Bytes of recent results kept in memory (see cache/warm-set.ts), default
   * {@link DEFAULT_MEMORY_BYTES}; 0 keeps none.
   */
  readonly memoryBytes?: number;
}

/**
 * The cache the engine and `driver.cache` use.
 *
 * @example
 * ```ts
 * const cache = new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher });
 * const parts = { node: "total", codeVersion, inputs: { rows: dv }, config: {} };
 * const found = cache.lookup(parts); // { hit: false, reason: 'no cached result for "total" yet', … }
 * ```
 */
export class StoreCache implements Cache {
  readonly #o: StoreCacheOptions;
  readonly #clock: Clock;
  readonly #warn: (message: string) => void;
  /** Why each node's code is not fully tracked, from the last build: explanations say so. */
  readonly #untracked = new Map<string, string>();
  readonly #warned = new Set<string>();
  readonly #warm: WarmSet;
  /** The metadata store's generation at the last lookup (see {@link MetadataStore.beginReads}). */
  #generation = 0;
  /** What a run calls with each result it computed: it goes into the warm set. */
  readonly #keep = (key: string, node: string, dataVersion: string, encoded: EncodedValue, value: unknown, at: number): void => {
    if (this.#warm.limit === 0) return;
    // A copy, taken before any other node runs: a one-part encoding may be a view of the value's own buffer.
    const bytes = isImmutable(value) ? undefined : encoded.parts.length === 1 ? Uint8Array.prototype.slice.call(encoded.parts[0]!) : joinParts(encoded);
    this.#warm.put(key, { node, dataVersion, bytes, value: bytes === undefined ? value : undefined, lastUsedAt: at }, this.#generation);
  };

  constructor(options: StoreCacheOptions) {
    this.#o = options;
    this.#warm = new WarmSet(options.memoryBytes ?? DEFAULT_MEMORY_BYTES);
    this.#clock = options.clock ?? systemClock;
    this.#warn = options.warn ?? ((m) => console.warn(m));
  }

  fingerprint(value: unknown): Fingerprint {
    return fingerprint(value, this.#o.hasher);
  }

  async codeVersions(locations: readonly CodeLocation[]): Promise<readonly NodeCodeVersion[]> {
    const versions = await nodeCodeVersions(locations, { fs: this.#o.fs, hasher: this.#o.hasher, memo: this.#analysisMemo() });
    this.#saveAnalyses();
    // One warning per reason, naming its nodes; not again for the same node and reason on this cache.
    const byReason = new Map<string, string[]>();
    const unknown = new Map<string, string[]>();
    versions.forEach((v, i) => {
      const node = locations[i]!.node;
      if (!v.ok) {
        let nodes = unknown.get(v.reason);
        if (nodes === undefined) unknown.set(v.reason, (nodes = []));
        nodes.push(`"${node}"`);
      }
      if (!v.ok || v.untracked === undefined) {
        this.#untracked.delete(node);
        return;
      }
      this.#untracked.set(node, v.untracked);
      const seen = `${node}\0${v.untracked}`;
      if (this.#warned.has(seen)) return;
      this.#warned.add(seen);
      let nodes = byReason.get(v.untracked);
      if (nodes === undefined) byReason.set(v.untracked, (nodes = []));
      nodes.push(`"${node}"`);
    });
    for (const [reason, nodes] of unknown) {
      this.#warn(`Not caching ${nodes.length === 1 ? "node" : "nodes"} ${listed(nodes)}: ${nodes.length === 1 ? "its code version is" : "their code versions are"} unknown: ${reason}`);
    }
    for (const [reason, nodes] of byReason) {
      const one = nodes.length === 1;
      // For functions with no file, the fix that tracks everything is to put them in one.
      const fix = reason === UNKNOWN_FILE
        ? `export ${one ? "it" : "them"} from a module file and pass that module to withModules(), or give ${one ? "it" : "each"} a manual version with node(fn, { version })`
        : `give ${one ? "it" : "each"} a manual version with node(fn, { version })`;
      this.#warn(`The cache does not fully track the code of ${one ? "node" : "nodes"} ${listed(nodes)}: ${reason}; a change there may not recompute ${one ? "it" : "them"}; ${fix}`);
    }
    return versions;
  }

  readonly #newAnalyses: CodeAnalysisRow[] = [];

  /** The metadata store as a memo of module analyses, when it keeps them; a row whose digest does not match is not used. */
  #analysisMemo(): AnalysisMemo | undefined {
    const { metadata, hasher } = this.#o;
    if (metadata.codeAnalysis === undefined || metadata.saveCodeAnalyses === undefined) return undefined;
    return {
      get: (contentHash) => {
        let row;
        try {
          row = metadata.codeAnalysis!(contentHash);
        } catch {
          return undefined; // an unreadable store: parse the file
        }
        return row !== undefined && sha256(hasher, row.analysis) === row.digest ? row.analysis : undefined;
      },
      put: (contentHash, analysis) => void this.#newAnalyses.push({ contentHash, analysis, digest: sha256(hasher, analysis) }),
    };
  }

  /** Writes the analyses made in this build; a failure only means parsing again next time. */
  #saveAnalyses(): void {
    if (this.#newAnalyses.length === 0) return;
    const rows = this.#newAnalyses.splice(0);
    const now = this.#clock.now();
    try {
      this.#o.metadata.saveCodeAnalyses?.(rows, now, now - ANALYSIS_MAX_AGE_MS);
    } catch {
      // read-only or full disk: the cache itself reports those on its own writes
    }
  }

  /**
   * Looks a node call up: in the warm set first (no read, no decode for a
   * primitive), then in the stores. A warm entry from before another
   * connection wrote the file (a new generation) is served only once the
   * file's entry is found to point to the same data version still: a `weft
   * cache clear`, a gc or a recompute in another process is seen. A result
   * damaged or gone from the stores while its bytes are warm is still served
   * from memory: those bytes were checked, and are the value of that key.
   */
  lookup(parts: KeyParts): NodeLookup {
    const metadata = this.#o.metadata;
    const generation = metadata.beginReads?.() ?? 0;
    this.#generation = generation;
    const warm = this.#warm;
    const key = this.#keyOf(parts);
    const w = warm.get(key);
    if (w !== undefined) {
      if (w.generation !== generation) {
        const stored = metadata.lookup(key);
        if (stored?.dataVersion === w.dataVersion) {
          w.generation = generation;
          w.lastUsedAt = Math.max(w.lastUsedAt, stored.lastUsedAt);
        }
      }
      if (w.generation === generation) return this.#warmHit(key, w);
      warm.delete(key);
    }
    let stored: StoredKey | undefined;
    let read: ResultRead | undefined;
    if (this.#o.lookupWithResult) {
      const found = this.#o.lookupWithResult(key, parts.node);
      stored = found?.stored;
      read = found?.read;
    } else stored = metadata.lookup(key);
    if (stored === undefined) return { hit: false, key, reason: explainMiss(metadata.latest(parts.node), parts) };
    const { dataVersion, lastUsedAt } = stored;
    read ??= this.#o.results.get(dataVersion);
    if (read.status === "hit") {
      const { value, bytes } = read;
      if (warm.limit > 0 && (bytes !== undefined || isImmutable(value))) {
        const kept = isImmutable(value) ? { bytes: undefined, value } : { bytes, value: undefined };
        warm.put(key, { node: parts.node, dataVersion, ...kept, lastUsedAt }, generation);
      }
      return { hit: true, key, dataVersion, value, lastUsedAt };
    }
    if (read.status === "damaged") {
      this.#warn(`Cache miss for "${parts.node}": ${read.reason}`);
      // The store dropped the result; its entries go too, so nothing points to it until the run stores it again.
      try {
        metadata.forget([dataVersion]);
      } catch {
        // A cache that cannot be written: the entry reads as a miss ("gone") until then.
      }
      return { hit: false, key, reason: "its cached result was damaged" };
    }
    return { hit: false, key, reason: GONE };
  }

  probe(parts: KeyParts): NodeProbe {
    const metadata = this.#o.metadata;
    const generation = metadata.beginReads?.() ?? 0;
    const key = this.#keyOf(parts);
    // A warm entry of this generation is what lookup() would serve: a hit, with no query.
    const w = this.#warm.get(key);
    if (w !== undefined && w.generation === generation) return { hit: true, key, dataVersion: w.dataVersion };
    const stored = metadata.lookup(key);
    if (stored === undefined) return { hit: false, key, reason: explainMiss(this.#o.metadata.latest(parts.node), parts) };
    if (!this.#o.results.has(stored.dataVersion)) return { hit: false, key, reason: GONE };
    return { hit: true, key, dataVersion: stored.dataVersion };
  }

  /** The key of `parts`: the warm set's memo when the parts are the node's last, else hashed (and remembered). */
  #keyOf(parts: KeyParts): string {
    let key = this.#warm.keyOf(parts);
    if (key === undefined) {
      key = cacheKey(parts, this.#o.hasher);
      this.#warm.rememberKey(parts, key);
    }
    return key;
  }

  putResult(value: unknown): Fingerprint {
    // Encoded once: the data version is the hash of the very bytes stored.
    const r = tryEncodeValue(value);
    if (!r.ok) return { ok: false, path: r.path, reason: r.reason };
    const dataVersion = dataVersionOfParts(r.encoded, this.#o.hasher);
    const report = this.#o.results.putMany([{ dataVersion, value, encoded: r.encoded }]);
    const failed = report.failed[0];
    if (failed !== undefined) return { ok: false, path: "", reason: (failed.error as Error)?.message ?? String(failed.error) };
    return { ok: true, dataVersion };
  }

  result(dataVersion: string): { readonly value: unknown } | undefined {
    const read = this.#o.results.get(dataVersion);
    return read.status === "hit" ? { value: read.value } : undefined;
  }

  runRecords(runId: string): readonly CacheRecord[] {
    return this.#o.metadata.runRecords(runId);
  }

  entry(key: string): CacheEntry | undefined {
    return this.#o.metadata.get(key);
  }

  explainChange(before: KeyParts, after: KeyParts): string {
    return explainMiss(before, after);
  }

  reading<T>(fn: () => T): T {
    const { metadata } = this.#o;
    return metadata.read === undefined ? fn() : metadata.read(fn);
  }

  /** A hit from memory: a primitive as it is, anything else decoded afresh, so no two callers share an object. */
  #warmHit(key: string, w: WarmEntry): NodeLookup {
    return { hit: true, key, dataVersion: w.dataVersion, value: w.bytes === undefined ? w.value : decodeValue(w.bytes), lastUsedAt: w.lastUsedAt };
  }

  /** What a run calls when a hit refreshes its entry's last use: the warm copy learns it, so the next runs do not touch it again within the hour. */
  readonly #touched = (key: string, at: number): void => {
    const w = this.#warm.peek(key);
    if (w !== undefined && w.lastUsedAt < at) w.lastUsedAt = at;
  };

  beginRun(runId: string): StoreCacheRun {
    const { metadata, results, hasher, flushDelayMs } = this.#o;
    return new StoreCacheRun(runId, { metadata, results, hasher, clock: this.#clock, warn: this.#warn, keep: this.#keep, touched: this.#touched, ...(flushDelayMs === undefined ? {} : { flushDelayMs }) });
  }

  explain(node: string, runId?: string): CacheExplanation {
    const id = runId ?? this.#o.metadata.lastRunId();
    const records = id === undefined ? [] : this.#o.metadata.runRecords(id);
    const record = records.find((r) => r.node === node);
    if (record === undefined && id !== undefined) {
      const items = itemRecords(records, node);
      if (items.length > 0) return this.#explainItems(node, id, items);
    }
    if (record === undefined) {
      // No record at all: a run that never used this cache, or one pruned from the history (`weft history prune`).
      const message = id === undefined ? "no run has used the cache yet"
        : records.length === 0 ? `run ${id} is unknown to the cache: it did not use this cache, or it was pruned from the history`
        : `"${node}" did not run in run ${id}`;
      return { node, runId: id, status: "not-run", message };
    }
    const dv = record.dataVersion === undefined ? {} : { dataVersion: record.dataVersion };
    const untracked = this.#untracked.get(node.replace(/\[\d+\]/g, ""));
    const note = untracked === undefined ? "" : `; its code is not fully tracked: ${untracked}`;
    if (record.status === "hit") {
      const from = record.key === undefined ? undefined : this.#o.metadata.get(record.key)?.runId;
      return { node, runId: id, status: "hit", ...dv, message: `hit: reused the result${from === undefined ? "" : ` computed in run ${from}`}${note}` };
    }
    const prefix = record.status === "miss" ? "miss" : "not cached";
    return { node, runId: id, status: record.status, ...dv, message: `${prefix}: ${record.reason ?? "no reason recorded"}${note}` };
  }

  /**
   * A per-item node of a map/reduce region asked by its bare name: one
   * answer for all its items (a hit only when every item hit), naming the
   * first items that did not, and how to ask for one.
   */
  #explainItems(node: string, runId: string, items: readonly CacheRecord[]): CacheExplanation {
    const others = items.filter((r) => r.status !== "hit");
    if (others.length === 0) return { node, runId, status: "hit", message: `hit: all ${items.length} items of "${node}" reused their results` };
    const status = others.some((r) => r.status === "miss") ? "miss" : "uncacheable";
    const shown = others.slice(0, 3).map((r) => `${r.node}: ${r.reason ?? "no reason recorded"}`).join("; ");
    const more = others.length > 3 ? `; and ${others.length - 3} more` : "";
    return {
      node,
      runId,
      status,
      message: `${status === "miss" ? "miss" : "not cached"}: ${others.length} of ${items.length} items of "${node}" did not hit (${shown}${more}); explain one item with explain("${others[0]!.node}")`,
    };
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
    // All of it, whichever nodes: cheap to fill again, and nothing cleared can be served from memory.
    this.#warm.clear();
    // Every result goes anyway: results first, so on a full disk their files make room for the entries' delete.
    if (nodes === undefined) this.#o.results.delete(this.#o.results.list().map((r) => r.dataVersion));
    this.#o.metadata.clear(nodes);
    // Results no entry points to any more go at once; stray files only after the grace period.
    collectGarbage(this.#o, { graceMs: 0, fileGraceMs: DEFAULT_GRACE_MS }, this.#clock.now());
  }

  gc(options: GcOptions = {}): GcReport {
    this.#warm.clear();
    return collectGarbage(this.#o, options, this.#clock.now());
  }

  /** The warm set's size now, for tests and benchmarks: results held and bytes. */
  warmSize(): { readonly results: number; readonly bytes: number } {
    return { results: this.#warm.size, bytes: this.#warm.bytes };
  }

  close(): void {
    this.#warm.clear();
    this.#o.metadata.close();
    this.#o.results.close();
  }
}
