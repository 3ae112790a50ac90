/**
 * Worker pool benchmarks, each against a baseline in the same process:
 * 1. 8 CPU-bound items of about 250 ms: the Worker pool against running the
 *    same worker nodes in-process (InProcessExecutor), speed-up.
 * 2. a 100 MB Float64Array through a worker node and back (transferred both
 *    ways) against one plain structuredClone of it.
 *
 *   npx bun bench/workers.ts
 */
import { Builder, InProcessExecutor } from "../mod.ts";
import * as flow from "./_cpu-flow.ts";
import { fmt, medianMs } from "./_measure.ts";

// Calibrate the work so one item takes about 250 ms on this machine.
const rounds = flow.roundsFor(250);
const inputs = { count: 8, rounds };

await using pool = await new Builder().withModules(flow).withWorkers({ size: 2 }).build();
await using local = await new Builder().withModules(flow).withExecutor(new InProcessExecutor()).build();
const expected = (await local.execute(["hashes"], { inputs: { count: 1, rounds: 10 } })).hashes;
if ((await pool.execute(["hashes"], { inputs: { count: 1, rounds: 10 } })).hashes[0] !== expected[0]) throw new Error("pool computed a different hash");

const inProcessMs = await medianMs(() => local.execute(["hashes"], { inputs }), 3, 1);
const poolMs = await medianMs(() => pool.execute(["hashes"], { inputs }), 3, 1);
console.log("| 8 CPU-bound items (~250 ms each) | in-process ms | worker pool (2) ms | speed-up |");
console.log("|---|---|---|---|");
console.log(`| hash rounds ${rounds} | ${fmt(inProcessMs, 0)} | ${fmt(poolMs, 0)} | ${fmt(inProcessMs / poolMs)} |`);

const megabytes = 100;
const cloneMs = await medianMs(() => structuredClone(flow.samples(megabytes)), 5, 1);
const allocMs = await medianMs(() => flow.samples(megabytes), 5, 1);
const tripMs = await medianMs(async () => {
  const { roundTrip } = await pool.execute(["roundTrip"], { inputs: { megabytes } });
  if (roundTrip.length !== (megabytes * 1024 * 1024) / 8) throw new Error("lost samples");
}, 5, 1);
console.log("");
console.log("| 100 MB Float64Array | allocate ms | allocate + structuredClone ms | allocate + worker round trip ms | round trip / clone (after allocation) |");
console.log("|---|---|---|---|---|");
console.log(`| through a worker node and back | ${fmt(allocMs, 1)} | ${fmt(cloneMs, 1)} | ${fmt(tripMs, 1)} | ${fmt((tripMs - allocMs) / (cloneMs - allocMs), 3)} |`);
