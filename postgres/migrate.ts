/**
 * Applies the checked-in drizzle-kit migrations of the team store, recording
 * them as drizzle's own migrator does (`drizzle.__drizzle_migrations`, same
 * hash and timestamp), so drizzle-kit tooling sees the same state. Safe when
 * several processes open one database at once: they take a transaction-scoped
 * advisory lock and check again under it.
 *
 * @module
 */
import type { PostgresConnection } from "../lib/ports/postgres.ts";
import { MIGRATIONS, type Migration } from "./migrations.ts";

const TABLE = `"drizzle"."__drizzle_migrations"`;
/** The advisory lock key of weft's migrations (any constant: it only has to be the same in every process). */
const LOCK = 0x77656674;

/**
 * Brings the schema up to date; returns the tags applied (none when current).
 *
 * @example
 * ```ts
 * migratePostgres(connection); // [ "0000_init" ] on a new database, [] afterwards
 * ```
 */
export function migratePostgres(db: PostgresConnection, migrations: readonly Migration[] = MIGRATIONS): string[] {
  const latest = migrations.at(-1)?.when ?? 0;
  // Fast path without the lock: most opens find the schema current.
  if (lastApplied(db) >= latest) return [];
  return db.transaction(() => {
    db.query("SELECT pg_advisory_xact_lock($1)", [LOCK]);
    db.query(`CREATE SCHEMA IF NOT EXISTS "drizzle"`);
    db.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    const last = lastApplied(db);
    const applied: string[] = [];
    for (const m of migrations) {
      if (m.when <= last) continue;
      for (const statement of m.statements) db.query(statement);
      db.query(`INSERT INTO ${TABLE} (hash, created_at) VALUES ($1, $2)`, [m.hash, m.when]);
      applied.push(m.tag);
    }
    return applied;
  });
}

function lastApplied(db: PostgresConnection): number {
  const exists = db.query(`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS x`).rows[0]?.x;
  if (exists !== true) return -1;
  const last = db.query(`SELECT MAX(created_at) AS last FROM ${TABLE}`).rows[0]?.last;
  return last === null || last === undefined ? -1 : Number(last);
}
