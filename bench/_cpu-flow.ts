/** Flows for the worker benchmarks: worker nodes must live in a module a worker can import. */
import { collect, node, parallelizable } from "../mod.ts";

/** Fixed CPU work: `rounds` iterations of an integer hash. */
export function burn(rounds: number): number {
  let h = 2166136261;
  for (let i = 0; i < rounds; i++) {
    h ^= i;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** The number of `burn` rounds that takes about `ms` milliseconds here (measured, not guessed). */
export function roundsFor(ms: number): number {
  let rounds = 1_000_000;
  for (;;) {
    const t = performance.now();
    burn(rounds);
    const took = performance.now() - t;
    if (took > 50) return Math.round((rounds * ms) / took);
    rounds *= 2;
  }
}

export const items = parallelizable((count: number, rounds: number) => Array.from({ length: count }, () => rounds));
export const hashed = node((items: number) => burn(items), { worker: true });
export const hashes = collect((hashed: number[]) => hashed);

/** 100 MB of samples, made in the run (so the worker may take the buffer over). */
export const samples = (megabytes: number) => new Float64Array((megabytes * 1024 * 1024) / 8);
export const roundTrip = node((samples: Float64Array) => samples, { worker: true });
