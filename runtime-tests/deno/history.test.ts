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
