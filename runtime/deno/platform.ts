/**
 * The Platform on Deno.
 *
 * @module
 */
import type { Platform } from "../../lib/ports/platform.ts";
import { DenoWorkerFactory } from "./worker-factory.ts";

/** Deno's services for the core. */
export const platform: Platform = {
  name: "deno",
  cpuCount: () => navigator.hardwareConcurrency,
  workers: new DenoWorkerFactory(),
  cacheDrivers: async () => (await import("./mod.ts")).denoCacheDrivers,
  moduleReloader: async () => (await import("./module-reloader.ts")).denoModuleReloader(),
};
