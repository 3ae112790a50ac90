/**
 * The cache through the driver, end to end, on a 200-node DAG of trivial
 * nodes (each reads the two before it): cold-run overhead per node (a new
 * cache file every run: fingerprint, key, lookup, batched store) and warm-run
 * cost per node (every node a hit), each against the same DAG uncached, in
 * one process. SQLite on disk, and memory stores. The yardstick is a bun:sqlite
 * point read inside a read transaction in the same process: the warm cost per
 * node is also given as a multiple of it.
 *
 *   npx bun bench/cache-driver.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt, medianMs } from "./_measure.ts";
import { sqlitePointReadUs } from "./_sqlite-yardstick.ts";

const N = 200;
const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
for (let i = 2; i < N; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
const last = `n${N - 1}`;
const dir = mkdtempSync(join(tmpdir(), "weft-bench-cache-"));

try {
  const plain = await new Builder().withModules(mod).build();
  const expected = (await plain.execute([last]))[last];
  const uncachedMs = await medianMs(() => plain.execute([last]), 31, 5);

  let k = 0;
  // Cold runs: time only execute(), on a fresh cache each time (opening the file is not per node).
  const cold = async (memory: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await using dr = await new Builder().withModules(mod).withCache(memory ? { memory: true } : { path: join(dir, `c-${k++}`, "weft.db") }).build();
      const t = performance.now();
      const r = await dr.execute([last]);
      times.push(performance.now() - t);
      if (r[last] !== expected) throw new Error("cached run computed a wrong result");
    }
    return times.sort((a, b) => a - b)[4]!;
  };
  const warm = async (memory: boolean) => {
    await using dr = await new Builder().withModules(mod).withCache(memory ? { memory: true } : { path: join(dir, `w-${k++}`, "weft.db") }).build();
    await dr.execute([last]);
    // `await` before returning: the driver must stay open until the measurement ends.
    return await medianMs(async () => {
      const r = await dr.execute([last]);
      if (r[last] !== expected) throw new Error("cache hit returned a wrong result");
    }, 31, 5);
  };
  const rows: [string, number, number][] = [
    ["SQLite (.weft/weft.db)", await cold(false), await warm(false)],
    ["memory", await cold(true), await warm(true)],
  ];
  const readUs = sqlitePointReadUs(N);
  console.log(`bun:sqlite point read in a read transaction: ${fmt(readUs, 2)} µs`);
  console.log(`| cache store | uncached run ms | cold run ms | cold overhead µs/node | warm run ms | warm cost µs/node | warm / point read |`);
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, c, w] of rows) {
    const warmUs = ((w - uncachedMs) * 1000) / N;
    console.log(`| ${name} | ${fmt(uncachedMs, 3)} | ${fmt(c, 2)} | ${fmt(((c - uncachedMs) * 1000) / N, 1)} | ${fmt(w, 2)} | ${fmt(warmUs, 1)} | ${fmt(warmUs / readUs, 1)}x |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
