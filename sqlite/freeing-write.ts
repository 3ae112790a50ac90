/**
 * Deletes that must work on a full disk. In WAL mode even a DELETE needs room:
 * its pages are appended to the WAL before they reach the file. On a full disk
 * the delete first makes room (the caller's files, such as blob files), and
 * when there is still none, it rewrites the pages in place with the journal in
 * memory: a DELETE only rewrites pages the file already has, so it needs no
 * new space. That is possible only on a connection of its own (gc and clear
 * open the cache exclusively), and not crash-safe for that one transaction:
 * a process killed in it can leave a damaged file, which the next open names
 * and `weft cache clear` resets. Never a wrong value: every read is verified.
 *
 * @module
 */
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";
import { cacheError, classifySqliteError } from "./sqlite-errors.ts";

/** Where a freeing write runs. */
export interface FreeingWriteContext {
  readonly db: SqliteDatabase;
  /** The database path, for messages. */
  readonly path: string;
  /** Whether this connection holds the database alone (`locking_mode = EXCLUSIVE`). */
  readonly exclusive: boolean;
}

/**
 * Runs `write` (a transaction that only deletes); on a full disk, makes room
 * with `makeRoom` and tries again, then in place.
 *
 * @throws {CacheError} when the write fails for another reason, or the disk is full and no room can be made
 * @example
 * ```ts
 * freeingWrite(ctx, () => db.transaction(() => del.run(dv)), () => blobs.remove(file));
 * ```
 */
export function freeingWrite<T>(ctx: FreeingWriteContext, write: () => T, makeRoom?: () => void): T {
  const attempt = (): { value: T } | { full: unknown } => {
    try {
      return { value: write() };
    } catch (error) {
      if (classifySqliteError(error) !== "full") throw cacheError(ctx.path, "write", error);
      return { full: error };
    }
  };
  let result = attempt();
  if ("full" in result && makeRoom !== undefined) {
    makeRoom();
    result = attempt();
  }
  if ("value" in result) return result.value;
  if (!ctx.exclusive) throw cacheError(ctx.path, "write", result.full);
  try {
    ctx.db.exec("PRAGMA journal_mode = MEMORY");
  } catch (error) {
    throw cacheError(ctx.path, "write", error);
  }
  try {
    result = attempt();
  } finally {
    try {
      ctx.db.exec("PRAGMA journal_mode = WAL");
    } catch {
      // The file stays in rollback mode; the next open switches it back to WAL.
    }
  }
  if ("value" in result) return result.value;
  throw cacheError(ctx.path, "write", result.full);
}
