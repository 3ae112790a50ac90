/**
 * The cache's SQLite schema, in drizzle. Migrations are generated from this
 * file with `npm run db:generate` (drizzle-kit) and checked in under
 * `migrations/`; never edit a generated migration by hand.
 *
 * @module
 */
import { blob, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One cached computation, with every part of its key (so a miss can be explained). */
export const cacheEntries = sqliteTable("cache_entries", {
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
  createdAt: integer("created_at").notNull(),
  lastUsedAt: integer("last_used_at").notNull(),
}, (t) => [
  index("cache_entries_node").on(t.node, t.lastUsedAt),
  index("cache_entries_data_version").on(t.dataVersion),
]);

/** Results by data version: small ones inline, large ones in a blob file. */
export const cacheResults = sqliteTable("cache_results", {
  dataVersion: text("data_version").primaryKey(),
  /** Bytes of the encoded value. */
  size: integer("size").notNull(),
  inline: blob("inline", { mode: "buffer" }),
  /** Path of the blob file, relative to the blobs directory. */
  file: text("file"),
  createdAt: integer("created_at").notNull(),
});

/**
 * What each run did per node (hit, miss with the reason, or uncacheable): one
 * row per flushed batch, its records as JSON. A row per node cost a fifth of
 * a warm hit; a later record for the same node in the same run wins.
 */
export const cacheRuns = sqliteTable("cache_runs", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  runId: text("run_id").notNull(),
  /** JSON: CacheRecord[] without runId. */
  records: text("records").notNull(),
  at: integer("at").notNull(),
}, (t) => [index("cache_runs_run").on(t.runId)]);

/**
 * Analyses of module files for code versions, by a hash of the file's content
 * (and of the analysis format): a new process does not parse unchanged files
 * again. `digest` (SHA-256 of `analysis`) is checked on read; a row that does
 * not match is ignored and the file parsed.
 */
export const codeAnalyses = sqliteTable("code_analyses", {
  contentHash: text("content_hash").primaryKey(),
  /** JSON: the ModuleAnalysis. */
  analysis: text("analysis").notNull(),
  digest: text("digest").notNull(),
  createdAt: integer("created_at").notNull(),
});
