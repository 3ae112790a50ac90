/**
 * The Platform on Bun.
 *
 * @module
 */
import type { Platform } from "../../lib/ports/platform.ts";
import { BunWorkerFactory } from "./worker-factory.ts";

/** Bun's services for the core. */
export const platform: Platform = {
  name: "bun",
  cpuCount: () => navigator.hardwareConcurrency,
  workers: new BunWorkerFactory(),
  cacheDrivers: async () => (await import("./mod.ts")).bunCacheDrivers,
  moduleReloader: async () => (await import("./module-reloader.ts")).bunModuleReloader,
};
