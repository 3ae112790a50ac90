/**
 * What the web view shows of map/reduce runs (issue 15): node and item counts apart, the flow's name, the cache
 * status of a failed item, items in index order, the user's frame of a failed run's error. Real runs of
 * tests/fixtures/map-flow.ts recorded into SQLite, read through the app.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import type { RunHistory } from "../../lib/ports/run-store.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { tempDir } from "../cache/_helpers.ts";
import { openHistory } from "./_history.ts";
import * as flow from "../fixtures/map-flow.ts";

const tmp = tempDir("run-view");
let history: RunHistory;
let app: ReturnType<typeof createHistoryApp>["app"];
const ids: string[] = [];
const get = (path: string) => app.request(path, { headers: { host: "localhost" } });
const text = async (path: string) => await (await get(path)).text();
/** The runs list's row of run `id`. */
const rowOf = (html: string, id: string) => html.slice(html.indexOf(`<tr data-run="${id}">`)).split("</tr>")[0]!;

beforeAll(async () => {
  const path = join(tmp.dir, "weft.db");
  const squares = { name: "squares", exports: flow, url: new URL("../fixtures/map-flow.ts", import.meta.url).href };
  const hook = { beforeGraph: (e: { runId: string }) => void ids.push(e.runId) };
  {
    await using dr = await new Builder().withModules(squares).withCache({ path }).withTracking().withHooks(hook).build();
    await dr.execute(["total"], { inputs: { count: 12 } });
    await dr.execute(["total"], { inputs: { count: 12, failAt: 7 } }).catch(() => {});
  }
  history = openHistory(path);
  app = createHistoryApp({ history, allowedHosts: ["localhost"] }).app;
});
afterAll(() => {
  history.close();
  tmp.remove();
});

describe("the web view of a map/reduce run", () => {
  test("the runs list shows graph nodes and map items apart", async () => {
    const [cold, failed] = ids as [string, string];
    const list = await text("/");
    expect(rowOf(list, cold)).toContain(">3/3 nodes · 14 items (0 cache hits)<");
    // "square" had succeeded items before item 7 failed: it counts once, as failed, not also as done.
    expect(rowOf(list, failed)).toMatch(/>1\/3 nodes, 1 failed · \d+ items \(1 cache hit\)</);
  });

  test("the run page header shows the same counts as the list", async () => {
    const page = await text(`/runs/${ids[0]}`);
    expect(page).toContain('<dd id="progress">3/3 nodes · 14 items (0 cache hits)</dd>');
  });

  test("GET /api/runs keeps its fields and adds items and modules", async () => {
    const runs = (await (await get("/api/runs")).json()).runs as Record<string, unknown>[];
    expect(runs.find((r) => r.id === ids[0])).toMatchObject({ nodes: 3, done: 3, failed: 0, hits: 0, items: 14, modules: ["squares"] });
  });

  test("the runs list and the run page name the flow", async () => {
    expect(rowOf(await text("/"), ids[0]!)).toContain('<td class="flow">squares</td>');
    expect(await text(`/runs/${ids[0]}`)).toContain('<dt>flow</dt><dd id="flow">squares</dd>');
  });

  test("the node panel, the nodes table, the timeline and GET /api/runs/:id show the host each node ran on: this machine, for a run in one process", async () => {
    const panel = await text(`/runs/${ids[0]}/nodes/square`);
    const item3 = panel.slice(panel.indexOf('<span class="mono">items[3]</span>')).split("</details>")[0]!;
    expect(item3).toContain(`<dt>host</dt><dd class="mono">${hostname()}</dd>`);
    const page = await text(`/runs/${ids[0]}`);
    const row = page.slice(page.indexOf('<tr data-node="square">')).split("</tr>")[0]!;
    expect(row).toContain(`<td class="nowrap">in-process on ${hostname()}</td>`);
    expect(page).toContain(`(in-process on ${hostname()})</title>`);
    const run = await (await get(`/api/runs/${ids[0]}`)).json();
    expect(run.hosts).toEqual({ [hostname()]: 14 });
    const nodes = (await (await get(`/api/runs/${ids[0]}/nodes`)).json()).nodes as { host?: string }[];
    expect(nodes.every((n) => n.host === hostname())).toBe(true);
  });

  test("a failed item with the cache on says it stored nothing, not that the cache is off", async () => {
    const panel = await text(`/runs/${ids[1]}/nodes/square`);
    const failed = panel.slice(panel.indexOf("items[7]"));
    expect(failed).toContain("<dt>cache</dt><dd>miss: not stored (failed)</dd>");
    expect(panel).not.toContain("<dd>off</dd>");
    const [item7] = (await (await get(`/api/runs/${ids[1]}/nodes/square`)).json()).executions.filter((e: { item: string }) => e.item === "items[7]");
    expect(item7).toMatchObject({ status: "failed", cache: { status: "miss", reason: "not stored (failed)" } });
  });

  test("the node panel lists a map's items in index order, 0 to 11", async () => {
    const panel = await text(`/runs/${ids[0]}/nodes/square`);
    const listed = [...panel.matchAll(/<summary><span class="mono">items\[(\d+)\]<\/span>/g)].map((m) => Number(m[1]));
    expect(listed).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  test("a failed run's top error shows the user's frame, not only weft's and Effect's", async () => {
    const page = await text(`/runs/${ids[1]}`);
    const line = readFileSync(new URL("../fixtures/map-flow.ts", import.meta.url), "utf8").split("\n").findIndex((l) => l.includes("throw new RangeError")) + 1;
    expect(page).toMatch(new RegExp(`<p class="user-frame" id="user-frame">in your code: at square \\([^)]*tests/fixtures/map-flow\\.ts:${line}:\\d+\\)</p>`));
  });

  test("the timeline folds a map's items under one summary bar with their count and span", async () => {
    const timeline = await text(`/runs/${ids[0]}/timeline`);
    const groups = [...timeline.matchAll(/<details class="tl-group" data-node="([^"]+)">/g)].map((m) => m[1]);
    expect(groups).toEqual(["square"]);
    const square = timeline.slice(timeline.indexOf('<details class="tl-group" data-node="square">')).split("</details>")[0]!;
    expect(square).toContain('<span class="tl-label" title="square ×12">square ×12</span>');
    expect(square).toMatch(/<title>square: 12 items, succeeded, [^<]+ each, from \+[^<]+ to \+[^<]+<\/title>/);
    expect(square.match(/class="tl-bar s-/g)!.length).toBe(12);
    // Two nodes of one execution each stay one row apiece, outside any group.
    expect(timeline.match(/<div class="tl-row" data-node="(items|total)">/g)!.length).toBe(2);
  });
});
