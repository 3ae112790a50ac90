/**
 * The RunStore in memory: run history for tests and for processes that must
 * not write files. Same behaviour as the SQLite store (one contract suite).
 *
 * @module
 */
import { selectPruned } from "../lib/history/prune-selection.ts";
import { nodeStatsOf } from "../lib/history/node-stats.ts";
import {
  checkPruneOptions,
  checkStatsQuery,
  type DrawingStore,
  DURATION_SAMPLES,
  median,
  type Liveness,
  type NodeRecord,
  type NodeStats,
  type NodeStatsQuery,
  pageOf,
  type PruneOptions,
  type PruneReport,
  type RunBatch,
  type RunDetail,
  type RunPage,
  type RunQuery,
  type RunStore,
  RUN_STATUSES,
  type RunStatus,
  type RunSummary,
} from "../lib/ports/run-store.ts";

type Row = { -readonly [K in keyof RunDetail]: RunDetail[K] };

/**
 * Run history kept in memory.
 *
 * @example
 * ```ts
 * const store = new MemoryRunStore();
 * const dr = await new Builder().withModules(flow).withTracking({ store }).build();
 * await dr.execute(["total"]);
 * store.listRuns().runs[0].status; // "succeeded"
 * ```
 */
export class MemoryRunStore implements RunStore, DrawingStore {
  /** Drawings by graph hash, the latest 64 (a memory history has no graph table to keep them with). */
  readonly #drawings = new Map<string, { readonly svg: string; readonly version: string }>();

  drawingOf(hash: string): { readonly svg: string; readonly version: string } | undefined {
    return this.#drawings.get(hash);
  }

  saveDrawing(hash: string, svg: string, version: string): void {
    this.#drawings.delete(hash);
    if (this.#drawings.size >= 64) this.#drawings.delete(this.#drawings.keys().next().value!);
    this.#drawings.set(hash, { svg, version });
  }

  readonly #runs = new Map<string, Row>();
  readonly #nodes = new Map<string, Map<string, NodeRecord>>();
  readonly #alive: Liveness;
  #version = 0;

  /** `alive` decides whether a "running" run's process still runs (default: it does, it is this one). */
  constructor(options: { readonly alive?: Liveness } = {}) {
    this.#alive = options.alive ?? (() => true);
  }

  write(batch: RunBatch): void {
    for (const s of batch.starts) {
      this.#runs.set(s.id, {
        ...s, modules: s.modules ?? [], status: "running", done: 0, failed: 0, items: 0, hits: 0, batch: 0, heartbeat: s.start,
      });
      this.#nodes.set(s.id, new Map());
    }
    for (const n of batch.nodes) this.#nodes.get(n.runId)?.set(`${n.node}\0${n.item}`, n);
    for (const p of batch.progress) {
      const run = this.#runs.get(p.id);
      if (run === undefined) continue;
      run.heartbeat = p.at;
      run.batch = p.batch;
      run.done += p.done;
      run.failed += p.failed;
      run.items += p.items ?? 0;
      run.hits += p.hits;
    }
    for (const e of batch.ends) {
      const run = this.#runs.get(e.id);
      if (run === undefined) continue;
      run.status = e.status;
      run.end = e.end;
      if (e.error) run.error = e.error;
    }
    this.#version++;
  }

  listRuns(query: RunQuery = {}): RunPage {
    const { offset, limit } = pageOf(query);
    const all = [...this.#runs.values()].map((r) => this.#seen(r)).filter((r) => query.status === undefined || r.status === query.status);
    all.sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
    return { runs: all.slice(offset, offset + limit).map(summary), total: all.length, offset, limit };
  }

  countRuns(): Readonly<Record<RunStatus | "all", number>> {
    const counts = Object.fromEntries([["all", this.#runs.size], ...RUN_STATUSES.map((st) => [st, 0])]) as Record<RunStatus | "all", number>;
    for (const r of this.#runs.values()) counts[this.#seen(r).status]++;
    return counts;
  }

  getRun(id: string): RunDetail | undefined {
    const run = this.#runs.get(id);
    return run === undefined ? undefined : this.#seen(run);
  }

  nodeDurations(nodes: readonly string[], options: { readonly samples?: number } = {}): ReadonlyMap<string, number> {
    const samples = options.samples ?? DURATION_SAMPLES;
    const wanted = new Set(nodes);
    const byNode = new Map<string, NodeRecord[]>();
    for (const records of this.#nodes.values()) {
      for (const r of records.values()) {
        if (!wanted.has(r.node) || r.status !== "succeeded" || r.duration === undefined || r.cache?.status === "hit") continue;
        let list = byNode.get(r.node);
        if (list === undefined) byNode.set(r.node, (list = []));
        list.push(r);
      }
    }
    const out = new Map<string, number>();
    for (const [name, list] of byNode) {
      const latest = list.sort((a, b) => b.start - a.start).slice(0, samples);
      out.set(name, median(latest.map((r) => r.duration!))!);
    }
    return out;
  }

  nodeStats(query: NodeStatsQuery = {}): NodeStats[] {
    const samples = checkStatsQuery(query);
    const byNode = new Map<string, NodeRecord[]>();
    for (const records of this.#nodes.values()) {
      for (const r of records.values()) {
        if (query.node !== undefined && r.node !== query.node) continue;
        let list = byNode.get(r.node);
        if (list === undefined) byNode.set(r.node, (list = []));
        list.push(r);
      }
    }
    // A memory history has no cache beside it: no bytes.
    return [...byNode.keys()].sort().map((name) => {
      const latest = byNode.get(name)!.sort((a, b) => b.start - a.start).slice(0, samples);
      return nodeStatsOf(name, latest.map((r) => ({ status: r.status, ...(r.cache ? { cache: r.cache.status } : {}), ...(r.duration === undefined ? {} : { duration: r.duration }), start: r.start })), 0);
    });
  }

  nodesOf(runId: string, options: { readonly since?: number } = {}): NodeRecord[] {
    const run = this.#runs.get(runId);
    if (run === undefined) return [];
    const interrupted = this.#seen(run).status === "interrupted";
    const since = options.since ?? -1;
    return [...this.#nodes.get(runId)!.values()]
      .filter((n) => (n.batch ?? 0) > since)
      .map((n) => (interrupted && n.status === "running" ? { ...n, status: "interrupted" as const } : n))
      .sort((a, b) => a.start - b.start);
  }

  /** Removes old runs and their node records, never one still running (see {@link selectPruned}). */
  prune(options: PruneOptions): PruneReport {
    checkPruneOptions(options);
    const newest = [...this.#runs.values()].sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
    const { doomed, inFlight } = selectPruned(newest, { ...options, alive: this.#alive, now: options.now ?? Date.now() });
    let nodes = 0;
    for (const id of doomed) nodes += this.#nodes.get(id)?.size ?? 0;
    if (!options.dryRun && doomed.length > 0) {
      for (const id of doomed) {
        this.#runs.delete(id);
        this.#nodes.delete(id);
      }
      this.#version++;
    }
    return { runs: doomed, nodes, graphs: 0, cacheRecords: 0, inFlight, bytes: 0 };
  }

  version(): number {
    return this.#version;
  }

  close(): void {}

  /** The run as a reader sees it: "running" with its process gone is "interrupted". */
  #seen(run: Row): RunDetail {
    return run.status === "running" && !this.#alive(run) ? { ...run, status: "interrupted" } : run;
  }
}

function summary(r: RunDetail): RunSummary {
  const { inputs: _i, overrides: _o, config: _c, graph: _g, error: _e, heartbeat: _h, request: _r, ...rest } = r;
  return rest;
}
