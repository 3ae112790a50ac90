/**
 * What the PostgreSQL team store costs per node against SQLite, in one process, through the driver, on the
 * 200-node DAG of bench/cache-driver.ts (trivial nodes, each reading the two before it), with a PostgreSQL
 * cluster of its own on loopback (tests/_postgres.ts: fsync off). Per node, over the same DAG uncached:
 * a cold run (a new SQLite file, a new database), warm hits from the driver's warm set (later runs of one
 * driver: no query), hits from the store itself (`memoryBytes: 0`: one lookup query a node), and the first
 * run of a driver new to a store holding every result. For the bench helper to fold into bench/distributed.ts.
 *
 *   npx bun scripts/postgres-cache-cost.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "../mod.ts";
import { postgres } from "../postgres.ts";
import { median, medianMs, spread } from "../bench/_measure.ts";
import { PostgresCluster } from "../tests/_postgres.ts";

const N = 200;
const ROUNDS = 5;
const COLD = 5;
const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
for (let i = 2; i < N; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
const last = `n${N - 1}`;
const dir = mkdtempSync(join(tmpdir(), "weft-bench-pg-"));
const cluster = await PostgresCluster.start();
type Store = { sqlite: string } | { pg: string };
const cacheOf = (s: Store, memoryBytes?: number) => ({
  ...("sqlite" in s ? { path: s.sqlite } : { store: postgres(s.pg, { ...(memoryBytes === undefined ? {} : { memoryBytes }) }) }),
  ...(memoryBytes === undefined || "pg" in s ? {} : { memoryBytes }),
});
const build = (s: Store, memoryBytes?: number) => new Builder().withModules(mod).withWarnings(() => {}).withCache(cacheOf(s, memoryBytes)).build();

try {
  const plain = await new Builder().withModules(mod).build();
  const expected = (await plain.execute([last]))[last];
  const check = (r: Record<string, unknown>) => {
    if (r[last] !== expected) throw new Error("a cached run returned a wrong result");
  };
  let k = 0;
  const freshStore = async (kind: "sqlite" | "pg"): Promise<Store> => (kind === "sqlite" ? { sqlite: join(dir, `s-${k++}`, "weft.db") } : { pg: await cluster.database() });
  const cold = async (kind: "sqlite" | "pg") => {
    const times: number[] = [];
    for (let i = 0; i < COLD; i++) {
      await using dr = await build(await freshStore(kind));
      const t = performance.now();
      check(await dr.execute([last]));
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const repeated = async (s: Store, memoryBytes?: number) => {
    await using dr = await build(s, memoryBytes);
    check(await dr.execute([last]));
    return await medianMs(async () => check(await dr.execute([last])), 21, 5);
  };
  const shared = { sqlite: await freshStore("sqlite"), pg: await freshStore("pg") };
  for (const s of Object.values(shared)) {
    await using dr = await build(s);
    await dr.execute([last]);
  }
  const firstRun = async (s: Store | undefined) => {
    const times: number[] = [];
    for (let i = 0; i < COLD; i++) {
      await using dr = s === undefined ? await new Builder().withModules(mod).build() : await build(s);
      const t = performance.now();
      check(await dr.execute([last]));
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const rows: Record<string, number[]> = {};
  const add = (name: string, v: number) => (rows[name] ??= []).push(v);
  const perNode = (ms: number, base: number) => ((ms - base) * 1000) / N;
  for (let round = 0; round < ROUNDS; round++) {
    const base = await medianMs(() => plain.execute([last]), 21, 5);
    const first = await firstRun(undefined);
    for (const kind of ["sqlite", "pg"] as const) {
      const name = kind === "sqlite" ? "SQLite" : "PostgreSQL";
      add(`cold (a new ${kind === "sqlite" ? "file" : "database"} each run), ${name}`, perNode(await cold(kind), base));
      add(`warm, from the warm set (a driver's later runs), ${name}`, perNode(await repeated(await freshStore(kind)), base));
      add(`warm, hits from the store (memoryBytes 0: a lookup a node), ${name}`, perNode(await repeated(await freshStore(kind), 0), base));
      add(`warm, first run of a driver new to the store, ${name}`, perNode(await firstRun(shared[kind]), first));
    }
  }
  console.log(`${ROUNDS} rounds of the ${N}-node DAG; median round (min–max); PostgreSQL ${cluster.port} on loopback, fsync off`);
  console.log("| run | µs/node over uncached |");
  console.log("|---|---|");
  for (const [name, xs] of Object.entries(rows)) console.log(`| ${name} | ${spread(xs)} |`);
} finally {
  cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
