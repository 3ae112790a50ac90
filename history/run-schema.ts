/**
 * The run history's tables, in the cache's SQLite file (`.weft/weft.db`).
 * drizzle-kit reads this file with schema.ts (`npm run db:generate`), so both
 * share one migration history; the history never touches the cache's tables,
 * except that a prune removes the cache's per-run records of the runs it
 * removes (prune-sqlite-runs.ts).
 * Times are epoch milliseconds as REAL (hook clocks are sub-millisecond).
 *
 * @module
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One row per run. Counters are kept on the row so the runs list never scans node rows. */
export const runs = sqliteTable("runs", {
  id: text("id").primaryKey(),
  /** running, succeeded, failed or cancelled ("interrupted" is how a reader shows a dead "running" run). */
  status: text("status").notNull(),
  startedAt: real("started_at").notNull(),
  endedAt: real("ended_at"),
  /** JSON: requested outputs. */
  outputs: text("outputs").notNull(),
  /** Function nodes planned. */
  nodes: integer("nodes").notNull(),
  done: integer("done").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  hits: integer("hits").notNull().default(0),
  /** Node executions ended (one per map/reduce item). */
  items: integer("items").notNull().default(0),
  /** JSON: names of the modules the driver was built with. */
  modules: text("modules").notNull().default("[]"),
  /** JSON: name -> preview, for inputs, overrides and config. */
  inputs: text("inputs").notNull(),
  overrides: text("overrides").notNull(),
  config: text("config").notNull(),
  graph: text("graph").notNull(),
  /** JSON RunRequest: what a plan of the run's request needs (module files, values when they replay exactly); null before weft kept it. */
  request: text("request"),
  /** JSON ErrorRecord of a failed or cancelled run. */
  error: text("error"),
  pid: integer("pid").notNull(),
  host: text("host").notNull(),
  heartbeatAt: real("heartbeat_at").notNull(),
  /** The last write batch of the run (live views ask for node rows written after theirs). */
  batch: integer("batch").notNull().default(0),
}, (t) => [
  // With the id, both cover the list's order: a deep page walks an index, never the table.
  index("runs_started").on(t.startedAt, t.id),
  index("runs_status").on(t.status, t.startedAt, t.id),
]);

/** Drawn graphs (`GraphView` JSON), stored once by content hash: runs of one flow share a row. */
export const runGraphs = sqliteTable("run_graphs", {
  hash: text("hash").primaryKey(),
  view: text("view").notNull(),
  /** The graph's SVG layout as the web view drew it (uncoloured), once per graph; null until drawn. */
  drawing: text("drawing"),
  /** What made the drawing (weft's version and the layout's format): another one draws again. */
  drawingVersion: text("drawing_version"),
});

/** One row per node execution: per run, or per map/reduce item. */
export const runNodes = sqliteTable("run_nodes", {
  runId: text("run_id").notNull(),
  node: text("node").notNull(),
  /** Map/reduce item path such as "files[3]"; "" outside blocks. */
  item: text("item").notNull(),
  status: text("status").notNull(),
  startedAt: real("started_at").notNull(),
  endedAt: real("ended_at"),
  duration: real("duration"),
  executor: text("executor").notNull(),
  /** Where the node ran: the driver's host name, or a remote worker's `host:pid`; null while running and in older rows. */
  host: text("host"),
  cacheStatus: text("cache_status"),
  cacheReason: text("cache_reason"),
  /** JSON ErrorRecord. */
  error: text("error"),
  preview: text("preview"),
  batch: integer("batch").notNull(),
}, (t) => [
  primaryKey({ columns: [t.runId, t.node, t.item] }),
  index("run_nodes_batch").on(t.runId, t.batch),
  // Per node across runs, newest first, covering what a plan's estimate and node statistics read (no table lookups).
  index("run_nodes_node").on(t.node, t.startedAt, t.status, t.cacheStatus, t.duration),
]);
