/** @jsxImportSource hono/jsx */
/**
 * The run-history web app (Hono): server-rendered pages, the JSON API under
 * /api, live progress over server-sent events, the diff of two runs and the
 * run table, and its own assets. It only reads, unless given `reruns` (`weft ui
 * --allow-run`): then POST /runs/:id/rerun, with the session token and the
 * server's own Origin, starts a re-run in another process. Runtime-neutral: a
 * runtime adapter serves `app.fetch` (see start-server.ts).
 *
 * @module
 */
import { Hono } from "hono";
import type { CacheRecordsReader } from "../lib/history/run-diff.ts";
import { runTable } from "../lib/history/run-table.ts";
import type { DrawingStore, RunHistory } from "../lib/ports/run-store.ts";
import { diffOrUnknown, diffQueryOf, historyApi, NO_PLANS, QueryError, runQueryOf, samplesOf, tableQueryOf } from "./api.ts";
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
import { CompareForm, DiffPage } from "./pages/diff-page.tsx";
import { RunTablePage } from "./pages/run-table-page.tsx";
import type { RerunOffer } from "./pages/rerun-form.tsx";
import { previousRunOf } from "./previous-run.ts";
import { TOKEN_HEADER } from "./rerun-access.ts";
import type { Reruns } from "./reruns.ts";
import { DagView, RunPage } from "./pages/run-page.tsx";
import { RunsPage } from "./pages/runs-page.tsx";
import { Timeline } from "./pages/timeline.tsx";
import { ReadMemo } from "./read-memo.ts";
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
  /** The cache of the history's database, for the diff's data versions and frontier; none: the diff says so. */
  readonly cache?: CacheRecordsReader;
  /** Re-runs from the web view (`weft ui --allow-run`); none: there is no POST route and no re-run button. */
  readonly reruns?: Reruns;
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
    const rerunPost = options.reruns !== undefined && c.req.method === "POST" && /^\/runs\/[^/]+\/rerun$/.test(c.req.path);
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !rerunPost) {
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
    if (isApi(path)) return c.json({ error: `Nothing at "${path}": the API has /api/runs, /api/runs/:id, /api/runs/:id/nodes, /api/runs/:id/nodes/:node, /api/runs/:id/plan, /api/runs/:id/events, /api/diff, /api/nodes and /api/nodes/:name/stats` }, 404);
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
  // Node statistics and diffs read hundreds of rows: kept until the file changes, for the pages and the API alike.
  const memo = new ReadMemo(history);
  app.route("/api", historyApi(history, live, options.plans, options.cache, memo));
  const runsPages = new RenderedPages(32);
  const reruns = options.reruns;
  // Whether pages carry re-run forms; the token is never in a page (the script keeps it, see app-js.ts).
  const offerOf = (): RerunOffer => reruns !== undefined;
  if (reruns !== undefined) {
    app.post("/runs/:id/rerun", async (c) => {
      const forbidden = (why: string) => c.html(<ErrorPage title="Forbidden" message={`Cannot re-run: ${why}`} />, 403);
      const body = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
      const field = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
      if (!reruns.access.matches(c.req.header(TOKEN_HEADER) ?? field("token"))) return forbidden("the session token is missing or wrong; open the URL that weft ui --allow-run printed, and re-run from its pages");
      const origin = reruns.access.originProblem(c.req.header("origin"), c.req.header("host"));
      if (origin !== undefined) return forbidden(origin);
      const id = c.req.param("id");
      const run = history.getRun(id);
      if (run === undefined) return c.html(unknownRun(id), 404);
      const bad = (title: string, message: string, status: 400 | 409) => c.html(<ErrorPage title={title} message={message} />, status);
      if (run.request === undefined) return bad("Cannot re-run", `Run "${id}" was recorded before weft kept runs' requests: run the flow with weft run instead`, 409);
      if ("notReplayable" in run.request) return bad("Cannot re-run", `Run "${id}" cannot run again: ${run.request.notReplayable}`, 409);
      const fileless = run.request.modules.find((m) => m.url === undefined);
      if (fileless !== undefined) return bad("Cannot re-run", `Run "${id}" cannot run again: its module "${fileless.name}" was given without a file; only flows read from module files can run again`, 409);
      const from = field("from")?.trim() || undefined;
      if (from !== undefined && !parseView(run.graph).nodes.some((n) => n.name === from)) {
        return bad("Unknown node", `Cannot re-run from "${from}": run "${id}" has no node of that name`, 400);
      }
      const inputs = (field("inputs") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
      const wrong = inputs.find((l) => !/^[^=]+=/.test(l));
      if (wrong !== undefined) return bad("Bad input value", `Input values are "name=value", one a line; got "${wrong}"`, 400);
      const started = await reruns.start({ run: id, ...(from === undefined ? {} : { from }), inputs });
      // The CLI's own words: a module file gone, a flow that no longer builds (the request was fine, the flow is not).
      if ("problem" in started) return c.html(<ErrorPage title="The re-run did not start" message={started.problem} />, 409);
      // The child names its run before it records it: wait (a little) for the record, so the redirect finds it.
      for (let i = 0; i < 200 && history.getRun(started.runId) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      return c.redirect(`/runs/${encodeURIComponent(started.runId)}`, 303);
    });
  }

  // A diff is read afresh on every request (a pruned run, a gc'd result change it) and rendered only when it changed.
  const diffPages = new RenderedPages(16);
  app.get("/diff", async (c) => {
    const q = diffQueryOf((k) => c.req.query(k));
    if (typeof q === "string") {
      return c.html(
        <Layout title="Diff">
          <p class="crumbs"><a href="/">Runs</a> / diff</p>
          <h1>Compare two runs</h1>
          <p class="error-message">{q}</p>
          <CompareForm a={c.req.query("a")} b={c.req.query("b")} />
        </Layout>,
        400,
      );
    }
    const diff = memo.get(`diff ${JSON.stringify(q)}`, () => diffOrUnknown(history, options.cache, q));
    if (typeof diff === "string") return c.html(unknownRun(diff), 404);
    return c.html(await diffPages.render(diff, () => <DiffPage diff={diff} />));
  });

  app.get("/runs/table", (c) => {
    const q = tableQueryOf((k) => c.req.query(k));
    if (typeof q === "string") return c.html(<ErrorPage title="Bad request" message={q} />, 400);
    const table = runTable(history, { last: q.last, onlyChanged: q.onlyChanged, ...(q.flow === undefined ? {} : { flow: q.flow }) });
    return c.html(<RunTablePage table={table} query={q} />);
  });

  app.get("/runs/:id/previous", (c) => {
    const id = c.req.param("id");
    const run = history.getRun(id);
    if (run === undefined) return c.html(unknownRun(id), 404);
    const previous = previousRunOf(history, run);
    if (previous === undefined) return c.html(<ErrorPage title="No previous run" message={`Run "${id}" is the first recorded run of its flow: there is none before it to compare with`} />, 404);
    return c.redirect(`/diff?${new URLSearchParams({ a: previous, b: id })}`, 303);
  });

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
    return c.html(<RunPage run={run} nodes={nodes} model={model} dag={dag} now={now} rerun={offerOf()} />);
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
    const stats = memo.get(`nodes ${samples}`, () => history.nodeStats({ samples }));
    return c.html(await nodePages.render({ stats, samples }, () => <NodesPage stats={stats} samples={samples} />));
  });

  app.get("/nodes/:name", async (c) => {
    const samples = samplesOf(c.req.query("samples"));
    if (typeof samples === "string") return c.html(<ErrorPage title="Bad request" message={samples} />, 400);
    const name = c.req.param("name");
    const [stats] = memo.get(`node ${samples} ${name}`, () => history.nodeStats({ node: name, samples }));
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
    return c.html(<NodePanel run={found.run} node={c.req.param("node")} executions={found.executions} rerun={offerOf()} />);
  });
  app.get("/runs/:id/nodes/:node", (c) => {
    const { id, node } = c.req.param();
    const found = nodeOf(id, node);
    if (found === undefined) return c.html(unknownRun(id), 404);
    if (found === null) return c.html(<ErrorPage title="Unknown node" message={`Run "${id}" has no node "${node}".`} />, 404);
    return c.html(
      <Layout title={node}>
        <p class="crumbs"><a href="/">Runs</a> / <a href={`/runs/${encodeURIComponent(id)}`} class="mono">{id}</a></p>
        <NodePanel run={found.run} node={node} executions={found.executions} rerun={offerOf()} />
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
