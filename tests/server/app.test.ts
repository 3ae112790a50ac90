/** The run-history app through app.request(): pages, the JSON API, escaping, bad input. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { RunHistory } from "../../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { tempDir } from "../cache/_helpers.ts";
import { recordRuns, type RecordedRuns, XSS, openHistory } from "./_history.ts";

const tmp = tempDir("app");
let runs: RecordedRuns;
let history: RunHistory;
let app: ReturnType<typeof createHistoryApp>["app"];
/** A request as a browser sends it: with the Host header of its URL (app.request() alone sends none). */
const get = (path: string, init?: RequestInit) => app.request(path, { ...init, headers: { host: new URL(path, "http://localhost").host } });

beforeAll(async () => {
  runs = await recordRuns(tmp.dir);
  history = openHistory(runs.path);
  app = createHistoryApp({ history, allowedHosts: ["localhost", "127.0.0.1"] }).app;
});
afterAll(() => {
  history.close();
  tmp.remove();
});

describe("history API", () => {
  test("GET /api/runs lists runs newest first, filters by status and pages", async () => {
    const all = await (await get("/api/runs")).json();
    expect(all.total).toBe(5);
    expect(all.runs.map((r: { id: string }) => r.id)).toEqual([runs.xss, runs.failed, runs.partial, runs.warm, runs.cold]);
    const failed = await (await get("/api/runs?status=failed&limit=1&offset=1")).json();
    expect([failed.total, failed.runs.map((r: { id: string }) => r.id)]).toEqual([2, [runs.failed]]);
    expect((await get("/api/runs?status=succeeded")).status).toBe(200);
  });

  test("GET /api/runs answers bad query parameters with 400 JSON", async () => {
    const res = await get("/api/runs?status=bogus");
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('Unknown status "bogus": use one of "running", "succeeded", "failed", "cancelled", "interrupted"');
    expect((await get("/api/runs?limit=0")).status).toBe(400);
  });

  test("GET /api/runs/:id, /nodes and /nodes/:node return a run, its nodes and one node's executions", async () => {
    const run = await (await get(`/api/runs/${runs.cold}`)).json();
    expect(run).toMatchObject({ id: runs.cold, status: "succeeded", outputs: ["report"], inputs: { day: '"2026-11-22"' } });
    expect(run.graph.nodes.map((n: { name: string }) => n.name)).toContain("regionTotal");
    const nodes = (await (await get(`/api/runs/${runs.warm}/nodes`)).json()).nodes;
    expect(nodes.every((n: { cache?: { status: string } }) => n.cache?.status === "hit")).toBe(true);
    const region = await (await get(`/api/runs/${runs.cold}/nodes/regionTotal`)).json();
    expect(region.executions.map((e: { item: string }) => e.item).sort()).toEqual(["regions[0]", "regions[1]", "regions[2]"]);
  });

  test("unknown run and node ids are 404 JSON", async () => {
    const run = await get("/api/runs/nope");
    expect([run.status, (await run.json()).error]).toEqual([404, 'Unknown run "nope": list the runs with GET /api/runs']);
    const node = await get(`/api/runs/${runs.cold}/nodes/nope`);
    expect(node.status).toBe(404);
    expect((await node.json()).error).toStartWith('Unknown node "nope"');
    expect((await get("/api/runs/nope/nodes")).status).toBe(404);
    expect((await get("/api/nothing")).headers.get("content-type")).toContain("application/json");
  });

  test("is read-only: anything but GET is 405", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const res = await get(`/api/runs/${runs.cold}`, { method });
      expect(res.status).toBe(405);
    }
    expect(history.listRuns().total).toBe(5);
  });
});

describe("history pages", () => {
  test("the runs list and the run page render, with the DAG and the timeline", async () => {
    const list = await (await get("/")).text();
    expect(list).toStartWith("<!DOCTYPE html>");
    expect(list).toContain(`href="/runs/${runs.cold}"`);
    // The first view of a graph starts its drawing; the drawing endpoint waits for it; then the page has it inline.
    expect((await get(`/runs/${runs.cold}/dag`)).status).toBe(200);
    const page = await (await get(`/runs/${runs.cold}`)).text();
    expect(page).toContain('<svg');
    expect(page).toMatch(/<g id="node\d+" class="node wn s&#45;succeeded c&#45;miss">\s*<title>orders<\/title>/);
    expect(page.match(/class="tl-bar s-/g)!.length).toBe(12);
    // The map's three items under one summary bar.
    expect(page.match(/class="tl-bar tl-sum /g)!.length).toBe(1);
    expect((await (await get(`/runs/${runs.warm}`)).text())).toContain("c&#45;hit");
    const partial = await (await get(`/runs/${runs.partial}`)).text();
    expect(partial).toMatch(/class="node wn s&#45;succeeded c&#45;hit">\s*<title>rates<\/title>/);
    expect(partial).toMatch(/class="node wn s&#45;succeeded c&#45;miss">\s*<title>orders<\/title>/);
  });

  test("every user-controlled string is escaped: node names, error messages, previews, input values", async () => {
    const pages = [
      await (await get(`/runs/${runs.xss}`)).text(),
      await (await get(`/runs/${runs.xss}/nodes/${encodeURIComponent(XSS.node)}`)).text(),
      await (await get(`/runs/${runs.xss}/nodes/boom/panel`)).text(),
      await (await get("/")).text(),
    ];
    for (const html of pages) {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<b onmouseover");
    }
    expect(pages[0]).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(pages[0]).toContain("&lt;b onmouseover=alert(3)&gt;bold&lt;/b&gt;");
    expect(pages[1]).toContain("&lt;img src=x onerror=alert(2)&gt;");
  });

  test("paths outside the app's assets are 404, and assets are served by the app", async () => {
    expect((await get("/assets/app.js")).headers.get("content-type")).toContain("javascript");
    for (const path of ["/assets/../package.json", "/assets/..%2f..%2fpackage.json", "/assets/%2e%2e/mod.ts", "/etc/passwd", "/assets/"]) {
      expect((await get(path)).status).toBe(404);
    }
  });

  test("unknown runs and nodes are 404 pages, not stack traces", async () => {
    const res = await get("/runs/nope");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is no run &quot;nope&quot; in this history.");
    expect((await get(`/runs/${runs.cold}/nodes/nope`)).status).toBe(404);
  });

  test("requests for another host name are refused (DNS rebinding)", async () => {
    expect((await get("http://evil.example/api/runs")).status).toBe(403);
    expect((await get("http://localhost:4319/api/runs")).status).toBe(200);
  });

  test("pages carry a content security policy that allows only the app's own scripts", async () => {
    const csp = (await get("/")).headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
  });
});

describe("a missing or damaged database", () => {
  test("every page and API route says what is wrong, in words", async () => {
    const junk = join(tmp.dir, "junk.db");
    writeFileSync(junk, "x".repeat(200));
    const opened = openSqliteRunStore(junk, bunCacheDrivers, { alive: () => true, existing: true });
    expect(opened.status).toBe("damaged");
    const { app: broken } = createHistoryApp({ history: { error: opened.status !== "open" ? opened.reason : "" } });
    const page = await broken.request("/", { headers: { host: "localhost" } });
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain("the file is not a SQLite database");
    expect(html).not.toContain("    at ");
    const api = await broken.request("/api/runs", { headers: { host: "localhost" } });
    expect((await api.json()).error).toContain(`Cannot open the run history "${junk}"`);
  });
});
