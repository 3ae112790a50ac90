/**
 * The HTML runs list shows what the history holds, whatever the list's queries and caches do (issue 15): the
 * same runs in the same order as an independent sort of the recorded runs, the filters' counts, the pager, and a
 * new write on the next request.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { RunBatch, RunStatus } from "../../lib/ports/run-store.ts";
import { RUN_STATUSES } from "../../lib/ports/run-store.ts";
import type { SqliteRunStore } from "../../history/sqlite-run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { tempDir } from "../cache/_helpers.ts";
import { startOf } from "../history/run-store.contract.ts";

const tmp = tempDir("runs-list");
const DEAD_PID = 99;
/** What each recorded run should show as: id, start and status, in recording order. */
const expected: { id: string; start: number; status: RunStatus }[] = [];
let store: SqliteRunStore;
let app: ReturnType<typeof createHistoryApp>["app"];
const get = (path: string) => app.request(path, { headers: { host: "localhost" } });

beforeAll(() => {
  const opened = openSqliteRunStore(join(tmp.dir, "weft.db"), bunCacheDrivers, { alive: (o) => o.pid !== DEAD_PID });
  if (opened.status !== "open") throw new Error(opened.reason);
  store = opened.store;
  const batch: { -readonly [K in keyof RunBatch]: RunBatch[K][number][] } = { starts: [], nodes: [], progress: [], ends: [] };
  for (let i = 0; i < 130; i++) {
    // Ties on the start (every fifth pair) order by id, descending.
    const id = `run-${String((i * 37) % 130).padStart(3, "0")}`;
    const start = 1_000 + Math.floor(i / 2) * 10;
    const status: RunStatus = i % 11 === 0 ? "running" : i % 13 === 0 ? "interrupted" : i % 7 === 0 ? "failed" : i % 17 === 0 ? "cancelled" : "succeeded";
    batch.starts.push(startOf(id, start, { pid: status === "interrupted" ? DEAD_PID : 1 }));
    if (status === "succeeded" || status === "failed" || status === "cancelled") batch.ends.push({ id, end: start + 5, status });
    expected.push({ id, start, status });
  }
  store.write(batch);
  app = createHistoryApp({ history: store }).app;
});
afterAll(() => {
  store.close();
  tmp.remove();
});

/** The recorded runs with a status, newest first (start, then id, descending). */
const order = (status?: RunStatus) =>
  expected.filter((r) => status === undefined || r.status === status)
    .sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.id);
const shown = (html: string) => [...html.matchAll(/<tr data-run="([^"]+)"/g)].map((m) => m[1]);
const count = (html: string, filter: string) => Number(new RegExp(`href="/${filter === "all" ? "" : `\\?status=${filter}`}"[^>]*>${filter} \\((\\d+)\\)`).exec(html)?.[1]);

describe("GET / (the runs list)", () => {
  const pages: [string, RunStatus | undefined, number, number][] = [
    ["/", undefined, 0, 50],
    ["/?offset=50&limit=20", undefined, 50, 20],
    ["/?offset=120", undefined, 120, 50],
    ["/?status=failed", "failed", 0, 50],
    ["/?status=succeeded&offset=10&limit=7", "succeeded", 10, 7],
    ["/?status=running", "running", 0, 50],
    ["/?status=interrupted", "interrupted", 0, 50],
    ["/?status=cancelled&offset=500", "cancelled", 500, 50],
  ];
  for (const [path, status, offset, limit] of pages) {
    test(`${path} shows the runs in order, the filters' counts and the pager`, async () => {
      const html = await (await get(path)).text();
      const all = order(status);
      expect(shown(html)).toEqual(all.slice(offset, offset + limit));
      for (const s of RUN_STATUSES) expect(count(html, s)).toBe(order(s).length);
      expect(count(html, "all")).toBe(expected.length);
      const last = offset + all.slice(offset, offset + limit).length;
      expect(html).toContain(`${all.length === 0 ? 0 : offset + 1}–${last} of ${all.length}`);
      expect(html.includes('rel="next"')).toBe(offset + limit < all.length);
      expect(html.includes('rel="prev"')).toBe(offset > 0);
    });
  }

  test("a page with a running run counts its duration to the time of each request", async () => {
    const duration = async () => /<tr data-run="run-new-running">(?:.*?<td class="num">){1}([^<]+)</s.exec(await (await get("/?status=running")).text())?.[1];
    store.write({ starts: [startOf("run-new-running", Date.now() - 3_000)], nodes: [], progress: [], ends: [] });
    expected.push({ id: "run-new-running", start: Date.now() - 3_000, status: "running" });
    const first = await duration();
    expect(first).toMatch(/\d/);
    await Bun.sleep(1_100);
    expect(await duration()).not.toBe(first);
  });

  test("a run written after a request is shown, and counted, by the next", async () => {
    await (await get("/")).text();
    store.write({ starts: [startOf("run-new", Date.now() + 60_000)], nodes: [], progress: [], ends: [{ id: "run-new", end: Date.now() + 60_001, status: "failed" }] });
    expected.push({ id: "run-new", start: Date.now() + 60_000, status: "failed" });
    const html = await (await get("/")).text();
    expect(shown(html)[0]).toBe("run-new");
    expect(count(html, "all")).toBe(expected.length);
    expect(count(html, "failed")).toBe(order("failed").length);
  });
});
