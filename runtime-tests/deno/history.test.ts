/**
 * Run history on Deno: a tracked run recorded with node:sqlite, then the web view served by Deno.serve.
 * Run with `deno test --allow-read --allow-write --allow-env --allow-run --allow-net`.
 */
import { strictEqual } from "node:assert";
import { Builder } from "../../mod.ts";
import { startHistoryServer } from "../../server/start-server.ts";

Deno.test("withTracking() records a run on Deno, and startHistoryServer() serves it with Deno.serve, drawing on a Web Worker", async () => {
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
      // The first view of a graph answers at once and draws it on a worker; the drawing endpoint waits for it.
      strictEqual((await page.text()).includes(`data-dag-src="/runs/${list.runs[0].id}/dag"`), true);
      let dag = await fetch(`${server.url}runs/${list.runs[0].id}/dag`);
      while (dag.status === 202) dag = (await dag.text(), await fetch(`${server.url}runs/${list.runs[0].id}/dag`));
      strictEqual(dag.status, 200);
      strictEqual((await dag.text()).startsWith("<svg"), true);
      strictEqual((await (await fetch(`${server.url}runs/${list.runs[0].id}`)).text()).includes("<svg"), true);
    } finally {
      await server.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
