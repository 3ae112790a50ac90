/**
 * The SQLite connection port on Node: better-sqlite3 when it is installed
 * and loads, else `node:sqlite` when this Node has it without a flag (22.13
 * and later), else a CacheError that says what to install (or rebuild). The
 * choice is made at the first open, never at import: a driver without a
 * cache or run history loads no SQLite driver.
 *
 * better-sqlite3 comes first because it is an optional peer dependency, so
 * installed on purpose, and because `node:sqlite` prints an
 * ExperimentalWarning once per process (Node 22 to 25). Both read and write
 * the same files.
 *
 * @module
 */
/// <reference types="node" />
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { DatabaseSync } from "node:sqlite";
import { CacheError, isWeftError } from "../../lib/errors.ts";
import { importOptional } from "../../lib/import-optional.ts";
import type { OpenSqlite, SqliteDatabase, SqliteParam, SqliteRow } from "../../lib/ports/sqlite.ts";
import { nodeSqliteOpener } from "../shared/node-sqlite.ts";

/** Where Node's SQLite drivers come from (tests hand in their own). */
export interface NodeSqliteModules {
  /** better-sqlite3's Database class; throws Node's "module not found" when it is not installed. */
  readonly betterSqlite3: () => typeof BetterSqlite3;
  /** `node:sqlite`, or undefined when this Node does not have it without a flag. */
  readonly nodeSqlite: () => { readonly DatabaseSync: typeof DatabaseSync } | undefined;
  /** This Node's version, for the message. */
  readonly version: string;
}

const require = createRequire(import.meta.url);

const nodeModules: NodeSqliteModules = {
  // Synchronous, because opening a database is (the SQLite port is synchronous).
  betterSqlite3: () => require("better-sqlite3") as typeof BetterSqlite3,
  nodeSqlite: () => {
    try {
      // getBuiltinModule (Node 20.16 and later) answers undefined for node:sqlite where it is behind a flag.
      return process.getBuiltinModule?.("node:sqlite");
    } catch {
      return undefined;
    }
  },
  version: process.versions.node,
};

const OTHERWISE = "use Node 22.13 or later (it has node:sqlite), Bun or Deno";

/**
 * The opener of the first driver of `modules` that loads. A better-sqlite3
 * that is installed but does not load (its native addon built for another
 * Node version, say) gives way to `node:sqlite` too.
 *
 * @throws {CacheError} when neither is there:
 *   `Cannot open the cache or run history on Node 20.20.2: "better-sqlite3" is not installed; run "npm install better-sqlite3", or use Node 22.13 or later (it has node:sqlite), Bun or Deno`;
 *   or `Cannot open the cache or run history on Node 20.20.2: "better-sqlite3" is installed but does not load (<why>); run "npm rebuild better-sqlite3", or use …`
 * @example
 * ```ts
 * const db = chooseNodeSqlite()(".weft/weft.db");
 * ```
 */
export function chooseNodeSqlite(modules: NodeSqliteModules = nodeModules): OpenSqlite {
  const whatFor = `open the cache or run history on Node ${modules.version}`;
  try {
    const Database = importOptional(modules.betterSqlite3, { specifier: "better-sqlite3", whatFor, otherwise: OTHERWISE });
    // Loads its native addon now: one built for another Node fails here, where node:sqlite can still take over.
    new Database(":memory:").close();
    return betterSqlite3Opener(Database);
  } catch (e) {
    const builtin = modules.nodeSqlite();
    if (builtin !== undefined) return nodeSqliteOpener(builtin.DatabaseSync);
    if (isWeftError(e, "missing-package")) throw new CacheError(e.message, { cause: e });
    const detail = e instanceof Error ? e.message.replace(/\s+/g, " ") : String(e);
    throw new CacheError(`Cannot ${whatFor}: "better-sqlite3" is installed but does not load (${detail}); run "npm rebuild better-sqlite3", or ${OTHERWISE}`, { cause: e });
  }
}

let chosen: OpenSqlite | undefined;

/**
 * Opens a database file with better-sqlite3 or `node:sqlite`, creating it
 * when missing.
 *
 * @throws {CacheError} when Node has no SQLite driver (see {@link chooseNodeSqlite})
 * @example
 * ```ts
 * const db = openNodeSqlite(".weft/weft.db");
 * db.prepare("SELECT 1 AS one").get(); // { one: 1 }
 * ```
 */
export const openNodeSqlite: OpenSqlite = (path: string): SqliteDatabase => (chosen ??= chooseNodeSqlite())(path);

function betterSqlite3Opener(Database: typeof BetterSqlite3): OpenSqlite {
  return (path: string): SqliteDatabase => {
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
}
