/**
 * The web view's "what would run now": GET /api/runs/:id/plan end to end (a
 * worker of its own per plan: start it, load weft, import the flow file,
 * build over the SQLite file, plan) for a flow file of 10 and of 200 nodes,
 * every node a hit; and what recording the request costs a run
 * (requestValues() on small inputs, on inputs near the 64 KiB limit, and on
 * an input far over it, where the walk stops at the limit).
 *
 *   npx bun bench/run-plan.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Builder } from "../mod.ts";
import { requestValues } from "../lib/history/request-values.ts";
import { startHistoryServer } from "../server/start-server.ts";
import { spread } from "./_measure.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-bench-run-plan-"));

function flowSource(n: number): string {
  const lines = ["export function n0(seed: number): number {\n  return seed;\n}\n"];
  for (let i = 1; i < n; i++) lines.push(`export function n${i}(n${i - 1}: number): number {\n  return n${i - 1} + ${i};\n}\n`);
  return lines.join("\n");
}

try {
  console.log("| flow nodes | GET /api/runs/:id/plan ms, median (min–max) of 10 |");
  console.log("|---|---|");
  for (const n of [10, 200]) {
    const file = join(dir, `flow${n}.ts`);
    writeFileSync(file, flowSource(n));
    const url = pathToFileURL(file).href;
    const db = join(dir, `weft${n}.db`);
    let id = "";
    {
      await using dr = await new Builder().withModules({ name: "flow", exports: await import(url), url }).withCache({ path: db }).withTracking()
        .withHooks({ beforeGraph: (e) => void (id = e.runId) }).build();
      await dr.execute([`n${n - 1}`], { inputs: { seed: 1 } });
    }
    const server = await startHistoryServer({ path: db, port: 0 });
    try {
      const ms: number[] = [];
      for (let i = 0; i < 12; i++) {
        const t = performance.now();
        const answer = (await (await fetch(`${server.url}api/runs/${id}/plan`)).json()) as { plan?: { counts: { hit: number } }; problem?: string };
        if (answer.plan?.counts.hit !== n) throw new Error(`unexpected plan: ${JSON.stringify(answer).slice(0, 300)}`);
        if (i >= 2) ms.push(performance.now() - t);
      }
      console.log(`| ${n} | ${spread(ms, 0)} |`);
    } finally {
      await server.close();
    }
  }
  const small = { inputs: { day: "2026-11-22", n: 3 }, overrides: {}, config: { region: "eu" } };
  const near = { inputs: { rows: Array.from({ length: 3000 }, (_, i) => ({ id: i, v: "x" })) }, overrides: {}, config: {} };
  const huge = { inputs: { xs: Array.from({ length: 2_000_000 }, (_, i) => i) }, overrides: {}, config: {} };
  for (const [name, values] of [["small inputs", small], ["inputs of 58 KiB as JSON", near], ["a 2,000,000-number input", huge]] as const) {
    const us: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      for (let i = 0; i < 200; i++) requestValues(values);
      us.push(((performance.now() - t) / 200) * 1000);
    }
    console.log(`requestValues() with ${name}: ${spread(us)} µs per run, median (min–max) of 7, ${"values" in requestValues(values) ? "kept" : "not kept"}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
