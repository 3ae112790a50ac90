/**
 * The SQLite connection port on Bun, over `bun:sqlite`.
 *
 * @module
 */
import { Database } from "bun:sqlite";
import type { OpenSqlite, SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";

/**
 * Opens a database file with `bun:sqlite`, creating it when missing.
 *
 * @example
 * ```ts
 * const db = openBunSqlite(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export const openBunSqlite: OpenSqlite = (path: string): SqliteDatabase => {
  const db = new Database(path, { create: true, readwrite: true });
  // One wrapper made once: db.transaction() builds a new function per call.
  const tx = db.transaction((fn: () => unknown) => fn());
  // Finalized on close: bun:sqlite closes with sqlite3_close_v2, which keeps a connection with live
  // statements open (its file, its locks) until the garbage collector finalizes them.
  const statements: { finalize(): void }[] = [];
  return {
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const st = db.prepare<SqliteRow, SqliteParam[]>(sql);
      statements.push(st);
      return {
        run: (...params) => ({ changes: st.run(...params).changes }),
        // bun:sqlite answers null for no row; the port says undefined.
        get: (...params) => st.get(...params) ?? undefined,
        all: (...params) => st.all(...params),
      };
    },
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : (tx.immediate(fn) as T)),
    close: () => {
      for (const st of statements.splice(0)) st.finalize();
      db.close();
    },
  };
};
