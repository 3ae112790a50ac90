/**
 * Queries written with drizzle's pg-core query builder and compiled once to
 * SQL text, then run through the synchronous connection port (as
 * sqlite/queries.ts does for SQLite): drizzle's own PostgreSQL drivers are
 * asynchronous, and the stores' ports are not. Multi-row writes that the
 * builder cannot say in one statement (a JSON array of rows through
 * `json_populate_recordset`) are plain SQL beside the stores.
 *
 * @module
 */
import { Placeholder, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pg-proxy";
import { CacheError } from "../lib/errors.ts";
import type { PostgresParam } from "../lib/ports/postgres.ts";

/** A query builder that is never executed: it only renders SQL. */
export const qb = drizzle(async () => {
  throw new Error("the weft query builder only renders SQL; run queries through the PostgreSQL connection port");
});

/** A named parameter in a query. */
export const p = (name: string): Placeholder<string, PostgresParam> => sql.placeholder(name);

/** A compiled query: its SQL and, in `$n` order, parameter names or literal values (such as a limit). */
export interface PgCompiled {
  readonly sql: string;
  readonly bindings: readonly (string | { readonly literal: PostgresParam })[];
}

/** Compiles a drizzle query that has `.toSQL()`. */
export function compile(query: { toSQL(): { sql: string; params: unknown[] } }): PgCompiled {
  const { sql: text, params } = query.toSQL();
  return { sql: text, bindings: params.map((x) => (x instanceof Placeholder ? (x.name as string) : { literal: x as PostgresParam })) };
}

/** The parameters of a compiled query, by name. */
export function bind(c: PgCompiled, params: Readonly<Record<string, PostgresParam>> = {}): PostgresParam[] {
  return c.bindings.map((b) => (typeof b === "string" ? params[b] ?? null : b.literal));
}

/** SQLSTATEs after which a transaction may simply run again: a deadlock, a serialization failure. */
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Runs a write, again (up to 5 times) when PostgreSQL aborted it for a deadlock with another writer: the
 * writes of weft's stores are idempotent upserts, so the second attempt gives what the first would have.
 */
export function retrying<T>(write: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (e) {
      const code = (e instanceof CacheError ? (e.cause as { code?: string } | undefined)?.code : undefined);
      if (attempt >= 5 || code === undefined || !RETRYABLE.has(code)) throw e;
    }
  }
}
