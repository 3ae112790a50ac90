/**
 * `weft/bullmq`: the distributed executor. Worker nodes (and so the per-item
 * work of map/reduce) run as jobs on a BullMQ queue over Redis, where
 * `weft worker` processes on any machine take them. A subpath of its own:
 * only users who run it load bullmq and ioredis.
 *
 * @module
 */
import { nodeCodeVersioner } from "./cache/node-code-version.ts";
import { BullmqExecutor } from "./executors/bullmq-executor.ts";
import type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
import { loadPlatform, runtimeName } from "./runtime/current.ts";

/** The cache's code versions, for jobs (the runtime's hasher is loaded on first use). */
const codeVersions = nodeCodeVersioner(async () => (await loadPlatform()).cacheDrivers());

/**
 * Runs worker nodes (and so the per-item work of map/reduce) as jobs on a
 * BullMQ queue over Redis, where `weft worker` processes on any machine take
 * them. Values larger than `inlineLimit` travel through the driver's cache
 * (`withCache()`), by data version; workers open the same one with `--cache`.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import { bullmqExecutor } from "weft/bullmq";
 * import * as flow from "./flow.ts";
 * const executor = bullmqExecutor({ connection: "redis://10.0.0.5:6379" });
 * const dr = await new Builder().withModules(flow).withCache({ path: ".weft/weft.db" }).withExecutor(executor).build();
 * // on each worker: weft worker --modules ./flow.ts --redis redis://10.0.0.5:6379 --cache .weft/weft.db
 * ```
 */
export function bullmqExecutor(options: BullmqExecutorOptions): BullmqExecutor {
  return new BullmqExecutor(options, { codeVersion: codeVersions, runtime: runtimeName() });
}

export type { BullmqExecutor } from "./executors/bullmq-executor.ts";
export type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
