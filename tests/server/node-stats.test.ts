/** Node statistics across runs in the web view: /nodes, /nodes/:name (with a sparkline) and the JSON API. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { NodeStats, RunHistory } from "../../lib/ports/run-store.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { tempDir } from "../cache/_helpers.ts";
import { recordRuns, type RecordedRuns, XSS, openHistory } from "./_history.ts";
import { Builder } from "../../mod.ts";

const tmp = tempDir("node-stats");
let runs: RecordedRuns;
let history: RunHistory;
let app: ReturnType<typeof createHistoryApp>["app"];
const get = (path: string) => app.request(path, { headers: { host: "localhost" } });

beforeAll(async () => {
  runs = await recordRuns(tmp.dir);
  history = openHistory(runs.path);
  app = createHistoryApp({ history, allowedHosts: ["localhost"] }).app;
});
afterAll(() => {
  history.close();
  tmp.remove();
});

describe("node statistics", () => {
  test("GET /api/nodes/:name/stats: the recorded runs of a node, its hits, and the bytes its results take in the cache", async () => {
    const res = await get("/api/nodes/report/stats");
    expect(res.status).toBe(200);
    const stats = (await res.json()) as NodeStats & { samples: number };
    // Four runs of the sales flow: cold, warm (a hit), another day (its inputs come out the same: a hit), and one
    // where "audit" fails before "report" runs.
    expect(stats).toMatchObject({ samples: 100, node: "report", executions: 3, computed: 1, hits: 2, hitRate: 2 / 3, failures: 0 });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.durations.length).toBe(stats.computed);
    expect((await get("/api/nodes/nope/stats")).status).toBe(404);
    const bad = await get("/api/nodes/report/stats?samples=0");
    expect([bad.status, (await bad.json()).error]).toEqual([400, 'Query parameter "samples" must be an integer from 1 to 10000, got "0"']);
  });

  test("GET /api/nodes lists every node; the failing node has a failure of its own", async () => {
    const { nodes } = (await (await get("/api/nodes")).json()) as { nodes: NodeStats[] };
    const audit = nodes.find((n) => n.node === "audit");
    expect(audit?.failures).toBe(1);
    expect(nodes.map((n) => n.node)).toContain(XSS.node);
  });

  test("the node page draws a sparkline of the durations and links back; the nodes page escapes hostile names", async () => {
    const page = await (await get("/nodes/report")).text();
    expect(page).toContain('<svg class="spark"');
    expect(page).toMatch(/<polyline[^>]+points="[\d.]+,[\d.]+/);
    expect(page).toContain('href="/nodes"');
    const list = await (await get("/nodes")).text();
    expect(list).toContain(`href="/nodes/${encodeURIComponent(XSS.node)}"`);
    expect(list).not.toContain(XSS.node);
    expect((await get(`/nodes/${encodeURIComponent(XSS.node)}`)).status).toBe(200);
    const unknown = await get("/nodes/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("No execution of &quot;nope&quot; is recorded in this history.");
  });

  test("the run page's node panel links to the node across runs", async () => {
    const panel = await (await get(`/runs/${runs.cold}/nodes/report/panel`)).text();
    expect(panel).toContain('href="/nodes/report"');
  });

  test("answers are kept until the file changes: a run recorded by another connection is in the next answer", async () => {
    const before = (await (await get("/api/nodes/report/stats")).json()) as NodeStats;
    expect(((await (await get("/api/nodes/report/stats")).json()) as NodeStats).executions).toBe(before.executions);
    const flow = await import("../fixtures/history-flow.ts");
    {
      await using dr = await new Builder().withModules(flow).withCache({ path: runs.path }).withTracking().build();
      await dr.execute(["report"], { inputs: { day: "2026-11-24" } });
    }
    const after = (await (await get("/api/nodes/report/stats")).json()) as NodeStats;
    expect(after.executions).toBe(before.executions + 1);
    const page = await (await get("/nodes")).text();
    expect(page).toContain(`<td>${after.executions}</td>`);
  });
});
