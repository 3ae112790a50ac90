/**
 * The Platform on Node.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import type { Platform } from "../../lib/ports/platform.ts";
import { NodeWorkerFactory } from "./worker-factory.ts";

/** Node's services for the core. */
export const platform: Platform = {
  name: "node",
  cpuCount: () => availableParallelism(),
  workers: new NodeWorkerFactory(),
  cacheDrivers: async () => (await import("./mod.ts")).nodeCacheDrivers,
  moduleReloader: async () => (await import("./module-reloader.ts")).nodeModuleReloader,
};
