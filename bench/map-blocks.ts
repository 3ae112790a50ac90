/**
 * A 500-item map whose block has 3 worker nodes, on 2 local `weft worker`
 * processes (2 threads each): each item's whole block as one job (batched),
 * against the same map with one job per worker node call (the executor
 * without `submitBlock`), alternated in one run; median and range of 5 runs
 * each. Starts its own redis-server on a free loopback port.
 *
 *   npx bun bench/map-blocks.ts
 */
import { Builder, type Executor } from "../mod.ts";
import { bullmqExecutor } from "../bullmq.ts";
import * as blocks from "../tests/fixtures/blocks.ts";
import { fixture, RedisServer, startWorker } from "../tests/executors/_processes.ts";

const ITEMS = 500;
const RUNS = 5;
const redis = await RedisServer.start();
const workers = await Promise.all([0, 1].map(() => startWorker(redis.url, ["--modules", fixture("blocks.ts"), "--queue", "bench", "--concurrency", "2"])));
try {
  const whole = bullmqExecutor({ connection: redis.url, queue: "bench" });
  const inner = bullmqExecutor({ connection: redis.url, queue: "bench" });
  // The same executor without submitBlock: every worker node call is its own job, as before block jobs.
  const perNode: Executor = { name: inner.name, init: (m, c) => inner.init(m, c), submit: (t) => inner.submit(t), dispose: () => inner.dispose() };
  await using a = await new Builder().withModules(blocks).withExecutor(whole).build();
  await using b = await new Builder().withModules(blocks).withExecutor(perNode).build();
  const times: Record<string, number[]> = { "block jobs": [], "node jobs": [] };
  for (let r = 0; r <= RUNS; r++) {
    for (const [name, dr] of [["block jobs", a], ["node jobs", b]] as const) {
      const t = performance.now();
      await dr.execute(["labels"], { inputs: { n: ITEMS, factor: 3 } });
      if (r > 0) times[name]!.push(performance.now() - t); // run 0 warms both up
    }
  }
  for (const [name, ms] of Object.entries(times)) {
    ms.sort((x, y) => x - y);
    const median = ms[Math.floor(ms.length / 2)]!;
    console.log(`${name}: ${median.toFixed(0)} ms for ${ITEMS} items (range ${ms[0]!.toFixed(0)}-${ms.at(-1)!.toFixed(0)}), ${(median / ITEMS * 1000).toFixed(0)} µs per item, ${(ITEMS / median * 1000).toFixed(0)} items/s`);
  }
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await redis.dispose();
}
