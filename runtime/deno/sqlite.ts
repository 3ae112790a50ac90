/**
 * The SQLite connection port on Deno, over `node:sqlite` (built into Deno;
 * better-sqlite3 does not load there). Needs `--allow-read` and
 * `--allow-write` for the cache directory.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { OpenSqlite, SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";

/**
 * Opens a database file with `node:sqlite`, creating it when missing.
 *
 * @example
 * ```ts
 * const db = openDenoSqlite(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export const openDenoSqlite: OpenSqlite = (path: string): SqliteDatabase => {
  const db = new DatabaseSync(path);
  // node:sqlite has no transaction helper: count nesting here, so an inner call joins the outer transaction.
  let depth = 0;
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const st = db.prepare(sql);
      return {
        run: (...params: SqliteParam[]) => ({ changes: Number(st.run(...params).changes) }),
        get: (...params: SqliteParam[]) => st.get(...params) as SqliteRow | undefined,
        all: (...params: SqliteParam[]) => st.all(...params) as SqliteRow[],
      };
    },
    transaction<T>(fn: () => T): T {
      if (depth > 0) return fn();
      db.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const result = fn();
        db.exec("COMMIT");
        return result;
      } catch (e) {
        db.exec("ROLLBACK");
        throw e;
      } finally {
        depth--;
      }
    },
    close: () => db.close(),
  };
};
