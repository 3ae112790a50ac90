/**
 * The RunStore port: run history. The tracking hook writes through
 * {@link RunRecorder} (batched, synchronous, cheap); the web view and the CLI
 * read through {@link RunHistory}, which has no method that changes anything;
 * {@link RunPruner} removes old runs (`driver.history.prune`, `weft history prune`).
 * Implemented in memory and on SQLite (the cache's file, its own tables) in cache/.
 *
 * @module
 */

/** A run's status. "interrupted" is never written: a reader shows a "running" run whose process is gone that way. */
export type RunStatus = "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

/** A node execution's status ("cancelled": still running when its run failed or was cancelled). */
export type NodeRunStatus = "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

/** Every run status, in the order the web view lists them. */
export const RUN_STATUSES: readonly RunStatus[] = ["running", "succeeded", "failed", "cancelled", "interrupted"];

/** An error as recorded: text only, bounded. */
export interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** The WeftError kind, when it is one. */
  readonly kind?: string;
}

/** Where a run was started: a reader decides from it whether a "running" run is still alive. */
export interface RunOrigin {
  readonly pid: number;
  readonly host: string;
}

/** One module of a run's flow: its name as `withModules` had it, and its file URL when weft knew it. */
export interface RunModule {
  readonly name: string;
  /** `file:` URL of the module's source; absent for a module given without a file (a plain object of functions). */
  readonly url?: string;
}

/** The cache a run's driver had, as a plan of its request needs it. */
export type RunCacheSetting =
  | { readonly kind: "file"; readonly recompute?: true | readonly string[]; readonly disable?: true | readonly string[]; readonly ignore?: true | readonly string[] }
  | { readonly kind: "memory" | "store" | "none" };

/** The values a run was given (inputs, overrides, config), kept exactly, as JSON. */
export interface RequestValues {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * What a plan of a run's request needs, besides its outputs: the flow's module files, the driver's cache
 * and concurrency, and the values given, when they replay exactly (small and JSON-safe); else why not.
 */
export type RunRequest = {
  readonly modules: readonly RunModule[];
  readonly cache: RunCacheSetting;
  readonly concurrency?: number;
  readonly allowModuleOverrides?: boolean;
} & ({ readonly values: RequestValues } | { readonly notReplayable: string });

/** A run as it starts. */
export interface RunStartRecord extends RunOrigin {
  readonly id: string;
  /** Epoch ms. */
  readonly start: number;
  readonly outputs: readonly string[];
  /** How many function nodes the run will compute. */
  readonly nodes: number;
  /** Names of the modules the driver was built with (the flow), as `withModules` named them. */
  readonly modules?: readonly string[];
  /** Short previews of the values given, by name. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly overrides: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  /** The drawn graph of the run, as `GraphView` JSON (stored once per distinct graph). */
  readonly graph: string;
  /** What a plan of the same request needs (the web view's "what would run now"). */
  readonly request?: RunRequest;
}

/** A run as it ends. */
export interface RunEndRecord {
  readonly id: string;
  readonly end: number;
  readonly status: "succeeded" | "failed" | "cancelled";
  readonly error?: ErrorRecord;
}

/** One execution of a node: once per run, or once per map/reduce item. */
export interface NodeRecord {
  readonly runId: string;
  readonly node: string;
  /** The map/reduce items it ran for, such as `"files[3]"` or `"a[0]/b[2]"`; "" outside blocks. */
  readonly item: string;
  readonly status: NodeRunStatus;
  readonly start: number;
  readonly end?: number;
  /** Milliseconds. */
  readonly duration?: number;
  /** "in-process", "worker", or an executor's name. */
  readonly executor: string;
  /**
   * Where it ran, once it ended: the driver's host name for nodes run in its process or its worker threads (and
   * cache hits), the worker's name (`host:pid`) for a node a remote worker ran. Absent while running, and for
   * records written before weft kept it.
   */
  readonly host?: string;
  readonly cache?: { readonly status: "hit" | "miss" | "uncacheable"; readonly reason?: string };
  readonly error?: ErrorRecord;
  /** A short preview of the result (never the value itself). */
  readonly preview?: string;
  /** The write batch that last changed this record, per run: live views ask for what changed since. */
  readonly batch?: number;
}

/** What a flush changes on a run's row: its heartbeat, batch number and counters (as increments). */
export interface RunProgress {
  readonly id: string;
  readonly at: number;
  readonly batch: number;
  readonly done: number;
  readonly failed: number;
  readonly hits: number;
  /** Node executions that ended (one per map/reduce item), succeeded or failed. */
  readonly items?: number;
}

/** What one flush writes, in one transaction: starts first, then nodes, progress and ends. */
export interface RunBatch {
  readonly starts: readonly RunStartRecord[];
  /** Node records; each carries its run's batch number. */
  readonly nodes: readonly NodeRecord[];
  /** One entry per run this batch touches. */
  readonly progress: readonly RunProgress[];
  readonly ends: readonly RunEndRecord[];
}

/** The write side. Never called concurrently; every method is synchronous. */
export interface RunRecorder {
  write(batch: RunBatch): void;
  close(): void;
}

/** A run in the list. */
export interface RunSummary extends RunOrigin {
  readonly id: string;
  readonly status: RunStatus;
  readonly start: number;
  readonly end?: number;
  readonly outputs: readonly string[];
  /** Names of the modules the run's driver was built with; [] for runs recorded before weft kept them. */
  readonly modules: readonly string[];
  /**
   * Graph nodes: function nodes planned; nodes with a succeeded execution and no failed one (`done`), and
   * nodes with a failed execution (`failed`); a map/reduce node counts once, and never in both.
   */
  readonly nodes: number;
  readonly done: number;
  readonly failed: number;
  /** Executions (one per node, or one per map/reduce item) that ended, and those served by the cache. */
  readonly items: number;
  readonly hits: number;
  /** The last write batch of the run. */
  readonly batch: number;
}

/** A run with everything recorded about it except its nodes. */
export interface RunDetail extends RunSummary {
  readonly inputs: Readonly<Record<string, string>>;
  readonly overrides: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  /** `GraphView` JSON. */
  readonly graph: string;
  readonly error?: ErrorRecord;
  readonly heartbeat: number;
  /** What a plan of the same request needs; absent for runs recorded before weft kept it. */
  readonly request?: RunRequest;
}

/** A page of the runs list, newest first. */
export interface RunPage {
  readonly runs: readonly RunSummary[];
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

/** Options of {@link RunHistory.listRuns}. */
export interface RunQuery {
  readonly status?: RunStatus;
  readonly offset?: number;
  /** Default 50, at most 500. */
  readonly limit?: number;
}

/** One execution of a node as statistics read it (see {@link RunHistory.nodeStats}). */
export interface NodeExecutionSample {
  readonly status: NodeRunStatus;
  readonly cache?: "hit" | "miss" | "uncacheable";
  /** Milliseconds. */
  readonly duration?: number;
  /** Epoch ms. */
  readonly start: number;
}

/** A node across runs: from its latest executions (map/reduce items one by one). */
export interface NodeStats {
  readonly node: string;
  /** Executions looked at (at most the `samples` asked for), newest first. */
  readonly executions: number;
  /** Of those, the ones that computed (succeeded, not served by the cache). */
  readonly computed: number;
  readonly hits: number;
  /** Hits among the succeeded executions the cache saw; absent when it saw none (the cache was off). */
  readonly hitRate?: number;
  /** Its own failures (the node threw, timed out). */
  readonly failures: number;
  /** Executions stopped because another node failed or the run was cancelled or its process died: not its fault. */
  readonly stopped: number;
  /** failures / executions that ended. */
  readonly failureRate: number;
  /** Percentiles of the computed executions' durations (ms). */
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  /** Median of the latest 5 computed durations, and of the ones before (ms). */
  readonly recentMs?: number;
  readonly earlierMs?: number;
  /** The recent median is more than 30 % above the earlier one (with 5 recent and at least 5 earlier samples). */
  readonly regression: boolean;
  /** Bytes the node's stored results take in the cache of the same file (0 without one). */
  readonly bytes: number;
  /** The computed durations (ms), oldest first: what a sparkline draws. */
  readonly durations: readonly number[];
  /** Start of its latest execution (epoch ms). */
  readonly lastAt?: number;
}

/** Options of {@link RunHistory.nodeStats}. */
export interface NodeStatsQuery {
  /** One node's statistics; all nodes with executions when omitted. */
  readonly node?: string;
  /** Latest executions read per node (default 100, at most 10,000). */
  readonly samples?: number;
}

/** Executions per node {@link RunHistory.nodeStats} reads by default. */
export const STATS_SAMPLES = 100;

/**
 * Checks a {@link NodeStatsQuery}; returns the samples to read.
 *
 * @throws {RangeError} for samples that are not a whole number from 1 to 10,000, {@link TypeError} for a node that is not a string
 */
export function checkStatsQuery(query: NodeStatsQuery): number {
  if (query.node !== undefined && typeof query.node !== "string") throw new TypeError(`nodeStats() option "node" must be a node name, got ${typeof query.node}`);
  const samples = query.samples ?? STATS_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1 || samples > 10_000) {
    throw new RangeError(`nodeStats() option "samples" must be a whole number from 1 to 10,000, got ${String(samples)}`);
  }
  return samples;
}

/** The read side: everything the web view and the CLI show. */
export interface RunHistory {
  listRuns(query?: RunQuery): RunPage;
  /** How many runs there are, in all and by status: the `total` that `listRuns` gives for each. */
  countRuns(): Readonly<Record<RunStatus | "all", number>>;
  getRun(id: string): RunDetail | undefined;
  /** A run's node executions in start order; with `since`, only those written after that batch. */
  nodesOf(runId: string, options?: { readonly since?: number }): NodeRecord[];
  /**
   * The median duration (ms) of each named node over its latest `samples` (default 20) executions that
   * computed (succeeded, not served by the cache), map/reduce items counted one by one; nodes with none are absent.
   */
  nodeDurations(nodes: readonly string[], options?: { readonly samples?: number }): ReadonlyMap<string, number>;
  /** Statistics per node across runs (see {@link NodeStats}), by node name; [] for a node with no execution. */
  nodeStats(query?: NodeStatsQuery): NodeStats[];
  /** A number that changes whenever anything (any process) wrote: cheap to poll. */
  version(): number;
  close(): void;
}

/** Samples per node {@link RunHistory.nodeDurations} takes by default. */
export const DURATION_SAMPLES = 20;

/** The median of numbers (sorted in place); `undefined` for none. */
export function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * Options of {@link RunPruner.prune}. A run goes when either limit says so: outside the newest `keepRuns`, or
 * started more than `olderThanMs` ago (as `weft cache gc` drops a result when its size or its age limit says so).
 */
export interface PruneOptions {
  /** Keep the newest this many runs (by start), whatever their age. */
  readonly keepRuns?: number;
  /** Remove runs that started longer ago than this (ms). */
  readonly olderThanMs?: number;
  /** Report what would go, remove nothing. */
  readonly dryRun?: boolean;
  /** The time ages are measured from (epoch ms; `Date.now()` by default). */
  readonly now?: number;
}

/** What {@link RunPruner.prune} removed (or, with `dryRun`, would remove). */
export interface PruneReport {
  /** Ids of the runs removed, newest first. */
  readonly runs: readonly string[];
  /** Node execution records removed with them. */
  readonly nodes: number;
  /** Stored drawings of graphs no remaining run uses. */
  readonly graphs: number;
  /** The cache's per-run records (what `explain(node, runId)` reads) of the removed runs, when they share the file. */
  readonly cacheRecords: number;
  /** Runs the limits select that are still running (their process is alive): never removed. */
  readonly inFlight: readonly string[];
  /** Bytes of the file freed for reuse (SQLite free pages), when known: 0 for a dry run or in memory. */
  readonly bytes: number;
}

/**
 * The drawings of run graphs, kept with the graphs (by the SHA-256 hex of their `GraphView` JSON, as runs
 * refer to them): the web view lays a graph out once, not once per server start. Implemented by the SQLite
 * and memory run stores; a prune removes a drawing with its graph.
 */
export interface DrawingStore {
  /** The stored drawing of graph `hash` and what made it, if any. */
  drawingOf(hash: string): { readonly svg: string; readonly version: string } | undefined;
  /** Keeps the drawing of a graph that is stored; a graph no run refers to any more is not written. */
  saveDrawing(hash: string, svg: string, version: string): void;
}

/** The one side of a run store that removes: old runs, on demand. */
export interface RunPruner {
  /**
   * Removes runs by count and age, with their node records; never a run that is still running.
   *
   * @throws {RangeError} when neither limit is given, or one is not a whole number >= 0
   */
  prune(options: PruneOptions): PruneReport;
}

/** Checks {@link PruneOptions}: at least one limit, each a whole number >= 0. */
export function checkPruneOptions(options: PruneOptions): void {
  const { keepRuns, olderThanMs } = options;
  if (keepRuns === undefined && olderThanMs === undefined) {
    throw new RangeError("Cannot prune the run history: no limit given; pass keepRuns, olderThanMs or both");
  }
  if (keepRuns !== undefined && !(Number.isInteger(keepRuns) && keepRuns >= 0)) {
    throw new RangeError(`Cannot prune the run history: "keepRuns" must be a whole number >= 0, got ${keepRuns}`);
  }
  if (olderThanMs !== undefined && !(Number.isFinite(olderThanMs) && olderThanMs >= 0)) {
    throw new RangeError(`Cannot prune the run history: "olderThanMs" must be a number of milliseconds >= 0, got ${olderThanMs}`);
  }
}

/** Both sides, as the stores implement them, and pruning. */
export interface RunStore extends RunRecorder, RunHistory, RunPruner {}

/** Decides whether the process that started a "running" run is still alive. */
export type Liveness = (run: RunOrigin & { readonly heartbeat: number }) => boolean;

/** Clamps a run query's paging to its bounds. */
export function pageOf(query: RunQuery): { offset: number; limit: number } {
  const limit = Math.min(500, Math.max(1, Math.floor(query.limit ?? 50)));
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  return { offset, limit };
}
