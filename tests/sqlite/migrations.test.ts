import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeOf } from "../../history/run-rows.ts";
import { migrate } from "../../sqlite/migrate.ts";
import { MIGRATIONS } from "../../sqlite/migrations.ts";
import { renderMigrations, target } from "../../scripts/embed-migrations.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { tempDir } from "../cache/_helpers.ts";

const tmp = tempDir("migrations");
afterAll(tmp.remove);

describe("migrations", () => {
  test("sqlite/migrations.ts matches the drizzle-kit migrations on disk (run npm run db:generate)", () => {
    expect(readFileSync(target, "utf8")).toBe(renderMigrations());
  });

  test("migrate() applies every migration once and records it as drizzle does", () => {
    const db = openBunSqlite(join(tmp.dir, "m.db"));
    expect(migrate(db)).toEqual(["0000_init", "0001_run_history", "0002_code_versions", "0003_run_modules_items", "0004_run_nodes_by_node", "0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    expect(migrate(db)).toEqual([]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cache_%' ORDER BY name").all();
    expect(tables).toEqual([{ name: "cache_entries" }, { name: "cache_results" }, { name: "cache_runs" }]);
    const history = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'run%' ORDER BY name").all();
    expect(history).toEqual([{ name: "run_graphs" }, { name: "run_nodes" }, { name: "runs" }]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'code_analyses'").all()).toEqual([{ name: "code_analyses" }]);
    expect(db.prepare('SELECT count(*) AS n FROM "__drizzle_migrations"').get()).toEqual({ n: 8 });
    db.close();
  });

  test("migrate() brings a cache written before the run history up to date", () => {
    const db = openBunSqlite(join(tmp.dir, "old.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toEqual(["0000_init"]);
    expect(migrate(db)).toEqual(["0001_run_history", "0002_code_versions", "0003_run_modules_items", "0004_run_nodes_by_node", "0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    expect(db.prepare("SELECT count(*) AS n FROM runs").get()).toEqual({ n: 0 });
    db.close();
  });

  test("migrate() adds code parts to a cache written before them, its entries kept", () => {
    const db = openBunSqlite(join(tmp.dir, "parts.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 2))).toEqual(["0000_init", "0001_run_history"]);
    db.prepare("INSERT INTO cache_entries (cache_key, node, code_version, inputs, config, data_version, run_id, created_at, last_used_at) VALUES ('k', 'n', 'c', '{}', '{}', 'dv', 'r', 1, 1)").run();
    expect(migrate(db)).toEqual(["0002_code_versions", "0003_run_modules_items", "0004_run_nodes_by_node", "0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    expect(db.prepare("SELECT node, code_parts FROM cache_entries").all()).toEqual([{ node: "n", code_parts: null }]);
    db.close();
  });

  test("migrate() adds item counts and module names to a run history written before them, its runs kept", () => {
    const db = openBunSqlite(join(tmp.dir, "items.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 3))).toEqual(["0000_init", "0001_run_history", "0002_code_versions"]);
    db.prepare("INSERT INTO runs (id, status, started_at, outputs, nodes, inputs, overrides, config, graph, pid, host, heartbeat_at) VALUES ('r', 'succeeded', 1, '[]', 2, '{}', '{}', '{}', 'g', 1, 'h', 1)").run();
    expect(migrate(db)).toEqual(["0003_run_modules_items", "0004_run_nodes_by_node", "0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    expect(db.prepare("SELECT id, items, modules FROM runs").all()).toEqual([{ id: "r", items: 0, modules: "[]" }]);
    db.close();
  });

  test("migrate() indexes a run history written before the per-node index, its node records kept and read through it", () => {
    const db = openBunSqlite(join(tmp.dir, "by-node.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 4))).toEqual(["0000_init", "0001_run_history", "0002_code_versions", "0003_run_modules_items"]);
    db.prepare("INSERT INTO run_nodes (run_id, node, item, status, started_at, duration, executor, batch) VALUES ('r', 'a', '', 'succeeded', 1, 2.5, 'in-process', 1)").run();
    expect(migrate(db)).toEqual(["0004_run_nodes_by_node", "0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT duration FROM run_nodes WHERE node = 'a' AND status = 'succeeded' ORDER BY started_at DESC").all();
    expect(plan.map((r) => String(r.detail)).join(" ")).toContain("COVERING INDEX run_nodes_node");
    expect(db.prepare("SELECT node, duration FROM run_nodes").all()).toEqual([{ node: "a", duration: 2.5 }]);
    db.close();
  });

  test("migrate() adds the request column to a run history written before it, its runs kept with no request", () => {
    const db = openBunSqlite(join(tmp.dir, "requests.db"));
    expect(migrate(db, MIGRATIONS.slice(0, 5))).toEqual(["0000_init", "0001_run_history", "0002_code_versions", "0003_run_modules_items", "0004_run_nodes_by_node"]);
    db.prepare("INSERT INTO runs (id, status, started_at, outputs, nodes, inputs, overrides, config, graph, pid, host, heartbeat_at) VALUES ('r', 'succeeded', 1, '[]', 2, '{}', '{}', '{}', 'g', 1, 'h', 1)").run();
    expect(migrate(db)).toEqual(["0005_run_requests", "0006_run_graph_drawings", "0007_node_hosts"]);
    expect(db.prepare("SELECT id, request FROM runs").all()).toEqual([{ id: "r", request: null }]);
    db.close();
  });

  test("migrate() adds drawings to the stored graphs of a run history written before them, its graphs kept undrawn", () => {
    const db = openBunSqlite(join(tmp.dir, "drawings.db"));
    migrate(db, MIGRATIONS.slice(0, 6));
    db.prepare("INSERT INTO run_graphs (hash, view) VALUES ('h', '{}')").run();
    expect(migrate(db)).toEqual(["0006_run_graph_drawings", "0007_node_hosts"]);
    expect(db.prepare("SELECT hash, view, drawing, drawing_version FROM run_graphs").all()).toEqual([{ hash: "h", view: "{}", drawing: null, drawing_version: null }]);
    db.close();
  });

  test("migrate() adds hosts to the node records of a run history written before them, its records kept with none", () => {
    const db = openBunSqlite(join(tmp.dir, "hosts.db"));
    migrate(db, MIGRATIONS.slice(0, 7));
    db.prepare("INSERT INTO run_nodes (run_id, node, item, status, started_at, duration, executor, batch) VALUES ('r', 'a', '', 'succeeded', 1, 2.5, 'bullmq', 1)").run();
    expect(migrate(db)).toEqual(["0007_node_hosts"]);
    const row = db.prepare("SELECT * FROM run_nodes").get() as Record<string, unknown>;
    expect(row).toMatchObject({ node: "a", executor: "bullmq", host: null });
    expect(nodeOf(row as never, false).host).toBeUndefined();
    db.close();
  });
});
