/**
 * Opens the run history a Builder's `withTracking()` asks for: SQLite at a
 * path (the cache's file by default), or memory. A file that cannot be
 * written is not an error: runs go on untracked after one warning.
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import type { Liveness, RunStore } from "../lib/ports/run-store.ts";
import { MemoryRunStore } from "./memory-run-store.ts";
import { DEFAULT_DATABASE_PATH } from "../sqlite/default-path.ts";
import { openSqliteRunStore } from "./open-sqlite-run-store.ts";

/**
 * Opens a run store for writing, or returns `undefined` after one warning when it cannot.
 *
 * @example
 * ```ts
 * const store = openRunStore({ path: ".weft/weft.db" }, bunCacheDrivers, { alive: () => true, warn: console.warn });
 * ```
 */
export function openRunStore(
  options: { readonly path?: string; readonly memory?: boolean },
  drivers: CacheDrivers,
  context: { readonly alive: Liveness; readonly warn: (message: string) => void },
): RunStore | undefined {
  if (options.memory) return new MemoryRunStore({ alive: context.alive });
  const opened = openSqliteRunStore(options.path ?? DEFAULT_DATABASE_PATH, drivers, { alive: context.alive });
  if (opened.status === "open") return opened.store;
  context.warn(`Run tracking is off for this driver: ${opened.reason}`);
  return undefined;
}
