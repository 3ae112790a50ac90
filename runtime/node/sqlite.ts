/**
 * The SQLite connection port on Node, over better-sqlite3 (which does not
 * load in Bun or Deno; they have their own adapters).
 *
 * @module
 */
/// <reference types="node" />
import Database from "better-sqlite3";
import type { OpenSqlite, SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";

/**
 * Opens a database file with better-sqlite3, creating it when missing.
 *
 * @example
 * ```ts
 * const db = openNodeSqlite(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export const openNodeSqlite: OpenSqlite = (path: string): SqliteDatabase => {
  const db = new Database(path);
  // One wrapper made once: db.transaction() builds a new function per call.
  const tx = db.transaction((fn: () => unknown) => fn());
  return {
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const st = db.prepare<SqliteParam[], SqliteRow>(sql);
      // better-sqlite3 refuses get() and all() on statements that return no rows, and run() is what they need.
      const returns = st.reader;
      return {
        run: (...params) => ({ changes: returns ? (st.all(...params), 0) : st.run(...params).changes }),
        get: (...params) => (returns ? st.get(...params) : (st.run(...params), undefined)),
        all: (...params) => (returns ? st.all(...params) : (st.run(...params), [])),
      };
    },
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : (tx.immediate(fn) as T)),
    close: () => db.close(),
  };
};
