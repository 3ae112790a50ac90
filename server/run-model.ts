/**
 * What the run page shows, computed from a run and its node executions: wall
 * time, busy time and the parallelism they imply, peak concurrency, one row
 * per node (executions of a map/reduce node folded together) sorted by time.
 *
 * @module
 */
import type { NodeRecord, NodeRunStatus, RunDetail, RunSummary } from "../lib/ports/run-store.ts";

/** One node of a run, all its executions folded together. */
export interface NodeRow {
  readonly node: string;
  readonly status: NodeRunStatus;
  /** Executions (1, or the number of map/reduce items). */
  readonly runs: number;
  readonly start: number;
  /** Sum of the executions' durations (ms). */
  readonly busy: number;
  /** From the first start to the last end (ms). */
  readonly span: number;
  readonly executor: string;
  /** The hosts its executions ran on (the driver's host name, remote workers' `host:pid`), in order of first use. */
  readonly hosts: readonly string[];
  readonly hits: number;
  readonly misses: number;
  /** The first miss or uncacheable reason. */
  readonly reason: string | undefined;
  readonly failed: NodeRecord | undefined;
}

/** The figures that answer "did my parallelism help?" and "which node dominates?". */
export interface RunModel {
  /** Wall time of the run, or so far (ms). */
  readonly wall: number;
  /** Sum of node durations (ms). */
  readonly busy: number;
  /** busy / wall: 1 means one node at a time. */
  readonly parallelism: number;
  /** Most executions running at one moment. */
  readonly peak: number;
  readonly rows: readonly NodeRow[];
}

const RANK: Readonly<Record<NodeRunStatus, number>> = { failed: 5, interrupted: 4, running: 3, cancelled: 2, succeeded: 1 };

/**
 * The run page's figures and rows.
 *
 * @example
 * ```ts
 * const model = runModel(run, history.nodesOf(run.id), Date.now());
 * model.parallelism; // 2.9 for three 100 ms nodes run side by side
 * ```
 */
export function runModel(run: RunDetail, nodes: readonly NodeRecord[], now: number): RunModel {
  const end = run.end ?? (run.status === "running" ? now : Math.max(run.start, ...nodes.map((n) => n.end ?? n.start)));
  const wall = Math.max(0, end - run.start);
  const byNode = new Map<string, NodeRecord[]>();
  let busy = 0;
  const edges: [number, number][] = [];
  for (const n of nodes) {
    const list = byNode.get(n.node) ?? [];
    list.push(n);
    byNode.set(n.node, list);
    const stop = n.end ?? end;
    busy += stop - n.start;
    edges.push([n.start, 1], [stop, -1]);
  }
  // Ends before starts at the same instant: back-to-back nodes do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let peak = 0;
  let live = 0;
  for (const [, d] of edges) peak = Math.max(peak, (live += d));
  const rows: NodeRow[] = [];
  for (const [node, list] of byNode) {
    let status: NodeRunStatus = "succeeded";
    let first = Infinity;
    let last = -Infinity;
    let nodeBusy = 0;
    let hits = 0;
    let misses = 0;
    let reason: string | undefined;
    let failed: NodeRecord | undefined;
    const hosts = new Set<string>();
    for (const n of list) {
      if (n.host !== undefined) hosts.add(n.host);
      if (RANK[n.status] > RANK[status]) status = n.status;
      first = Math.min(first, n.start);
      last = Math.max(last, n.end ?? end);
      nodeBusy += (n.end ?? end) - n.start;
      if (n.cache?.status === "hit") hits++;
      else if (n.cache !== undefined) {
        misses++;
        reason ??= n.cache.reason;
      }
      if (n.status === "failed") failed ??= n;
    }
    rows.push({ node, status, runs: list.length, start: first, busy: nodeBusy, span: last - first, executor: list[0]!.executor, hosts: [...hosts], hits, misses, reason, failed });
  }
  rows.sort((a, b) => a.start - b.start);
  return { wall, busy, parallelism: wall > 0 ? busy / wall : 0, peak, rows };
}

/**
 * Where a node's executions ran, for people: the executor and its hosts, a few named and the rest counted.
 *
 * @example
 * ```ts
 * ranText({ executor: "bullmq", hosts: ["box-1:41", "box-2:77"] }); // "bullmq on box-1:41, box-2:77"
 * ```
 */
export function ranText(row: Pick<NodeRow, "executor" | "hosts">, shown = 3): string {
  const { executor, hosts } = row;
  if (hosts.length === 0) return executor;
  const named = hosts.slice(0, shown).join(", ");
  return `${executor} on ${hosts.length > shown ? `${named} and ${hosts.length - shown} more` : named}`;
}

/**
 * Executions per host of a run's nodes (records written before weft kept hosts are not counted).
 *
 * @example
 * ```ts
 * executionsByHost(history.nodesOf(runId)); // { "build-1": 3, "box-2:4242": 500 }
 * ```
 */
export function executionsByHost(nodes: readonly NodeRecord[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const n of nodes) if (n.host !== undefined) out[n.host] = (out[n.host] ?? 0) + 1;
  return out;
}

/**
 * A run's progress with graph nodes and their executions (map/reduce items) apart, as the runs list and the
 * run page show it.
 *
 * @example
 * ```ts
 * progressText(run); // "5/6 nodes, 1 failed · 95 items (95 cache hits)"
 * ```
 */
export function progressText(run: RunSummary): string {
  const nodes = `${run.done}/${run.nodes} nodes${run.failed > 0 ? `, ${run.failed} failed` : ""}`;
  const hits = `${run.hits} cache ${run.hits === 1 ? "hit" : "hits"}`;
  // Runs recorded before weft counted items have 0 of them: say nothing rather than "0 items (5 cache hits)".
  if (run.items === 0 && run.done + run.failed > 0) return `${nodes} · ${hits}`;
  return `${nodes} · ${run.items} ${run.items === 1 ? "item" : "items"} (${hits})`;
}

/** The flow a run ran: the names of the modules its driver was built with, or "" when not recorded. */
export function flowName(run: RunSummary): string {
  return run.modules.join(", ");
}

/** An epoch-ms time as ISO 8601 (the client script shows it in local time). */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** The same time, readable without the client script: "2026-11-22 04:41:02 UTC". */
export function readableTime(ms: number): string {
  return `${isoOf(ms).slice(0, 19).replace("T", " ")} UTC`;
}
