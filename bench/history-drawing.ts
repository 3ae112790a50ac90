/**
 * Drawing a run's DAG in the web view: records runs of a generated N-node DAG
 * (a fresh graph per round, so no drawing is reused), serves the history on
 * Bun, and measures per round
 *   - the first run page: time until its HTML has arrived (what the browser can paint),
 *   - the drawing: time until the page's SVG is there (the page itself, or its drawing endpoint),
 *   - GET /api/runs while the drawing is made: the slowest answer of requests sent every 50 ms,
 * each as a ratio to GET /api/runs on an idle server in the same process (the baseline).
 *
 *   npx bun bench/history-drawing.ts [nodes=200] [rounds=3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, node } from "../mod.ts";
import { startHistoryServer } from "../server/start-server.ts";
import { fmt, median, spread } from "./_measure.ts";

const N = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "weft-bench-drawing-"));
const path = join(dir, "weft.db");

/** A layered DAG of `n` nodes: node i reads node i-1 and node ⌊i/2⌋ (names differ per round). */
function flowOf(n: number, round: number): Record<string, unknown> {
  const mod: Record<string, unknown> = {};
  const name = (i: number) => `r${round}_step${i}`;
  mod[name(0)] = node((seed: number) => seed, { deps: ["seed"] });
  for (let i = 1; i < n; i++) {
    const deps = [...new Set([name(i - 1), name(Math.floor(i / 2))])];
    mod[name(i)] = node((...xs: number[]) => xs.reduce((a, b) => a + b, 0), { deps });
  }
  return mod;
}

async function recordRun(round: number): Promise<string> {
  let id = "";
  await using dr = await new Builder().withModules(flowOf(N, round) as never).withTracking({ path })
    .withHooks({ beforeGraph: (e: { runId: string }) => void (id = e.runId) }).build();
  await dr.execute([`r${round}_step${N - 1}`] as never, { inputs: { seed: 1 } } as never);
  return id;
}

const ids: string[] = [];
for (let r = 0; r < ROUNDS; r++) ids.push(await recordRun(r));
const server = await startHistoryServer({ path, port: 0 });
const timed = async (url: string) => {
  const t = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  return { ms: performance.now() - t, body };
};
const api = `${server.url}api/runs`;
const rows: { page: number; svg: number; apiMax: number; apiCount: number; base: number }[] = [];
try {
  for (let i = 0; i < 20; i++) await timed(api);
  for (const id of ids) {
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) idle.push((await timed(api)).ms);
    const base = median(idle);
    // Requests to /api/runs every 50 ms until the drawing is there.
    let drawing = true;
    const apiTimes: number[] = [];
    const prober = (async () => {
      while (drawing) {
        apiTimes.push((await timed(api)).ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const page = await timed(`${server.url}runs/${id}`);
    // Since issue 15 the page may hold a placeholder that fetches the drawing from this endpoint.
    const src = /data-dag-src="([^"]+)"/.exec(page.body)?.[1];
    let svgAt = src === undefined && /<g id="node1" class="node/.test(page.body) ? page.ms : NaN;
    if (src === undefined && Number.isNaN(svgAt)) throw new Error("the run page has neither the drawing nor a placeholder");
    while (Number.isNaN(svgAt) && src !== undefined) {
      const res = await fetch(new URL(src.replaceAll("&amp;", "&"), server.url));
      if (res.status === 200 && (await res.text()).includes("<svg")) svgAt = performance.now() - t0;
      else if (res.status !== 202) throw new Error(`the drawing failed: ${res.status}`);
      else await new Promise((r) => setTimeout(r, 25));
    }
    drawing = false;
    await prober;
    rows.push({ page: page.ms, svg: svgAt, apiMax: Math.max(...apiTimes), apiCount: apiTimes.length, base });
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`run page of a ${N}-node DAG, first view, ${ROUNDS} rounds (median (min–max)); baseline GET /api/runs idle ${spread(rows.map((r) => r.base))} ms`);
console.log(`  page HTML (first paint) ${spread(rows.map((r) => r.page), 0)} ms = ${spread(rows.map((r) => r.page / r.base), 0)}× baseline`);
console.log(`  SVG ready               ${spread(rows.map((r) => r.svg), 0)} ms = ${spread(rows.map((r) => r.svg / r.base), 0)}× baseline`);
console.log(`  /api/runs meanwhile     slowest ${spread(rows.map((r) => r.apiMax), 0)} ms = ${spread(rows.map((r) => r.apiMax / r.base), 0)}× baseline, ${fmt(median(rows.map((r) => r.apiCount)), 0)} requests`);
