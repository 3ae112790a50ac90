/**
 * The SQLite connection port over `node:sqlite`, shared by Deno (where it is
 * built in; better-sqlite3 does not load there) and Node ≥ 22.13 (where it
 * needs no flag). The module is handed in, because each runtime reaches it
 * differently: Deno imports it, Node asks for it only when no better-sqlite3
 * is installed (see runtime/node/sqlite.ts).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { OpenSqlite, SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";

/**
 * An opener of database files (created when missing) over `node:sqlite`'s
 * `DatabaseSync`.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * const db = nodeSqliteOpener(DatabaseSync)(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export function nodeSqliteOpener(Database: typeof DatabaseSync): OpenSqlite {
  return (path: string): SqliteDatabase => {
    const db = new Database(path);
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
}
