/**
 * `npx bun examples/cpu-workers/main.ts`: four CPU-bound chunks on a pool of
 * worker threads (one per core), against the same chunks one after another.
 */
import { Builder } from "../../mod.ts";
import * as flow from "./flow.ts";

const samples = 20_000_000;
await using dr = await new Builder().withModules(flow).build(); // pool size: the available cores

const t = performance.now();
const { pi } = await dr.execute(["pi"], { inputs: { samples } });
const workersMs = performance.now() - t;

const s = performance.now();
const sequential = (4 * [1, 2, 3, 4].reduce((sum, seed) => sum + flow.hits(samples, seed), 0)) / (4 * samples);
const sequentialMs = performance.now() - s;

console.log(`pi ≈ ${pi.toFixed(5)} (same on the main thread: ${pi === sequential})`);
console.log(`worker pool: ${workersMs.toFixed(0)} ms; one after another: ${sequentialMs.toFixed(0)} ms (${(sequentialMs / workersMs).toFixed(2)}x)`);
