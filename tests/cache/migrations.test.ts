import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "../../cache/sqlite/migrate.ts";
import { MIGRATIONS } from "../../cache/sqlite/migrations.ts";
import { renderMigrations, target } from "../../scripts/embed-migrations.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { tempDir } from "./_helpers.ts";

const tmp = tempDir("migrations");
afterAll(tmp.remove);

describe("migrations", () => {
  test("cache/sqlite/migrations.ts matches the drizzle-kit migrations on disk (run npm run db:generate)", () => {
    expect(readFileSync(target, "utf8")).toBe(renderMigrations());
  });

  test("migrate() applies every migration once and records it as drizzle does", () => {
    const db = openBunSqlite(join(tmp.dir, "m.db"));
    expect(migrate(db)).toEqual(["0000_init", "0001_run_history"]);
    expect(migrate(db)).toEqual([]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cache_%' ORDER BY name").all();
    expect(tables).toEqual([{ name: "cache_entries" }, { name: "cache_results" }, { name: "cache_runs" }]);
    const history = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'run%' ORDER BY name").all();
    expect(history).toEqual([{ name: "run_graphs" }, { name: "run_nodes" }, { name: "runs" }]);
    expect(db.prepare('SELECT count(*) AS n FROM "__drizzle_migrations"').get()).toEqual({ n: 2 });
    db.close();
  });

  test("migrate() brings a cache written before the run history up to date", () => {
    const db = openBunSqlite(join(tmp.dir, "old.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toEqual(["0000_init"]);
    expect(migrate(db)).toEqual(["0001_run_history"]);
    expect(db.prepare("SELECT count(*) AS n FROM runs").get()).toEqual({ n: 0 });
    db.close();
  });
});
