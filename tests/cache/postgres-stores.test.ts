/**
 * The store contracts against the PostgreSQL team store, on a real cluster this file starts: the metadata
 * store, and the result store with results inline in PostgreSQL and, above 1 KiB, in a shared directory.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BlobFiles } from "../../cache/sqlite/blob-files.ts";
import { PostgresMetadataStore } from "../../cache/postgres/postgres-metadata-store.ts";
import { PostgresResultStore } from "../../cache/postgres/postgres-result-store.ts";
import { migratePostgres } from "../../postgres/migrate.ts";
import { MIGRATIONS } from "../../postgres/migrations.ts";
import { postgresTarget, renderMigrations } from "../../scripts/embed-migrations.ts";
import { bunFileSystem, bunHasher } from "../../runtime/bun/mod.ts";
import { openPostgres } from "../../runtime/shared/postgres-connection.ts";
import type { PostgresConnection } from "../../lib/ports/postgres.ts";
import { PostgresCluster } from "../_postgres.ts";
import { tempDir } from "./_helpers.ts";
import { metadataStoreContract } from "./metadata-store.contract.ts";
import { resultStoreContract } from "./result-store.contract.ts";

const cluster = await PostgresCluster.start();
const url = await cluster.database();
const migrationsUrl = await cluster.database();
const tmp = tempDir("pg-results");
afterAll(() => {
  cluster.stop();
  tmp.remove();
});

/** A connection to an emptied database, schema migrated. */
function fresh(): PostgresConnection {
  const db = openPostgres(url, { listen: ["weft_cache"] });
  migratePostgres(db);
  db.query(`TRUNCATE "cache_entries", "cache_results", "cache_runs", "code_analyses"`);
  return db;
}

let dir = 0;
let files: BlobFiles;
const results = () => {
  const db = fresh();
  files = new BlobFiles(bunFileSystem, join(tmp.dir, `d${++dir}`));
  return new PostgresResultStore({ db, hasher: bunHasher, files, inlineLimit: 1024, release: () => db.close() });
};

metadataStoreContract("PostgreSQL", () => {
  const db = fresh();
  return new PostgresMetadataStore(db, { release: () => db.close() });
});
resultStoreContract("PostgreSQL (a shared directory above 1 KiB)", results, {
  damage: (dataVersion) => {
    const db = openPostgres(url);
    const row = db.query(`SELECT "inline", "file" FROM "cache_results" WHERE "data_version" = $1`, [dataVersion]).rows[0]!;
    const path = row.file === null ? undefined : files.pathOf(row.file as string);
    const bytes = path === undefined ? (row.inline as Uint8Array).slice() : readFileSync(path);
    bytes[bytes.length - 5]! ^= 0x10;
    if (path === undefined) db.query(`UPDATE "cache_results" SET "inline" = $1 WHERE "data_version" = $2`, [bytes, dataVersion]);
    else writeFileSync(path, bytes);
    db.close();
  },
});
resultStoreContract("PostgreSQL (every result inline)", () => {
  const db = fresh();
  return new PostgresResultStore({ db, hasher: bunHasher, release: () => db.close() });
});

describe("PostgresMetadataStore hit lists", () => {
  const hits = (runId: string, n: number, at: number) =>
    Array.from({ length: n }, (_, i) => ({ runId, node: `n${i}`, status: "hit" as const, key: `k${i}`, dataVersion: `dv${i}`, at }));

  test("runs that repeat the same hits share one hit list, read back as each run's records; a pruned list is written again", () => {
    const db = fresh();
    const store = new PostgresMetadataStore(db);
    const miss = { runId: "r2", node: "late", status: "miss" as const, key: "kx", dataVersion: "dvx", reason: "new", at: 20 };
    store.write({ entries: [], used: [], runs: hits("r1", 20, 10), at: 10 });
    store.write({ entries: [], used: [], runs: [...hits("r2", 20, 20), miss], at: 20 });
    const rows = db.query(`SELECT "run_id" FROM "cache_runs" ORDER BY "seq"`).rows.map((r) => String(r.run_id));
    expect(rows.filter((r) => r.startsWith("hits:"))).toHaveLength(1);
    expect(store.runRecords("r1")).toEqual(hits("r1", 20, 10));
    expect(store.runRecords("r2")).toEqual([...hits("r2", 20, 20), miss]);
    expect(store.lastRunId()).toBe("r2");
    // Another process removes the list (a prune): the next run with those hits writes them out, then a new list.
    db.query(`DELETE FROM "cache_runs" WHERE "run_id" LIKE 'hits:%'`);
    store.write({ entries: [], used: [], runs: hits("r3", 20, 30), at: 30 });
    expect(store.runRecords("r3")).toEqual(hits("r3", 20, 30));
    store.write({ entries: [], used: [], runs: hits("r4", 20, 40), at: 40 });
    expect(store.runRecords("r4")).toEqual(hits("r4", 20, 40));
    store.close();
    db.close();
  });
});

describe("PostgreSQL migrations", () => {
  test("postgres/migrations.ts matches the drizzle-kit migrations on disk (run npm run db:generate)", () => {
    expect(readFileSync(postgresTarget, "utf8")).toBe(renderMigrations("postgres"));
  });

  test("migratePostgres() applies every migration once and records it as drizzle does", () => {
    const db = openPostgres(migrationsUrl);
    try {
      expect(migratePostgres(db)).toEqual(MIGRATIONS.map((m) => m.tag));
      expect(migratePostgres(db)).toEqual([]);
      const rows = db.query(`SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id`).rows;
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ hash: m.hash, created_at: m.when })));
    } finally {
      db.close();
    }
  });
});
