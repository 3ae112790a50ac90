/**
 * CPU-heavy nodes on worker threads: estimating pi by Monte Carlo, split in
 * independent chunks. `node(fn, { worker: true })` is all it takes: weft finds
 * this module, and every worker imports it and calls the node by name.
 */
import { node } from "../../mod.ts";

/** A small, fast, seedable generator (mulberry32), so every chunk is reproducible. */
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

/** Points inside the quarter circle out of `samples`, for one seed. */
export function hits(samples: number, seed: number): number {
  const next = random(seed);
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const x = next();
    const y = next();
    if (x * x + y * y <= 1) inside++;
  }
  return inside;
}

export const chunkA = node((samples: number) => hits(samples, 1), { worker: true });
export const chunkB = node((samples: number) => hits(samples, 2), { worker: true });
export const chunkC = node((samples: number) => hits(samples, 3), { worker: true });
export const chunkD = node((samples: number) => hits(samples, 4), { worker: true });

/** Combines the chunks (runs on the main thread: it is cheap). */
export function pi(chunkA: number, chunkB: number, chunkC: number, chunkD: number, samples: number): number {
  return (4 * (chunkA + chunkB + chunkC + chunkD)) / (4 * samples);
}
