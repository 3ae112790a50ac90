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
