/**
 * The RunStore on SQLite: `runs`, `run_nodes` and `run_graphs` in the cache's
 * file. A batch is one `BEGIN IMMEDIATE` transaction; the runs list reads
 * counters kept on the run rows, and `version()` is SQLite's `data_version`
 * plus this connection's own writes, so a poller sees every commit of every
 * process without reading a table.
 *
 * @module
 */
import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Hasher } from "../lib/ports/hasher.ts";
import type { DrawingStore, Liveness, NodeExecutionSample, NodeRecord, NodeRunStatus, NodeStats, NodeStatsQuery, PruneOptions, PruneReport, RunBatch, RunDetail, RunPage, RunQuery, RunStatus, RunStore } from "../lib/ports/run-store.ts";
import { checkPruneOptions, checkStatsQuery, DURATION_SAMPLES, median, pageOf, RUN_STATUSES } from "../lib/ports/run-store.ts";
import { nodeStatsOf } from "../lib/history/node-stats.ts";
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";
import { compile, excluded, p, Prepared, qb } from "../sqlite/queries.ts";
import { runGraphs as g, runNodes as n, runs as r } from "./run-schema.ts";
import { nodeOf, runOf, summaryOf } from "./run-rows.ts";
import { guarded } from "../sqlite/sqlite-errors.ts";
import { pruneSqliteRuns } from "./prune-sqlite-runs.ts";

const LIST = { id: r.id, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt, outputs: r.outputs, modules: r.modules, nodes: r.nodes, done: r.done, failed: r.failed, items: r.items, hits: r.hits, pid: r.pid, host: r.host, batch: r.batch };
const dead = sql`${r.id} IN (SELECT value FROM json_each(${p("dead")}))`;
/** The runs list by status: "running" and "interrupted" split the written "running" rows by `dead`. */
const FILTERS = {
  all: sql`1 = 1`,
  status: sql`${r.status} = ${p("status")}`,
  running: sql`${r.status} = 'running' AND NOT ${dead}`,
  interrupted: sql`${r.status} = 'running' AND ${dead}`,
};
// A deferred join: the page's ids come from the index alone (OFFSET steps over index entries, not
// rows), then only those rows are read. Measured with 10,000 runs: offset 9,950 in about 1 ms, not 40.
const list = (w: keyof typeof FILTERS) => {
  const page = qb.select({ id: r.id }).from(r).where(FILTERS[w]).orderBy(desc(r.startedAt), desc(r.id)).limit(p("limit") as never).offset(p("offset") as never);
  return compile(qb.select(LIST).from(r).where(inArray(r.id, page)).orderBy(desc(r.startedAt), desc(r.id)));
};
const count = (w: keyof typeof FILTERS) => compile(qb.select({ n: sql`count(*)`.as("n") }).from(r).where(FILTERS[w]));

const Q = {
  graph: compile(qb.insert(g).values({ hash: p("hash"), view: p("view") }).onConflictDoNothing()),
  start: compile(qb.insert(r).values({
    id: p("id"), status: "running", startedAt: p("start"), outputs: p("outputs"), modules: p("modules"), nodes: p("nodes"), inputs: p("inputs"),
    overrides: p("overrides"), config: p("config"), graph: p("graph"), request: p("request"), pid: p("pid"), host: p("host"), heartbeatAt: p("start"),
  })),
  node: compile(qb.insert(n).values({
    runId: p("run"), node: p("node"), item: p("item"), status: p("status"), startedAt: p("start"), endedAt: p("end"), duration: p("duration"),
    executor: p("executor"), host: p("host"), cacheStatus: p("cs"), cacheReason: p("cr"), error: p("error"), preview: p("preview"), batch: p("batch"),
  }).onConflictDoUpdate({
    target: [n.runId, n.node, n.item],
    set: Object.fromEntries((["status", "startedAt", "endedAt", "duration", "executor", "host", "cacheStatus", "cacheReason", "error", "preview", "batch"] as const).map((c) => [c, excluded(n[c])])),
  })),
  progress: compile(qb.update(r).set({
    heartbeatAt: sql`${p("at")}`, batch: sql`${p("batch")}`,
    done: sql`${r.done} + ${p("done")}`, failed: sql`${r.failed} + ${p("failed")}`, items: sql`${r.items} + ${p("items")}`, hits: sql`${r.hits} + ${p("hits")}`,
  }).where(eq(r.id, p("id")))),
  end: compile(qb.update(r).set({ status: sql`${p("status")}`, endedAt: sql`${p("end")}`, error: sql`${p("error")}` }).where(eq(r.id, p("id")))),
  running: compile(qb.select({ id: r.id, pid: r.pid, host: r.host, heartbeat: r.heartbeatAt }).from(r).where(eq(r.status, "running"))),
  get: compile(qb.select({ run: r, view: g.view }).from(r).leftJoin(g, eq(g.hash, r.graph)).where(eq(r.id, p("id")))),
  nodes: compile(qb.select().from(n).where(and(eq(n.runId, p("run")), gt(n.batch, p("since")))).orderBy(asc(n.startedAt))),
  listAll: list("all"), listStatus: list("status"), listRunning: list("running"), listInterrupted: list("interrupted"),
  // Per name, its latest `samples` computed executions from the covering index run_nodes_node: bounded work however
  // long the history (a window over every row of the nodes grows with it).
  durations: {
    sql: `SELECT j.value AS node, (SELECT json_group_array(duration) FROM (SELECT duration FROM run_nodes
      WHERE node = j.value AND status = 'succeeded' AND duration IS NOT NULL AND (cache_status IS NULL OR cache_status <> 'hit')
      ORDER BY started_at DESC LIMIT ?)) AS durations FROM json_each(?) AS j`,
    bindings: ["samples", "names"],
  },
  // The next node name after one: a seek per distinct name (DISTINCT would walk every execution's index entry).
  statNext: { sql: "SELECT node FROM run_nodes WHERE node > ? ORDER BY node LIMIT 1", bindings: ["after"] },
  statSamples: {
    sql: "SELECT status, cache_status, duration, started_at FROM run_nodes WHERE node = ? ORDER BY started_at DESC LIMIT ?",
    bindings: ["node", "samples"],
  },
  // The cache's tables share the file (one migration sequence): the results of the node's entries, items included
  // (`work[3]` sorts between `work[` and `work\`).
  statBytes: {
    sql: `SELECT coalesce(sum(size), 0) AS bytes FROM cache_results WHERE data_version IN
      (SELECT data_version FROM cache_entries WHERE node = ? OR (node >= ? AND node < ?))`,
    bindings: ["node", "from", "to"],
  },
  drawingOf: compile(qb.select({ svg: g.drawing, version: g.drawingVersion }).from(g).where(eq(g.hash, p("hash")))),
  saveDrawing: compile(qb.update(g).set({ drawing: sql`${p("svg")}`, drawingVersion: sql`${p("version")}` }).where(eq(g.hash, p("hash")))),
  byStatus: compile(qb.select({ status: r.status, n: sql`count(*)`.as("n") }).from(r).groupBy(r.status)),
  countAll: count("all"), countStatus: count("status"), countRunning: count("running"), countInterrupted: count("interrupted"),
};

/** Options of {@link SqliteRunStore}. */
export interface SqliteRunStoreOptions {
  /** The database file, for messages. */
  readonly path: string;
  /** Hashes drawn graphs, so runs of one flow share one stored graph. */
  readonly hasher: Hasher;
  /** Whether a "running" run's process is still alive; a dead one reads as "interrupted". */
  readonly alive: Liveness;
  /** Called on close instead of closing the connection (when it is shared). */
  readonly release?: () => void;
}

/**
 * Run history in SQLite.
 *
 * @example
 * ```ts
 * const store = new SqliteRunStore(db, { path, hasher, alive: () => true });
 * store.listRuns({ status: "failed", limit: 20 }).runs;
 * ```
 */
export class SqliteRunStore implements RunStore, DrawingStore {
  readonly #db: SqliteDatabase;
  readonly #o: SqliteRunStoreOptions;
  readonly #q: { [K in keyof typeof Q]: Prepared };
  readonly #dataVersion: Prepared;
  readonly #stamp: Prepared;
  /** Counts for the runs list, valid while the file's stamp stays {@link #cacheAt}. */
  readonly #cache = new Map<string, unknown>();
  #cacheAt = "";
  #writes = 0;

  constructor(db: SqliteDatabase, options: SqliteRunStoreOptions) {
    this.#db = db;
    this.#o = options;
    this.#q = guarded(options.path, "open", () =>
      Object.fromEntries(Object.entries(Q).map(([k, c]) => [k, new Prepared(db, c)])) as { [K in keyof typeof Q]: Prepared });
    this.#dataVersion = new Prepared(db, { sql: "PRAGMA data_version", bindings: [] });
    // Changes whenever a commit of any connection (data_version) or any write on this one (total_changes,
    // whoever shares the connection) may have changed a table: the key of the cached totals.
    this.#stamp = new Prepared(db, { sql: "SELECT data_version AS v, total_changes() AS c FROM pragma_data_version", bindings: [] });
    const order = Q.node.bindings.join(",");
    if (order !== "run,node,item,status,start,end,duration,executor,host,cs,cr,error,preview,batch") throw new Error(`weft: unexpected parameter order in "${Q.node.sql}"`);
  }

  write(batch: RunBatch): void {
    const q = this.#q;
    guarded(this.#o.path, "write the run history of", () => this.#db.transaction(() => {
      for (const s of batch.starts) {
        const hash = this.#hash(s.graph);
        // Every start, not once per process: a prune (of any process) may have removed the graph since.
        q.graph.run({ hash, view: s.graph });
        q.start.run({
          id: s.id, start: s.start, outputs: JSON.stringify(s.outputs), modules: JSON.stringify(s.modules ?? []), nodes: s.nodes, inputs: JSON.stringify(s.inputs),
          overrides: JSON.stringify(s.overrides), config: JSON.stringify(s.config), graph: hash,
          request: s.request === undefined ? null : JSON.stringify(s.request), pid: s.pid, host: s.host,
        });
      }
      const node = q.node.statement;
      for (const x of batch.nodes) {
        // Positional, in the compiled order: the hot statement of a batch.
        node.run(x.runId, x.node, x.item, x.status, x.start, x.end ?? null, x.duration ?? null, x.executor, x.host ?? null, x.cache?.status ?? null,
          x.cache?.reason ?? null, x.error ? JSON.stringify(x.error) : null, x.preview ?? null, x.batch ?? 0);
      }
      for (const pr of batch.progress) q.progress.run({ ...pr, items: pr.items ?? 0 });
      for (const e of batch.ends) q.end.run({ id: e.id, status: e.status, end: e.end, error: e.error ? JSON.stringify(e.error) : null });
    }));
    this.#writes++;
  }

  listRuns(query: RunQuery = {}): RunPage {
    const { offset, limit } = pageOf(query);
    return guarded(this.#o.path, "read the run history of", () => {
      const deadIds = JSON.stringify(this.#deadRuns());
      const s = query.status;
      const [rows, total] = s === undefined ? [this.#q.listAll, this.#q.countAll]
        : s === "running" ? [this.#q.listRunning, this.#q.countRunning]
        : s === "interrupted" ? [this.#q.listInterrupted, this.#q.countInterrupted]
        : [this.#q.listStatus, this.#q.countStatus];
      const params = { dead: deadIds, status: s ?? null, limit, offset };
      const dead = new Set(JSON.parse(deadIds) as string[]);
      const runs = rows.all(params).map((row) => summaryOf(row, dead.has(row.id as string)));
      const n = this.#cached(`total ${s ?? ""}\0${deadIds}`, () => Number(total.get(params)?.n ?? 0));
      return { runs, total: n, offset, limit };
    });
  }

  countRuns(): Readonly<Record<RunStatus | "all", number>> {
    return guarded(this.#o.path, "read the run history of", () => {
      // Dead runs are written "running": they move from "running" to "interrupted" here, without a write.
      const dead = this.#deadRuns().length;
      // One walk of the status index per change of the file, not one count per status and request (issue 15).
      const written = this.#cached("by status", () => new Map(this.#q.byStatus.all().map((row) => [String(row.status), Number(row.n)])));
      const counts = Object.fromEntries(RUN_STATUSES.map((st) => [st, written.get(st) ?? 0])) as Record<RunStatus | "all", number>;
      counts.all = [...written.values()].reduce((a, b) => a + b, 0);
      counts.running -= dead;
      counts.interrupted = dead;
      return counts;
    });
  }

  getRun(id: string): RunDetail | undefined {
    return guarded(this.#o.path, "read the run history of", () => {
      const row = this.#q.get.get({ id });
      if (row === undefined) return undefined;
      return runOf(row, this.#deadRuns().includes(id));
    });
  }

  nodeDurations(nodes: readonly string[], options: { readonly samples?: number } = {}): ReadonlyMap<string, number> {
    const samples = options.samples ?? DURATION_SAMPLES;
    return guarded(this.#o.path, "read the run history of", () => {
      const out = new Map<string, number>();
      for (const row of this.#q.durations.all({ names: JSON.stringify(nodes), samples })) {
        const m = median(JSON.parse(String(row.durations)) as number[]);
        if (m !== undefined) out.set(String(row.node), m);
      }
      return out;
    });
  }

  nodeStats(query: NodeStatsQuery = {}): NodeStats[] {
    const samples = checkStatsQuery(query);
    return guarded(this.#o.path, "read the run history of", () => {
      const names = query.node !== undefined ? [query.node] : this.#nodeNames();
      const out: NodeStats[] = [];
      for (const name of names) {
        const rows = this.#q.statSamples.all({ node: name, samples });
        if (rows.length === 0) continue;
        const list = rows.map((r): NodeExecutionSample => ({
          status: r.status as NodeRunStatus,
          ...(r.cache_status === null ? {} : { cache: r.cache_status as "hit" }),
          ...(r.duration === null ? {} : { duration: Number(r.duration) }),
          start: Number(r.started_at),
        }));
        const bytes = Number(this.#q.statBytes.get({ node: name, from: `${name}[`, to: `${name}\\` })?.bytes ?? 0);
        out.push(nodeStatsOf(name, list, bytes));
      }
      return out;
    });
  }

  drawingOf(hash: string): { readonly svg: string; readonly version: string } | undefined {
    return guarded(this.#o.path, "read the run history of", () => {
      // Rows come keyed by column name (drizzle renders no aliases).
      const row = this.#q.drawingOf.get({ hash });
      return row === undefined || row.drawing == null || row.drawing_version == null ? undefined : { svg: String(row.drawing), version: String(row.drawing_version) };
    });
  }

  saveDrawing(hash: string, svg: string, version: string): void {
    guarded(this.#o.path, "write the run history of", () => void this.#q.saveDrawing.run({ hash, svg, version }));
    this.#writes++;
  }

  /** Every node name with an execution, in order. */
  #nodeNames(): string[] {
    const names: string[] = [];
    const next = this.#q.statNext.statement;
    for (let row = next.get(""); row !== undefined; row = next.get(String(row.node))) names.push(String(row.node));
    return names;
  }

  nodesOf(runId: string, options: { readonly since?: number } = {}): NodeRecord[] {
    return guarded(this.#o.path, "read the run history of", () => {
      const run = this.getRun(runId);
      if (run === undefined) return [];
      const interrupted = run.status === "interrupted";
      return this.#q.nodes.all({ run: runId, since: options.since ?? -1 }).map((row) => nodeOf(row, interrupted));
    });
  }

  /**
   * Removes old runs (see {@link pruneSqliteRuns}): never one still running.
   *
   * @throws {RangeError} when the options name no limit or a malformed one
   * @throws {CacheError} when the file cannot be written
   */
  prune(options: PruneOptions): PruneReport {
    checkPruneOptions(options);
    const report = guarded(this.#o.path, "prune the run history of", () => pruneSqliteRuns(this.#db, { ...options, alive: this.#o.alive }));
    if (!options.dryRun && report.runs.length > 0) this.#writes++;
    return report;
  }

  version(): number {
    const row = guarded(this.#o.path, "read the run history of", () => this.#dataVersion.get());
    // data_version changes with other connections' commits only; add this connection's own.
    return Number(row?.data_version ?? 0) * 1_000_000 + this.#writes;
  }

  close(): void {
    if (this.#o.release) this.#o.release();
    else this.#db.close();
  }

  /**
   * A value read from the tables, read again only after the file changed: a count walks a whole index (about
   * 0.2 ms per 10,000 runs), and the HTML runs list asked for six a request (issue 15). Keys that depend on
   * the dead runs hold them, since they move runs from "running" to "interrupted" without a write.
   */
  #cached<T>(key: string, read: () => T): T {
    const row = this.#stamp.get();
    const stamp = `${row?.v}:${row?.c}`;
    if (stamp !== this.#cacheAt) {
      this.#cache.clear();
      this.#cacheAt = stamp;
    }
    if (this.#cache.has(key)) return this.#cache.get(key) as T;
    const value = read();
    this.#cache.set(key, value);
    return value;
  }

  /** Ids of "running" runs whose process is gone: few rows, found through the status index. */
  #deadRuns(): string[] {
    const out: string[] = [];
    for (const row of this.#q.running.all()) {
      const origin = { pid: Number(row.pid), host: String(row.host), heartbeat: Number(row.heartbeat) };
      if (!this.#o.alive(origin)) out.push(String(row.id));
    }
    return out;
  }

  #hash(text: string): string {
    const h = this.#o.hasher.sha256();
    h.update(new TextEncoder().encode(text));
    return h.hex();
  }
}
