/**
 * Queries written with drizzle's query builder and compiled once to SQL
 * text, then prepared on the connection port. Drizzle's own sync drivers are
 * tied to one client each (bun:sqlite, better-sqlite3), which cache/ may not
 * load; building with drizzle and running through the port keeps the schema
 * and the queries in drizzle and the store code the same on every runtime.
 *
 * @module
 */
import { Placeholder, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/sqlite-proxy";
import type { SqliteDatabase, SqliteParam, SqliteRow, SqliteStatement } from "../lib/ports/sqlite.ts";

/** A query builder that is never executed: it only renders SQL. */
export const qb = drizzle(async () => {
  throw new Error("the weft query builder only renders SQL; run queries through a prepared statement");
});

/** A named parameter in a query. */
export const p = (name: string): Placeholder<string, SqliteParam> => sql.placeholder(name);

/** `excluded.<column>` for upserts. */
export const excluded = (column: { name: string }): SQL => sql.raw(`excluded."${column.name}"`);

/** A compiled query: its SQL and, in binding order, parameter names or literal values (such as a limit). */
export interface Compiled {
  readonly sql: string;
  readonly bindings: readonly (string | { readonly literal: SqliteParam })[];
}

/** Compiles a drizzle query that has `.toSQL()`. */
export function compile(query: { toSQL(): { sql: string; params: unknown[] } }): Compiled {
  const { sql: text, params } = query.toSQL();
  const bindings = params.map((param) => {
    const ph = param instanceof Placeholder ? param : (param as { value?: unknown }).value;
    return ph instanceof Placeholder ? (ph.name as string) : { literal: param as SqliteParam };
  });
  return { sql: text, bindings };
}

/** A compiled query prepared on a connection, bound by name. */
export class Prepared {
  /** The statement itself, for hot paths that bind positionally. */
  readonly statement: SqliteStatement;
  readonly #stmt: SqliteStatement;
  readonly #bindings: Compiled["bindings"];

  constructor(db: SqliteDatabase, compiled: Compiled) {
    this.#stmt = this.statement = db.prepare(compiled.sql);
    this.#bindings = compiled.bindings;
  }

  #args(params: Readonly<Record<string, SqliteParam>>): SqliteParam[] {
    const b = this.#bindings;
    const args = new Array<SqliteParam>(b.length);
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      args[i] = typeof x === "string" ? params[x] ?? null : x.literal;
    }
    return args;
  }

  get(params: Readonly<Record<string, SqliteParam>> = {}): SqliteRow | undefined {
    return this.#stmt.get(...this.#args(params));
  }

  all(params: Readonly<Record<string, SqliteParam>> = {}): SqliteRow[] {
    return this.#stmt.all(...this.#args(params));
  }

  run(params: Readonly<Record<string, SqliteParam>> = {}): number {
    return this.#stmt.run(...this.#args(params)).changes;
  }
}
