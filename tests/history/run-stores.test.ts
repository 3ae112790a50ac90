/** Runs the RunStore contract against memory and SQLite, plus what only SQLite does. */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryRunStore } from "../../history/memory-run-store.ts";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import type { Liveness } from "../../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "../cache/_helpers.ts";
import { runStoreContract, startOf } from "./run-store.contract.ts";

const tmp = tempDir("run-stores");
afterAll(tmp.remove);
let n = 0;

function sqlite(alive: Liveness, path = join(tmp.dir, `h${n++}`, "weft.db")) {
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened.store;
}

runStoreContract("memory", (alive) => new MemoryRunStore({ alive }));
runStoreContract("SQLite (bun:sqlite)", (alive) => sqlite(alive));

describe("SqliteRunStore", () => {
  test("version() sees another connection's commit", () => {
    const path = join(tmp.dir, "shared", "weft.db");
    const writer = sqlite(() => true, path);
    const reader = sqlite(() => true, path);
    const before = reader.version();
    writer.write({ starts: [startOf("r1", 1)], nodes: [], progress: [], ends: [] });
    expect(reader.version()).not.toBe(before);
    expect(reader.getRun("r1")?.status).toBe("running");
    writer.close();
    reader.close();
  });

  test("listRuns() totals and countRuns() follow another connection's commits, this connection's writes and dead processes", () => {
    const path = join(tmp.dir, "totals", "weft.db");
    const dead = new Set<number>();
    const writer = sqlite(() => true, path);
    const reader = sqlite((o) => !dead.has(o.pid), path);
    const totals = () => {
      const listed = ["all", "running", "interrupted", "succeeded"].map((s) => reader.listRuns(s === "all" ? { limit: 1 } : { status: s as "running", limit: 1 }).total);
      const counts = reader.countRuns();
      expect([counts.all, counts.running, counts.interrupted, counts.succeeded]).toEqual(listed);
      return listed;
    };
    expect(totals()).toEqual([0, 0, 0, 0]);
    writer.write({ starts: [startOf("r1", 1), startOf("r2", 2, { pid: 2 })], nodes: [], progress: [], ends: [{ id: "r1", end: 5, status: "succeeded" }] });
    expect(totals()).toEqual([2, 1, 0, 1]);
    reader.write({ starts: [startOf("r3", 3, { pid: 3 })], nodes: [], progress: [], ends: [] });
    expect(totals()).toEqual([3, 2, 0, 1]);
    dead.add(2);
    expect(totals()).toEqual([3, 1, 1, 1]);
    reader.prune({ keepRuns: 0 });
    const left = reader.listRuns().runs;
    expect(totals()).toEqual([left.length, left.filter((r) => r.status === "running").length, left.filter((r) => r.status === "interrupted").length, 0]);
    expect(left.some((r) => r.id === "r1")).toBe(false);
    writer.close();
    reader.close();
  });

  test("runs of one graph share one stored drawing", () => {
    const path = join(tmp.dir, "graphs", "weft.db");
    const store = sqlite(() => true, path);
    store.write({ starts: [startOf("r1", 1), startOf("r2", 2)], nodes: [], progress: [], ends: [] });
    store.close();
    const db = bunCacheDrivers.openSqlite(path);
    expect(db.prepare("SELECT count(*) AS n FROM run_graphs").get()).toEqual({ n: 1 });
    db.close();
  });

  test("openSqliteRunStore() explains a missing file and a file that is not SQLite, creating neither", () => {
    const missing = openSqliteRunStore(join(tmp.dir, "none", "weft.db"), bunCacheDrivers, { alive: () => true, existing: true });
    expect(missing.status).toBe("missing");
    expect(missing.status !== "open" && missing.reason).toMatch(/^There is no run history at ".*none\/weft\.db": run a flow with withTracking\(\)/);
    expect(existsSync(join(tmp.dir, "none"))).toBe(false);
    const junk = join(tmp.dir, "junk.db");
    writeFileSync(junk, "this is not a database, just text that is long enough to have a header of a hundred bytes or so, really");
    const damaged = openSqliteRunStore(junk, bunCacheDrivers, { alive: () => true, existing: true });
    expect(damaged.status).toBe("damaged");
    expect(damaged.status !== "open" && damaged.reason).toContain("the file is not a SQLite database");
    expect(damaged.status !== "open" && damaged.reason).toContain(`delete "${junk}"`);
  });
});
