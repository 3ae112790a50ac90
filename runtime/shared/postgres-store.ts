/**
 * The team store: one PostgreSQL database (cache metadata, small results, run
 * history) and a shared directory (large results), behind both the `Cache`
 * port (`withCache({ store })`) and the `RunStore` port
 * (`withTracking({ store })`, `weft ui --db postgres://…`). One synchronous
 * connection per store, listening for the other processes' writes.
 *
 * @module
 */
import { PostgresMetadataStore, CACHE_CHANNEL } from "../../cache/postgres/postgres-metadata-store.ts";
import { PostgresResultStore } from "../../cache/postgres/postgres-result-store.ts";
import { BlobFiles } from "../../cache/sqlite/blob-files.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import { PostgresRunStore, RUNS_CHANNEL } from "../../history/postgres-run-store.ts";
import { livenessFor } from "../../lib/history/liveness.ts";
import type { Cache, CacheExplanation, CodeLocation, GcOptions, GcReport, NodeCodeVersion, NodeLookup, NodeProbe } from "../../lib/ports/cache.ts";
import type { Fingerprint } from "../../lib/ports/fingerprint.ts";
import type { CacheEntry, CacheRecord, KeyParts } from "../../lib/ports/metadata-store.ts";
import { isPostgresUrl, type PostgresConnection } from "../../lib/ports/postgres.ts";
import type { DrawingStore, NodeRecord, NodeStats, NodeStatsQuery, PruneOptions, PruneReport, RunBatch, RunDetail, RunOrigin, RunPage, RunQuery, RunStatus, RunStore } from "../../lib/ports/run-store.ts";
import type { CacheRun } from "../../lib/ports/cache.ts";
import { migratePostgres } from "../../postgres/migrate.ts";
import { nodeFileSystem } from "./file-system.ts";
import { nodeHasher } from "./hasher.ts";
import { openPostgres } from "./postgres-connection.ts";
import { currentProcess, pidIsAlive } from "./processes.ts";

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * A directory every machine of the team mounts (NFS, SMB, a shared volume): results larger than
   * `inlineLimit` are kept there as files, by data version. Without it every result goes to PostgreSQL.
   */
  readonly directory?: string;
  /** Results up to this many encoded bytes are kept in PostgreSQL when there is a `directory` (default 256 KiB). */
  readonly inlineLimit?: number;
  /** Bytes of recent results each driver keeps in memory (default 64 MiB; 0 keeps none), as `withCache({ memoryBytes })`. */
  readonly memoryBytes?: number;
  /** How long one call waits for the server, in ms (default 60 s). */
  readonly timeoutMs?: number;
  /** Where the cache's warnings go (default `console.warn`). */
  readonly warn?: (message: string) => void;
}

/**
 * Cache and run history in PostgreSQL, shared by a team; see the module doc.
 * Connects (and brings the schema up to date) when made; `close()` ends the
 * connection when the current task is done.
 *
 * @example
 * ```ts
 * const team = new PostgresStore("postgres://weft@db.internal:5432/weft", { directory: "/mnt/weft-results" });
 * team.listRuns({ limit: 10 }).runs; // the team's latest runs, from every machine
 * team.close();
 * ```
 */
export class PostgresStore implements Cache, RunStore, DrawingStore {
  readonly #url: string;
  readonly #o: PostgresStoreOptions;
  readonly origin: RunOrigin = currentProcess();
  #db: PostgresConnection | undefined;
  #cache: StoreCache | undefined;
  #runs: PostgresRunStore | undefined;
  #closing: ReturnType<typeof setTimeout> | undefined;

  /**
   * @throws {TypeError} for a URL that is not `postgres://…` or `postgresql://…`
   * @throws {RangeError} for an `inlineLimit`, `memoryBytes` or `timeoutMs` that is not a whole number >= 0
   * @throws {CacheError} when the server cannot be reached or refuses the connection, with PostgreSQL's message
   * @throws {MissingPackageError} when the postgres package is not installed
   */
  constructor(url: string, options: PostgresStoreOptions = {}) {
    if (typeof url !== "string" || !isPostgresUrl(url)) {
      throw new TypeError(`Cannot open the team store: ${typeof url === "string" ? `"${url}"` : `a ${typeof url}`} is not a PostgreSQL URL; pass one such as "postgres://user@host:5432/weft"`);
    }
    for (const key of ["inlineLimit", "memoryBytes", "timeoutMs"] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new RangeError(`postgres() option "${key}" must be a whole number >= 0, got ${String(v)}`);
    }
    if (options.directory !== undefined && (typeof options.directory !== "string" || options.directory === "")) {
      throw new TypeError(`postgres() option "directory" must be a path, got ${typeof options.directory === "string" ? '""' : typeof options.directory}`);
    }
    this.#url = url;
    this.#o = options;
    this.#connection();
  }

  #connection(): PostgresConnection {
    if (this.#db !== undefined) return this.#db;
    const db = openPostgres(this.#url, { listen: [CACHE_CHANNEL, RUNS_CHANNEL], ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }) });
    try {
      migratePostgres(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return (this.#db = db);
  }

  /** The cache side, opened on first use. */
  #c(): StoreCache {
    if (this.#cache !== undefined) return this.#cache;
    const db = this.#connection();
    const o = this.#o;
    const files = o.directory === undefined ? undefined : new BlobFiles(nodeFileSystem, o.directory);
    const warn = o.warn ?? ((m: string) => console.warn(m));
    const metadata = new PostgresMetadataStore(db);
    const results = new PostgresResultStore({ db, hasher: nodeHasher, warn, ...(files === undefined ? {} : { files }), ...(o.inlineLimit === undefined ? {} : { inlineLimit: o.inlineLimit }) });
    return (this.#cache = new StoreCache({
      metadata, results, hasher: nodeHasher, fs: nodeFileSystem, warn,
      ...(o.memoryBytes === undefined ? {} : { memoryBytes: o.memoryBytes }),
      // A cold lookup in one round trip: the entry and its result's row.
      lookupWithResult: (key, node) => {
        const row = metadata.lookupWithResult(key, node);
        if (row === undefined) return undefined;
        const stored = { dataVersion: row.data_version as string, lastUsedAt: Number(row.last_used_at) };
        return { stored, read: row.size === null ? { status: "missing" } : results.fromRow(stored.dataVersion, row) };
      },
    }));
  }

  /** The run history side, opened on first use. */
  #r(): PostgresRunStore {
    return (this.#runs ??= new PostgresRunStore(this.#connection(), {
      hasher: nodeHasher, alive: livenessFor(this.origin, pidIsAlive), origin: this.origin, release: () => {},
    }));
  }

  // The Cache port.
  fingerprint(value: unknown): Fingerprint { return this.#c().fingerprint(value); }
  codeVersions(locations: readonly CodeLocation[]): Promise<readonly NodeCodeVersion[]> { return this.#c().codeVersions(locations); }
  lookup(parts: KeyParts): NodeLookup { return this.#c().lookup(parts); }
  probe(parts: KeyParts): NodeProbe { return this.#c().probe(parts); }
  putResult(value: unknown): Fingerprint { return this.#c().putResult(value); }
  result(dataVersion: string): { readonly value: unknown } | undefined { return this.#c().result(dataVersion); }
  runRecords(runId: string): readonly CacheRecord[] { return this.#c().runRecords(runId); }
  entry(key: string): CacheEntry | undefined { return this.#c().entry(key); }
  explainChange(before: KeyParts, after: KeyParts): string { return this.#c().explainChange(before, after); }
  reading<T>(fn: () => T): T { return this.#c().reading(fn); }
  beginRun(runId: string): CacheRun { return this.#c().beginRun(runId); }
  explain(node: string, runId?: string): CacheExplanation { return this.#c().explain(node, runId); }
  dataVersions(runId?: string): Record<string, string> { return this.#c().dataVersions(runId); }
  lastRunId(): string | undefined { return this.#c().lastRunId(); }
  clear(nodes?: readonly string[]): void { this.#c().clear(nodes); }
  gc(options?: GcOptions): GcReport { return this.#c().gc(options); }

  // The RunStore port.
  write(batch: RunBatch): void { this.#r().write(batch); }
  listRuns(query?: RunQuery): RunPage { return this.#r().listRuns(query); }
  countRuns(): Readonly<Record<RunStatus | "all", number>> { return this.#r().countRuns(); }
  getRun(id: string): RunDetail | undefined { return this.#r().getRun(id); }
  nodesOf(runId: string, options?: { readonly since?: number }): NodeRecord[] { return this.#r().nodesOf(runId, options); }
  nodeDurations(nodes: readonly string[], options?: { readonly samples?: number }): ReadonlyMap<string, number> { return this.#r().nodeDurations(nodes, options); }
  nodeStats(query?: NodeStatsQuery): NodeStats[] { return this.#r().nodeStats(query); }
  version(): number { return this.#r().version(); }
  prune(options: PruneOptions): PruneReport { return this.#r().prune(options); }
  drawingOf(hash: string): { readonly svg: string; readonly version: string } | undefined { return this.#r().drawingOf(hash); }
  saveDrawing(hash: string, svg: string, version: string): void { this.#r().saveDrawing(hash, svg, version); }

  /**
   * Ends the connection once the current task is done: a driver closes its cache and then its history, which
   * writes its last records, in one task. A call after that opens a new connection.
   */
  close(): void {
    if (this.#closing !== undefined || this.#db === undefined) return;
    this.#closing = setTimeout(() => this.#end(), 0);
  }

  #end(): void {
    this.#closing = undefined;
    this.#cache?.close();
    this.#cache = undefined;
    this.#runs = undefined;
    this.#db?.close();
    this.#db = undefined;
  }
}
