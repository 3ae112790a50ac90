/**
 * Run history on Deno: a tracked run recorded with node:sqlite, then the web view served by Deno.serve.
 * Run with `deno test --allow-read --allow-write --allow-env --allow-run --allow-net`.
 */
import { deepStrictEqual, strictEqual } from "node:assert";
import { rawGet, rawRequest } from "../../tests/server/_raw-http.ts";
import { Builder } from "../../mod.ts";
import { serveHttp } from "../../runtime/deno/serve.ts";
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

Deno.test("startHistoryServer() on Deno plans a run's request again on a Web Worker: an edited node misses, the rest hits", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "weft-plan-" });
  try {
    const path = `${dir}/weft.db`;
    const flowFile = `${dir}/flow.ts`;
    const flow = "export function a(x: number): number {\n  return x + 1;\n}\n\nexport const b = (a: number) => a * 2;\n";
    Deno.writeTextFileSync(flowFile, flow);
    const url = new URL(`file://${flowFile}`).href;
    {
      const exports = await import(url);
      await using dr = await new Builder().withModules({ name: "flow", exports, url }).withCache({ path }).withTracking().build();
      strictEqual((await dr.execute(["b"], { inputs: { x: 1 } })).b, 4);
    }
    const server = await startHistoryServer({ path, port: 0 });
    try {
      const id = (await (await fetch(`${server.url}api/runs`)).json()).runs[0].id;
      const statuses = async () => {
        const answer = await (await fetch(`${server.url}api/runs/${id}/plan`)).json();
        return answer.plan ? answer.plan.nodes.map((n: { node: string; status: string }) => `${n.node}:${n.status}`) : answer.problem;
      };
      deepStrictEqual(await statuses(), ["a:hit", "b:hit"]);
      Deno.writeTextFileSync(flowFile, flow.replace("a * 2", "a * 3"));
      deepStrictEqual(await statuses(), ["a:hit", "b:miss"]);
    } finally {
      await server.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("startHistoryServer() on Deno answers a missing or malformed Host with a plain 400, another host with 403, with the policy", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "weft-history-" });
  const server = await startHistoryServer({ path: `${dir}/none.db`, port: 0 });
  try {
    const answers = [
      await rawRequest(server.port, "GET /api/runs HTTP/1.0\r\n\r\n"),
      await rawGet(server.port, "/api/runs", ["Host: "]),
      await rawGet(server.port, "/api/runs", ["Host: 127.0.0.1@evil.com"]),
      await rawGet(server.port, "/api/runs", ["Host: evil.com"]),
    ];
    deepStrictEqual(answers.map((a) => a.status), [400, 400, 400, 403]);
    for (const a of answers) {
      strictEqual(a.headers.get("content-security-policy")?.startsWith("default-src 'none'"), true);
      strictEqual(a.text.includes("    at ") || a.text.includes(dir) || a.text.includes("app.tsx"), false);
    }
  } finally {
    await server.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("serveHttp() on Deno answers a handler that throws with a 500 that shows nothing of it", async () => {
  const server = await serveHttp({ fetch: () => { throw new Error(`boom in ${import.meta.url}`); }, hostname: "127.0.0.1", port: 0 });
  try {
    const answer = await rawGet(server.port, "/", ["Host: 127.0.0.1"]);
    strictEqual(answer.status, 500);
    strictEqual(answer.text.includes("boom"), false);
  } finally {
    await server.close();
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
