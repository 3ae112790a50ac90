/**
 * Load on the runs list: records 10,000 runs (10 nodes each, through the
 * SQLite run store as the tracker writes them), serves the history on Bun,
 * and runs autocannon (in its own Node process, 10 connections, 10 s) against
 * each path in turn, for some rounds: by default a static asset of the same app
 * (the baseline: routing, host check and headers, no history), GET /api/runs
 * (the first page of 50, with the total) and the HTML runs list `/`. Prints
 * requests per second and latency percentiles, as median (min–max) over the
 * rounds, and each p50 and p99 as a ratio to the baseline's mean latency.
 *
 *   npx bun bench/history-load.ts [seconds] [path,path,...] [rounds]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteRunStore } from "../history/open-sqlite-run-store.ts";
import type { NodeRecord, RunBatch } from "../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../runtime/bun/mod.ts";
import { startHistoryServer } from "../server/start-server.ts";

const RUNS = 10_000;
const seconds = Number(process.argv[2] ?? 10);
const BASELINE = "/assets/favicon.svg";
const targets = (process.argv[3] ?? `${BASELINE},/api/runs,/`).split(",");
const rounds = Number(process.argv[4] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "weft-bench-load-"));
const path = join(dir, "weft.db");

const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true });
if (opened.status !== "open") throw new Error(opened.reason);
const names = Array.from({ length: 10 }, (_, i) => `node${i}`);
const graph = JSON.stringify({ nodes: names.map((name) => ({ name, roles: ["function"], modifiers: [], namespace: "" })), edges: names.slice(1).map((to, i) => ({ from: names[i], to, optional: false })) });
const t0 = performance.now();
const start = Date.now() - RUNS * 60_000;
for (let b = 0; b < RUNS / 500; b++) {
  const batch: { starts: RunBatch["starts"][number][]; nodes: NodeRecord[]; progress: RunBatch["progress"][number][]; ends: RunBatch["ends"][number][] } = { starts: [], nodes: [], progress: [], ends: [] };
  for (let r = b * 500; r < (b + 1) * 500; r++) {
    const id = `run-${String(r).padStart(5, "0")}`;
    const at = start + r * 60_000;
    const failed = r % 17 === 0;
    batch.starts.push({ id, start: at, outputs: ["node9"], nodes: 10, inputs: { day: `"2026-11-${(r % 28) + 1}"` }, overrides: {}, config: {}, graph, pid: 1, host: "bench" });
    names.forEach((node, i) => batch.nodes.push({ runId: id, node, item: "", status: failed && i === 9 ? "failed" : "succeeded", start: at + i * 10, end: at + i * 10 + 8, duration: 8, executor: "in-process", batch: 1, cache: { status: i % 3 === 0 ? "hit" : "miss", reason: "input changed" }, preview: String(i) }));
    batch.progress.push({ id, at: at + 100, batch: 1, done: failed ? 9 : 10, failed: failed ? 1 : 0, hits: 4 });
    batch.ends.push(failed ? { id, end: at + 100, status: "failed", error: { name: "Error", message: "boom" } } : { id, end: at + 100, status: "succeeded" });
  }
  opened.store.write(batch);
}
opened.store.close();
console.log(`recorded ${RUNS} runs (${RUNS * 10} node executions) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const server = await startHistoryServer({ path, port: 0 });
type Figures = { rps: number; mean: number; p50: number; p90: number; p99: number; max: number };
const cannon = async (target: string): Promise<Figures> => {
  const proc = Bun.spawn(["node", join(import.meta.dir, "../node_modules/autocannon/autocannon.js"), "-c", "10", "-d", String(seconds), "-j", `${server.url}${target.slice(1)}`], { stdout: "pipe", stderr: "ignore" });
  const result = JSON.parse(await new Response(proc.stdout).text());
  await proc.exited;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`GET ${target}: non-2xx ${result.non2xx}, errors ${result.errors}`);
  const l = result.latency;
  return { rps: result.requests.average, mean: l.average, p50: l.p50, p90: l.p90, p99: l.p99, max: l.max };
};
const spread = (xs: number[], digits = 1) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]!.toFixed(digits)} (${s[0]!.toFixed(digits)}–${s[s.length - 1]!.toFixed(digits)})`;
};
try {
  const check = await (await fetch(`${server.url}api/runs`)).json();
  if (check.total !== RUNS) throw new Error(`expected ${RUNS} runs, the API says ${check.total}`);
  const figures = new Map<string, Figures[]>(targets.map((t) => [t, []]));
  // Interleaved rounds, so a slow spell of the machine falls on every path alike.
  for (let round = 0; round < rounds; round++) for (const t of targets) figures.get(t)!.push(await cannon(t));
  console.log(`${RUNS} runs, 10 connections, ${seconds} s a path, ${rounds} rounds (autocannon); median (min–max) over the rounds:`);
  const base = figures.get(BASELINE);
  for (const [t, fs] of figures) {
    const of = (k: keyof Figures) => fs.map((f) => f[k]);
    const ratio = base === undefined || t === BASELINE ? "" : `; p50 ×${spread(fs.map((f, i) => f.p50 / base[i]!.mean))}, p99 ×${spread(fs.map((f, i) => f.p99 / base[i]!.mean))} the baseline's mean`;
    console.log(`GET ${t}: requests/s ${spread(of("rps"), 0)}; latency ms: mean ${spread(of("mean"), 2)}, p50 ${spread(of("p50"))}, p90 ${spread(of("p90"))}, p99 ${spread(of("p99"))}, max ${spread(of("max"))}${ratio}`);
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
