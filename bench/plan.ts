/**
 * driver.plan() on 1,000- and 10,000-node DAGs (each node reads the two
 * before it), SQLite cache and run history on disk: µs per node call planned,
 * against the same DAG's warm run (every node a hit) in the same process.
 * Two plans: every node a hit (each key made and probed: a read of the
 * metadata and of the result's row, no value read), and the root's input
 * changed (one miss, every other node pending: no probe below it).
 *
 *   npx bun bench/plan.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt, median, spread } from "./_measure.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-bench-plan-"));

function dag(n: number): Record<string, (...xs: number[]) => number> {
  const mod: Record<string, (...xs: number[]) => number> = { n0: (seed: number) => seed, n1: (n0: number) => n0 + 1 };
  for (let i = 2; i < n; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
  return mod;
}

/** `rounds` timings of `fn` in ms, after two warm-up calls. */
async function times(fn: () => unknown, rounds: number): Promise<number[]> {
  for (let i = 0; i < 2; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

try {
  console.log("| DAG nodes | warm run µs/node | plan, all hits µs/node | plan, root changed µs/node | all-hit plan / warm run |");
  console.log("|---|---|---|---|---|");
  for (const n of [1_000, 10_000]) {
    const db = join(dir, `plan-${n}.db`);
    const last = `n${n - 1}`;
    await using dr = await new Builder().withModules(dag(n)).withCache({ path: db }).withTracking({ path: db }).withWarnings(() => {}).build();
    await dr.execute([last], { inputs: { seed: 1 } });
    const rounds = n >= 10_000 ? 7 : 15;
    const perNode = (xs: number[]) => xs.map((ms) => (ms * 1000) / n);
    const warm = perNode(await times(() => dr.execute([last], { inputs: { seed: 1 } }), rounds));
    const hits = perNode(await times(() => {
      const p = dr.plan([last], { inputs: { seed: 1 } });
      if (p.counts.hit !== n) throw new Error(`expected ${n} hits, planned ${p.counts.hit}`);
    }, rounds));
    const changed = perNode(await times(() => {
      const p = dr.plan([last], { inputs: { seed: 2 } });
      if (p.counts.miss !== 1 || p.counts.pending !== n - 1) throw new Error("expected one miss and the rest pending");
    }, rounds));
    console.log(`| ${n.toLocaleString("en")} | ${spread(warm, 1)} | ${spread(hits, 1)} | ${spread(changed, 2)} | ${fmt(median(hits) / median(warm), 2)}x |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
