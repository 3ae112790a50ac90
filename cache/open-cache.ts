/**
 * Opens the cache a Builder asks for: SQLite at a path (the default), or
 * memory stores. A cache directory that cannot be written is not an error:
 * runs go on uncached after one warning. A damaged database file is a
 * `CacheError` that names the file and how to reset it.
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import type { Cache } from "../lib/ports/cache.ts";
import { MemoryMetadataStore } from "./memory/memory-metadata-store.ts";
import { MemoryResultStore } from "./memory/memory-result-store.ts";
import { openSqliteCache } from "./sqlite/open-sqlite-cache.ts";
import { StoreCache } from "./store-cache.ts";
import { DEFAULT_DATABASE_PATH } from "../sqlite/default-path.ts";

/**
 * Opens a cache, or returns `undefined` after one warning when it cannot be written.
 *
 * @throws {CacheError} for a database file that is not SQLite, truncated or damaged
 */
export function openCache(
  options: { readonly path?: string; readonly memory?: boolean; readonly memoryBytes?: number },
  drivers: CacheDrivers,
  warn: (message: string) => void,
): Cache | undefined {
  if (options.memory) {
    const memoryBytes = options.memoryBytes;
    return new StoreCache({
      metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: drivers.hasher, fs: drivers.fs, warn,
      ...(memoryBytes === undefined ? {} : { memoryBytes }),
    });
  }
  const opened = openSqliteCache(options.path ?? DEFAULT_DATABASE_PATH, drivers);
  if (opened.status === "unavailable") {
    warn(`Caching is off for this driver: ${opened.reason}`);
    return undefined;
  }
  const { metadata, results } = opened;
  return new StoreCache({
    metadata, results, hasher: drivers.hasher, fs: drivers.fs, warn,
    ...(options.memoryBytes === undefined ? {} : { memoryBytes: options.memoryBytes }),
    lookupWithResult: (key) => {
      const row = metadata.lookupWithResult(key);
      if (row === undefined) return undefined;
      // Rows come keyed by column name (drizzle renders no aliases).
      const stored = { dataVersion: row.data_version as string, lastUsedAt: Number(row.last_used_at) };
      return { stored, read: row.size === null ? { status: "missing" } : results.fromRow(stored.dataVersion, row) };
    },
  });
}
