/**
 * A map/reduce whose per-item work runs on `weft worker` processes: pi by
 * Monte Carlo in independent chunks. `chunks` (in the driver) yields one item
 * per chunk; `counted` is a worker node, so with bullmqExecutor() every item
 * becomes a job on the queue; `estimate` (in the driver) collects them in
 * chunk order. Workers import this very module, so it must load on its own.
 */
import process from "node:process";
import { collect, node, parallelizable } from "../../mod.ts";

/** A small, fast, seedable generator (mulberry32), so every chunk is reproducible wherever it runs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One item per chunk: its seed and its number of samples. */
export const chunks = parallelizable((count: number, samplesPerChunk: number) =>
  Array.from({ length: count }, (_, seed) => ({ seed, samples: samplesPerChunk })));

/** Points inside the quarter circle for one chunk, and which worker process counted them. */
export const counted = node((chunks: { seed: number; samples: number }) => {
  const next = random(chunks.seed);
  let inside = 0;
  for (let i = 0; i < chunks.samples; i++) {
    const x = next();
    const y = next();
    if (x * x + y * y <= 1) inside++;
  }
  return { inside, samples: chunks.samples, pid: process.pid };
}, { worker: true });

/** Pi from every chunk, and how many chunks each worker process counted. */
export const estimate = collect((counted: { inside: number; samples: number; pid: number }[]) => {
  const inside = counted.reduce((n, c) => n + c.inside, 0);
  const samples = counted.reduce((n, c) => n + c.samples, 0);
  const perWorker = new Map<number, number>();
  for (const c of counted) perWorker.set(c.pid, (perWorker.get(c.pid) ?? 0) + 1);
  return { pi: (4 * inside) / samples, perWorker };
});
