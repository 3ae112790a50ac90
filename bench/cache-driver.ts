/**
 * The cache through the driver, end to end, on a 200-node DAG of trivial
 * nodes (each reads the two before it): cold-run overhead per node (a new
 * cache file every run: fingerprint, key, lookup, batched store) and warm-run
 * cost per node (every node a hit), each against the same DAG uncached, in
 * one process. Warm hits come three ways: from the driver's warm set (the
 * second and later runs of one driver: results in memory), from SQLite with a
 * cold warm set (the first run of a driver new to the file; and every run of
 * a driver built with `memoryBytes: 0`), and from the memory stores. The
 * yardstick is a bun:sqlite point read inside a read transaction in the same
 * process: the warm cost per node is also given as a multiple of it.
 *
 * Each figure is measured in ROUNDS rounds, each the median of many runs with
 * the uncached DAG measured in the same round: the table gives the median
 * round and the range over rounds.
 *
 *   npx bun bench/cache-driver.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { fmt, median, medianMs, spread } from "./_measure.ts";
import { sqlitePointReadRoundsUs } from "./_sqlite-yardstick.ts";

const N = 200;
const ROUNDS = 7;
const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
for (let i = 2; i < N; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
const last = `n${N - 1}`;
const dir = mkdtempSync(join(tmpdir(), "weft-bench-cache-"));
// The DAG's functions have no module file ("not fully tracked"): said once per driver, not the subject here.
const build = (cache: Parameters<Builder["withCache"]>[0]) => new Builder().withModules(mod).withWarnings(() => {}).withCache(cache).build();

try {
  const plain = await new Builder().withModules(mod).build();
  const expected = (await plain.execute([last]))[last];
  const uncached = () => medianMs(() => plain.execute([last]), 31, 5);
  const check = (r: Record<string, unknown>) => {
    if (r[last] !== expected) throw new Error("a cached run returned a wrong result");
  };

  let k = 0;
  // Cold runs: time only execute(), on a fresh cache each time (opening the file is not per node).
  const cold = async (memory: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await using dr = await build(memory ? { memory: true } : { path: join(dir, `c-${k++}`, "weft.db") });
      const t = performance.now();
      check(await dr.execute([last]));
      times.push(performance.now() - t);
    }
    return median(times);
  };
  // Repeated runs of one driver: the second and later runs.
  const repeated = async (options: Parameters<Builder["withCache"]>[0]) => {
    await using dr = await build(options);
    check(await dr.execute([last]));
    // `await` before returning: the driver must stay open until the measurement ends.
    return await medianMs(async () => check(await dr.execute([last])), 31, 5);
  };
  // The first run of drivers new to a file that holds every result: SQLite hits, nothing in memory yet.
  const shared = join(dir, "shared", "weft.db");
  {
    await using dr = await build({ path: shared });
    await dr.execute([last]);
  }
  // A driver's first run plans the request and warms its code paths: against the first run of an uncached driver.
  const fresh = async (cached: boolean) => {
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await using dr = cached ? await build({ path: shared }) : await new Builder().withModules(mod).build();
      const t = performance.now();
      check(await dr.execute([last]));
      times.push(performance.now() - t);
    }
    return median(times);
  };

  const rows = {
    coldSqlite: [] as number[], coldMemory: [] as number[],
    warmSet: [] as number[], freshDriver: [] as number[], memoryBytes0: [] as number[], memoryStores: [] as number[],
    uncached: [] as number[], uncachedFirst: [] as number[], pointRead: [] as number[],
  };
  const perNode = (ms: number, base: number) => ((ms - base) * 1000) / N;
  for (let round = 0; round < ROUNDS; round++) {
    const base = await uncached();
    rows.uncached.push(base);
    rows.coldSqlite.push(perNode(await cold(false), base));
    rows.coldMemory.push(perNode(await cold(true), base));
    rows.warmSet.push(perNode(await repeated({ path: join(dir, `w-${k++}`, "weft.db") }), base));
    const first = await fresh(false);
    rows.uncachedFirst.push(first);
    rows.freshDriver.push(perNode(await fresh(true), first));
    rows.memoryBytes0.push(perNode(await repeated({ path: join(dir, `z-${k++}`, "weft.db"), memoryBytes: 0 }), base));
    rows.memoryStores.push(perNode(await repeated({ memory: true }), base));
    rows.pointRead.push(median(sqlitePointReadRoundsUs(N, 15)));
  }
  const read = median(rows.pointRead);
  const ratio = (xs: number[]) => `${fmt(median(xs) / read, 1)}x (${fmt(Math.min(...xs) / read, 1)}–${fmt(Math.max(...xs) / read, 1)})`;
  console.log(`${ROUNDS} rounds; median round (min–max)`);
  console.log(`bun:sqlite point read in a read transaction: ${spread(rows.pointRead)} µs`);
  console.log(`uncached run of ${N} nodes: ${spread(rows.uncached, 3)} ms; the first run of a new uncached driver: ${spread(rows.uncachedFirst, 3)} ms`);
  console.log("| run | cost µs/node over uncached | / point read |");
  console.log("|---|---|---|");
  const line = (name: string, xs: number[]) => console.log(`| ${name} | ${spread(xs)} | ${ratio(xs)} |`);
  line("cold, SQLite (new file each run)", rows.coldSqlite);
  line("cold, memory stores", rows.coldMemory);
  line("warm, from the warm set (a driver's later runs, SQLite file)", rows.warmSet);
  line("warm, SQLite hits: first run of a driver new to the file (against a new uncached driver's first run)", rows.freshDriver);
  line("warm, SQLite hits: every run, memoryBytes 0", rows.memoryBytes0);
  line("warm, memory stores (later runs)", rows.memoryStores);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
