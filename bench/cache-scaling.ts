/**
 * Cold-run cost per node as the graph grows: a chain-like DAG (each node reads
 * the two before it) of 200, 1,000, 10,000 and 100,000 trivial nodes, run once
 * on a fresh SQLite cache, against the same DAG uncached in the same process.
 * Each measurement runs in a process of its own (a 100,000-node graph leaves a
 * heap that would slow the next one down); the table gives the median and the
 * range over the repeats. A flat column means no per-node cost grows with the graph.
 *
 *   npx bun bench/cache-scaling.ts            # all sizes
 *   npx bun bench/cache-scaling.ts 200 10000  # chosen sizes
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt } from "./_measure.ts";

interface Sample {
  readonly uncachedMs: number;
  readonly coldMs: number;
  readonly buildMs: number;
}

/** One measurement of `n` nodes in this process. */
async function measure(n: number): Promise<Sample> {
  const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
  for (let i = 2; i < n; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
  const last = `n${n - 1}`;
  const plain = await new Builder().withModules(mod).build();
  const expected = (await plain.execute([last]))[last];
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await plain.execute([last]);
    times.push(performance.now() - t);
  }
  const uncachedMs = times.sort((a, b) => a - b)[1]!;
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-scaling-"));
  try {
    const b = performance.now();
    await using dr = await new Builder().withModules(mod).withCache({ path: join(dir, "weft.db") }).build();
    const buildMs = performance.now() - b;
    const t = performance.now();
    const r = await dr.execute([last]);
    const coldMs = performance.now() - t;
    if (r[last] !== expected) throw new Error("cached run computed a wrong result");
    return { uncachedMs, coldMs, buildMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--one") {
  console.log(JSON.stringify(await measure(Number(process.argv[3]))));
} else {
  const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [200, 1_000, 10_000, 100_000];
  const range = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${fmt(s[Math.floor(s.length / 2)]!, 1)} (${fmt(s[0]!, 1)}–${fmt(s[s.length - 1]!, 1)})`;
  };
  console.log("| nodes | uncached run ms | cold run ms | cold overhead µs/node | build with cache ms |");
  console.log("|---|---|---|---|---|");
  for (const n of sizes) {
    const samples: Sample[] = [];
    for (let i = 0; i < (n >= 100_000 ? 3 : 5); i++) {
      const proc = Bun.spawnSync([process.execPath, import.meta.path, "--one", String(n)], { stderr: "ignore" });
      if (proc.exitCode !== 0) throw new Error(`the measurement of ${n} nodes failed (exit ${proc.exitCode})`);
      samples.push(JSON.parse(proc.stdout.toString()) as Sample);
    }
    const overhead = samples.map((s) => ((s.coldMs - s.uncachedMs) * 1000) / n);
    console.log(`| ${n} | ${range(samples.map((s) => s.uncachedMs))} | ${range(samples.map((s) => s.coldMs))} | ${range(overhead)} | ${range(samples.map((s) => s.buildMs))} |`);
  }
}
