/**
 * The MetadataStore on SQLite: `cache_entries` (key -> data version, with
 * every part of the key) and `cache_runs` (what each run did per node).
 * Every batch is one `BEGIN IMMEDIATE` transaction.
 *
 * @module
 */
import { and, desc, eq, inArray, lt, notLike, sql } from "drizzle-orm";
import type { CacheEntry, CodeAnalysisRow, MetadataBatch, MetadataStore, CacheRecord, StoredKey } from "../../lib/ports/metadata-store.ts";
import type { SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";
import { CacheError } from "../../lib/errors.ts";
import { compile, type Compiled, excluded, p, Prepared, qb } from "../../sqlite/queries.ts";
import { cacheEntries as e, cacheResults as r, cacheRuns as runs, codeAnalyses as ca } from "./schema.ts";
import { freeingWrite } from "../../sqlite/freeing-write.ts";
import { rebuildIndexes, repairingWrite } from "../../sqlite/rebuild-indexes.ts";
import { ResultIndex } from "./result-index.ts";
import { HIT_LIST_MIN, HIT_LIST_PREFIX, HitLists, isListedHit, toEntry, withoutRunId, type HitList } from "../stored-records.ts";
import { cacheError, guarded, resetAdvice } from "../../sqlite/sqlite-errors.ts";
/** Keys per multi-row UPDATE: a run of hits touches its entries in a few statements, not one per node. */
const CHUNK = 64;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** The statement's bindings must be exactly `expected`: `chunked` binds by position. */
function positional(c: Compiled, expected: string[]): Compiled {
  if (JSON.stringify(c.bindings) !== JSON.stringify(expected)) throw new Error(`weft: unexpected parameter order in "${c.sql}"`);
  return c;
}
const touch = (n: number) => positional(
  compile(qb.update(e).set({ lastUsedAt: sql`${p("at")}` }).where(inArray(e.key, range(n).map((i) => p(`key${i}`))))),
  ["at", ...range(n).map((i) => `key${i}`)],
);

/**
 * The entry under a key, found through the key index but read from the table
 * by row id. Its key column then comes from the row itself: through the index
 * alone SQLite reads it from the index, which a flipped bit can make point to
 * another entry's row. (Measured faster, too: about 6 µs a hit against 12 to
 * 17 for the plain key lookup; bench/cache-verify.ts.)
 */
const byKey = sql`"cache_entries"."rowid" = (SELECT "rowid" FROM "cache_entries" WHERE "cache_key" = ${p("key")})`;

const Q = {
  lookup: compile(qb.select({ key: e.key, dv: e.dataVersion, used: e.lastUsedAt }).from(e).where(byKey)),
  // A warm hit in one query: the entry and the result it points to.
  lookupWithResult: compile(
    qb.select({ key: e.key, dv: e.dataVersion, used: e.lastUsedAt, size: r.size, inline: r.inline, file: r.file })
      .from(e).leftJoin(r, eq(r.dataVersion, e.dataVersion)).where(byKey),
  ),
  get: compile(qb.select().from(e).where(eq(e.key, p("key")))),
  latest: compile(qb.select().from(e).where(eq(e.node, p("node"))).orderBy(desc(e.lastUsedAt)).limit(1)),
  upsert: compile(qb.insert(e).values({
    key: p("key"), node: p("node"), codeVersion: p("code"), version: p("version"), inputs: p("inputs"), config: p("config"),
    previews: p("previews"), codeParts: p("parts"), dataVersion: p("dv"), runId: p("run"), createdAt: p("created"), lastUsedAt: p("used"),
  }).onConflictDoUpdate({
    target: e.key,
    set: { dataVersion: excluded(e.dataVersion), runId: excluded(e.runId), lastUsedAt: excluded(e.lastUsedAt), previews: excluded(e.previews), codeParts: excluded(e.codeParts) },
  })),
  touch: touch(1),
  touchMany: touch(CHUNK),
  record: compile(qb.insert(runs).values({ runId: p("run"), records: p("records"), at: p("at") })),
  runRecords: compile(qb.select({ records: runs.records, at: runs.at }).from(runs).where(eq(runs.runId, p("run"))).orderBy(runs.seq)),
  hasRow: compile(qb.select({ seq: runs.seq }).from(runs).where(eq(runs.runId, p("run"))).limit(1)),
  lastRun: compile(qb.select({ run: runs.runId }).from(runs).where(and(notLike(runs.runId, `${HIT_LIST_PREFIX}%`))).orderBy(desc(runs.seq)).limit(1)),
  clearNode: compile(qb.delete(e).where(eq(e.node, p("node")))),
  clearAll: compile(qb.delete(e)),
  usage: compile(qb.select({ dv: e.dataVersion, used: sql`max(${e.lastUsedAt})`.as("used") }).from(e).groupBy(e.dataVersion)),
  forget: compile(qb.delete(e).where(eq(e.dataVersion, p("dv")))),
  analysis: compile(qb.select({ analysis: ca.analysis, digest: ca.digest }).from(ca).where(eq(ca.contentHash, p("hash")))),
  saveAnalysis: compile(qb.insert(ca).values({ contentHash: p("hash"), analysis: p("analysis"), digest: p("digest"), createdAt: p("at") })
    .onConflictDoUpdate({ target: ca.contentHash, set: { analysis: excluded(ca.analysis), digest: excluded(ca.digest), createdAt: excluded(ca.createdAt) } })),
  pruneAnalyses: compile(qb.delete(ca).where(lt(ca.createdAt, p("before")))),
  clearAnalyses: compile(qb.delete(ca)),
};

/** Cache metadata in SQLite. */
export class SqliteMetadataStore implements MetadataStore {
  readonly #db: SqliteDatabase;
  readonly #path: string;
  readonly #q: { [K in keyof typeof Q]: Prepared };
  readonly #release: (() => void) | undefined;
  readonly #exclusive: boolean;
  readonly #results: ResultIndex;
  readonly #beginReads: (() => number) | undefined;
  /** The hit lists this store wrote and read (see {@link SqliteMetadataStore.write}). */
  readonly #hitLists = new HitLists();

  /**
   * `path` is the database file, for messages; `release` is called on close;
   * `exclusive` when the connection holds the database alone (see {@link freeingWrite});
   * `beginReads` starts a batch of reads (see {@link MetadataStore.beginReads} and read-batch.ts).
   */
  constructor(
    db: SqliteDatabase,
    path: string,
    options: { readonly release?: () => void; readonly exclusive?: boolean; readonly beginReads?: () => number } = {},
  ) {
    this.#db = db;
    this.#beginReads = options.beginReads;
    this.#path = path;
    this.#release = options.release;
    this.#exclusive = options.exclusive ?? false;
    this.#q = guarded(path, "open", () =>
      Object.fromEntries(Object.entries(Q).map(([k, c]) => [k, new Prepared(db, c)])) as { [K in keyof typeof Q]: Prepared });
    this.#results = new ResultIndex(db, path);
  }

  /**
   * Runs `fn` in one read transaction: every query in it sees one snapshot,
   * and the WAL's read lock is taken once, not per query. Inside a transaction
   * already, `fn` joins it.
   */
  read<T>(fn: () => T): T {
    // Through the read batch when the connection has one: its transaction is open for fn's reads, which then
    // cost no BEGIN attempt and no data_version read each, and it ends on the next microtask (fn is synchronous).
    if (this.#beginReads !== undefined) {
      this.#beginReads();
      return fn();
    }
    let began = false;
    try {
      this.#db.exec("BEGIN");
      began = true;
    } catch {
      // within a transaction already: its snapshot serves
    }
    try {
      return fn();
    } finally {
      if (began) {
        try {
          this.#db.exec("COMMIT");
        } catch {
          // a read transaction has nothing to lose
        }
      }
    }
  }

  beginReads(): number {
    return this.#beginReads?.() ?? 0;
  }

  lookup(key: string): StoredKey | undefined {
    const row = this.#checked(key, this.#q.lookup);
    return row === undefined ? undefined : { dataVersion: row.data_version as string, lastUsedAt: Number(row.last_used_at) };
  }

  /**
   * The entry under `key` with the row of its result (`size` is null when the
   * result is gone), in one query: what a warm hit costs. An entry without its
   * result may be one a damaged index of results hides (see
   * {@link ResultIndex.misplacedNear}): the index is then rebuilt and the
   * lookup made again, so the result is found, and never stored a second time.
   *
   * @throws {CacheError} when the file cannot be read, or a damaged index cannot be rebuilt
   */
  lookupWithResult(key: string): SqliteRow | undefined {
    const row = this.#checked(key, this.#q.lookupWithResult);
    if (row === undefined || row.size !== null) return row;
    const dv = row.data_version as string;
    if (!this.#results.misplacedNear(dv) || !this.#results.rebuild(`the index of results hides ${dv.slice(0, 12)}`)) return row;
    return this.#checked(key, this.#q.lookupWithResult);
  }

  /**
   * Runs a lookup by key and checks that the row is the entry asked for (its
   * own key column, read from the table). SQLite keeps no checksums: a
   * flipped bit in the key index sends a lookup to another entry's row, whose
   * bytes pass their own data-version check. Then the indexes of the entries
   * are rebuilt from the table, before any write could follow the damaged
   * index, and the lookup runs again (see {@link rebuildIndexes}: a second
   * entry under one key, which the damaged index let in, goes first).
   *
   * @throws {CacheError} when the indexes cannot be rebuilt, or are still wrong after
   */
  #checked(key: string, query: Prepared): SqliteRow | undefined {
    for (let attempt = 0; ; attempt++) {
      let row: SqliteRow | undefined;
      // The hot path of every warm node: positional binding, no closure.
      try {
        row = query.statement.get(key);
      } catch (error) {
        throw cacheError(this.#path, "read", error);
      }
      if (row === undefined) return undefined;
      if (row.cache_key === key) {
        // A data version of the wrong type (a damaged record header): a miss, and the run's new entry replaces it.
        return typeof row.data_version === "string" ? row : undefined;
      }
      const problem = `the entry found under the key ${key.slice(0, 12)} is another one`;
      if (attempt > 0) throw damaged(this.#path, `${problem}, also after its indexes were rebuilt`);
      try {
        rebuildIndexes(this.#db, "cache_entries", "cache_key");
      } catch (e) {
        throw damaged(this.#path, `${problem}, and its indexes cannot be rebuilt: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  get(key: string): CacheEntry | undefined {
    const row = guarded(this.#path, "read", () => this.#q.get.get({ key }));
    return row === undefined ? undefined : toEntry(row);
  }

  latest(node: string): CacheEntry | undefined {
    const row = guarded(this.#path, "read", () => this.#q.latest.get({ node }));
    return row === undefined ? undefined : toEntry(row);
  }

  /**
   * Writes a batch in one transaction. A damaged index page found on the way
   * is rebuilt and the batch written again (see {@link repairingWrite}):
   * otherwise every later run whose keys sort there would fail to write.
   */
  write(batch: MetadataBatch): void {
    const q = this.#q;
    let written: HitList[] | undefined;
    repairingWrite({ db: this.#db, path: this.#path }, [["cache_entries", "cache_key"], ["cache_runs"]], () => this.#db.transaction(() => {
      for (const x of batch.entries) {
        q.upsert.run({
          key: x.key, node: x.node, code: x.codeVersion, version: x.version ?? null, inputs: JSON.stringify(x.inputs),
          config: JSON.stringify(x.config), previews: x.previews ? JSON.stringify(x.previews) : null,
          parts: x.codeParts ? JSON.stringify(x.codeParts) : null, dv: x.dataVersion,
          run: x.runId, created: x.createdAt, used: x.lastUsedAt,
        });
      }
      chunked(batch.used, q.touchMany, q.touch, [batch.at], (key) => [key]);
      // One row per run in the batch, its records as JSON.
      const byRun = new Map<string, CacheRecord[]>();
      for (const r of batch.runs) {
        let list = byRun.get(r.runId);
        if (list === undefined) byRun.set(r.runId, (list = []));
        list.push(r);
      }
      written = [];
      for (const [run, records] of byRun) q.record.run({ run, records: this.#recordsText(records, batch.at, (list) => void written!.push(list)), at: batch.at });
    }));
    // Only once committed: a rolled-back list is not there to refer to.
    if (written !== undefined) for (const list of written) this.#hitLists.remember(list);
  }

  /**
   * The JSON of one run's records in a batch: its hits through a hit list
   * (cache/stored-records.ts) when there are enough of them. A known list is
   * checked to be still there (a `weft history prune` removes lists no run
   * refers to).
   */
  #recordsText(records: CacheRecord[], at: number, used: (list: HitList) => void): string {
    const hits: CacheRecord[] = [];
    const others: CacheRecord[] = [];
    for (const r of records) (isListedHit(r) ? hits : others).push(r);
    if (hits.length < HIT_LIST_MIN) return JSON.stringify(records, withoutRunId);
    let list = this.#hitLists.find(hits);
    if (list !== undefined && this.#q.hasRow.get({ run: list.id }) === undefined) {
      this.#hitLists.forget(list);
      list = undefined;
    }
    if (list === undefined) {
      const made = this.#hitLists.create(hits);
      if (made === undefined) return JSON.stringify(records, withoutRunId);
      list = made.list;
      this.#q.record.run({ run: list.id, records: made.records, at });
    }
    used(list);
    return JSON.stringify({ hits: list.id, records: others }, withoutRunId);
  }

  runRecords(runId: string): CacheRecord[] {
    const rows = guarded(this.#path, "read", () => this.#q.runRecords.all({ run: runId }));
    return this.#hitLists.runRecords(runId, rows, (id) => guarded(this.#path, "read", () => this.#q.runRecords.get({ run: id }))?.records);
  }

  lastRunId(): string | undefined {
    return guarded(this.#path, "read", () => this.#q.lastRun.get())?.run_id as string | undefined;
  }

  clear(nodes?: readonly string[]): number {
    return freeingWrite({ db: this.#db, path: this.#path, exclusive: this.#exclusive }, () => this.#db.transaction(() => {
      if (nodes === undefined) {
        this.#q.clearAnalyses.run();
        return this.#q.clearAll.run();
      }
      let removed = 0;
      for (const node of nodes) removed += this.#q.clearNode.run({ node });
      return removed;
    }));
  }

  usage(): ReadonlyMap<string, number> {
    const rows = guarded(this.#path, "read", () => this.#q.usage.all());
    return new Map(rows.map((row) => [row.data_version as string, Number(row.used)]));
  }

  forget(dataVersions: readonly string[]): number {
    return freeingWrite({ db: this.#db, path: this.#path, exclusive: this.#exclusive }, () => this.#db.transaction(() => {
      let removed = 0;
      for (const dv of dataVersions) removed += this.#q.forget.run({ dv });
      return removed;
    }));
  }

  /**
   * Gives the space of deleted rows back to the file system when a quarter or
   * more of the file is free pages (after gc or clear): SQLite otherwise keeps
   * them for later writes. Best effort: a VACUUM needs room for a copy of what
   * is left, which a full disk may not have.
   *
   * @returns whether the file was compacted
   */
  compact(): boolean {
    try {
      const free = Number(this.#db.prepare("PRAGMA freelist_count").get()?.freelist_count ?? 0);
      const pages = Number(this.#db.prepare("PRAGMA page_count").get()?.page_count ?? 0);
      if (free === 0 || free * 4 < pages) return false;
      this.#db.exec("VACUUM");
      return true;
    } catch {
      // The free pages stay and are reused by later writes.
      return false;
    }
  }

  codeAnalysis(contentHash: string): { analysis: string; digest: string } | undefined {
    const row = guarded(this.#path, "read", () => this.#q.analysis.get({ hash: contentHash }));
    return row === undefined ? undefined : { analysis: row.analysis as string, digest: row.digest as string };
  }

  saveCodeAnalyses(rows: readonly CodeAnalysisRow[], at: number, pruneBefore: number): void {
    guarded(this.#path, "write", () => this.#db.transaction(() => {
      for (const x of rows) this.#q.saveAnalysis.run({ hash: x.contentHash, analysis: x.analysis, digest: x.digest, at });
      this.#q.pruneAnalyses.run({ before: pruneBefore });
    }));
  }

  close(): void {
    this.#release?.();
  }
}

/**
 * Runs `many` for each full chunk of CHUNK items and `one` for the rest,
 * binding positionally (measured: building named parameters cost more than
 * the statements saved): `head`, then each item's `flat` values in order.
 */
function chunked<T>(items: readonly T[], many: Prepared, one: Prepared, head: SqliteParam[], flat: (item: T) => SqliteParam[]): void {
  let at = 0;
  for (; at + CHUNK <= items.length; at += CHUNK) {
    const args = head.slice();
    for (let i = 0; i < CHUNK; i++) args.push(...flat(items[at + i]!));
    many.statement.run(...args);
  }
  for (; at < items.length; at++) one.statement.run(...head, ...flat(items[at]!));
}

/** The CacheError for a database that is damaged, with how to reset it. */
function damaged(path: string, detail: string): CacheError {
  return new CacheError(`Cannot read the cache "${path}": the file is damaged (${detail}); ${resetAdvice(path)}`);
}
