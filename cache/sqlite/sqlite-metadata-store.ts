/**
 * The MetadataStore on SQLite: `cache_entries` (key -> data version, with
 * every part of the key) and `cache_runs` (what each run did per node).
 * Every batch is one `BEGIN IMMEDIATE` transaction.
 *
 * @module
 */
import { desc, eq, sql } from "drizzle-orm";
import type { CacheEntry, MetadataBatch, MetadataStore, RunRecord } from "../../lib/ports/metadata-store.ts";
import type { SqliteDatabase, SqliteRow } from "../../lib/ports/sqlite.ts";
import { compile, excluded, p, Prepared, qb } from "./queries.ts";
import { cacheEntries as e, cacheRuns as runs } from "./schema.ts";
import { guarded } from "./sqlite-errors.ts";

const Q = {
  lookup: compile(qb.select({ dv: e.dataVersion }).from(e).where(eq(e.key, p("key")))),
  get: compile(qb.select().from(e).where(eq(e.key, p("key")))),
  latest: compile(qb.select().from(e).where(eq(e.node, p("node"))).orderBy(desc(e.lastUsedAt)).limit(1)),
  upsert: compile(qb.insert(e).values({
    key: p("key"), node: p("node"), codeVersion: p("code"), version: p("version"), inputs: p("inputs"), config: p("config"),
    previews: p("previews"), dataVersion: p("dv"), runId: p("run"), createdAt: p("created"), lastUsedAt: p("used"),
  }).onConflictDoUpdate({
    target: e.key,
    set: { dataVersion: excluded(e.dataVersion), runId: excluded(e.runId), lastUsedAt: excluded(e.lastUsedAt), previews: excluded(e.previews) },
  })),
  touch: compile(qb.update(e).set({ lastUsedAt: sql`${p("at")}` }).where(eq(e.key, p("key")))),
  record: compile(qb.insert(runs).values({
    runId: p("run"), node: p("node"), status: p("status"), key: p("key"), dataVersion: p("dv"), reason: p("reason"), at: p("at"),
  }).onConflictDoUpdate({
    target: [runs.runId, runs.node],
    set: { status: excluded(runs.status), key: excluded(runs.key), dataVersion: excluded(runs.dataVersion), reason: excluded(runs.reason), at: excluded(runs.at) },
  })),
  runRecords: compile(qb.select().from(runs).where(eq(runs.runId, p("run"))).orderBy(runs.seq)),
  lastRun: compile(qb.select({ run: runs.runId }).from(runs).orderBy(desc(runs.seq)).limit(1)),
  clearNode: compile(qb.delete(e).where(eq(e.node, p("node")))),
  clearAll: compile(qb.delete(e)),
  usage: compile(qb.select({ dv: e.dataVersion, used: sql`max(${e.lastUsedAt})`.as("used") }).from(e).groupBy(e.dataVersion)),
  forget: compile(qb.delete(e).where(eq(e.dataVersion, p("dv")))),
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

  lookup(key: string): string | undefined {
    return guarded(this.#path, "read", () => this.#q.lookup.get({ key }))?.data_version as string | undefined;
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
          config: JSON.stringify(x.config), previews: x.previews ? JSON.stringify(x.previews) : null, dv: x.dataVersion,
          run: x.runId, created: x.createdAt, used: x.lastUsedAt,
        });
      }
      for (const key of batch.used) q.touch.run({ key, at: batch.at });
      for (const r of batch.runs) {
        q.record.run({ run: r.runId, node: r.node, status: r.status, key: r.key ?? null, dv: r.dataVersion ?? null, reason: r.reason ?? null, at: r.at });
      }
    }));
  }

  runRecords(runId: string): RunRecord[] {
    return guarded(this.#path, "read", () => this.#q.runRecords.all({ run: runId })).map((row) => {
      const record: { -readonly [K in keyof RunRecord]: RunRecord[K] } = { runId: row.run_id as string, node: row.node as string, status: row.status as RunRecord["status"], at: Number(row.at) };
      if (row.cache_key !== null) record.key = row.cache_key as string;
      if (row.data_version !== null) record.dataVersion = row.data_version as string;
      if (row.reason !== null) record.reason = row.reason as string;
      return record;
    });
  }

  lastRunId(): string | undefined {
    return guarded(this.#path, "read", () => this.#q.lastRun.get())?.run_id as string | undefined;
  }

  clear(nodes?: readonly string[]): number {
    return guarded(this.#path, "write", () => this.#db.transaction(() => {
      if (nodes === undefined) return this.#q.clearAll.run();
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

  close(): void {
    this.#release?.();
  }
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
  return entry;
}
