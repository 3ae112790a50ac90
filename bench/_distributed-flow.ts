/**
 * Flows for bench/distributed.ts: tiny worker nodes, which a `weft worker`
 * imports by this module's URL. Each node does almost nothing, so a run's
 * time is the executor's own cost.
 */
import { collect, node, parallelizable, parameterize, value } from "../mod.ts";

/** How many independent tiny nodes `tiny` defines (t0 … t499). */
export const TINY = 500;

/** The one tiny computation every node below makes. */
export const step = (x: number): number => (x * 31 + 7) % 1000003;

// 500 independent worker nodes (no edges between them), one job each.
export const tiny = parameterize(
  Object.fromEntries(Array.from({ length: TINY }, (_, i) => [`t${i}`, { seed: value(i) }])),
  node((seed: number) => step(seed), { worker: true }),
);

// A map of `count` items whose block is one worker node.
export const items1 = parallelizable((count: number) => Array.from({ length: count }, (_, i) => i));
export const one = node((items1: number) => step(items1), { worker: true });
export const collected1 = collect((one: number[]) => one.length);

// A map of `count` items whose block has three worker nodes in a chain.
export const items3 = parallelizable((count: number) => Array.from({ length: count }, (_, i) => i));
export const first = node((items3: number) => step(items3), { worker: true });
export const second = node((first: number) => step(first), { worker: true });
export const third = node((second: number) => step(second), { worker: true });
export const collected3 = collect((third: number[]) => third.length);
