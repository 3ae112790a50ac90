/**
 * The distributed executor against raw BullMQ, in one run on this machine.
 * Starts its own redis-server on a free loopback port (Debian: apt-get install
 * redis-server), its own worker processes, and stops them all at the end.
 *
 *   npx bun bench/distributed.ts      (1 to 3 minutes on 2 cores)
 *
 * What each line of the report means (every figure: median round, then the
 * range over ROUNDS rounds; a ratio is taken within a round, so baseline and
 * weft see the same load):
 * - load average: the 1-minute load at start and end; above the core count,
 *   other work shared the machine, and the ranges say how much it moved.
 * - raw BullMQ: jobs/s of no-op jobs added with `addBulk` to a Queue and
 *   taken by 2 plain BullMQ Workers in 2 processes (no weft at all), each with
 *   CONCURRENCY jobs at once; completions counted through QueueEvents, as the
 *   executor does. The baseline of every ratio below.
 * - 500 independent worker nodes: one run of 500 tiny worker nodes with no
 *   edges (`parameterize`), on 2 `weft worker` processes of CONCURRENCY
 *   threads: jobs/s, and / raw BullMQ.
 * - map of 500, block of 1 worker node: the same 500 jobs as one map/reduce
 *   (items/s; one job per item).
 * - map of 500, block of 3 worker nodes: items/s (a job-equivalent: the issue
 *   asks for one job per item's block), / raw BullMQ, and the per-item
 *   overhead: the run's wall time per item minus the nodes' own time per item
 *   (their three calls, timed in this process).
 * - 6 CPU-bound items (~250 ms each on one worker) on 1, 2 and 3 worker
 *   processes of one thread each, all started at once and run in turn each
 *   round: ms per run and the speed-up against 1 worker in the same round. On
 *   2 cores the speed-up cannot pass 2.
 * - cache: per node of a 200-node DAG of trivial nodes (as bench/cache-driver.ts),
 *   the cost over the same DAG uncached: cold (an empty store: fingerprint,
 *   key, lookup, store) and warm (a driver new to a filled store: every node a
 *   hit read from the store, nothing in memory yet), for SQLite and, when the
 *   build has one (`weft/postgres`), PostgreSQL on a cluster started here with
 *   initdb/pg_ctl on a free loopback port (Debian: apt-get install postgresql);
 *   without one the line says "skipped: no PostgreSQL store in this build".
 */
import type { Subprocess } from "bun";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { QueueEvents, Queue } from "bullmq";
import { Redis } from "ioredis";
import { Builder } from "../mod.ts";
import { bullmqExecutor } from "../bullmq.ts";
import * as cpu from "./_cpu-flow.ts";
import * as flow from "./_distributed-flow.ts";
import { fmt, median, spread } from "./_measure.ts";

const root = join(import.meta.dir, "..");
const ROUNDS = 7;
const RUNS = 3; // runs per round of each weft case (median taken), jobs batches of the baseline likewise
const N = 500;
const CONCURRENCY = 4; // jobs at once per worker process, raw and weft alike
const CPU_ITEMS = 6; // divisible by 1, 2 and 3
const CPU_RUNS = 7;
const DAG = 200;

const spawned = new Set<Subprocess>();
process.on("exit", () => {
  for (const p of spawned) if (p.exitCode === null) p.kill("SIGKILL");
});

/** Starts a process and resolves once it prints `ready`; its output is read (and dropped) for its whole life. */
async function started(args: string[], ready: RegExp): Promise<Subprocess> {
  const proc = Bun.spawn(args, { cwd: root, stdout: "pipe", stderr: "inherit" });
  spawned.add(proc);
  let out = "";
  const reader = proc.stdout.getReader();
  while (!ready.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${args.join(" ")} did not start:\n${out}`);
    out += new TextDecoder().decode(value);
  }
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return proc;
}

async function stop(procs: readonly Subprocess[]): Promise<void> {
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const weftWorker = (url: string, queue: string, modules: string, concurrency: number) =>
  started([process.execPath, "cli/weft.ts", "worker", "--modules", modules, "--redis", url, "--queue", queue, "--concurrency", String(concurrency)], /ready: queue/);

/** Raw BullMQ: `count` no-op jobs through addBulk, until QueueEvents has seen every one complete. */
class RawBaseline {
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #listener: Redis;
  #waiting: { left: number; done: () => void } | undefined;
  #batch = 0;

  constructor(connection: Redis, name: string) {
    this.#queue = new Queue(name, { connection });
    this.#listener = connection.duplicate();
    this.#events = new QueueEvents(name, { connection: this.#listener });
    this.#events.on("completed", () => {
      const w = this.#waiting;
      if (w !== undefined && --w.left === 0) w.done();
    });
  }

  ready(): Promise<unknown> {
    return this.#events.waitUntilReady();
  }

  async jobsPerSecond(count: number): Promise<number> {
    const batch = ++this.#batch;
    const jobs = Array.from({ length: count }, (_, i) => ({ name: "noop", data: { i }, opts: { jobId: `b${batch}-${i}`, removeOnComplete: true } }));
    const ms = await timed(async () => {
      const done = new Promise<void>((resolve) => (this.#waiting = { left: count, done: resolve }));
      await this.#queue.addBulk(jobs);
      await done;
    });
    return (count * 1000) / ms;
  }

  async close(): Promise<void> {
    await this.#events.close();
    await this.#queue.close();
    this.#listener.disconnect();
  }
}

/** The median of RUNS timed runs. */
async function medianRun(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(fn));
  return median(times);
}

const scratch = mkdtempSync(join(tmpdir(), "weft-bench-"));
const redisPort = await freePort();
const redis = await started(["redis-server", "--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", scratch], /Ready to accept/);
const url = `redis://127.0.0.1:${redisPort}`;
const lines: string[] = [];
const say = (line: string) => lines.push(line);
// The machine's load says how far to trust the figures (on a shared 2-core machine, a neighbour's tests are in them).
const loadBefore = loadavg()[0]!;

try {
  // 1-3: raw BullMQ and weft's tiny jobs, interleaved round by round.
  {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const raw = new RawBaseline(connection, "raw");
    const workers = await Promise.all([
      started([process.execPath, "bench/_noop-worker.ts", url, "raw", String(CONCURRENCY)], /ready/),
      started([process.execPath, "bench/_noop-worker.ts", url, "raw", String(CONCURRENCY)], /ready/),
      weftWorker(url, "tiny", "bench/_distributed-flow.ts", CONCURRENCY),
      weftWorker(url, "tiny", "bench/_distributed-flow.ts", CONCURRENCY),
    ]);
    try {
      await raw.ready();
      await using dr = await new Builder().withModules(flow).withExecutor(bullmqExecutor({ connection: url, queue: "tiny" })).build();
      const names = Array.from({ length: flow.TINY }, (_, i) => `t${i}`);
      const independent = async () => {
        const r = (await dr.execute(names as never[])) as Record<string, number>;
        if (r.t7 !== flow.step(7)) throw new Error("a worker computed a wrong value");
      };
      const map1 = async () => {
        if ((await dr.execute(["collected1"], { inputs: { count: N } })).collected1 !== N) throw new Error("a map lost items");
      };
      const map3 = async () => {
        if ((await dr.execute(["collected3"], { inputs: { count: N } })).collected3 !== N) throw new Error("a map lost items");
      };
      // Warm-up: connections, code paths, the workers' module loads.
      await raw.jobsPerSecond(N);
      for (const f of [independent, map1, map3]) await f();

      // The nodes' own time per item of the 3-node block, in this process.
      const own = () => {
        const t = performance.now();
        let x = 0;
        for (let i = 0; i < N; i++) x += flow.step(flow.step(flow.step(i)));
        if (x < 0) throw new Error("unreachable");
        return (performance.now() - t) / N;
      };
      const rows = { raw: [] as number[], independent: [] as number[], map1: [] as number[], map3: [] as number[], r1: [] as number[], r2: [] as number[], r3: [] as number[], overhead: [] as number[], own: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const batches: number[] = [];
        for (let i = 0; i < RUNS; i++) batches.push(await raw.jobsPerSecond(N));
        const base = median(batches);
        const ind = (N * 1000) / (await medianRun(independent));
        const m1 = (N * 1000) / (await medianRun(map1));
        const m3ms = await medianRun(map3);
        const m3 = (N * 1000) / m3ms;
        const ownMs = median(Array.from({ length: 9 }, own));
        rows.raw.push(base);
        rows.independent.push(ind);
        rows.map1.push(m1);
        rows.map3.push(m3);
        rows.r1.push(ind / base);
        rows.r2.push(m1 / base);
        rows.r3.push(m3 / base);
        rows.own.push(ownMs * 1000);
        rows.overhead.push(m3ms / N - ownMs);
      }
      say(`${ROUNDS} rounds on ${availableParallelism()} cores; median round (min–max); 2 worker processes, ${CONCURRENCY} jobs at once each`);
      say("| case | jobs/s (items/s for maps) | / raw BullMQ |");
      say("|---|---|---|");
      say(`| raw BullMQ: ${N} no-op jobs, addBulk, 2 Workers | ${spread(rows.raw, 0)} | 1 |`);
      say(`| weft: ${N} independent worker nodes (one job each) | ${spread(rows.independent, 0)} | ${spread(rows.r1)} |`);
      say(`| weft: map of ${N}, block of 1 worker node | ${spread(rows.map1, 0)} | ${spread(rows.r2)} |`);
      say(`| weft: map of ${N}, block of 3 worker nodes | ${spread(rows.map3, 0)} | ${spread(rows.r3)} |`);
      say(`map of ${N}, block of 3: overhead ${spread(rows.overhead, 3)} ms per item (wall time per item minus the nodes' own ${spread(rows.own, 3)} µs)`);
    } finally {
      await raw.close();
      connection.disconnect();
      await stop(workers);
    }
  }

  // 4: the CPU-bound case on 1, 2 and 3 workers of one thread each: all 6 processes up, the counts interleaved
  // round by round (idle workers only wait on Redis), so a neighbour's load falls on every count alike.
  {
    const counts = [1, 2, 3];
    const workers = await Promise.all(counts.flatMap((count) => Array.from({ length: count }, () => weftWorker(url, `cpu-${count}`, "bench/_cpu-flow.ts", 1))));
    const runs: number[][] = counts.map(() => []);
    let rounds = 0;
    try {
      const drivers = await Promise.all(counts.map((count) => new Builder().withModules(cpu).withExecutor(bullmqExecutor({ connection: url, queue: `cpu-${count}` })).build()));
      try {
        for (const dr of drivers) {
          const { hashes } = await dr.execute(["hashes"], { inputs: { count: CPU_ITEMS, rounds: 10 } });
          if (hashes[0] !== cpu.burn(10)) throw new Error("a worker computed a different hash");
        }
        // Calibrated where the items run: a first guess from this thread, scaled by a run on the 1-worker queue.
        const guess = cpu.roundsFor(250);
        const took = await timed(() => drivers[0]!.execute(["hashes"], { inputs: { count: CPU_ITEMS, rounds: guess } }));
        rounds = Math.round((guess * CPU_ITEMS * 250) / took);
        for (let i = 0; i < CPU_RUNS; i++) {
          for (const [k, dr] of drivers.entries()) runs[k]!.push(await timed(() => dr.execute(["hashes"], { inputs: { count: CPU_ITEMS, rounds } })));
        }
      } finally {
        await Promise.all(drivers.map((dr) => dr.close()));
      }
    } finally {
      await stop(workers);
    }
    say(`${CPU_ITEMS} CPU-bound items (~250 ms each on one worker, ${rounds} hash rounds), ${CPU_RUNS} rounds; ms median (min–max)`);
    say("| worker processes (1 thread each) | ms | speed-up vs 1 worker |");
    say("|---|---|---|");
    for (const [i, times] of runs.entries()) say(`| ${i + 1} | ${spread(times, 0)} | ${spread(times.map((t, k) => runs[0]![k]! / t))} |`);
  }

  // 5: the cache, SQLite and (when built) PostgreSQL, against the same DAG uncached.
  await cacheSection();
} finally {
  redis.kill("SIGTERM");
  await redis.exited;
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`load average (1 min) at start ${fmt(loadBefore)}, at end ${fmt(loadavg()[0]!)}`);
console.log(lines.join("\n"));

/** A driver of the cache section's DAG, whatever its builder's types. */
interface AnyDriver {
  execute(outputs: string[]): Promise<Record<string, unknown>>;
  readonly cache?: { clear(): void };
  close(): Promise<void>;
}

/** One way to open a cache store again and again, and to empty it. */
interface StoreUnderTest {
  readonly name: string;
  /** `withCache` options for the same store every time. */
  readonly options: () => Parameters<Builder["withCache"]>[0];
  readonly close?: () => Promise<void>;
}

async function cacheSection(): Promise<void> {
  const mod: Record<string, (...xs: number[]) => number> = { n0: () => 1, n1: (n0: number) => n0 + 1 };
  for (let i = 2; i < DAG; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `n${i - 2}`, `return (n${i - 1} + n${i - 2}) % 1000003`) as (...xs: number[]) => number;
  const last = `n${DAG - 1}`;
  const stores: StoreUnderTest[] = [{ name: "SQLite", options: () => ({ path: join(scratch, "cache", "weft.db") }) }];
  const pg = await postgresStore();
  if (typeof pg === "string") say(`PostgreSQL cache: skipped: ${pg}`);
  else stores.push(pg);
  try {
    const plain = await new Builder().withModules(mod).build();
    const expected = (await plain.execute([last]))[last];
    // The DAG's functions have no module file ("not fully tracked"): said once per driver, not the subject here.
    const build = (store: StoreUnderTest) => new Builder().withModules(mod).withWarnings(() => {}).withCache(store.options()).build();
    // A driver's first run (planning, the first look at the store) against a new uncached driver's first run.
    const firstRun = async (make: () => Promise<AnyDriver>, before?: (dr: AnyDriver) => void) => {
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const dr = await make();
        try {
          before?.(dr);
          const t = performance.now();
          const r = await dr.execute([last]);
          times.push(performance.now() - t);
          if (r[last] !== expected) throw new Error("a cached run returned a wrong result");
        } finally {
          await dr.close();
        }
      }
      return median(times);
    };
    const rows = stores.map(() => ({ cold: [] as number[], warm: [] as number[] }));
    const base: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const uncached = await firstRun(() => new Builder().withModules(mod).build());
      base.push(uncached);
      for (const [s, store] of stores.entries()) {
        rows[s]!.cold.push(((await firstRun(() => build(store), (dr) => dr.cache!.clear())) - uncached) * 1000 / DAG);
        rows[s]!.warm.push(((await firstRun(() => build(store))) - uncached) * 1000 / DAG);
      }
    }
    say(`cache on a ${DAG}-node DAG: µs per node over the same DAG uncached (a new uncached driver's first run: ${spread(base, 2)} ms)`);
    say("| store | cold (empty store) | warm (a new driver, every node a hit from the store) |");
    say("|---|---|---|");
    for (const [s, store] of stores.entries()) say(`| ${store.name} | ${spread(rows[s]!.cold)} | ${spread(rows[s]!.warm)} |`);
  } finally {
    for (const store of stores) await store.close?.();
  }
}

/**
 * PostgreSQL on a cluster of its own, when this build has a PostgreSQL store (`weft/postgres`: postgres.ts at the
 * root); otherwise why it is skipped. The cluster is the tests' (tests/_postgres.ts: initdb and pg_ctl on a free
 * loopback port, as the `postgres` user when run as root), stopped and removed at the end.
 */
async function postgresStore(): Promise<StoreUnderTest | string> {
  const entry = join(root, "postgres.ts");
  if (!existsSync(entry)) return "no PostgreSQL store in this build";
  // Adapt here once the store's signature is settled: `withCache({ store })` takes what it makes.
  const { postgres } = (await import(entry)) as { postgres?: (url: string, options: { directory: string; memoryBytes: number }) => { close(): void } };
  if (typeof postgres !== "function") return "no PostgreSQL store in this build";
  type Cluster = { database(): Promise<string>; stop(): void };
  const { PostgresCluster } = (await import(join(root, "tests/_postgres.ts"))) as { PostgresCluster: { start(): Promise<Cluster> } };
  const cluster = await PostgresCluster.start();
  try {
    const url = await cluster.database();
    const directory = join(scratch, "pg-results");
    // One store for every driver, as a machine of a team keeps it: a store per driver (never closed by the driver,
    // which does not own it) left a connection each, and the cluster refused the 100th ("too many clients").
    // No warm set: it lives in the store object, which every driver here shares, so its hits would be memory reads,
    // while each SQLite driver opens the file anew and reads every hit from it.
    const store = postgres(url, { directory, memoryBytes: 0 });
    return { name: "PostgreSQL", options: () => ({ store: store as never }), close: async () => (store.close(), cluster.stop()) };
  } catch (e) {
    cluster.stop();
    throw e;
  }
}
