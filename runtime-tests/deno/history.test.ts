/**
 * Run history on Deno: a tracked run recorded with node:sqlite, then the web view served by Deno.serve.
 * Run with `deno test --allow-read --allow-write --allow-env --allow-run --allow-net`.
 */
import { strictEqual } from "node:assert";
import { Builder } from "../../mod.ts";
import { startHistoryServer } from "../../server/start-server.ts";

Deno.test("withTracking() records a run on Deno, and startHistoryServer() serves it with Deno.serve", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "weft-history-" });
  try {
    const path = `${dir}/weft.db`;
    {
      await using dr = await new Builder().withModules({ a: (x: number) => x + 1, b: async (a: number) => a * 2 }).withTracking({ path }).build();
      strictEqual((await dr.execute(["b"], { inputs: { x: 1 } })).b, 4);
    }
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const list = await (await fetch(`${server.url}api/runs`)).json();
      strictEqual(list.total, 1);
      strictEqual(list.runs[0].status, "succeeded");
      const page = await fetch(`${server.url}runs/${list.runs[0].id}`);
      strictEqual(page.status, 200);
      strictEqual((await page.text()).includes("<svg"), true);
    } finally {
      await server.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("dr.history.prune() removes old runs on Deno (node:sqlite), and a re-run still hits the cache", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "weft-prune-" });
  try {
    const path = `${dir}/weft.db`;
    await using dr = await new Builder().withModules({ a: (x: number) => x + 1, b: async (a: number) => a * 2 }).withCache({ path }).withTracking().build();
    for (const x of [1, 2, 1]) await dr.execute(["b"], { inputs: { x } });
    const report = dr.history!.prune({ keepRuns: 1 });
    strictEqual(report.runs.length, 2);
    strictEqual(report.nodes, 4);
    strictEqual(report.cacheRecords, 2);
    strictEqual(dr.history!.listRuns().total, 1);
    await dr.execute(["b"], { inputs: { x: 2 } });
    strictEqual(dr.history!.listRuns({ limit: 1 }).runs[0]!.hits, 2);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
