/**
 * Issue 10, part 6: the web view shows nodes and inputs whose names are keys
 * of `Object.prototype` like any other, from a real run recorded into SQLite.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { RunHistory } from "../../lib/ports/run-store.ts";
import { Builder, node, parameterize } from "../../mod.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("server-names");
let history: RunHistory;
let runId = "";
let app: ReturnType<typeof createHistoryApp>["app"];
const get = (path: string) => app.request(path, { headers: { host: "localhost" } });

beforeAll(async () => {
  const path = join(tmp.dir, "weft.db");
  // `__proto__` comes from parameterize(): exports starting with `_` are private helpers.
  const flow = {
    constructor: node((s: string) => `${s}!`, { deps: ["toString"] }),
    made: parameterize(Object.fromEntries([["__proto__", {}]]) as Record<string, never>, (constructor: string) => `${constructor}?`),
  };
  {
    await using dr = await new Builder().withModules(flow as unknown as Record<string, never>).withCache({ path }).withTracking()
      .withHooks({ beforeGraph: (e) => void (runId = e.runId) }).build();
    await dr.execute(["__proto__" as never], { inputs: { toString: "hi" } });
  }
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true, existing: true });
  if (opened.status !== "open") throw new Error(opened.reason);
  history = opened.store;
  app = createHistoryApp({ history, allowedHosts: ["localhost"] }).app;
});
afterAll(() => {
  history.close();
  tmp.remove();
});

describe("history API with special names", () => {
  test("GET /api/runs/:id/nodes/constructor returns the node's execution", async () => {
    const body = await (await get(`/api/runs/${runId}/nodes/constructor`)).json();
    expect(body.executions.map((e: { node: string; preview: string }) => [e.node, e.preview])).toEqual([["constructor", '"hi!"']]);
  });

  test("GET /api/runs/:id/nodes/__proto__ returns the node's execution", async () => {
    const body = await (await get(`/api/runs/${runId}/nodes/__proto__`)).json();
    expect(body.executions.map((e: { node: string; preview: string }) => [e.node, e.preview])).toEqual([["__proto__", '"hi!?"']]);
  });

  test("GET /api/runs/:id has the input named toString and the graph's nodes", async () => {
    const run = await (await get(`/api/runs/${runId}`)).json();
    expect(Object.entries(run.inputs)).toEqual([["toString", '"hi"']]);
    expect(run.graph.nodes.map((n: { name: string }) => n.name).sort()).toEqual(["__proto__", "constructor", "toString"]);
  });
});

describe("history pages with special names", () => {
  test("the run page draws the nodes named constructor and __proto__ coloured by status", async () => {
    expect((await get(`/runs/${runId}/dag`)).status).toBe(200);
    const page = await (await get(`/runs/${runId}`)).text();
    expect(page).toMatch(/class="node wn s&#45;succeeded c&#45;miss">\s*<title>constructor<\/title>/);
    expect(page).toMatch(/class="node wn s&#45;succeeded c&#45;miss">\s*<title>__proto__<\/title>/);
  });

  test("the node page of __proto__ shows its execution", async () => {
    const res = await get(`/runs/${runId}/nodes/__proto__`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("&quot;hi!?&quot;");
  });
});
