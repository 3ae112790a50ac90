/**
 * The MetadataStore on PostgreSQL, for a team: `cache_entries` and
 * `cache_runs` of postgres/schema.ts, shared by every machine that opens the
 * database. Each batch is one transaction in one round trip, and tells the
 * other processes with a NOTIFY: their `beginReads()` generation is a counter
 * their connection's worker thread increments on each notification, read from
 * shared memory (no round trip per batch of lookups). A notification arrives
 * a moment after the commit; in that moment a warm entry may be served that
 * another process just replaced, which is still a value of the same key.
 *
 * @module
 */
import { desc, eq, lt, notLike, sql } from "drizzle-orm";
import type { CacheEntry, CacheRecord, CodeAnalysisRow, MetadataBatch, MetadataStore, StoredKey } from "../../lib/ports/metadata-store.ts";
import type { PostgresConnection, PostgresRow, PostgresStatement } from "../../lib/ports/postgres.ts";
import { bind, compile, p, qb, retrying } from "../../postgres/queries.ts";
import { HIT_LIST_MIN, HIT_LIST_PREFIX, HitLists, isListedHit, toEntry, withoutRunId, type HitList } from "../stored-records.ts";
import { cacheEntries as e, cacheResults as r, cacheRuns as runs, codeAnalyses as ca } from "../../postgres/schema.ts";

/** The channel writers notify and readers listen on. */
export const CACHE_CHANNEL = "weft_cache";

// Hit lists as the SQLite store keeps them (cache/stored-records.ts): a warm run of 200 nodes otherwise writes
// 30 KB of records, which cost PostgreSQL 3 to 5 ms a run, more than its lookups.

const Q = {
  lookup: compile(qb.select({ dv: e.dataVersion, used: e.lastUsedAt }).from(e).where(eq(e.key, p("key")))),
  get: compile(qb.select().from(e).where(eq(e.key, p("key")))),
  latest: compile(qb.select().from(e).where(eq(e.node, p("node"))).orderBy(desc(e.lastUsedAt)).limit(1)),
  runRecords: compile(qb.select({ records: runs.records, at: runs.at }).from(runs).where(eq(runs.runId, p("run"))).orderBy(runs.seq)),
  lastRun: compile(qb.select({ run: runs.runId }).from(runs).where(notLike(runs.runId, `${HIT_LIST_PREFIX}%`)).orderBy(desc(runs.seq)).limit(1)),
  usage: compile(qb.select({ dv: e.dataVersion, used: sql<number>`max(${e.lastUsedAt})`.as("used") }).from(e).groupBy(e.dataVersion)),
  analysis: compile(qb.select({ analysis: ca.analysis, digest: ca.digest }).from(ca).where(eq(ca.contentHash, p("hash")))),
  pruneAnalyses: compile(qb.delete(ca).where(lt(ca.createdAt, p("before")))),
};

const COLUMNS = `"cache_key", "node", "code_version", "version", "inputs", "config", "previews", "code_parts", "data_version", "run_id", "created_at", "last_used_at"`;

/**
 * A lookup in one round trip: the entry under key $1 with the row of the result it points to ("key"), or, when
 * there is none, the latest entry of node $2 ("latest"), which the miss is explained against next.
 */
const LOOKUP = `(SELECT 'key' AS found, e.${COLUMNS.replaceAll(", ", ", e.")}, r."size", r."inline", r."file"
    FROM "cache_entries" e LEFT JOIN "cache_results" r ON r."data_version" = e."data_version" WHERE e."cache_key" = $1)
  UNION ALL
  (SELECT 'latest', ${COLUMNS}, NULL, NULL, NULL FROM "cache_entries"
    WHERE "node" = $2 AND NOT EXISTS (SELECT 1 FROM "cache_entries" WHERE "cache_key" = $1) ORDER BY "last_used_at" DESC LIMIT 1)`;

/**
 * Entries of a batch in one statement, from a JSON array of rows. A key written again keeps its creation
 * time; of two processes writing one key, the later commit's data version stays (both are values of that
 * key), and its last use is the later of the two.
 */
const UPSERT = `INSERT INTO "cache_entries" (${COLUMNS})
  SELECT ${COLUMNS} FROM json_populate_recordset(NULL::"cache_entries", $1::text::json) ORDER BY "cache_key"
  ON CONFLICT ("cache_key") DO UPDATE SET "data_version" = excluded."data_version", "run_id" = excluded."run_id",
    "previews" = excluded."previews", "code_parts" = excluded."code_parts",
    "last_used_at" = GREATEST("cache_entries"."last_used_at", excluded."last_used_at")`;
const TOUCH = `UPDATE "cache_entries" SET "last_used_at" = GREATEST("last_used_at", $1) WHERE "cache_key" = ANY($2)`;
const RECORD = `INSERT INTO "cache_runs" ("run_id", "records", "at") VALUES ($1, $2, $3)`;
/**
 * A run's records that refer to hit list $2, written only while that list is there (another process may have
 * pruned it): a row returned says it was.
 */
const RECORD_REFERRING = `INSERT INTO "cache_runs" ("run_id", "records", "at")
  SELECT $1, $3, $4 WHERE EXISTS (SELECT 1 FROM "cache_runs" WHERE "run_id" = $2) RETURNING 1 AS referred`;
const SAVE_ANALYSES = `INSERT INTO "code_analyses" ("content_hash", "analysis", "digest", "created_at")
  SELECT "content_hash", "analysis", "digest", $2 FROM json_populate_recordset(NULL::"code_analyses", $1::text::json)
  ON CONFLICT ("content_hash") DO UPDATE SET "analysis" = excluded."analysis", "digest" = excluded."digest", "created_at" = excluded."created_at"`;

/** Cache metadata in PostgreSQL. */
export class PostgresMetadataStore implements MetadataStore {
  readonly #db: PostgresConnection;
  readonly #release: (() => void) | undefined;
  /** The hit lists this store wrote, referred to or read. */
  readonly #hitLists = new HitLists();
  /** The latest entry of a node that the last lookup's miss fetched, for the one `latest()` call after it. */
  #prefetched: { readonly node: string; readonly entry: CacheEntry | undefined } | undefined;

  /** `db` listens on {@link CACHE_CHANNEL} (for `beginReads`); `release` is called on close. */
  constructor(db: PostgresConnection, options: { readonly release?: () => void } = {}) {
    this.#db = db;
    this.#release = options.release;
  }

  beginReads(): number {
    return this.#db.generation(CACHE_CHANNEL);
  }

  lookup(key: string): StoredKey | undefined {
    const row = this.#db.query(Q.lookup.sql, [key]).rows[0];
    return row === undefined ? undefined : { dataVersion: row.data_version as string, lastUsedAt: Number(row.last_used_at) };
  }

  /**
   * The entry under `key` with the row of its result (`size` is null when the result is gone), in one query;
   * on a miss, the latest entry of `node` comes with it and answers the {@link latest} call that follows.
   */
  lookupWithResult(key: string, node: string): PostgresRow | undefined {
    const row = this.#db.query(LOOKUP, [key, node]).rows[0];
    if (row?.found === "key") return row;
    this.#prefetched = { node, entry: row === undefined ? undefined : toEntry(row) };
    return undefined;
  }

  get(key: string): CacheEntry | undefined {
    const row = this.#db.query(Q.get.sql, [key]).rows[0];
    return row === undefined ? undefined : toEntry(row);
  }

  latest(node: string): CacheEntry | undefined {
    const prefetched = this.#prefetched;
    this.#prefetched = undefined;
    if (prefetched?.node === node) return prefetched.entry;
    const row = this.#db.query(Q.latest.sql, bind(Q.latest, { node })).rows[0];
    return row === undefined ? undefined : toEntry(row);
  }

  write(batch: MetadataBatch): void {
    this.#prefetched = undefined;
    const statements: PostgresStatement[] = [];
    if (batch.entries.length > 0) {
      // The last entry of a key wins, as one upsert after another would: one statement cannot touch a row twice.
      const byKey = new Map(batch.entries.map((x) => [x.key, x]));
      statements.push({ sql: UPSERT, params: [JSON.stringify([...byKey.values()].map(toRow))] });
    }
    if (batch.used.length > 0) statements.push({ sql: TOUCH, params: [batch.at, [...new Set(batch.used)].sort()] });
    const byRun = new Map<string, CacheRecord[]>();
    for (const x of batch.runs) {
      let list = byRun.get(x.runId);
      if (list === undefined) byRun.set(x.runId, (list = []));
      list.push(x);
    }
    const referring: { at: number; list: HitList; run: string; records: CacheRecord[] }[] = [];
    for (const [run, records] of byRun) {
      const list = this.#hitListFor(records, batch.at, statements);
      if (list === undefined) {
        statements.push({ sql: RECORD, params: [run, JSON.stringify(records, withoutRunId), batch.at] });
        continue;
      }
      const others = records.filter((r) => !isListedHit(r));
      referring.push({ at: statements.length, list, run, records });
      statements.push({ sql: RECORD_REFERRING, params: [run, list.id, JSON.stringify({ hits: list.id, records: others }, withoutRunId), batch.at] });
    }
    if (statements.length === 0) return;
    if (batch.entries.length > 0 || batch.used.length > 0) statements.push(notify(this.#db));
    const results = retrying(() => this.#db.batch(statements));
    const gone: PostgresStatement[] = [];
    for (const { at, list, run, records } of referring) {
      if (results[at]?.rows.length === 1) {
        this.#hitLists.remember(list);
        continue;
      }
      // A list another process pruned: forgotten here, and this run's records written out instead (a second
      // transaction: a process killed between the two loses what explain() reads of this run, never an entry).
      this.#hitLists.forget(list);
      gone.push({ sql: RECORD, params: [run, JSON.stringify(records, withoutRunId), batch.at] });
    }
    if (gone.length > 0) retrying(() => this.#db.batch(gone));
  }

  /**
   * The hit list a run's records refer to: one this store knows with exactly the run's hits, else a new one,
   * whose row is added to `statements`; `undefined` when the run has too few hits (or one node twice).
   */
  #hitListFor(records: readonly CacheRecord[], at: number, statements: PostgresStatement[]): HitList | undefined {
    const hits = records.filter(isListedHit);
    if (hits.length < HIT_LIST_MIN) return undefined;
    const known = this.#hitLists.find(hits);
    if (known !== undefined) return known;
    const made = this.#hitLists.create(hits);
    if (made === undefined) return undefined;
    statements.push({ sql: RECORD, params: [made.list.id, made.records, at] });
    return made.list;
  }

  runRecords(runId: string): CacheRecord[] {
    const rows = this.#db.query(Q.runRecords.sql, [runId]).rows;
    return this.#hitLists.runRecords(runId, rows, (id) => this.#db.query(Q.runRecords.sql, [id]).rows[0]?.records);
  }

  lastRunId(): string | undefined {
    return this.#db.query(Q.lastRun.sql, bind(Q.lastRun)).rows[0]?.run_id as string | undefined;
  }

  clear(nodes?: readonly string[]): number {
    const statements: PostgresStatement[] = nodes === undefined
      ? [{ sql: `DELETE FROM "code_analyses"` }, { sql: `DELETE FROM "cache_entries"` }]
      : [{ sql: `DELETE FROM "cache_entries" WHERE "node" = ANY($1)`, params: [[...nodes]] }];
    const results = retrying(() => this.#db.batch([...statements, notify(this.#db)]));
    return results[statements.length - 1]!.count;
  }

  usage(): ReadonlyMap<string, number> {
    return new Map(this.#db.query(Q.usage.sql).rows.map((row) => [row.data_version as string, Number(row.used)]));
  }

  forget(dataVersions: readonly string[]): number {
    if (dataVersions.length === 0) return 0;
    const [removed] = retrying(() => this.#db.batch([
      { sql: `DELETE FROM "cache_entries" WHERE "data_version" = ANY($1)`, params: [[...dataVersions]] },
      notify(this.#db),
    ]));
    return removed!.count;
  }

  codeAnalysis(contentHash: string): { analysis: string; digest: string } | undefined {
    const row = this.#db.query(Q.analysis.sql, [contentHash]).rows[0];
    return row === undefined ? undefined : { analysis: row.analysis as string, digest: row.digest as string };
  }

  saveCodeAnalyses(rows: readonly CodeAnalysisRow[], at: number, pruneBefore: number): void {
    const unique = [...new Map(rows.map((x) => [x.contentHash, x])).values()];
    const json = JSON.stringify(unique.map((x) => ({ content_hash: x.contentHash, analysis: x.analysis, digest: x.digest })));
    retrying(() => this.#db.batch([
      ...(unique.length === 0 ? [] : [{ sql: SAVE_ANALYSES, params: [json, at] }]),
      { sql: Q.pruneAnalyses.sql, params: [pruneBefore] },
    ]));
  }

  close(): void {
    this.#release?.();
  }
}

/** The statement that tells the other processes that the cache changed (this one's own id as payload). */
function notify(db: PostgresConnection): PostgresStatement {
  return { sql: "SELECT pg_notify($1, $2)", params: [CACHE_CHANNEL, db.id] };
}

/** An entry as a row of `cache_entries`, for json_populate_recordset. */
function toRow(x: CacheEntry): Record<string, unknown> {
  return {
    cache_key: x.key, node: x.node, code_version: x.codeVersion, version: x.version ?? null, inputs: JSON.stringify(x.inputs),
    config: JSON.stringify(x.config), previews: x.previews ? JSON.stringify(x.previews) : null,
    code_parts: x.codeParts ? JSON.stringify(x.codeParts) : null, data_version: x.dataVersion, run_id: x.runId,
    created_at: x.createdAt, last_used_at: x.lastUsedAt,
  };
}
