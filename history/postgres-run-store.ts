/**
 * The RunStore on PostgreSQL, for a team: `runs`, `run_nodes` and
 * `run_graphs` of postgres/schema.ts, written by every machine's drivers and
 * read by any `weft ui --db postgres://…`. A batch is one transaction in one
 * round trip (its node records in one statement), and notifies the channel
 * {@link RUNS_CHANNEL}: `version()` counts those notifications (read from
 * shared memory by the connection, no query) plus this store's own writes.
 * Text is compared in the "C" collation, so names order as they do in SQLite
 * whatever the database's locale.
 *
 * @module
 */
import type { Hasher } from "../lib/ports/hasher.ts";
import type { PostgresConnection, PostgresStatement } from "../lib/ports/postgres.ts";
import type { DrawingStore, Liveness, NodeExecutionSample, NodeRecord, NodeRunStatus, NodeStats, NodeStatsQuery, PruneOptions, PruneReport, RunBatch, RunDetail, RunOrigin, RunPage, RunQuery, RunStatus, RunStore } from "../lib/ports/run-store.ts";
import { checkPruneOptions, checkStatsQuery, DURATION_SAMPLES, median, pageOf, RUN_STATUSES } from "../lib/ports/run-store.ts";
import { nodeStatsOf } from "../lib/history/node-stats.ts";
import { selectPruned } from "../lib/history/prune-selection.ts";
import { retrying } from "../postgres/queries.ts";
import { nodeOf, runOf, summaryOf } from "./run-rows.ts";

/** The channel run writers notify and readers listen on. */
export const RUNS_CHANNEL = "weft_runs";

const LIST = `"id", "status", "started_at", "ended_at", "outputs", "modules", "nodes", "done", "failed", "items", "hits", "pid", "host", "batch"`;
const ORDER = `ORDER BY "started_at" DESC, "id" COLLATE "C" DESC`;
/** The runs list by status: "running" and "interrupted" split the written "running" rows by the dead ids ($1). */
const FILTERS = {
  all: `$1::text[] IS NOT NULL`,
  status: `"status" = $2 AND $1::text[] IS NOT NULL`,
  running: `"status" = 'running' AND NOT ("id" = ANY($1::text[]))`,
  interrupted: `"status" = 'running' AND "id" = ANY($1::text[])`,
};
const NODE_COLUMNS = `"run_id", "node", "item", "status", "started_at", "ended_at", "duration", "executor", "host", "cache_status", "cache_reason", "error", "preview", "batch"`;
const SQL = {
  graph: `INSERT INTO "run_graphs" ("hash", "view") VALUES ($1, $2) ON CONFLICT ("hash") DO NOTHING`,
  start: `INSERT INTO "runs" ("id", "status", "started_at", "outputs", "modules", "nodes", "inputs", "overrides", "config", "graph", "request", "pid", "host", "heartbeat_at")
    VALUES ($1, 'running', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $2)`,
  // A batch's node records in one statement; a later record of the same execution replaces the earlier one.
  nodes: `INSERT INTO "run_nodes" (${NODE_COLUMNS})
    SELECT ${NODE_COLUMNS} FROM json_populate_recordset(NULL::"run_nodes", $1::text::json)
    ON CONFLICT ("run_id", "node", "item") DO UPDATE SET ${["status", "started_at", "ended_at", "duration", "executor", "host", "cache_status", "cache_reason", "error", "preview", "batch"].map((c) => `"${c}" = excluded."${c}"`).join(", ")}`,
  progress: `UPDATE "runs" SET "heartbeat_at" = $2, "batch" = $3, "done" = "done" + $4, "failed" = "failed" + $5, "items" = "items" + $6, "hits" = "hits" + $7 WHERE "id" = $1`,
  end: `UPDATE "runs" SET "status" = $2, "ended_at" = $3, "error" = $4 WHERE "id" = $1`,
  running: `SELECT "id", "pid", "host", "heartbeat_at" FROM "runs" WHERE "status" = 'running'`,
  get: `SELECT r.*, g."view" FROM "runs" r LEFT JOIN "run_graphs" g ON g."hash" = r."graph" WHERE r."id" = $1`,
  nodes_of: `SELECT * FROM "run_nodes" WHERE "run_id" = $1 AND "batch" > $2 ORDER BY "started_at"`,
  byStatus: `SELECT "status", count(*)::int AS n FROM "runs" GROUP BY "status"`,
  durations: `SELECT x.node, (SELECT coalesce(json_agg(d.duration), '[]')::text FROM (SELECT "duration" FROM "run_nodes"
      WHERE "node" = x.node AND "status" = 'succeeded' AND "duration" IS NOT NULL AND ("cache_status" IS NULL OR "cache_status" <> 'hit')
      ORDER BY "started_at" DESC LIMIT $2) d) AS durations FROM unnest($1::text[]) AS x(node)`,
  names: `SELECT DISTINCT "node" COLLATE "C" AS node FROM "run_nodes" ORDER BY 1`,
  samples: `SELECT "status", "cache_status", "duration", "started_at" FROM "run_nodes" WHERE "node" = $1 ORDER BY "started_at" DESC LIMIT $2`,
  bytes: `SELECT coalesce(sum("size"), 0)::float8 AS bytes FROM "cache_results" WHERE "data_version" IN
      (SELECT "data_version" FROM "cache_entries" WHERE "node" = $1 OR starts_with("node", $2))`,
  drawingOf: `SELECT "drawing", "drawing_version" FROM "run_graphs" WHERE "hash" = $1`,
  saveDrawing: `UPDATE "run_graphs" SET "drawing" = $2, "drawing_version" = $3 WHERE "hash" = $1`,
  candidates: `SELECT "id", "status", "started_at", "pid", "host", "heartbeat_at" FROM "runs" ${ORDER} FOR UPDATE`,
};

/** Options of {@link PostgresRunStore}. */
export interface PostgresRunStoreOptions {
  /** Hashes drawn graphs, so runs of one flow share one stored graph. */
  readonly hasher: Hasher;
  /** Whether a "running" run's process is still alive; a dead one reads as "interrupted". */
  readonly alive: Liveness;
  /** The process this store records runs for (its machine's name is what the web view shows). */
  readonly origin?: RunOrigin;
  /** Called on close instead of closing the connection. */
  readonly release?: () => void;
}

/**
 * Run history in PostgreSQL, shared by a team.
 *
 * @example
 * ```ts
 * const store = new PostgresRunStore(connection, { hasher, alive: () => true });
 * store.listRuns({ status: "failed", limit: 20 }).runs;
 * ```
 */
export class PostgresRunStore implements RunStore, DrawingStore {
  readonly #db: PostgresConnection;
  readonly #o: PostgresRunStoreOptions;
  readonly origin: RunOrigin | undefined;
  #writes = 0;

  /** `db` listens on {@link RUNS_CHANNEL} (for `version()`). */
  constructor(db: PostgresConnection, options: PostgresRunStoreOptions) {
    this.#db = db;
    this.#o = options;
    this.origin = options.origin;
  }

  write(batch: RunBatch): void {
    const statements: PostgresStatement[] = [];
    for (const s of batch.starts) {
      const hash = this.#hash(s.graph);
      statements.push({ sql: SQL.graph, params: [hash, s.graph] });
      statements.push({
        sql: SQL.start,
        params: [s.id, s.start, JSON.stringify(s.outputs), JSON.stringify(s.modules ?? []), s.nodes, JSON.stringify(s.inputs), JSON.stringify(s.overrides),
          JSON.stringify(s.config), hash, s.request === undefined ? null : JSON.stringify(s.request), s.pid, s.host],
      });
    }
    if (batch.nodes.length > 0) {
      const rows = new Map<string, Record<string, unknown>>();
      for (const x of batch.nodes) {
        rows.set(JSON.stringify([x.runId, x.node, x.item]), {
          run_id: x.runId, node: x.node, item: x.item, status: x.status, started_at: x.start, ended_at: x.end ?? null, duration: x.duration ?? null,
          executor: x.executor, host: x.host ?? null, cache_status: x.cache?.status ?? null, cache_reason: x.cache?.reason ?? null,
          error: x.error ? JSON.stringify(x.error) : null, preview: x.preview ?? null, batch: x.batch ?? 0,
        });
      }
      statements.push({ sql: SQL.nodes, params: [JSON.stringify([...rows.values()])] });
    }
    for (const pr of batch.progress) statements.push({ sql: SQL.progress, params: [pr.id, pr.at, pr.batch, pr.done, pr.failed, pr.items ?? 0, pr.hits] });
    for (const e of batch.ends) statements.push({ sql: SQL.end, params: [e.id, e.status, e.end, e.error ? JSON.stringify(e.error) : null] });
    if (statements.length === 0) return;
    statements.push({ sql: "SELECT pg_notify($1, $2)", params: [RUNS_CHANNEL, this.#db.id] });
    retrying(() => this.#db.batch(statements));
    this.#writes++;
  }

  listRuns(query: RunQuery = {}): RunPage {
    const { offset, limit } = pageOf(query);
    const dead = this.#deadRuns();
    const s = query.status;
    const where = s === undefined ? FILTERS.all : s === "running" ? FILTERS.running : s === "interrupted" ? FILTERS.interrupted : FILTERS.status;
    const params = where === FILTERS.status ? [dead, s!] : [dead];
    const n = params.length;
    const rows = this.#db.query(`SELECT ${LIST} FROM "runs" WHERE ${where} ${ORDER} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, limit, offset]).rows;
    const total = Number(this.#db.query(`SELECT count(*)::int AS n FROM "runs" WHERE ${where}`, params).rows[0]?.n ?? 0);
    const deadSet = new Set(dead);
    return { runs: rows.map((row) => summaryOf(row, deadSet.has(row.id as string))), total, offset, limit };
  }

  countRuns(): Readonly<Record<RunStatus | "all", number>> {
    const dead = this.#deadRuns().length;
    const written = new Map(this.#db.query(SQL.byStatus).rows.map((row) => [String(row.status), Number(row.n)]));
    const counts = Object.fromEntries(RUN_STATUSES.map((st) => [st, written.get(st) ?? 0])) as Record<RunStatus | "all", number>;
    counts.all = [...written.values()].reduce((a, b) => a + b, 0);
    counts.running -= dead;
    counts.interrupted = dead;
    return counts;
  }

  getRun(id: string): RunDetail | undefined {
    const row = this.#db.query(SQL.get, [id]).rows[0];
    if (row === undefined) return undefined;
    return runOf(row, this.#deadRuns().includes(id));
  }

  nodesOf(runId: string, options: { readonly since?: number } = {}): NodeRecord[] {
    const run = this.getRun(runId);
    if (run === undefined) return [];
    const interrupted = run.status === "interrupted";
    return this.#db.query(SQL.nodes_of, [runId, options.since ?? -1]).rows.map((row) => nodeOf(row, interrupted));
  }

  nodeDurations(nodes: readonly string[], options: { readonly samples?: number } = {}): ReadonlyMap<string, number> {
    const samples = options.samples ?? DURATION_SAMPLES;
    const out = new Map<string, number>();
    if (nodes.length === 0) return out;
    for (const row of this.#db.query(SQL.durations, [[...nodes], samples]).rows) {
      const m = median(JSON.parse(String(row.durations)) as number[]);
      if (m !== undefined) out.set(String(row.node), m);
    }
    return out;
  }

  nodeStats(query: NodeStatsQuery = {}): NodeStats[] {
    const samples = checkStatsQuery(query);
    const names = query.node !== undefined ? [query.node] : this.#db.query(SQL.names).rows.map((row) => String(row.node));
    const out: NodeStats[] = [];
    for (const name of names) {
      const rows = this.#db.query(SQL.samples, [name, samples]).rows;
      if (rows.length === 0) continue;
      const list = rows.map((r): NodeExecutionSample => ({
        status: r.status as NodeRunStatus,
        ...(r.cache_status === null ? {} : { cache: r.cache_status as "hit" }),
        ...(r.duration === null ? {} : { duration: Number(r.duration) }),
        start: Number(r.started_at),
      }));
      const bytes = Number(this.#db.query(SQL.bytes, [name, `${name}[`]).rows[0]?.bytes ?? 0);
      out.push(nodeStatsOf(name, list, bytes));
    }
    return out;
  }

  drawingOf(hash: string): { readonly svg: string; readonly version: string } | undefined {
    const row = this.#db.query(SQL.drawingOf, [hash]).rows[0];
    return row === undefined || row.drawing == null || row.drawing_version == null ? undefined : { svg: String(row.drawing), version: String(row.drawing_version) };
  }

  saveDrawing(hash: string, svg: string, version: string): void {
    this.#db.batch([{ sql: SQL.saveDrawing, params: [hash, svg, version] }, { sql: "SELECT pg_notify($1, $2)", params: [RUNS_CHANNEL, this.#db.id] }]);
    this.#writes++;
  }

  /**
   * Removes runs by count and age, with their node records, the graphs no remaining run uses and the cache's
   * per-run records of those runs; never a run still running. One transaction, the candidate rows locked.
   *
   * @throws {RangeError} when the options name no limit or a malformed one
   */
  prune(options: PruneOptions): PruneReport {
    checkPruneOptions(options);
    const now = options.now ?? Date.now();
    const report = retrying(() => this.#db.transaction((): PruneReport => {
      const runs = this.#db.query(SQL.candidates).rows.map((row) => ({
        id: String(row.id), status: String(row.status), start: Number(row.started_at),
        pid: Number(row.pid), host: String(row.host), heartbeat: Number(row.heartbeat_at),
      }));
      const { doomed, inFlight } = selectPruned(runs, { ...options, now, alive: this.#o.alive });
      const none = { runs: [], nodes: 0, graphs: 0, cacheRecords: 0, inFlight, bytes: 0 };
      if (doomed.length === 0) return none;
      const count = (sql: string) => Number(this.#db.query(sql, [doomed]).rows[0]?.n ?? 0);
      if (options.dryRun) {
        return {
          runs: doomed, inFlight, bytes: 0,
          nodes: count(`SELECT count(*)::int AS n FROM "run_nodes" WHERE "run_id" = ANY($1)`),
          graphs: count(`SELECT count(*)::int AS n FROM "run_graphs" WHERE "hash" NOT IN (SELECT "graph" FROM "runs" WHERE NOT ("id" = ANY($1)))`),
          cacheRecords: count(`SELECT count(*)::int AS n FROM "cache_runs" WHERE "run_id" = ANY($1)`),
        };
      }
      const nodes = this.#db.query(`DELETE FROM "run_nodes" WHERE "run_id" = ANY($1)`, [doomed]).count;
      this.#db.query(`DELETE FROM "runs" WHERE "id" = ANY($1)`, [doomed]);
      const graphs = this.#db.query(`DELETE FROM "run_graphs" WHERE "hash" NOT IN (SELECT "graph" FROM "runs")`).count;
      const cacheRecords = this.#db.query(`DELETE FROM "cache_runs" WHERE "run_id" = ANY($1)`, [doomed]).count;
      // The cache's hit lists (rows "hits:<id>") that no remaining run refers to.
      this.#db.query(`DELETE FROM "cache_runs" WHERE "run_id" LIKE 'hits:%' AND "run_id" NOT IN
        (SELECT "records"::json->>'hits' FROM "cache_runs" WHERE "records" LIKE '{%' AND "records"::json->>'hits' IS NOT NULL)`);
      this.#db.query("SELECT pg_notify($1, $2)", [RUNS_CHANNEL, this.#db.id]);
      return { runs: doomed, nodes, graphs, cacheRecords, inFlight, bytes: 0 };
    }));
    if (!options.dryRun && report.runs.length > 0) this.#writes++;
    return report;
  }

  version(): number {
    return this.#db.generation(RUNS_CHANNEL) * 1_000_000 + this.#writes;
  }

  close(): void {
    if (this.#o.release) this.#o.release();
    else this.#db.close();
  }

  /** Ids of "running" runs whose process is gone. */
  #deadRuns(): string[] {
    const out: string[] = [];
    for (const row of this.#db.query(SQL.running).rows) {
      if (!this.#o.alive({ pid: Number(row.pid), host: String(row.host), heartbeat: Number(row.heartbeat_at) })) out.push(String(row.id));
    }
    return out;
  }

  #hash(text: string): string {
    const h = this.#o.hasher.sha256();
    h.update(new TextEncoder().encode(text));
    return h.hex();
  }
}
