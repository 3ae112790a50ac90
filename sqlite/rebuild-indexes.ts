/**
 * Rebuilding a table's indexes from its rows, when a store has found one that
 * disagrees with its table. SQLite keeps no checksums: a flipped bit in a
 * unique index can hide a row from lookups, and from the uniqueness check of
 * the next INSERT, which then adds a second row under the same key. A plain
 * REINDEX fails on that table forever after (UNIQUE constraint failed), so the
 * surplus rows go first, through a scan of the table itself.
 *
 * @module
 */
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";

/**
 * Rebuilds every index of `table`. When the rows themselves break a unique
 * key (`uniqueColumn`), only the newest row of each key is kept: a second row
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
export function rebuildIndexes(db: SqliteDatabase, table: string, uniqueColumn: string): number {
  return db.transaction(() => {
    try {
      db.exec(`REINDEX "${table}"`);
      return 0;
    } catch (first) {
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
