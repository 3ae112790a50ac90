/**
 * The settings a Builder takes, as types: what `withCache`, `withTracking` and
 * `withWorkers` accept, and the defaults the composition root (compose.ts)
 * plugs into the core Builder. Types only, so that the Builder and the parts
 * of `build()` that open each setting name them without importing each other.
 *
 * @module
 */
import type { BuilderCacheBehaviors } from "../engine/cache-interceptor.ts";
import type { Executor } from "../ports/executor.ts";
import type { Cache } from "../ports/cache.ts";
import type { Platform, PlatformLoader } from "../ports/platform.ts";
import type { RunOrigin, RunStore } from "../ports/run-store.ts";
import type { WorkerFactory } from "../ports/worker-factory.ts";

/** Defaults the composition root (mod.ts) plugs into the core Builder. */
export interface BuilderDefaults {
  /** Loads the current runtime's Platform. */
  readonly loadPlatform: PlatformLoader;
  /** Makes the Worker pool used for worker nodes when no executor is given. */
  readonly workerPool: (factory: WorkerFactory, options: { readonly size: number }) => Executor;
  /**
   * Opens the cache `withCache(options)` asks for, or returns `undefined` (after
   * one warning) when it cannot be used and runs should go on uncached.
   */
  readonly openCache: (options: CacheOptions, platform: Platform, warn: (message: string) => void) => Promise<Cache | undefined>;
  /**
   * Opens the run history `withTracking(options)` asks for (`path` already
   * defaulted to the cache's file), with this process's origin; or returns
   * `undefined` (after one warning) when runs should go on untracked.
   */
  readonly openTracking?: (
    options: TrackingOptions,
    platform: Platform,
    warn: (message: string) => void,
  ) => Promise<{ readonly store: RunStore; readonly origin: RunOrigin } | undefined>;
  /**
   * This process (its id and host name): what runs recorded into a store given to `withTracking({ store })`
   * say of where they ran, as a team's shared history shows it. Without it, pid 0 and no host.
   */
  readonly origin?: () => RunOrigin;
}

/** Options of `Builder.withTracking`. */
export interface TrackingOptions {
  /** The SQLite file; default: the cache's file when `withCache({ path })` names one, else `.weft/weft.db`. */
  readonly path?: string;
  /** Keep the history in memory (read it with `driver.history`). */
  readonly memory?: boolean;
  /** A run store of your own (then `path` and `memory` do not apply). */
  readonly store?: RunStore;
  /** Characters of each result preview; default 200. */
  readonly previewLength?: number;
  /** How long node events wait to be written together, in ms; default 100. */
  readonly flushMs?: number;
}

/** Options of `Builder.withCache`. */
export interface CacheOptions extends BuilderCacheBehaviors {
  /** The SQLite file; default `.weft/weft.db`. Results too large for a blob go to `blobs/` beside it. */
  readonly path?: string;
  /** Keep everything in memory (nothing on disk): for tests and notebooks that must not write. */
  readonly memory?: boolean;
  /** A cache of your own behind the Cache port (then `path`, `memory` and `memoryBytes` do not apply). */
  readonly store?: Cache;
  /**
   * Bytes of recent results the driver keeps in memory, least recently used out first, so that a node
   * whose key did not change is served without reading SQLite (default 64 MiB; 0 keeps none). Objects
   * are kept encoded and decoded on every hit: a run never gets an object another run or the caller changed.
   */
  readonly memoryBytes?: number;
}

/** Options of `Builder.withWorkers`. */
export interface WorkersOptions {
  /** Number of worker threads; default: the available cores. */
  readonly size?: number;
}
