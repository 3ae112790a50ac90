/**
 * Rebuilding a table's indexes from its rows, when a store has found one that
 * disagrees with its table. SQLite keeps no checksums: a flipped bit in a
 * unique index can hide a row from lookups, and from the uniqueness check of
 * the next INSERT, which then adds a second row under the same key. A plain
 * REINDEX fails on that table forever after (UNIQUE constraint failed), so the
 * surplus rows go first, through a scan of the table itself. A damaged index
 * page that SQLite does notice shows only on the write that reaches it (an
 * insert goes where its key sorts), and would fail every later write there:
 * {@link repairingWrite} rebuilds the indexes and writes once more.
 *
 * @module
 */
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";
import { cacheError, classifySqliteError } from "./sqlite-errors.ts";

/**
 * Rebuilds every index of `table`. When the rows themselves break its unique
 * key (`uniqueColumn`, if it has one besides the row id), only the newest row of each key is kept: a second row
 * under a key exists only because a damaged index hid the first one, and
 * both hold what a store wrote under that key (readers verify what they read).
 * All in one transaction: a failure leaves the table as it was.
 *
 * @returns how many surplus rows were removed
 * @throws whatever SQLite throws when the indexes cannot be rebuilt even so
 * @example
 * ```ts
 * rebuildIndexes(db, "cache_results", "data_version"); // 0: the rows were fine, only the index was not
 * ```
 */
export function rebuildIndexes(db: SqliteDatabase, table: string, uniqueColumn?: string): number {
  return db.transaction(() => {
    try {
      db.exec(`REINDEX "${table}"`);
      return 0;
    } catch (first) {
      if (uniqueColumn === undefined) throw first;
      // NOT INDEXED: the damaged index must not decide which rows exist.
      const removed = db.prepare(
        `DELETE FROM "${table}" WHERE rowid NOT IN (SELECT max(rowid) FROM "${table}" NOT INDEXED GROUP BY "${uniqueColumn}")`,
      ).run().changes;
      if (removed === 0) throw first;
      db.exec(`REINDEX "${table}"`);
      return removed;
    }
  });
}

/**
 * Runs `write` (a transaction); when SQLite finds the file damaged in it, the
 * indexes of `tables` (each with its unique column, if any) are rebuilt from
 * their rows and `write` runs once more. Rebuilt indexes hold only what the
 * tables hold, so a repair never makes a wrong value: a damaged table page
 * fails the rebuild or the second write, and that error is the one thrown.
 *
 * @throws {CacheError} for `action` on the cache at `path`, as {@link cacheError} words it
 * @example
 * ```ts
 * repairingWrite({ db, path }, [["cache_results", "data_version"]], () => db.transaction(() => insert.run(row)));
 * ```
 */
export function repairingWrite<T>(ctx: { readonly db: SqliteDatabase; readonly path: string }, tables: readonly (readonly [string, string?])[], write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (classifySqliteError(error) !== "damaged") throw cacheError(ctx.path, "write", error);
    try {
      for (const [table, unique] of tables) rebuildIndexes(ctx.db, table, unique);
    } catch {
      throw cacheError(ctx.path, "write", error);
    }
    try {
      return write();
    } catch (again) {
      throw cacheError(ctx.path, "write", again);
    }
  }
}
