/**
 * The Platform port: what the core needs from the runtime it runs on. The
 * composition root (mod.ts) picks the implementation in runtime/ for the
 * current runtime; tests may hand in their own.
 *
 * @module
 */
import type { CacheDrivers } from "./cache-drivers.ts";
import type { ModuleReloader } from "./module-reloader.ts";
import type { WorkerFactory } from "./worker-factory.ts";

/** Runtime services the core uses. */
export interface Platform {
  /** "bun", "deno" or "node". */
  readonly name: string;
  /** Logical CPU cores available to this process. */
  cpuCount(): number;
  /** Starts worker threads running weft's worker entry. */
  readonly workers: WorkerFactory;
  /** SQLite, files and hashing for the cache (loaded on first use). */
  cacheDrivers(): Promise<CacheDrivers>;
  /** Fresh imports of module files and file watching, for `driver.watch`: one reloader per watch (loaded on first use; absent: no watch mode). */
  moduleReloader?(): Promise<ModuleReloader>;
}

/** Loads the platform lazily, so that only the current runtime's adapter is imported. */
export type PlatformLoader = () => Promise<Platform>;
