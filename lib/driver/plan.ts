/**
 * `driver.plan()`: what a run would compute and why, and how long it would
 * take, before running it. The cache's part is lib/engine/cache-plan.ts; this
 * file adds the estimate (each node's median duration from the run history,
 * scheduled with the driver's concurrency) and the printed table.
 *
 * @module
 */
import { formatDuration } from "../format-duration.ts";
import type { PlannedCall, PlanStatus } from "../engine/cache-plan.ts";
import type { RunHistory } from "../ports/run-store.ts";

export type { PlanStatus };

/** One node call of a planned run. */
export interface PlannedNode {
  /** As the cache records it: the node's name, with item indexes inside map/reduce blocks (`counted[3]`, or `counted[*]` for every item of a block whose items are not known yet). */
  readonly node: string;
  /**
   * `hit`: reused from the cache; `miss`: computed, and why (`code of "cleaned" changed (flow.ts:21)`);
   * `pending`: below a miss, a hit if what it reads comes out the same; `uncacheable`: computed, never
   * cached (why); `disabled` / `recompute`: its cache behaviour.
   */
  readonly status: PlanStatus;
  readonly reason?: string;
  /** The stored data version a hit reuses. */
  readonly dataVersion?: string;
  /** The node's median duration over its recent computed runs (ms), when the history has any. */
  readonly estimateMs?: number;
}

/** How long the nodes that may run would take. */
export interface PlanEstimate {
  /**
   * Expected wall time (ms): the nodes that may compute (every status but `hit`, so at most this when
   * pending nodes hit), each taking its median, started as the driver would (dependencies first, at most
   * its concurrency at once). `undefined` when none of them has history.
   */
  readonly wallMs?: number;
  /** The sum of their medians (ms): the work, whatever the concurrency. */
  readonly workMs?: number;
  /** Nodes that may compute and have no history (counted as 0 ms). */
  readonly withoutHistory: number;
  /** For people: `about 1.2 s (12 nodes may compute; 3 without history)`, or `no history`, or `nothing to compute`. */
  readonly message: string;
}

/** What `driver.plan(outputs, options)` found. */
export interface DriverPlan {
  readonly outputs: readonly string[];
  /** Every node call the run would make (one per item in map/reduce blocks), dependencies first. */
  readonly nodes: readonly PlannedNode[];
  /** Calls by status. */
  readonly counts: Readonly<Record<PlanStatus, number>>;
  readonly estimate: PlanEstimate;
}

/** What {@link planOf} needs besides the calls. */
export interface PlanSettings {
  /** The run history the estimate reads; `undefined`: no estimate. */
  readonly history: RunHistory | undefined;
  /** In-process concurrency (`withConcurrency`); `undefined`: unbounded. */
  readonly concurrency: number | undefined;
}

/** The base name of a record (`counted[3]` → `counted`). */
function baseName(record: string): string {
  const at = record.indexOf("[");
  return at === -1 ? record : record.slice(0, at);
}

/** Assembles the plan: statuses, each node's median duration, the run's estimate. */
export function planOf(outputs: readonly string[], calls: readonly PlannedCall[], settings: PlanSettings): DriverPlan {
  const names = [...new Set(calls.map((c) => c.graphNode.name))];
  const medians = settings.history?.nodeDurations(names) ?? new Map<string, number>();
  const counts: Record<PlanStatus, number> = { hit: 0, miss: 0, pending: 0, uncacheable: 0, disabled: 0, recompute: 0 };
  const nodes = calls.map((c): PlannedNode => {
    counts[c.status]++;
    const estimateMs = medians.get(baseName(c.node)) ?? medians.get(c.graphNode.name);
    return {
      node: c.node,
      status: c.status,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.dataVersion === undefined ? {} : { dataVersion: c.dataVersion }),
      ...(estimateMs === undefined ? {} : { estimateMs }),
    };
  });
  return { outputs, nodes, counts, estimate: estimateOf(calls, nodes, settings.concurrency) };
}

/**
 * List scheduling, as the engine starts work: in dependency order, each call
 * starts when what it reads is done and one of `concurrency` places is free.
 */
function estimateOf(calls: readonly PlannedCall[], nodes: readonly PlannedNode[], concurrency: number | undefined): PlanEstimate {
  const finish = new Float64Array(calls.length);
  const places: number[] = []; // finish times of the places in use (a min-heap)
  let running = 0;
  let withoutHistory = 0;
  let withHistory = 0;
  let work = 0;
  let wall = 0;
  for (let i = 0; i < calls.length; i++) {
    let ready = 0;
    for (const d of calls[i]!.after) ready = Math.max(ready, finish[d]!);
    if (nodes[i]!.status === "hit") {
      finish[i] = ready;
      continue;
    }
    running++;
    const ms = nodes[i]!.estimateMs;
    if (ms === undefined) withoutHistory++;
    else withHistory++;
    const took = ms ?? 0;
    work += took;
    let start = ready;
    if (concurrency !== undefined) {
      if (places.length >= concurrency) start = Math.max(start, popMin(places));
      pushHeap(places, start + took);
    }
    finish[i] = start + took;
    wall = Math.max(wall, finish[i]!);
  }
  if (running === 0) return { wallMs: 0, workMs: 0, withoutHistory: 0, message: "nothing to compute" };
  if (withHistory === 0) return { withoutHistory, message: "no history" };
  const may = `${running} ${running === 1 ? "node" : "nodes"} may compute`;
  const without = withoutHistory === 0 ? "" : `; ${withoutHistory} without history`;
  return { wallMs: wall, workMs: work, withoutHistory, message: `about ${formatDuration(wall)} (${may}${without})` };
}

function pushHeap(heap: number[], x: number): void {
  heap.push(x);
  for (let i = heap.length - 1; i > 0;) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= heap[i]!) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function popMin(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]! < heap[m]!) m = l;
      if (r < heap.length && heap[r]! < heap[m]!) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  }
  return top;
}

/**
 * A plan as a table for a terminal: node, status, reason, estimate, then the
 * counts and the estimate of the run. Long reasons are kept whole.
 *
 * @example
 * ```ts
 * console.log(formatPlan(dr.plan(["report"], { inputs: { day: "2026-11-22" } })));
 * // node      status  reason                                   estimate
 * // orders    hit                                              1.2 s
 * // report    miss    code of "report" changed (flow.ts:21)    35 ms
 * // 1 hit, 1 miss; about 35 ms (1 node may compute)
 * ```
 */
export function formatPlan(plan: DriverPlan): string {
  const rows = plan.nodes.map((n) => [n.node, n.status, n.reason ?? "", n.estimateMs === undefined ? "" : formatDuration(n.estimateMs)] as const);
  const head = ["node", "status", "reason", "estimate"] as const;
  const width = (k: number, max: number) => Math.min(max, Math.max(head[k]!.length, ...rows.map((r) => r[k]!.length)));
  const w = [width(0, 40), width(1, 11), width(2, 70)];
  const line = (r: readonly string[]) => `${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]!}`.trimEnd();
  return [line(head), ...rows.map(line), planSummary(plan)].join("\n");
}

/**
 * The last line of {@link formatPlan}: the calls by status and the estimate.
 *
 * @example
 * ```ts
 * planSummary(dr.plan(["report"])); // "1 hit, 1 miss; about 35 ms (1 node may compute)"
 * ```
 */
export function planSummary(plan: DriverPlan): string {
  const counts = (Object.entries(plan.counts) as [PlanStatus, number][]).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(", ");
  return `${counts === "" ? "no nodes" : counts}; ${plan.estimate.message}`;
}
