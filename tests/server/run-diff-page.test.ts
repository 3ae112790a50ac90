/**
 * The diff page and API (issue 15): two runs compared through a real server on a loopback port, over runs
 * recorded by real processes (`weft run` before and after an edit of the flow file, and a script whose node is
 * recomputed every run); an in-process re-import would serve the old module. Then the run table, the link to
 * the previous run, and a history without its cache (the diff's note).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { startHistoryServer, type HistoryServer } from "../../server/start-server.ts";
import { tempDir } from "../cache/_helpers.ts";

// Each recorded run is a process that loads weft: seconds on a loaded 2-core machine.
setDefaultTimeout(120_000);

const tmp = tempDir("diff-page");
const db = join(tmp.dir, "weft.db");
let server: HistoryServer;
const ids = { a: "", b: "", noisy1: "", noisy2: "" };

const FLOW = [
  "export const raw = (n: number) => Array.from({ length: n }, (_, i) => i);",
  "export const doubled = (raw: number[]) => raw.map((x) => x * 2);",
  "export const report = (doubled: number[]) => ({ total: doubled.reduce((a, b) => a + b, 0), count: doubled.length });",
  "",
].join("\n");

const NOISY = "export const seed = (n: number) => n + 1;\nexport const noisy = (seed: number) => seed + Math.random();\nexport const summary = (noisy: number) => ({ noisy });\n";
const NOISY_RUN = `import { Builder } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
import * as noisyFlow from "./noisy.ts";
const ids: string[] = [];
const hook = { beforeGraph: (e: { runId: string }) => void ids.push(e.runId) };
await using dr = await new Builder().withModules(noisyFlow).withCache({ path: process.argv[2]!, recompute: ["noisy"] }).withTracking().withHooks(hook).build();
await dr.execute(["summary"], { inputs: { n: 1 } });
await dr.execute(["summary"], { inputs: { n: 1 } });
console.log(JSON.stringify(ids));
`;

async function spawn(args: string[]): Promise<string> {
  const proc = Bun.spawn([process.execPath, ...args], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe" });
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect({ code, stderr }).toMatchObject({ code: 0 });
  return `${stdout}\n${stderr}`;
}
const runFlow = async (n: number) => /run ([0-9a-f-]{36}) succeeded/.exec(await spawn([join(import.meta.dir, "../../cli/weft.ts"), "run", "flow.ts", "-o", "report", "-i", `n=${n}`, "--cache", "--db", db]))![1]!;
const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), { redirect: "manual", ...init });

beforeAll(async () => {
  writeFileSync(join(tmp.dir, "flow.ts"), FLOW);
  ids.a = await runFlow(3);
  writeFileSync(join(tmp.dir, "flow.ts"), FLOW.replace("x * 2", "x * 5"));
  ids.b = await runFlow(3);
  writeFileSync(join(tmp.dir, "noisy.ts"), NOISY);
  writeFileSync(join(tmp.dir, "noisy-run.ts"), NOISY_RUN);
  const [n1, n2] = JSON.parse((await spawn([join(tmp.dir, "noisy-run.ts"), db])).trim().split("\n")[0]!) as [string, string];
  Object.assign(ids, { noisy1: n1, noisy2: n2 });
  server = await startHistoryServer({ path: db, port: 0 });
});
afterAll(async () => {
  await server?.close();
  tmp.remove();
});

describe("GET /api/diff", () => {
  test("a code edit: the edited node is the output's frontier, labelled code changed; the values differ by path", async () => {
    const res = await get(`/api/diff?a=${ids.a}&b=${ids.b}`);
    expect(res.status).toBe(200);
    const diff = await res.json();
    expect(diff).toMatchObject({ a: ids.a, b: ids.b, inputs: [], overrides: [], config: [] });
    expect(diff.note).toBeUndefined();
    expect(diff.code).toEqual([{ node: "doubled", reason: 'code of "doubled" changed (flow.ts:2)' }]);
    expect(diff.outputs).toEqual([{ output: "report", changed: true, frontier: [{ node: "doubled", cause: "code changed", reason: 'code of "doubled" changed (flow.ts:2)' }], paths: [{ path: ".total", before: "6", after: "15" }] }]);
  });

  test("a node that gives another value for the same code and inputs is the frontier, non-deterministic", async () => {
    const diff = await (await get(`/api/diff?a=${ids.noisy1}&b=${ids.noisy2}&output=summary`)).json();
    expect(diff.code).toEqual([]);
    expect(diff.outputs[0]).toMatchObject({ output: "summary", changed: true, frontier: [{ node: "noisy", cause: "non-deterministic", reason: "same code and inputs, different value" }] });
  });

  test("an unknown run is 404 with words; a missing id is 400", async () => {
    const res = await get(`/api/diff?a=${ids.a}&b=nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Unknown run "nope": list the runs with GET /api/runs' });
    const bad = await get(`/api/diff?a=${ids.a}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe(`Query parameters "a" and "b" must name the two runs to compare (a the earlier), got a "${ids.a}" and no b`);
  });
});

describe("GET /diff", () => {
  test("shows the code change, the frontier with its label, the values by path and the durations", async () => {
    const res = await get(`/diff?a=${ids.a}&b=${ids.b}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("The same inputs, overrides and config.");
    expect(html).toContain('<li data-node="doubled"><span class="mono">doubled</span>: code of &quot;doubled&quot; changed (flow.ts:2)</li>');
    expect(html).toContain('<li data-node="doubled" data-cause="code changed"><span class="mono">doubled</span>: code changed: code of &quot;doubled&quot; changed (flow.ts:2)</li>');
    expect(html).toContain('<td class="mono">.total</td><td><code>6</code></td><td><code>15</code></td>');
    expect(html).toContain("<th>duration before</th><th>duration after</th>");
  });

  test("labels a non-deterministic node as such", async () => {
    const html = await (await get(`/diff?a=${ids.noisy1}&b=${ids.noisy2}`)).text();
    expect(html).toContain('<li data-node="noisy" data-cause="non-deterministic"><span class="mono">noisy</span>: same code and inputs, different value: non-deterministic</li>');
  });

  test("an unknown run is a 404 page that names it; no ids is a 400 page with the compare form", async () => {
    const res = await get(`/diff?a=nope&b=${ids.b}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("There is no run &quot;nope&quot; in this history.");
    const bad = await get("/diff");
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Query parameters &quot;a&quot; and &quot;b&quot; must name the two runs to compare (a the earlier), got no a and no b');
    expect(html).toContain('<form class="compare" id="compare" method="get" action="/diff">');
  });

  test("a history without its cache: the page says the diff's note", async () => {
    const opened = openSqliteRunStore(db, bunCacheDrivers, { alive: () => true, existing: true });
    if (opened.status !== "open") throw new Error(opened.reason);
    try {
      const { app } = createHistoryApp({ history: opened.store });
      const res = await app.request(`/diff?a=${ids.a}&b=${ids.b}`, { headers: { host: "localhost" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`Note: run ${ids.a} has no cache records (it ran without the cache of this file, or its records were pruned): no data versions to compare`);
    } finally {
      opened.store.close();
    }
  });
});

describe("links to the diff", () => {
  test("GET /runs/:id/previous goes to the diff with the run before it of the same flow", async () => {
    const res = await get(`/runs/${ids.b}/previous`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/diff?a=${ids.a}&b=${ids.b}`);
    const first = await get(`/runs/${ids.a}/previous`);
    expect(first.status).toBe(404);
    expect(await first.text()).toContain("is the first recorded run of its flow");
  });

  test("the run page links to the previous run; the runs list has the compare form", async () => {
    expect(await (await get(`/runs/${ids.b}`)).text()).toContain(`<a id="compare-previous" href="/runs/${ids.b}/previous">compare with the previous run of this flow</a>`);
    expect(await (await get("/")).text()).toContain('<input name="a" value="" placeholder="earlier run id" required="" size="38" class="mono"/>');
  });
});

describe("GET /runs/table", () => {
  test("the latest runs of a flow side by side; only-changed keeps the columns that differ", async () => {
    const flow = (await (await get(`/api/runs/${ids.a}`)).json()).modules.join("+");
    const res = await get(`/runs/table?flow=${encodeURIComponent(flow)}&last=5`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const rows = [...html.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1]);
    expect(rows).toEqual([ids.b, ids.a]);
    expect(html).toContain('<th class="mono" data-kind="input">n</th>');
    expect(html).toContain(`<a href="/diff?a=${ids.a}&amp;b=${ids.b}">with the row below</a>`);
    const changed = await (await get(`/runs/table?flow=${encodeURIComponent(flow)}&only-changed=1`)).text();
    expect(changed).not.toContain('data-kind="input"');
    const bad = await get("/runs/table?last=0");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Query parameter &quot;last&quot; must be an integer from 1 to 500, got &quot;0&quot;");
  });
});
