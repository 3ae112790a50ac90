/**
 * The cache database as the `weft cache` commands open it: checked before
 * anything opens it (a missing file is not created, a damaged one is named),
 * and read for people.
 *
 * @module
 */
import { summarizeCache, type CachedNode } from "../cache/sqlite/cache-summary.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import type { SqliteMetadataStore } from "../cache/sqlite/sqlite-metadata-store.ts";
import { StoreCache } from "../cache/store-cache.ts";
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import { loadPlatform } from "../runtime/current.ts";
import { headerDamage } from "../sqlite/database-file.ts";
import { migrate } from "../sqlite/migrate.ts";
import { resetAdvice } from "../sqlite/sqlite-errors.ts";
import { CliError } from "./cli-error.ts";

/**
 * The drivers to open the cache at `path` with, once it is known to exist and to look like SQLite.
 *
 * @throws {CliError} when there is no file at `path`, or it is damaged (with the command that resets it)
 */
export async function existingDb(path: string): Promise<CacheDrivers> {
  const drivers = await (await loadPlatform()).cacheDrivers();
  if (drivers.fs.stat(path) === undefined) {
    throw new CliError(`There is no cache at "${path}": run a flow with withCache() or "weft run --cache" first, or pass the database with --db`);
  }
  const damage = headerDamage(drivers, path);
  if (damage !== undefined) throw new CliError(`Cannot open the cache "${path}": ${damage}; ${resetAdvice(path)}`);
  return drivers;
}

/** What the cache at `path` holds, by node, most recently used first (`weft cache ls`). */
export function cachedNodes(path: string, drivers: CacheDrivers): CachedNode[] {
  const db = drivers.openSqlite(path);
  try {
    migrate(db);
    return summarizeCache(db, path);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    db.close();
  }
}

/**
 * Runs `fn` on the cache at `path` and its metadata (the run records `weft cache explain` reads), then closes both.
 *
 * @throws {CliError} when the cache cannot be opened, or `fn` fails
 */
export function withOpenCache<T>(path: string, drivers: CacheDrivers, fn: (cache: StoreCache, metadata: SqliteMetadataStore) => T): T {
  let opened;
  try {
    opened = openSqliteCache(path, drivers);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (opened.status === "unavailable") throw new CliError(`Cannot open the cache "${path}": ${opened.reason}`);
  const cache = new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: drivers.hasher, warn: () => {} });
  try {
    return fn(cache, opened.metadata);
  } catch (e) {
    throw e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    cache.close();
  }
}

/** A byte count for people: "512 B", "3.4 KiB", "12.0 MiB". */
export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
