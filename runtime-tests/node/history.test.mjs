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
      // The first view of a graph answers at once and draws it on a worker thread; the drawing endpoint waits for it.
      assert.match(await page.text(), /data-dag-src="\/runs\/[^"]+\/dag"/);
      let dag = await fetch(`${server.url}runs/${list.runs[0].id}/dag`);
      while (dag.status === 202) dag = (await dag.text(), await fetch(`${server.url}runs/${list.runs[0].id}/dag`));
      assert.equal(dag.status, 200);
      assert.match(await dag.text(), /^<svg/);
      assert.match(await (await fetch(`${server.url}runs/${list.runs[0].id}`)).text(), /<svg/);
      const events = await fetch(`${server.url}api/runs/${list.runs[0].id}/events`);
      assert.match(await events.text(), /^event: end$/m);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
