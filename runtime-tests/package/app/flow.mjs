// The flow of the packed-package test, in plain JavaScript so that Node 20, Bun and Deno all run this file.
import { collect, node, parallelizable } from "weft";

/** Sync. */
export const numbers = (count) => Array.from({ length: count }, (_, i) => i + 1);
/** Async. */
export const doubled = async (numbers) => numbers.map((n) => n * 2);
/** Destructured, with an optional dependency. */
export const total = ({ doubled, offset = 0 }) => doubled.reduce((a, b) => a + b, 0) + offset;
/** On a worker thread. */
export const squares = node((numbers) => numbers.map((n) => n * n), { worker: true });
/** Map/reduce: one item per number. */
export const item = parallelizable((numbers) => numbers);
export const cubed = (item) => item ** 3;
export const cubes = collect((cubed) => cubed.reduce((a, b) => a + b, 0));
