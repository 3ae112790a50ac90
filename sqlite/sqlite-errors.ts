/**
 * SQLite failures, sorted into what the cache does about them: a damaged file
 * is a CacheError that says how to reset it; a file or directory the process
 * cannot write, or a full disk, makes the cache unavailable (the run goes on
 * uncached).
 *
 * @module
 */
import { CacheError } from "../lib/errors.ts";

/** What a SQLite failure means for the cache. */
export type SqliteFailure = "damaged" | "full" | "unavailable" | "other";

const DAMAGED = /SQLITE_(CORRUPT|NOTADB)|malformed|not a database|file is encrypted/i;
// SQLite reports a full disk as SQLITE_FULL, or as an I/O error when growing the WAL index (-shm) fails.
const FULL = /SQLITE_FULL|SQLITE_IOERR_(SHMSIZE|SHMMAP|WRITE|TRUNCATE|FSTAT)|disk is full|ENOSPC|no space left/i;
const BUSY = /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i;
const UNAVAILABLE = /SQLITE_(READONLY|CANTOPEN|PERM|AUTH)|readonly|read-only|unable to open|permission denied|EACCES|EROFS|EPERM|directory does not exist/i;

/** Sorts an error thrown by a SQLite driver (by its `code`, else SQLite's message, which every driver passes on). */
export function classifySqliteError(error: unknown): SqliteFailure {
  const text = `${(error as { code?: unknown })?.code ?? ""} ${error instanceof Error ? error.message : String(error)}`;
  if (DAMAGED.test(text)) return "damaged";
  if (FULL.test(text)) return "full";
  if (UNAVAILABLE.test(text)) return "unavailable";
  return "other";
}

/**
 * How to start over, in every message about a damaged cache file: the command
 * names the file, so it works as written from any directory.
 */
export function resetAdvice(path: string): string {
  return `delete "${path}" (with its -wal and -shm files) or run "weft cache clear --db ${shellQuoted(path)}" to start an empty cache`;
}

/** `text` as one shell word. */
function shellQuoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The CacheError for a failure while doing `action` on the cache at `path`.
 *
 * @example
 * ```ts
 * throw cacheError("/p/.weft/weft.db", "read", e);
 * // Cannot read the cache "/p/.weft/weft.db": the file is damaged (file is not a database); delete "/p/.weft/weft.db" …
 * ```
 */
export function cacheError(path: string, action: string, error: unknown): CacheError {
  if (error instanceof CacheError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const kind = classifySqliteError(error);
  if (kind === "damaged") {
    return new CacheError(`Cannot ${action} the cache "${path}": the file is damaged (${detail}); ${resetAdvice(path)}`, { cause: error });
  }
  if (kind === "full") return new CacheError(`Cannot ${action} the cache "${path}": the disk is full (${detail})`, { cause: error });
  // At open, anything else but a lock held elsewhere is the file's own problem (a damaged schema, say).
  if (action === "open" && kind === "other" && !BUSY.test(detail)) {
    return new CacheError(`Cannot open the cache "${path}": the file is damaged or not a weft cache (${detail}); ${resetAdvice(path)}`, { cause: error });
  }
  return new CacheError(`Cannot ${action} the cache "${path}": ${detail}`, { cause: error });
}

/** Runs `fn`, turning any failure into the CacheError for `action`. */
export function guarded<T>(path: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw cacheError(path, action, e);
  }
}
