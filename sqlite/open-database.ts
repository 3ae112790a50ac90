/**
 * Opens the SQLite file the cache and the run history share, the same way for
 * both: a busy timeout first (the statements after it may wait for another
 * process), WAL with NORMAL sync, and the checked-in migrations applied.
 *
 * @module
 */
import type { CacheDrivers } from "../lib/ports/cache-drivers.ts";
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";
import { migrate } from "./migrate.ts";

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** How long a statement waits for another process's lock (30 s by default). */
  readonly busyTimeoutMs?: number;
  /** Take SQLite's exclusive locking mode (gc and clear on a full disk: no shared-memory WAL index). */
  readonly exclusive?: boolean;
  /** Pages kept in memory, in KiB (SQLite's default, 2 MiB, when not given). */
  readonly cacheKiB?: number;
  /** Take the write lock once: a read-only database file in a writable directory opens, but cannot be written. */
  readonly writable?: boolean;
}

/**
 * Opens and migrates the database at `path`; a failure closes the connection
 * and rethrows, for the caller to classify.
 *
 * @example
 * ```ts
 * const db = openDatabase(".weft/weft.db", bunCacheDrivers);
 * ```
 */
export function openDatabase(path: string, drivers: CacheDrivers, options: OpenDatabaseOptions = {}): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = drivers.openSqlite(path);
    db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    // Before the first access: SQLite then never makes the shared-memory WAL index (-shm).
    if (options.exclusive) db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("PRAGMA journal_mode = WAL");
    // NORMAL is durable against a killed process in WAL mode; only a power cut can lose the last commits.
    db.exec("PRAGMA synchronous = NORMAL");
    if (options.cacheKiB !== undefined) db.exec(`PRAGMA cache_size = -${options.cacheKiB}`);
    migrate(db);
    if (options.writable) {
      db.exec("BEGIN IMMEDIATE");
      db.exec("ROLLBACK");
    }
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // The connection is unusable anyway.
    }
    throw e;
  }
}

/** The directory holding `path` ("." for a bare file name). */
export function directoryOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
}
