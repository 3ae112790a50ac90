/** @jsxImportSource hono/jsx */
/**
 * The run-history web app (Hono): server-rendered pages, the JSON API under
 * /api, live progress over server-sent events, and its own assets. It only
 * reads: no route changes anything. Runtime-neutral: a runtime adapter serves
 * `app.fetch` (see start-server.ts).
 *
 * @module
 */
import { Hono } from "hono";
import type { DrawingStore, RunHistory } from "../lib/ports/run-store.ts";
import { historyApi, NO_PLANS, QueryError, runQueryOf, samplesOf } from "./api.ts";
import { ASSETS } from "./assets/assets.ts";
import { parseView } from "./dag.ts";
import { DagDrawings, type DrawSvg } from "./dag-drawings.ts";
import { drawSvgOf } from "./draw-task.ts";
import { HostAllowList, LOOPBACK_HOSTS } from "./host-check.ts";
import { plainResponse as plain, withSecurityHeaders as secure } from "./security-headers.ts";
import { LiveRuns } from "./live-runs.ts";
import { ErrorPage } from "./pages/error-page.tsx";
import { Layout } from "./pages/layout.tsx";
import { NodesPage, NodeStatsPage } from "./pages/node-stats-page.tsx";
import { NodePanel } from "./pages/node-panel.tsx";
import { PlanPanel } from "./pages/plan-panel.tsx";
import { DagView, RunPage } from "./pages/run-page.tsx";
import { RunsPage } from "./pages/runs-page.tsx";
import { Timeline } from "./pages/timeline.tsx";
import { RenderedPages } from "./rendered-pages.ts";
import { runModel } from "./run-model.ts";
import type { RunPlans } from "./run-plans.ts";

/** Options of {@link createHistoryApp}. */
export interface HistoryAppOptions {
  /** The history to show, or why there is none (a missing or damaged database): every page then says so. */
  readonly history: RunHistory | { readonly error: string };
  /**
   * Host names requests may address (the `Host` header, each name optionally with `:port`); a request
   * for any other is 403, one without a well-formed `Host` is 400. Default: {@link LOOPBACK_HOSTS}.
   */
  readonly allowedHosts?: readonly string[];
  /** How often live views look for changes, in ms; default 250. */
  readonly pollMs?: number;
  /** Lays out a DAG as SVG; default: Graphviz on this thread (startHistoryServer passes a worker's). */
  readonly draw?: DrawSvg;
  /** Plans runs again against the code on disk (startHistoryServer passes one on a worker); none: the panel says so. */
  readonly plans?: RunPlans;
}

/** How long GET /runs/:id/dag waits for a drawing in the making before it answers 202 (the page asks again). */
const DAG_WAIT_MS = 5_000;

/**
 * The app, plus `close()` for its live listeners.
 *
 * @example
 * ```ts
 * const { app } = createHistoryApp({ history });
 * // Without a Host header that the allow-list knows, every request is 400 (none) or 403 (another name).
 * const res = await app.request("/api/runs?status=failed", { headers: { host: "localhost" } });
 * ```
 */
export function createHistoryApp(options: HistoryAppOptions): { app: Hono; close(): void } {
  const app = new Hono();
  const hosts = new HostAllowList(options.allowedHosts ?? LOOPBACK_HOSTS);
  app.use(async (c, next) => {
    await next();
    c.res = secure(c.res);
  });
  app.use(async (c, next) => {
    // The Host header, not the request URL: a runtime makes the URL from it, and throws or guesses when it is
    // missing or odd (HTTP/1.0, "Host: a@b"); it is also what a DNS-rebinding page sends.
    const verdict = hosts.check(c.req.header("host"));
    if (verdict === "malformed") return plain(400, "Bad request: the Host header is missing or is not a host name");
    if (verdict === "forbidden") return plain(403, `Forbidden: this server answers to ${hosts.entries.join(", ")}; to reach it by another name, list it with weft ui --allow-host <name>`);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      return c.json({ error: `Method ${c.req.method} is not allowed: the run history is read-only, only GET requests are served` }, 405, { Allow: "GET, HEAD" });
    }
    await next();
  });
  app.get("/assets/:file", (c) => {
    const asset = ASSETS.get(c.req.param("file"));
    if (asset === undefined) return c.text("Not found", 404);
    return c.body(asset.body, 200, { "Content-Type": asset.type, "Cache-Control": "public, max-age=31536000, immutable" });
  });
  const isApi = (path: string) => path === "/api" || path.startsWith("/api/");
  app.notFound((c) => {
    const path = c.req.path;
    if (isApi(path)) return c.json({ error: `Nothing at "${path}": the API has /api/runs, /api/runs/:id, /api/runs/:id/nodes, /api/runs/:id/nodes/:node, /api/runs/:id/plan, /api/runs/:id/events, /api/nodes and /api/nodes/:name/stats` }, 404);
    return c.html(<ErrorPage title="Not found" message={`Nothing at "${path}".`} />, 404);
  });
  app.onError(async (e, c) => {
    // Words, never a stack trace: the store's errors already say what is wrong and how to fix it. This handler
    // must not throw (a runtime would answer with its own page), hence the plain fallback.
    try {
      const message = e instanceof Error ? e.message : String(e);
      if (isApi(c.req.path)) return c.json({ error: message }, 500);
      return await c.html(<ErrorPage title="Cannot show the run history" message={message} />, 500);
    } catch {
      return plain(500, "Internal server error");
    }
  });

  const history = "error" in options.history ? undefined : options.history;
  if (history === undefined) {
    const reason = (options.history as { error: string }).error;
    app.get("/api/*", (c) => c.json({ error: reason }, 503));
    app.get("*", (c) => c.html(<ErrorPage title="No run history to show" message={reason} />, 503));
    return { app, close: () => {} };
  }

  const live = new LiveRuns(history, options.pollMs === undefined ? {} : { pollMs: options.pollMs });
  // Drawings are kept with the graphs when the history can keep them: a restarted server draws nothing again.
  const drawings = new DagDrawings(options.draw ?? drawSvgOf, isDrawingStore(history) ? history : undefined);
  app.route("/api", historyApi(history, live, options.plans));
  const runsPages = new RenderedPages(32);

  app.get("/", async (c) => {
    let query;
    try {
      query = runQueryOf((k) => c.req.query(k));
    } catch (e) {
      if (e instanceof QueryError) return c.html(<ErrorPage title="Bad request" message={e.message} />, 400);
      throw e;
    }
    const counts = history.countRuns();
    const page = history.listRuns(query);
    const now = Date.now();
    const render = () => <RunsPage page={page} status={query.status} counts={counts} now={now} />;
    // A running run's duration is counted to `now`: such a page is rendered afresh every time.
    if (page.runs.some((r) => r.status === "running")) return c.html(render());
    return c.html(await runsPages.render({ page, status: query.status ?? null, counts }, render));
  });

  const unknownRun = (id: string) => <ErrorPage title="Unknown run" message={`There is no run "${id}" in this history.`} />;

  app.get("/runs/:id", async (c) => {
    const run = history.getRun(c.req.param("id"));
    if (run === undefined) return c.html(unknownRun(c.req.param("id")), 404);
    const nodes = history.nodesOf(run.id);
    const now = Date.now();
    const model = runModel(run, nodes, now);
    // Never waits for Graphviz: a graph not drawn yet gets a placeholder that fetches /runs/:id/dag.
    const dag = await drawings.current(run.graph, model.rows);
    return c.html(<RunPage run={run} nodes={nodes} model={model} dag={dag} now={now} />);
  });

  app.get("/runs/:id/dag", async (c) => {
    const run = history.getRun(c.req.param("id"));
    if (run === undefined) return c.html(<p class="note">Unknown run.</p>, 404);
    const dag = await drawings.settled(run.graph, runModel(run, history.nodesOf(run.id), Date.now()).rows, DAG_WAIT_MS);
    return c.html(<DagView dag={dag} />, dag.pending ? 202 : dag.failed ? 500 : 200);
  });

  // The "what would run now" panel, fetched by the page once it is shown: a slow import never holds up the page.
  app.get("/runs/:id/plan", async (c) => {
    const run = history.getRun(c.req.param("id"));
    if (run === undefined) return c.html(<p class="note">Unknown run.</p>, 404);
    return c.html(<PlanPanel outcome={options.plans === undefined ? { problem: NO_PLANS } : await options.plans.planOf(run)} />);
  });

  app.get("/runs/:id/timeline", (c) => {
    const run = history.getRun(c.req.param("id"));
    if (run === undefined) return c.html(unknownRun(c.req.param("id")), 404);
    const nodes = history.nodesOf(run.id);
    const now = Date.now();
    return c.html(<Timeline run={run} nodes={nodes} wall={runModel(run, nodes, now).wall} now={now} />);
  });

  const nodePages = new RenderedPages(64);
  app.get("/nodes", async (c) => {
    const samples = samplesOf(c.req.query("samples"));
    if (typeof samples === "string") return c.html(<ErrorPage title="Bad request" message={samples} />, 400);
    const stats = history.nodeStats({ samples });
    return c.html(await nodePages.render({ stats, samples }, () => <NodesPage stats={stats} samples={samples} />));
  });

  app.get("/nodes/:name", async (c) => {
    const samples = samplesOf(c.req.query("samples"));
    if (typeof samples === "string") return c.html(<ErrorPage title="Bad request" message={samples} />, 400);
    const name = c.req.param("name");
    const [stats] = history.nodeStats({ node: name, samples });
    if (stats === undefined) return c.html(<ErrorPage title="Unknown node" message={`No execution of "${name}" is recorded in this history.`} />, 404);
    return c.html(await nodePages.render({ stats, samples }, () => <NodeStatsPage stats={stats} samples={samples} />));
  });

  const nodeOf = (id: string, node: string) => {
    const run = history.getRun(id);
    if (run === undefined) return undefined;
    const executions = history.nodesOf(id).filter((n) => n.node === node);
    const known = executions.length > 0 || parseView(run.graph).nodes.some((n) => n.name === node);
    return known ? { run, executions } : null;
  };
  app.get("/runs/:id/nodes/:node/panel", (c) => {
    const found = nodeOf(c.req.param("id"), c.req.param("node"));
    if (!found) return c.html(found === undefined ? unknownRun(c.req.param("id")) : <p class="note">Unknown node.</p>, 404);
    return c.html(<NodePanel run={found.run} node={c.req.param("node")} executions={found.executions} />);
  });
  app.get("/runs/:id/nodes/:node", (c) => {
    const { id, node } = c.req.param();
    const found = nodeOf(id, node);
    if (found === undefined) return c.html(unknownRun(id), 404);
    if (found === null) return c.html(<ErrorPage title="Unknown node" message={`Run "${id}" has no node "${node}".`} />, 404);
    return c.html(
      <Layout title={node}>
        <p class="crumbs"><a href="/">Runs</a> / <a href={`/runs/${encodeURIComponent(id)}`} class="mono">{id}</a></p>
        <NodePanel run={found.run} node={node} executions={found.executions} />
      </Layout>,
    );
  });
  return {
    app,
    close: () => {
      live.close();
      drawings.close();
    },
  };
}

/** Whether a history keeps drawings (the SQLite and memory run stores do). */
function isDrawingStore(h: RunHistory): h is RunHistory & DrawingStore {
  const s = h as Partial<DrawingStore>;
  return typeof s.drawingOf === "function" && typeof s.saveDrawing === "function";
}
