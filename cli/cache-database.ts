/**
 * The cache database as the `weft cache` commands open it: checked before
 * anything opens it (a missing file is not created, a damaged one is named),
 * and read for people.
 *
 * @module
 */
import { summarizeCache, type CachedNode } from "../cache/sqlite/cache-summary.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import { resetSqliteCache } from "../cache/sqlite/reset-sqlite-cache.ts";
import type { SqliteMetadataStore } from "../cache/sqlite/sqlite-metadata-store.ts";
import { StoreCache } from "../cache/store-cache.ts";
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import { loadPlatform } from "../runtime/current.ts";
import { headerDamage } from "../sqlite/database-file.ts";
import { migrate } from "../sqlite/migrate.ts";
import { classifySqliteError, resetAdvice } from "../sqlite/sqlite-errors.ts";
import { CacheError } from "../lib/errors.ts";
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

export { formatBytes } from "../lib/format-bytes.ts";

/**
 * Runs `fn` (gc or clear) on the cache at `path`, then compacts the file and
 * closes it (which truncates the WAL). On a full disk the cache is opened
 * again alone: it then opens without a shared WAL index, and deletes can make
 * room for themselves.
 *
 * @throws {CacheError} when the disk is full beyond what deletes can make room for, or the file is damaged
 */
export function maintain<T>(path: string, drivers: CacheDrivers, fn: (cache: StoreCache) => T): T {
  let result = maintainOnce(path, drivers, fn, false);
  if ("full" in result) result = maintainOnce(path, drivers, fn, true);
  if ("full" in result) throw result.full;
  return result.value;
}

function maintainOnce<T>(path: string, drivers: CacheDrivers, fn: (cache: StoreCache) => T, exclusive: boolean): { value: T } | { full: CacheError } {
  const opened = openSqliteCache(path, drivers, { exclusive });
  if (opened.status === "unavailable") {
    const message = `Cannot change the cache "${path}": ${opened.reason}`;
    if (opened.cause === "full") return { full: new CacheError(message) };
    throw new CliError(message);
  }
  const cache = new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: drivers.hasher, warn: () => {} });
  try {
    const value = fn(cache);
    opened.metadata.compact();
    return { value };
  } catch (e) {
    if (e instanceof CacheError && classifySqliteError(e.cause ?? e) === "full") return { full: e };
    throw e;
  } finally {
    cache.close();
  }
}

/**
 * Clears every node. A file that cannot be cleared in place (not SQLite,
 * damaged, or a disk too full to record even a delete) is started anew:
 * what the reset advice in every damaged-file message promises. Returns why
 * it was started anew, if it was.
 */
export function clearAll(path: string, drivers: CacheDrivers): { readonly reset?: string } {
  let why = headerDamage(drivers, path);
  if (why === undefined) {
    try {
      maintain(path, drivers, (c) => c.clear());
      return {};
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      // A lock another process holds, or a file this process may not write: starting anew would not help.
      if (e instanceof CliError || /database is locked|SQLITE_BUSY/i.test(detail)) throw e instanceof CliError ? e : new CliError(detail, { cause: e });
      why = detail.replace(/^Cannot \w+ the cache "[^"]*": /, "").replace(/; delete ".*$/, "");
    }
  }
  try {
    resetSqliteCache(path, drivers);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  return { reset: why };
}
