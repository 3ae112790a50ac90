/**
 * The JSON API under /api (the diff of two runs at /api/diff?a=&b=&output=): read-only (GET only), 404 JSON for unknown runs,
 * nodes and paths, 400 JSON for bad query parameters.
 *
 * @module
 */
import { ReadMemo } from "./read-memo.ts";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { diffRuns, type CacheRecordsReader, type RunDiff } from "../lib/history/run-diff.ts";
import { RUN_STATUSES, STATS_SAMPLES, type RunHistory, type RunStatus } from "../lib/ports/run-store.ts";
import { parseView } from "./dag.ts";
import { executionsByHost } from "./run-model.ts";
import type { LiveRuns } from "./live-runs.ts";
import type { RunPlans } from "./run-plans.ts";

/** What GET /api/runs/:id/plan and /runs/:id/plan answer when the server plans no runs. */
export const NO_PLANS = "This web view plans no runs: its run history has no SQLite file to plan with (a history given in code, or a team store on PostgreSQL); start it with weft ui --db <file> to plan";

/** Bad query parameters, answered with 400. */
export class QueryError extends Error {}

/**
 * Parses the runs list's query parameters.
 *
 * @throws {QueryError} naming the parameter and what it accepts
 */
export function runQueryOf(q: (name: string) => string | undefined): { status?: RunStatus; offset?: number; limit?: number } {
  const out: { status?: RunStatus; offset?: number; limit?: number } = {};
  const status = q("status");
  if (status !== undefined && status !== "" && status !== "all") {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) {
      throw new QueryError(`Unknown status "${status}": use one of ${RUN_STATUSES.map((s) => `"${s}"`).join(", ")}`);
    }
    out.status = status as RunStatus;
  }
  for (const key of ["offset", "limit"] as const) {
    const raw = q(key);
    if (raw === undefined || raw === "") continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < (key === "limit" ? 1 : 0) || n > (key === "limit" ? 500 : 1e9)) {
      throw new QueryError(`Query parameter "${key}" must be an integer ${key === "limit" ? "from 1 to 500" : "of at least 0"}, got "${raw}"`);
    }
    out[key] = n;
  }
  return out;
}

/** The `samples` query parameter of node statistics, or the message of a bad one. */
export function samplesOf(raw: string | undefined): number | string {
  if (raw === undefined || raw === "") return STATS_SAMPLES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) return `Query parameter "samples" must be an integer from 1 to 10000, got "${raw}"`;
  return n;
}

/** The diff's query (`a`, `b`, `output`: comma-separated), or the message of a bad one. */
export function diffQueryOf(q: (name: string) => string | undefined): { a: string; b: string; outputs?: string[] } | string {
  const a = q("a")?.trim() ?? "";
  const b = q("b")?.trim() ?? "";
  if (a === "" || b === "") return `Query parameters "a" and "b" must name the two runs to compare (a the earlier), got ${a === "" ? "no a" : `a "${a}"`} and ${b === "" ? "no b" : `b "${b}"`}`;
  const outputs = q("output")?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return { a, b, ...(outputs === undefined || outputs.length === 0 ? {} : { outputs }) };
}

/** The diff of the query's runs, or the id of the one that is not in the history. */
export function diffOrUnknown(history: RunHistory, cache: CacheRecordsReader | undefined, q: { a: string; b: string; outputs?: string[] }): RunDiff | string {
  try {
    return diffRuns(history, cache, q.a, q.b, q.outputs === undefined ? {} : { outputs: q.outputs });
  } catch (e) {
    // diffRuns reads both runs first and throws RangeError for a missing one; only then are they looked up again.
    if (!(e instanceof RangeError)) throw e;
    const missing = [q.a, q.b].find((id) => history.getRun(id) === undefined);
    if (missing === undefined) throw e;
    return missing;
  }
}

/** The run table's query (`flow`, `last`, `only-changed`), or the message of a bad one. */
export function tableQueryOf(q: (name: string) => string | undefined): { flow?: string; last: number; onlyChanged: boolean } | string {
  const raw = q("last");
  const last = raw === undefined || raw === "" ? 20 : Number(raw);
  if (!Number.isInteger(last) || last < 1 || last > 500) return `Query parameter "last" must be an integer from 1 to 500, got "${raw}"`;
  const flow = q("flow");
  const changed = q("only-changed");
  return { last, onlyChanged: changed !== undefined && changed !== "" && changed !== "0", ...(flow === undefined || flow === "" ? {} : { flow }) };
}

/**
 * The /api routes over a run history.
 *
 * @example
 * ```ts
 * app.route("/api", historyApi(history, live, plans));
 * ```
 */
export function historyApi(history: RunHistory, live: LiveRuns, plans?: RunPlans, cache?: CacheRecordsReader, memo: ReadMemo = new ReadMemo(history)): Hono {
  const api = new Hono();
  const unknownRun = (id: string) => ({ error: `Unknown run "${id}": list the runs with GET /api/runs` });

  api.get("/runs", (c) => {
    try {
      return c.json(history.listRuns(runQueryOf((k) => c.req.query(k))));
    } catch (e) {
      if (e instanceof QueryError) return c.json({ error: e.message }, 400);
      throw e;
    }
  });

  api.get("/runs/:id", (c) => {
    const run = history.getRun(c.req.param("id"));
    if (run === undefined) return c.json(unknownRun(c.req.param("id")), 404);
    return c.json({ ...run, graph: parseView(run.graph), hosts: executionsByHost(history.nodesOf(run.id)) });
  });

  api.get("/runs/:id/nodes", (c) => {
    const id = c.req.param("id");
    if (history.getRun(id) === undefined) return c.json(unknownRun(id), 404);
    return c.json({ runId: id, nodes: history.nodesOf(id) });
  });

  api.get("/runs/:id/nodes/:node", (c) => {
    const id = c.req.param("id");
    const node = c.req.param("node");
    const run = history.getRun(id);
    if (run === undefined) return c.json(unknownRun(id), 404);
    const executions = history.nodesOf(id).filter((n) => n.node === node);
    if (executions.length === 0 && !parseView(run.graph).nodes.some((n) => n.name === node)) {
      return c.json({ error: `Unknown node "${node}" in run "${id}": list its nodes with GET /api/runs/${id}/nodes` }, 404);
    }
    return c.json({ runId: id, node, executions });
  });

  // What a run of the same request would do now: 200 with { plan, warnings } or { problem } (a module file gone,
  // values that do not replay, ...), since "cannot tell, because" is an answer about the run, not a failure.
  api.get("/runs/:id/plan", async (c) => {
    const id = c.req.param("id");
    const run = history.getRun(id);
    if (run === undefined) return c.json(unknownRun(id), 404);
    if (plans === undefined) return c.json({ runId: id, problem: NO_PLANS });
    return c.json({ runId: id, outputs: run.outputs, ...(await plans.planOf(run)) });
  });

  // Run diff and output blame: { a, b, inputs, overrides, config, code, nodes, outputs, note? } (RunDiff).
  api.get("/diff", (c) => {
    const q = diffQueryOf((k) => c.req.query(k));
    if (typeof q === "string") return c.json({ error: q }, 400);
    const diff = memo.get(`diff ${JSON.stringify(q)}`, () => diffOrUnknown(history, cache, q));
    return typeof diff === "string" ? c.json(unknownRun(diff), 404) : c.json(diff);
  });

  api.get("/nodes", (c) => {
    const samples = samplesOf(c.req.query("samples"));
    if (typeof samples === "string") return c.json({ error: samples }, 400);
    return c.json({ samples, nodes: memo.get(`nodes ${samples}`, () => history.nodeStats({ samples })) });
  });

  api.get("/nodes/:name/stats", (c) => {
    const samples = samplesOf(c.req.query("samples"));
    if (typeof samples === "string") return c.json({ error: samples }, 400);
    const name = c.req.param("name");
    const [stats] = memo.get(`node ${samples} ${name}`, () => history.nodeStats({ node: name, samples }));
    if (stats === undefined) return c.json({ error: `No execution of "${name}" is recorded: list the nodes with GET /api/nodes` }, 404);
    return c.json({ samples, ...stats });
  });

  api.get("/runs/:id/events", (c) => {
    const id = c.req.param("id");
    if (history.getRun(id) === undefined) return c.json(unknownRun(id), 404);
    const since = Number(c.req.query("since") ?? -1);
    return streamSSE(c, async (stream) => {
      await new Promise<void>((resolve) => {
        // Writes in order, and the stream ends only after the last one (the "end" event) went out.
        let writes: Promise<unknown> = Promise.resolve();
        const write = (f: () => Promise<unknown>) => (writes = writes.then(f, f));
        const ping = setInterval(() => write(() => stream.write(": ping\n\n")), 15_000);
        const done = () => {
          clearInterval(ping);
          void writes.then(() => resolve(), () => resolve());
        };
        const stop = live.listen(id, Number.isFinite(since) ? since : -1, (e) => write(() => stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) })), done);
        stream.onAbort(() => {
          stop();
          done();
        });
      });
    });
  });

  api.notFound((c) => c.json({ error: `Nothing at "${c.req.path}": the API has /api/runs, /api/runs/:id, /api/runs/:id/nodes, /api/runs/:id/nodes/:node, /api/runs/:id/plan, /api/runs/:id/events, /api/diff, /api/nodes and /api/nodes/:name/stats` }, 404));
  return api;
}
