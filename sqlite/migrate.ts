/**
 * Applies the checked-in drizzle-kit migrations, recording them in drizzle's
 * own `__drizzle_migrations` table (same hash and timestamp), so drizzle-kit
 * tooling sees the same state. Safe when several processes open one cache at
 * once: the check is repeated inside a `BEGIN IMMEDIATE` transaction.
 *
 * @module
 */
import type { SqliteDatabase } from "../lib/ports/sqlite.ts";
import { MIGRATIONS, type Migration } from "./migrations.ts";

const TABLE = `"__drizzle_migrations"`;

/**
 * Brings the schema up to date; returns the tags applied (none when current).
 *
 * @example
 * ```ts
 * migrate(db); // [ "0000_init" ] on a new file, [] afterwards
 * ```
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): string[] {
  const latest = migrations.at(-1)?.when ?? 0;
  // Fast path without a write lock: most opens find the schema current.
  if (lastApplied(db) >= latest) return [];
  return db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)`);
    const last = lastApplied(db);
    const applied: string[] = [];
    const record = db.prepare(`INSERT INTO ${TABLE} (hash, created_at) VALUES (?, ?)`);
    for (const m of migrations) {
      if (m.when <= last) continue;
      for (const statement of m.statements) db.exec(statement);
      record.run(m.hash, m.when);
      applied.push(m.tag);
    }
    return applied;
  });
}

function lastApplied(db: SqliteDatabase): number {
  const exists = db.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (exists === undefined) return -1;
  const row = db.prepare(`SELECT MAX(created_at) AS last FROM ${TABLE}`).get();
  return row?.last === null || row?.last === undefined ? -1 : Number(row.last);
}
