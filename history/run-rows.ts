/**
 * Rows of the run history's tables as the RunHistory port's records.
 *
 * @module
 */
import type { ErrorRecord, NodeRecord, NodeRunStatus, RunDetail, RunRequest, RunStatus, RunSummary } from "../lib/ports/run-store.ts";
import type { SqliteRow } from "../lib/ports/sqlite.ts";

/** A row of the runs list; `dead` says its "running" process is gone. */
export function summaryOf(row: SqliteRow, dead: boolean): RunSummary {
  const status = row.status === "running" && dead ? "interrupted" : (row.status as RunStatus);
  const out: { -readonly [K in keyof RunSummary]: RunSummary[K] } = {
    id: String(row.id),
    status,
    start: Number(row.started_at),
    outputs: JSON.parse(String(row.outputs)) as string[],
    modules: JSON.parse(String(row.modules ?? "[]")) as string[],
    nodes: Number(row.nodes),
    done: Number(row.done),
    failed: Number(row.failed),
    items: Number(row.items ?? 0),
    hits: Number(row.hits),
    pid: Number(row.pid),
    host: String(row.host),
    batch: Number(row.batch),
  };
  if (row.ended_at !== null && row.ended_at !== undefined) out.end = Number(row.ended_at);
  return out;
}

/** A run with its details, from a `runs` row joined with its graph's `view`. */
export function runOf(row: SqliteRow, dead: boolean): RunDetail {
  // drizzle's select({ run: runs, view }) renders every column of runs, then view.
  const detail: { -readonly [K in keyof RunDetail]: RunDetail[K] } = {
    ...summaryOf(row, dead),
    inputs: JSON.parse(String(row.inputs)) as Record<string, string>,
    overrides: JSON.parse(String(row.overrides)) as Record<string, string>,
    config: JSON.parse(String(row.config)) as Record<string, string>,
    graph: typeof row.view === "string" ? row.view : '{"nodes":[],"edges":[]}',
    heartbeat: Number(row.heartbeat_at),
  };
  if (typeof row.request === "string") detail.request = JSON.parse(row.request) as RunRequest;
  if (typeof row.error === "string") detail.error = JSON.parse(row.error) as ErrorRecord;
  return detail;
}

/** A `run_nodes` row; a "running" node of an interrupted run reads as "interrupted". */
export function nodeOf(row: SqliteRow, interrupted: boolean): NodeRecord {
  const status = row.status === "running" && interrupted ? "interrupted" : (row.status as NodeRunStatus);
  const out: { -readonly [K in keyof NodeRecord]: NodeRecord[K] } = {
    runId: String(row.run_id),
    node: String(row.node),
    item: String(row.item),
    status,
    start: Number(row.started_at),
    executor: String(row.executor),
    batch: Number(row.batch),
  };
  if (row.ended_at !== null) out.end = Number(row.ended_at);
  if (row.host !== null && row.host !== undefined) out.host = String(row.host);
  if (row.duration !== null) out.duration = Number(row.duration);
  if (row.cache_status !== null) {
    out.cache = row.cache_reason === null
      ? { status: row.cache_status as "hit" | "miss" | "uncacheable" }
      : { status: row.cache_status as "hit" | "miss" | "uncacheable", reason: String(row.cache_reason) };
  }
  if (row.error !== null) out.error = JSON.parse(String(row.error)) as ErrorRecord;
  if (row.preview !== null) out.preview = String(row.preview);
  return out;
}
