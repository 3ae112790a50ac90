/**
 * The SQLite connection port on Deno: `node:sqlite`, built in (better-sqlite3
 * does not load there), through the adapter Node shares. Needs `--allow-read`
 * and `--allow-write` for the cache directory.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { OpenSqlite } from "../../lib/ports/sqlite.ts";
import { nodeSqliteOpener } from "../shared/node-sqlite.ts";

/**
 * Opens a database file with `node:sqlite`, creating it when missing.
 *
 * @example
 * ```ts
 * const db = openDenoSqlite(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export const openDenoSqlite: OpenSqlite = nodeSqliteOpener(DatabaseSync);
