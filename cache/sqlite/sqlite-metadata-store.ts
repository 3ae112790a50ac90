/**
 * The MetadataStore on SQLite: `cache_entries` (key -> data version, with
 * every part of the key) and `cache_runs` (what each run did per node).
 * Every batch is one `BEGIN IMMEDIATE` transaction.
 *
 * @module
 */
import { desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { CacheEntry, CodeAnalysisRow, MetadataBatch, MetadataStore, RunRecord, StoredKey } from "../../lib/ports/metadata-store.ts";
import type { SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";
import { compile, type Compiled, excluded, p, Prepared, qb } from "./queries.ts";
import { cacheEntries as e, cacheResults as r, cacheRuns as runs, codeAnalyses as ca } from "./schema.ts";
import { cacheError, guarded } from "./sqlite-errors.ts";

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

const Q = {
  lookup: compile(qb.select({ dv: e.dataVersion, used: e.lastUsedAt }).from(e).where(eq(e.key, p("key")))),
  // A warm hit in one query: the entry and the result it points to.
  lookupWithResult: compile(
    qb.select({ dv: e.dataVersion, used: e.lastUsedAt, size: r.size, inline: r.inline, file: r.file })
      .from(e).leftJoin(r, eq(r.dataVersion, e.dataVersion)).where(eq(e.key, p("key"))),
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
  runRecords: compile(qb.select({ records: runs.records }).from(runs).where(eq(runs.runId, p("run"))).orderBy(runs.seq)),
  lastRun: compile(qb.select({ run: runs.runId }).from(runs).orderBy(desc(runs.seq)).limit(1)),
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

  /** `path` is the database file, for messages; `release` is called on close. */
  constructor(db: SqliteDatabase, path: string, release?: () => void) {
    this.#db = db;
    this.#path = path;
    this.#release = release;
    this.#q = guarded(path, "open", () =>
      Object.fromEntries(Object.entries(Q).map(([k, c]) => [k, new Prepared(db, c)])) as { [K in keyof typeof Q]: Prepared });
  }

  lookup(key: string): StoredKey | undefined {
    // The hot path of every warm node: positional binding, no closure.
    try {
      const row = this.#q.lookup.statement.get(key);
      return row === undefined ? undefined : { dataVersion: row.data_version as string, lastUsedAt: Number(row.last_used_at) };
    } catch (error) {
      throw cacheError(this.#path, "read", error);
    }
  }

  /**
   * The entry under `key` with the row of its result (`size` is null when the
   * result is gone), in one query: what a warm hit costs.
   */
  lookupWithResult(key: string): SqliteRow | undefined {
    try {
      return this.#q.lookupWithResult.statement.get(key);
    } catch (error) {
      throw cacheError(this.#path, "read", error);
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

  write(batch: MetadataBatch): void {
    const q = this.#q;
    guarded(this.#path, "write", () => this.#db.transaction(() => {
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
      const byRun = new Map<string, Omit<RunRecord, "runId">[]>();
      for (const { runId, ...rest } of batch.runs) {
        let list = byRun.get(runId);
        if (list === undefined) byRun.set(runId, (list = []));
        list.push(rest);
      }
      for (const [run, records] of byRun) q.record.run({ run, records: JSON.stringify(records), at: batch.at });
    }));
  }

  runRecords(runId: string): RunRecord[] {
    const byNode = new Map<string, RunRecord>();
    for (const row of guarded(this.#path, "read", () => this.#q.runRecords.all({ run: runId }))) {
      for (const r of JSON.parse(row.records as string) as Omit<RunRecord, "runId">[]) byNode.set(r.node, { runId, ...r });
    }
    return [...byNode.values()];
  }

  lastRunId(): string | undefined {
    return guarded(this.#path, "read", () => this.#q.lastRun.get())?.run_id as string | undefined;
  }

  clear(nodes?: readonly string[]): number {
    return guarded(this.#path, "write", () => this.#db.transaction(() => {
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
    return guarded(this.#path, "write", () => this.#db.transaction(() => {
      let removed = 0;
      for (const dv of dataVersions) removed += this.#q.forget.run({ dv });
      return removed;
    }));
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

function toEntry(row: SqliteRow): CacheEntry {
  const entry: { -readonly [K in keyof CacheEntry]: CacheEntry[K] } = {
    key: row.cache_key as string,
    node: row.node as string,
    codeVersion: row.code_version as string,
    inputs: JSON.parse(row.inputs as string),
    config: JSON.parse(row.config as string),
    dataVersion: row.data_version as string,
    runId: row.run_id as string,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
  };
  if (row.version !== null) entry.version = row.version as string;
  if (row.previews !== null) entry.previews = JSON.parse(row.previews as string);
  if (row.code_parts !== null && row.code_parts !== undefined) entry.codeParts = JSON.parse(row.code_parts as string);
  return entry;
}
