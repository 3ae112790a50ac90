/**
 * Opens the SQLite cache: one database file (`.weft/weft.db` by default) with
 * a `blobs/` directory beside it, WAL mode and a busy timeout so several
 * processes can share it, and the checked-in migrations applied.
 *
 * @module
 */
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import { CacheError } from "../../lib/errors.ts";
import type { SqliteDatabase } from "../../lib/ports/sqlite.ts";
import { BlobFiles } from "./blob-files.ts";
import { ReadBatchingDatabase } from "./read-batch.ts";
import { directoryOf, openDatabase } from "../../sqlite/open-database.ts";
import { headerDamage, probeWritable } from "../../sqlite/database-file.ts";
import { cacheError, classifySqliteError, resetAdvice } from "../../sqlite/sqlite-errors.ts";
import { SqliteMetadataStore } from "./sqlite-metadata-store.ts";
import { SqliteResultStore } from "./sqlite-result-store.ts";

/** Options of {@link openSqliteCache}. */
export interface SqliteCacheOptions {
  /** Results up to this many encoded bytes are kept in SQLite, larger ones in blob files. */
  readonly inlineLimit?: number;
  /** How long a writer waits for another process's write lock, in ms (default 30 s). */
  readonly busyTimeoutMs?: number;
  /**
   * Hold the database alone while open (`locking_mode = EXCLUSIVE`), for gc and
   * clear: the WAL index then lives in memory, so the file opens on a full
   * disk, and deletes can make room for themselves (see freeing-write.ts).
   */
  readonly exclusive?: boolean;
}

/** An open cache, or why it could not be opened for writing (the run then goes on uncached). */
export type OpenedSqliteCache =
  | { readonly status: "open"; readonly path: string; readonly metadata: SqliteMetadataStore; readonly results: SqliteResultStore }
  | { readonly status: "unavailable"; readonly path: string; readonly reason: string; readonly cause: "read-only" | "full" };

/**
 * Opens (creating when missing) the cache database at `path`.
 *
 * @throws {CacheError} when the file exists but is not a SQLite database or is
 *   damaged; the message names the file and how to reset it; or when the runtime has no
 *   SQLite driver (Node 20 without better-sqlite3), naming the package to install
 * @example
 * ```ts
 * const cache = openSqliteCache(".weft/weft.db", bunCacheDrivers);
 * if (cache.status === "unavailable") console.warn(`Running uncached: ${cache.reason}`);
 * ```
 */
export function openSqliteCache(path: string, drivers: CacheDrivers, options: SqliteCacheOptions = {}): OpenedSqliteCache {
  const { fs } = drivers;
  const dir = directoryOf(path);
  const unavailable = (reason: string, cause: "read-only" | "full" = "read-only"): OpenedSqliteCache => ({ status: "unavailable", path, reason, cause });
  // An exclusive open is for gc and clear, which must work on a full disk, where the probe fails.
  const writable = options.exclusive ? undefined : probeWritable(drivers, dir);
  if (writable !== undefined) return unavailable(writable.text, writable.full ? "full" : "read-only");

  const damage = headerDamage(drivers, path);
  if (damage !== undefined) throw new CacheError(`Cannot open the cache "${path}": ${damage}; ${resetAdvice(path)}`);
  let opened: SqliteDatabase;
  try {
    // 64 MiB of page cache (SQLite's default is 2 MiB): a run writing 100,000 entries with random keys otherwise
    // re-reads index pages on every insert, and the cold cost per node grows with the cache.
    opened = openDatabase(path, drivers, { busyTimeoutMs: options.busyTimeoutMs ?? 30_000, exclusive: options.exclusive ?? false, cacheKiB: 65_536, writable: true });
  } catch (e) {
    // The runtime's own CacheError (Node without a SQLite driver) says what to install: not the file's fault.
    if (e instanceof CacheError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    const kind = classifySqliteError(e);
    if (kind === "unavailable") return unavailable(`the cache "${path}" cannot be written (${detail})`);
    if (kind === "full") return unavailable(`the disk holding the cache "${path}" is full (${detail})`, "full");
    throw cacheError(path, "open", e);
  }
  // The lookups of a burst share one read transaction (see read-batch.ts).
  const db = new ReadBatchingDatabase(opened, path);
  let refs = 2;
  const release = () => {
    if (--refs !== 0) return;
    try {
      // Fold the WAL back into the file without waiting for other processes: a closed cache is one
      // self-contained file when nobody else has it open (safe to copy, and its header tells the truth).
      db.exec("PRAGMA busy_timeout = 0");
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch {
      // Another process holds the WAL; it checkpoints when it closes.
    }
    db.close();
  };
  const blobs = new BlobFiles(fs, `${dir}/blobs`);
  const exclusive = options.exclusive ?? false;
  const results = new SqliteResultStore({ db, path, blobs, hasher: drivers.hasher, release, exclusive, ...(options.inlineLimit === undefined ? {} : { inlineLimit: options.inlineLimit }) });
  return { status: "open", path, metadata: new SqliteMetadataStore(db, path, { release, exclusive, beginReads: () => db.beginReads() }), results };
}
