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
import { migrate } from "./migrate.ts";
import { cacheError, classifySqliteError, resetAdvice } from "./sqlite-errors.ts";
import { SqliteMetadataStore } from "./sqlite-metadata-store.ts";
import { SqliteResultStore } from "./sqlite-result-store.ts";

/** Options of {@link openSqliteCache}. */
export interface SqliteCacheOptions {
  /** Results up to this many encoded bytes are kept in SQLite, larger ones in blob files. */
  readonly inlineLimit?: number;
  /** How long a writer waits for another process's write lock, in ms (default 30 s). */
  readonly busyTimeoutMs?: number;
}

/** An open cache, or why it could not be opened for writing (the run then goes on uncached). */
export type OpenedSqliteCache =
  | { readonly status: "open"; readonly path: string; readonly metadata: SqliteMetadataStore; readonly results: SqliteResultStore }
  | { readonly status: "unavailable"; readonly path: string; readonly reason: string };

const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * Opens (creating when missing) the cache database at `path`.
 *
 * @throws {CacheError} when the file exists but is not a SQLite database or is
 *   damaged; the message names the file and how to reset it
 * @example
 * ```ts
 * const cache = openSqliteCache(".weft/weft.db", bunCacheDrivers);
 * if (cache.status === "unavailable") console.warn(`Running uncached: ${cache.reason}`);
 * ```
 */
export function openSqliteCache(path: string, drivers: CacheDrivers, options: SqliteCacheOptions = {}): OpenedSqliteCache {
  const { fs } = drivers;
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  const unavailable = (reason: string): OpenedSqliteCache => ({ status: "unavailable", path, reason });
  const writable = probeWritable(drivers, dir);
  if (writable !== undefined) return unavailable(writable);

  const head = fs.readFile(path, 0, SQLITE_MAGIC.length);
  if (head !== undefined && head.byteLength > 0 && new TextDecoder().decode(head) !== SQLITE_MAGIC) {
    throw new CacheError(`Cannot open the cache "${path}": the file is not a SQLite database; ${resetAdvice(path)}`);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = drivers.openSqlite(path);
    // The busy timeout first: the statements below may wait for another process.
    db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    db.exec("PRAGMA journal_mode = WAL");
    // NORMAL is durable against a killed process in WAL mode; only a power cut can lose the last commits.
    db.exec("PRAGMA synchronous = NORMAL");
    migrate(db);
    // A read-only database file in a writable directory opens, but cannot take the write lock.
    db.exec("BEGIN IMMEDIATE");
    db.exec("ROLLBACK");
  } catch (e) {
    try {
      db?.close();
    } catch {
      // The connection is unusable anyway.
    }
    if (classifySqliteError(e) === "unavailable") return unavailable(`the cache "${path}" cannot be written (${e instanceof Error ? e.message : String(e)})`);
    throw cacheError(path, "open", e);
  }
  let refs = 2;
  const release = () => {
    if (--refs === 0) db!.close();
  };
  const blobs = new BlobFiles(fs, `${dir}/blobs`);
  const results = new SqliteResultStore({ db, path, blobs, hasher: drivers.hasher, release, ...(options.inlineLimit === undefined ? {} : { inlineLimit: options.inlineLimit }) });
  return { status: "open", path, metadata: new SqliteMetadataStore(db, path, release), results };
}

/** Why the cache directory cannot be used, or `undefined` when it can. */
function probeWritable({ fs }: CacheDrivers, dir: string): string | undefined {
  // Permission bits do not tell (root ignores them, immutable or read-only mounts do not show): try it.
  const probe = `${dir}/.weft-probe-${crypto.randomUUID()}`;
  try {
    fs.mkdir(dir);
    fs.writeFile(probe, []);
    fs.remove(probe);
    return undefined;
  } catch (e) {
    return `the cache directory "${dir}" is not writable (${e instanceof Error ? e.message : String(e)})`;
  }
}
