/**
 * Pruning of the run history on SQLite: the runs chosen by
 * {@link selectPruned}, their node records, the drawn graphs no remaining run
 * uses, and the cache's per-run records of those runs (`cache_runs`, which
 * `explain(node, runId)` reads) when the cache shares the file. Cache entries
 * and results are left alone: entries are the cache's own index, reached by
 * key and not through a run, so every remaining result stays reachable and a
 * re-run still hits. One `BEGIN IMMEDIATE` transaction: a process recording a
 * run meanwhile waits for it (busy timeout) and then writes on.
 *
 * @module
 */
import { selectPruned } from "../lib/history/prune-selection.ts";
import type { Liveness, PruneOptions, PruneReport } from "../lib/ports/run-store.ts";
import { checkPruneOptions } from "../lib/ports/run-store.ts";
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";

const IDS = "SELECT value FROM json_each(?)";
// cache_runs is named here in SQL, not through the cache's schema: history/ imports lib/ and sqlite/ only. The
// shared migrations (sqlite/migrations/) make it in every file the history opens.
const SQL = {
  candidates: "SELECT id, status, started_at, pid, host, heartbeat_at FROM runs ORDER BY started_at DESC, id DESC",
  countNodes: `SELECT count(*) AS n FROM run_nodes WHERE run_id IN (${IDS})`,
  countGraphs: `SELECT count(*) AS n FROM run_graphs WHERE hash NOT IN (SELECT graph FROM runs WHERE id NOT IN (${IDS}))`,
  countCacheRecords: `SELECT count(*) AS n FROM cache_runs WHERE run_id IN (${IDS})`,
  deleteNodes: `DELETE FROM run_nodes WHERE run_id IN (${IDS})`,
  deleteRuns: `DELETE FROM runs WHERE id IN (${IDS})`,
  deleteGraphs: "DELETE FROM run_graphs WHERE hash NOT IN (SELECT graph FROM runs)",
  deleteCacheRecords: `DELETE FROM cache_runs WHERE run_id IN (${IDS})`,
  // Hit lists (rows "hits:…", see cache/sqlite/sqlite-metadata-store.ts) that no remaining run refers to. A cache
  // that wrote one checks it is still there before referring to it again.
  deleteHitLists: "DELETE FROM cache_runs WHERE run_id LIKE 'hits:%' AND run_id NOT IN "
    + "(SELECT h FROM (SELECT CASE WHEN json_valid(records) THEN json_extract(records, '$.hits') END AS h FROM cache_runs WHERE records LIKE '{%') WHERE h IS NOT NULL)",
};

/**
 * Removes what `options` selects from the run history in `db` and reports it.
 *
 * @throws {RangeError} when the options name no limit or a malformed one
 * @example
 * ```ts
 * const report = pruneSqliteRuns(db, { keepRuns: 100, olderThanMs: 30 * 86_400_000, alive });
 * report.runs.length; // runs removed
 * ```
 */
export function pruneSqliteRuns(db: SqliteDatabase, options: PruneOptions & { readonly alive: Liveness }): PruneReport {
  checkPruneOptions(options);
  const now = options.now ?? Date.now();
  const free = () => Number(db.prepare("PRAGMA freelist_count").get()?.freelist_count ?? 0);
  const before = free();
  const report = db.transaction((): Omit<PruneReport, "bytes"> => {
    const runs = db.prepare(SQL.candidates).all().map((row) => ({
      id: String(row.id), status: String(row.status), start: Number(row.started_at),
      pid: Number(row.pid), host: String(row.host), heartbeat: Number(row.heartbeat_at),
    }));
    const { doomed, inFlight } = selectPruned(runs, { ...options, now });
    const ids = JSON.stringify(doomed);
    const count = (q: string) => Number(db.prepare(q).get(ids)?.n ?? 0);
    if (doomed.length === 0) return { runs: [], nodes: 0, graphs: 0, cacheRecords: 0, inFlight };
    if (options.dryRun) {
      return { runs: doomed, nodes: count(SQL.countNodes), graphs: count(SQL.countGraphs), cacheRecords: count(SQL.countCacheRecords), inFlight };
    }
    const nodes = db.prepare(SQL.deleteNodes).run(ids).changes;
    db.prepare(SQL.deleteRuns).run(ids);
    const graphs = db.prepare(SQL.deleteGraphs).run().changes;
    const cacheRecords = db.prepare(SQL.deleteCacheRecords).run(ids).changes;
    db.prepare(SQL.deleteHitLists).run();
    return { runs: doomed, nodes, graphs, cacheRecords, inFlight };
  });
  const pageSize = Number(db.prepare("PRAGMA page_size").get()?.page_size ?? 0);
  return { ...report, bytes: options.dryRun ? 0 : Math.max(0, free() - before) * pageSize };
}
