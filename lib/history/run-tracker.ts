/**
 * Run tracking as a Hook: every run and node execution goes to a
 * {@link RunRecorder} in batches. Node events only update a map in memory;
 * a timer writes what changed (one transaction per `flushMs`), and the end
 * of a run writes the rest at once, so a short run costs one commit.
 *
 * @module
 */
import type { GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "../hooks.ts";
import type { NodeRecord, RunEndRecord, RunOrigin, RunProgress, RunRecorder, RunRequest, RunStartRecord } from "../ports/run-store.ts";
import { errorRecord, itemPath, previewValues } from "./records.ts";
import { requestValues } from "./request-values.ts";
import { previewOf, PREVIEW_LENGTH } from "./preview.ts";

/** Options of {@link RunTracker}. */
export interface RunTrackerOptions {
  /** The process that runs: lets a reader tell a dead run from a live one. */
  readonly origin: RunOrigin;
  /** The run's drawn graph (`GraphView` JSON), from the nodes it computes and its outputs. */
  readonly graphOf: (event: GraphStartEvent) => string;
  /** Characters of a result preview; default 200. */
  readonly previewLength?: number;
  /** How long node events wait to be written together, in ms; default 100. */
  readonly flushMs?: number;
  /** Names of the modules the driver was built with, recorded with each run; default none. */
  readonly modules?: readonly string[];
  /**
   * What the build knew of the request (module files, cache, concurrency): with it, each run records its
   * request with the values given, when they replay exactly (see request-values.ts); default none.
   */
  readonly request?: BuildRequest;
  /** How often a run in flight says it is alive, in ms; default 5,000. */
  readonly heartbeatMs?: number;
  /** Where a failed write is reported (once); tracking then stops, the run goes on. */
  readonly warn?: (message: string) => void;
}

/** The part of a {@link RunRequest} the build knows: all but the values. */
export type BuildRequest = Omit<RunRequest, "values" | "notReplayable">;

interface Active {
  batch: number;
  done: number;
  failed: number;
  items: number;
  hits: number;
  touched: boolean;
  /**
   * Nodes with an execution that succeeded, and failed: counted once however many map/reduce items they ran for,
   * and a node with a failed item only as failed (a succeeded item counted it done: the first failure moves it).
   */
  readonly succeeded: Set<string>;
  readonly failing: Set<string>;
  /** Started, not ended: marked cancelled when the run ends first. */
  readonly running: Map<string, NodeRecord>;
}

/**
 * Records runs through a RunRecorder. Never fails a run: a failed write is one
 * warning and tracking stops for this driver.
 *
 * @example
 * ```ts
 * const tracker = new RunTracker(new MemoryRunStore(), { origin: { pid: 1, host: "h" }, graphOf: () => "{}" });
 * const dr = await new Builder().withModules(flow).withHooks(tracker).build();
 * ```
 */
export class RunTracker implements Hook {
  readonly #recorder: RunRecorder;
  readonly #o: Required<Omit<RunTrackerOptions, "warn" | "modules" | "request">> & Pick<RunTrackerOptions, "warn" | "modules" | "request">;
  readonly #active = new Map<string, Active>();
  #starts: RunStartRecord[] = [];
  #ends: RunEndRecord[] = [];
  #nodes = new Map<string, NodeRecord>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #broken = false;
  /** Where nodes of this process ran: its host name, when known. */
  readonly #host: string | undefined;

  constructor(recorder: RunRecorder, options: RunTrackerOptions) {
    this.#recorder = recorder;
    this.#o = { previewLength: PREVIEW_LENGTH, flushMs: 100, heartbeatMs: 5_000, ...options };
    this.#host = options.origin.host === "" ? undefined : options.origin.host;
  }

  beforeGraph(e: GraphStartEvent): void {
    if (this.#broken) return;
    const { pid, host } = this.#o.origin;
    const max = this.#o.previewLength;
    const request = this.#o.request;
    this.#starts.push({
      id: e.runId, start: e.start, outputs: e.outputs, nodes: e.nodes.length, modules: this.#o.modules ?? [], pid, host,
      inputs: previewValues(e.inputs, max), overrides: previewValues(e.overrides, max), config: previewValues(e.config, max),
      graph: this.#o.graphOf(e),
      ...(request === undefined ? {} : { request: { ...request, ...requestValues(e) } }),
    });
    this.#active.set(e.runId, { batch: 0, done: 0, failed: 0, items: 0, hits: 0, touched: true, succeeded: new Set(), failing: new Set(), running: new Map() });
    this.#heartbeat ??= setInterval(() => this.#beat(), this.#o.heartbeatMs);
    this.#schedule();
  }

  beforeNode(e: NodeStartEvent): void {
    const run = this.#active.get(e.runId);
    if (run === undefined) return;
    const record: NodeRecord = { runId: e.runId, node: e.node, item: itemPath(e.items), status: "running", start: e.start, executor: e.executor };
    const key = keyOf(record);
    run.running.set(key, record);
    this.#nodes.set(key, record);
    run.touched = true;
    this.#schedule();
  }

  afterNode(e: NodeEndEvent): void {
    const run = this.#active.get(e.runId);
    if (run === undefined) return;
    const item = itemPath(e.items);
    const key = `${e.runId}\0${e.node}\0${item}`;
    run.running.delete(key);
    const host = e.host ?? this.#host;
    const base = host === undefined
      ? { runId: e.runId, node: e.node, item, start: e.start, end: e.start + e.duration, duration: e.duration, executor: e.executor }
      : { runId: e.runId, node: e.node, item, start: e.start, end: e.start + e.duration, duration: e.duration, executor: e.executor, host };
    const cache = e.cache === undefined ? {} : { cache: e.cache };
    this.#nodes.set(key, e.success
      ? { ...base, ...cache, status: "succeeded", preview: previewOf(e.result, this.#o.previewLength) }
      : { ...base, ...cache, status: "failed", error: errorRecord(e.error) });
    if (e.success) {
      if (!run.succeeded.has(e.node) && !run.failing.has(e.node)) run.done++;
      run.succeeded.add(e.node);
    } else if (!run.failing.has(e.node)) {
      // Progress is written as increments: a node counted done in an earlier batch is taken back here.
      if (run.succeeded.has(e.node)) run.done--;
      run.failing.add(e.node);
      run.failed++;
    }
    run.items++;
    if (e.cache?.status === "hit") run.hits++;
    run.touched = true;
    this.#schedule();
  }

  afterGraph(e: GraphEndEvent): void {
    const run = this.#active.get(e.runId);
    if (run === undefined) return;
    const end = e.start + e.duration;
    for (const [key, r] of run.running) this.#nodes.set(key, { ...r, status: "cancelled", end, duration: end - r.start });
    run.running.clear();
    const status = e.success ? "succeeded" : e.cancelled ? "cancelled" : "failed";
    this.#ends.push(e.success ? { id: e.runId, end, status } : { id: e.runId, end, status, error: errorRecord(e.error) });
    run.touched = true;
    // The end is written before execute() settles: a process may exit right after it.
    this.flush();
    this.#active.delete(e.runId);
    if (this.#active.size === 0 && this.#heartbeat !== undefined) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  /** Writes everything pending now, in one transaction. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#broken) return;
    const progress: RunProgress[] = [];
    const batchOf = new Map<string, number>();
    for (const [id, run] of this.#active) {
      if (!run.touched) continue;
      run.batch++;
      batchOf.set(id, run.batch);
      progress.push({ id, at: Date.now(), batch: run.batch, done: run.done, failed: run.failed, items: run.items, hits: run.hits });
      run.touched = false;
      run.done = run.failed = run.items = run.hits = 0;
    }
    const nodes: NodeRecord[] = [];
    for (const r of this.#nodes.values()) nodes.push({ ...r, batch: batchOf.get(r.runId) ?? 0 });
    const batch = { starts: this.#starts, nodes, progress, ends: this.#ends };
    this.#starts = [];
    this.#ends = [];
    this.#nodes = new Map();
    if (batch.starts.length + nodes.length + progress.length + batch.ends.length === 0) return;
    try {
      this.#recorder.write(batch);
    } catch (e) {
      this.#broken = true;
      const message = `Run tracking is off for this driver: ${e instanceof Error ? e.message : String(e)}`;
      if (this.#o.warn) this.#o.warn(message);
      else console.warn(message);
    }
  }

  /** Writes what is pending and closes the recorder. */
  close(): void {
    this.flush();
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#recorder.close();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => this.flush(), this.#o.flushMs);
  }

  #beat(): void {
    for (const run of this.#active.values()) run.touched = true;
    this.flush();
  }
}

function keyOf(r: NodeRecord): string {
  return `${r.runId}\0${r.node}\0${r.item}`;
}
