/**
 * The composition root: the core Builder with the defaults of the runtime it
 * runs on plugged in (the Platform, loaded lazily so that only this runtime's
 * adapter is imported; the Worker pool; the SQLite cache and run history), and
 * the file loaders and materializers on the runtime's file system. `mod.ts`
 * exports what this file makes; nothing else imports it.
 *
 * @module
 */
import { openCache } from "./cache/open-cache.ts";
import { WorkerPoolExecutor } from "./executors/worker-pool.ts";
import { openRunStore } from "./history/open-run-store.ts";
import { Builder as CoreBuilder } from "./lib/driver/builder.ts";
import { livenessFor } from "./lib/history/liveness.ts";
import { loaders, type Loaders } from "./lib/materialize/from.ts";
import { savers, type Savers } from "./lib/materialize/to.ts";
import { loadPlatform } from "./runtime/current.ts";
import { currentProcess, pidIsAlive } from "./runtime/shared/processes.ts";
import { nodeTextFiles } from "./runtime/shared/text-files.ts";

/**
 * Builds a Driver from modules of node functions.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import * as flow from "./flow.ts";
 * const dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).build();
 * ```
 */
export class Builder<F = {}, C = {}, B = undefined> extends CoreBuilder<F, C, B> {
  constructor() {
    super({
      loadPlatform,
      workerPool: (factory, options) => new WorkerPoolExecutor(factory, options),
      openCache: async (options, platform, warn) => openCache(options, await platform.cacheDrivers(), warn),
      openTracking: async (options, platform, warn) => {
        const origin = currentProcess();
        const store = openRunStore(options, await platform.cacheDrivers(), { alive: livenessFor(origin, pidIsAlive), warn });
        return store === undefined ? undefined : { store, origin };
      },
      origin: currentProcess,
    });
  }
}

/**
 * File loaders on the runtime's file system (node:fs/promises, which Bun, Deno
 * and Node share, imported on first use: loading weft touches no file):
 * `from.json`, `from.ndjson`, `from.csv`, `from.file` (your own format). Each
 * makes a data-loader node; `from.using(files)` reads through other files.
 *
 * @example
 * ```ts
 * export const spendRows = from.csv({ path: source("spendPath"), numbers: true });
 * ```
 */
export const from: Loaders = loaders(nodeTextFiles);

/**
 * File materializers on the runtime's file system, for `driver.materialize`:
 * `to.json`, `to.ndjson`, `to.csv`, `to.file` (your own format).
 *
 * @example
 * ```ts
 * await dr.materialize([to.csv({ dependencies: ["rows"], path: "out/rows.csv" })]);
 * ```
 */
export const to: Savers = savers(nodeTextFiles);
