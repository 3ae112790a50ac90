/**
 * Starts a cache file anew: what `weft cache clear` does when the file cannot
 * be cleared in place (not SQLite, damaged, or a disk too full to record even
 * a delete). The database, its -wal and -shm files and every blob file go,
 * and an empty cache is created in their place.
 *
 * @module
 */
import { CacheError } from "../../lib/errors.ts";
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { openSqliteCache } from "./open-sqlite-cache.ts";

/**
 * Removes the cache at `path` with its blob files and creates an empty one.
 * A process that still has the old file open goes on with it, unseen by
 * later opens; what it stores is lost, never mixed in.
 *
 * @throws {CacheError} when the new file cannot be created, or no SQLite driver loads (then nothing is deleted)
 * @example
 * ```ts
 * resetSqliteCache("/p/.weft/weft.db", bunCacheDrivers);
 * ```
 */
export function resetSqliteCache(path: string, drivers: CacheDrivers): void {
  const { fs } = drivers;
  // The SQLite driver must load before anything is deleted (Node 20 without better-sqlite3): a cache that
  // cannot be opened again would be a cache, and a run history, lost for nothing.
  drivers.openSqlite(":memory:").close();
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  // Blob files first: on a full disk they are what makes room for the new file.
  const blobs = `${dir}/blobs`;
  for (const sub of fs.list(blobs)) {
    if (!fs.stat(`${blobs}/${sub}`)?.isDirectory) continue;
    for (const name of fs.list(`${blobs}/${sub}`)) fs.remove(`${blobs}/${sub}/${name}`);
  }
  for (const f of [path, `${path}-wal`, `${path}-shm`]) fs.remove(f);
  const opened = openSqliteCache(path, drivers, { exclusive: true });
  if (opened.status === "unavailable") throw new CacheError(`Cannot start the cache "${path}" anew: ${opened.reason}`);
  opened.metadata.close();
  opened.results.close();
}
