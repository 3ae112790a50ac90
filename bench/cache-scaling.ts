/**
 * Cold-run cost per node as the graph grows: a chain-like DAG (each node reads
 * the two before it) of 200, 1,000, 10,000 and 100,000 trivial nodes, each run
 * once on a fresh SQLite cache, against the same DAG uncached in the same
 * process. A flat column means no per-node cost grows with the graph.
 *
 *   npx bun bench/cache-scaling.ts            # all sizes
 *   npx bun bench/cache-scaling.ts 200 10000  # chosen sizes
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt } from "./_measure.ts";

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [200, 1_000, 10_000, 100_000];
const dir = mkdtempSync(join(tmpdir(), "weft-bench-scaling-"));

/** Median of `runs` timings of `fn`. */
async function median(runs: number, fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await fn());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

try {
  console.log("| nodes | uncached run ms | cold run ms | cold overhead µs/node | build with cache ms |");
  console.log("|---|---|---|---|---|");
  let k = 0;
  for (const n of sizes) {
    const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
    for (let i = 2; i < n; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
    const last = `n${n - 1}`;
    const runs = n >= 100_000 ? 3 : n >= 10_000 ? 5 : 9;
    const plain = await new Builder().withModules(mod).build();
    const expected = (await plain.execute([last]))[last];
    const uncached = await median(runs, async () => {
      const t = performance.now();
      await plain.execute([last]);
      return performance.now() - t;
    });
    let buildMs = 0;
    const cold = await median(runs, async () => {
      const b = performance.now();
      await using dr = await new Builder().withModules(mod).withCache({ path: join(dir, `c-${k++}`, "weft.db") }).build();
      buildMs = performance.now() - b;
      const t = performance.now();
      const r = await dr.execute([last]);
      const ms = performance.now() - t;
      if (r[last] !== expected) throw new Error("cached run computed a wrong result");
      return ms;
    });
    console.log(`| ${n} | ${fmt(uncached, 1)} | ${fmt(cold, 1)} | ${fmt(((cold - uncached) * 1000) / n, 1)} | ${fmt(buildMs, 1)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
