/**
 * Map/reduce benchmarks:
 * 1. 100,000 trivial in-process items (parallelizable -> one node -> collect):
 *    overhead per item against a hand-written loop over the same functions.
 * 2. peak heap of a map over an async iterable whose streaming collect sums
 *    numbers, for 100,000 and 1,000,000 items: it must stay flat. "Live" is
 *    sampled right after a forced full GC (what the run really holds); "with
 *    garbage" is sampled without one (it depends on when the GC runs).
 *
 *   npx bun bench/map-reduce.ts
 */
import { heapStats } from "bun:jsc";
import { Builder, collect, parallelizable } from "../mod.ts";
import { fmt, medianMs } from "./_measure.ts";

const N = 100_000;
const source = (n: number) => Array.from({ length: n }, (_, i) => i);
const plusOne = (items: number) => items + 1;
const sum = (xs: number[]) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};
const dr = await new Builder().withModules({
  items: parallelizable(source, { concurrency: 1024 }),
  plusOne,
  total: collect((plusOne: number[]) => sum(plusOne)),
}).build();
const expected = (N * (N + 1)) / 2;
if ((await dr.execute(["total"], { inputs: { n: N } })).total !== expected) throw new Error("map computed a wrong total");
const baseline = await medianMs(() => {
  const out: number[] = [];
  for (const x of source(N)) out.push(plusOne(x));
  return sum(out);
}, 9, 3);
const weft = await medianMs(() => dr.execute(["total"], { inputs: { n: N } }), 9, 3);
console.log("| map over in-process items | items | baseline ms | weft ms | overhead µs/item |");
console.log("|---|---|---|---|---|");
console.log(`| parallelizable -> node -> collect | ${N} | ${fmt(baseline, 1)} | ${fmt(weft, 1)} | ${fmt(((weft - baseline) * 1000) / N)} |`);

async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}
const streaming = await new Builder().withModules({
  stream: parallelizable((n: number) => numbers(n), { concurrency: 256 }),
  value: (stream: number) => stream * 2,
  streamedSum: collect(async (value: AsyncIterable<number>) => {
    let s = 0;
    for await (const v of value) s += v;
    return s;
  }, { stream: true }),
}).build();

/** Peak heap growth in MB while `fn` runs, above the heap before it. */
async function peakHeapMb(fn: () => Promise<unknown>, forceGc: boolean): Promise<{ peak: number; ms: number }> {
  Bun.gc(true);
  const before = heapStats().heapSize;
  let peak = before;
  const timer = setInterval(() => {
    if (forceGc) Bun.gc(true);
    peak = Math.max(peak, heapStats().heapSize);
  }, forceGc ? 50 : 10);
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  clearInterval(timer);
  return { peak: (peak - before) / 1024 / 1024, ms };
}

console.log("");
console.log("| streaming map over an async iterable | items | run ms | µs/item | peak live heap growth MB | peak heap growth with garbage MB |");
console.log("|---|---|---|---|---|---|");
for (const n of [100_000, 1_000_000]) {
  const run = async () => {
    const { streamedSum } = await streaming.execute(["streamedSum"], { inputs: { n } });
    if (streamedSum !== n * (n - 1)) throw new Error("streamed sum is wrong");
  };
  const raw = await peakHeapMb(run, false);
  const live = await peakHeapMb(run, true);
  console.log(`| async generator -> node -> collect({ stream: true }) | ${n} | ${fmt(raw.ms, 0)} | ${fmt((raw.ms * 1000) / n)} | ${fmt(live.peak, 2)} | ${fmt(raw.peak, 1)} |`);
}
