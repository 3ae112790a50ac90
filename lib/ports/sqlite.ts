/**
 * The SQLite connection port: the synchronous subset of a SQLite driver the
 * cache stores need. `bun:sqlite` (Bun), `node:sqlite` (Deno, and Node
 * 22.13 or later) and better-sqlite3 (Node) each get a thin adapter in
 * runtime/, so the same store code runs on all three.
 *
 * @module
 */

/** A value bound to a `?` parameter. */
export type SqliteParam = string | number | bigint | Uint8Array | null;

/** A result row, by column name. Blobs come back as `Uint8Array`. */
export type SqliteRow = Record<string, unknown>;

/** A prepared statement, bound with positional `?` parameters. */
export interface SqliteStatement {
  /** Runs the statement; `changes` is the number of rows written. */
  run(...params: SqliteParam[]): { changes: number };
  /** The first row, or `undefined` when there is none. */
  get(...params: SqliteParam[]): SqliteRow | undefined;
  /** Every row. */
  all(...params: SqliteParam[]): SqliteRow[];
}

/**
 * An open SQLite connection.
 *
 * Errors thrown by any method carry SQLite's message (`"database disk image
 * is malformed"`, `"file is not a database"`, …) and, when the driver gives
 * one, a `code` such as `"SQLITE_CORRUPT"`.
 */
export interface SqliteDatabase {
  /** Runs one or more statements that take no parameters. */
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /**
   * Runs `fn` in a write transaction started with `BEGIN IMMEDIATE` (so a
   * concurrent writer waits on the busy timeout instead of failing later
   * with "database is locked"), committing when it returns and rolling back
   * when it throws. A call inside another transaction joins it.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Opens (creating when missing) the database file at `path`. */
export type OpenSqlite = (path: string) => SqliteDatabase;
