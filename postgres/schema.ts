/**
 * The team store's PostgreSQL schema, in drizzle's pg-core: the cache's tables
 * (the meaning of cache/sqlite/schema.ts) and the run history's (the meaning
 * of history/run-schema.ts) in one database, with one migration history.
 * Migrations are generated from this file with `npm run db:generate`
 * (drizzle-kit, drizzle.postgres.config.ts) and checked in under
 * `migrations/`; never edit a generated migration by hand.
 * Times are epoch milliseconds as double precision (exact for whole
 * milliseconds; hook clocks are sub-millisecond).
 *
 * @module
 */
import { bigint, bigserial, customType, doublePrecision, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/** `bytea`, read as `Uint8Array`. */
const bytea = customType<{ data: Uint8Array }>({ dataType: () => "bytea" });

/** One cached computation, with every part of its key (so a miss can be explained). */
export const cacheEntries = pgTable("cache_entries", {
  key: text("cache_key").primaryKey(),
  node: text("node").notNull(),
  codeVersion: text("code_version").notNull(),
  version: text("version"),
  /** JSON: input name -> data version. */
  inputs: text("inputs").notNull(),
  /** JSON: config name -> data version. */
  config: text("config").notNull(),
  /** JSON: name -> short readable value, or null. */
  previews: text("previews"),
  /** JSON: CodePart[], what the code version is made of (for explanations), or null. */
  codeParts: text("code_parts"),
  dataVersion: text("data_version").notNull(),
  runId: text("run_id").notNull(),
  createdAt: doublePrecision("created_at").notNull(),
  lastUsedAt: doublePrecision("last_used_at").notNull(),
}, (t) => [
  index("cache_entries_node").on(t.node, t.lastUsedAt),
  index("cache_entries_data_version").on(t.dataVersion),
]);

/** Results by data version: small ones inline, large ones in a file of the shared directory. */
export const cacheResults = pgTable("cache_results", {
  dataVersion: text("data_version").primaryKey(),
  /** Bytes of the encoded value. */
  size: bigint("size", { mode: "number" }).notNull(),
  inline: bytea("inline"),
  /** Path of the file, relative to the shared directory. */
  file: text("file"),
  createdAt: doublePrecision("created_at").notNull(),
});

/** What each run did per node: one row per flushed batch, its records as JSON (a later record for a node wins). */
export const cacheRuns = pgTable("cache_runs", {
  seq: bigserial("seq", { mode: "number" }).primaryKey(),
  runId: text("run_id").notNull(),
  /** JSON: CacheRecord[] without runId. */
  records: text("records").notNull(),
  at: doublePrecision("at").notNull(),
}, (t) => [index("cache_runs_run").on(t.runId)]);

/** Analyses of module files for code versions, by a hash of the file's content; `digest` is checked on read. */
export const codeAnalyses = pgTable("code_analyses", {
  contentHash: text("content_hash").primaryKey(),
  /** JSON: the ModuleAnalysis. */
  analysis: text("analysis").notNull(),
  digest: text("digest").notNull(),
  createdAt: doublePrecision("created_at").notNull(),
});

/** One row per run. Counters are kept on the row so the runs list never scans node rows. */
export const runs = pgTable("runs", {
  id: text("id").primaryKey(),
  /** running, succeeded, failed or cancelled ("interrupted" is how a reader shows a dead "running" run). */
  status: text("status").notNull(),
  startedAt: doublePrecision("started_at").notNull(),
  endedAt: doublePrecision("ended_at"),
  /** JSON: requested outputs. */
  outputs: text("outputs").notNull(),
  nodes: integer("nodes").notNull(),
  done: integer("done").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  hits: integer("hits").notNull().default(0),
  items: integer("items").notNull().default(0),
  /** JSON: names of the modules the driver was built with. */
  modules: text("modules").notNull().default("[]"),
  /** JSON: name -> preview, for inputs, overrides and config. */
  inputs: text("inputs").notNull(),
  overrides: text("overrides").notNull(),
  config: text("config").notNull(),
  graph: text("graph").notNull(),
  /** JSON RunRequest, or null. */
  request: text("request"),
  /** JSON ErrorRecord of a failed or cancelled run. */
  error: text("error"),
  pid: integer("pid").notNull(),
  host: text("host").notNull(),
  heartbeatAt: doublePrecision("heartbeat_at").notNull(),
  batch: integer("batch").notNull().default(0),
}, (t) => [
  index("runs_started").on(t.startedAt, t.id),
  index("runs_status").on(t.status, t.startedAt, t.id),
]);

/** Drawn graphs (`GraphView` JSON), stored once by content hash. */
export const runGraphs = pgTable("run_graphs", {
  hash: text("hash").primaryKey(),
  view: text("view").notNull(),
  drawing: text("drawing"),
  drawingVersion: text("drawing_version"),
});

/** One row per node execution: per run, or per map/reduce item. */
export const runNodes = pgTable("run_nodes", {
  runId: text("run_id").notNull(),
  node: text("node").notNull(),
  item: text("item").notNull(),
  status: text("status").notNull(),
  startedAt: doublePrecision("started_at").notNull(),
  endedAt: doublePrecision("ended_at"),
  duration: doublePrecision("duration"),
  executor: text("executor").notNull(),
  /** The machine the node ran on (a distributed executor's worker), when known. */
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
  index("run_nodes_node").on(t.node, t.startedAt, t.status, t.cacheStatus, t.duration),
]);
