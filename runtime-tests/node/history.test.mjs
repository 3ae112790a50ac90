// Run history on Node, from the built files in dist/: a tracked run recorded with better-sqlite3, then the
// web view served by @hono/node-server. Run `npm run build` first.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Builder } from "weft";
import { startHistoryServer } from "../../dist/server/start-server.js";

test("withTracking() records a run on Node, and startHistoryServer() serves it with @hono/node-server", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-history-"));
  try {
    const path = join(dir, "weft.db");
    const dr = await new Builder().withModules({ a: (x) => x + 1, b: async (a) => a * 2 }).withTracking({ path }).build();
    assert.equal((await dr.execute(["b"], { inputs: { x: 1 } })).b, 4);
    await dr.close();
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const list = await (await fetch(`${server.url}api/runs`)).json();
      assert.equal(list.total, 1);
      assert.equal(list.runs[0].status, "succeeded");
      const page = await fetch(`${server.url}runs/${list.runs[0].id}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<svg/);
      const events = await fetch(`${server.url}api/runs/${list.runs[0].id}/events`);
      assert.match(await events.text(), /^event: end$/m);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dr.history.prune() removes old runs on Node (better-sqlite3), and a re-run still hits the cache", async () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-prune-"));
  try {
    const path = join(dir, "weft.db");
    const dr = await new Builder().withModules({ a: (x) => x + 1, b: async (a) => a * 2 }).withCache({ path }).withTracking().build();
    try {
      for (const x of [1, 2, 1]) await dr.execute(["b"], { inputs: { x } });
      const report = dr.history.prune({ keepRuns: 1 });
      assert.deepEqual([report.runs.length, report.nodes, report.cacheRecords], [2, 4, 2]);
      assert.equal(dr.history.listRuns().total, 1);
      await dr.execute(["b"], { inputs: { x: 2 } });
      assert.equal(dr.history.listRuns({ limit: 1 }).runs[0].hits, 2);
    } finally {
      await dr.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
