/** prune() on real SQLite files: with the cache in the same file, the space it frees, another process writing meanwhile. */
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { livenessFor } from "../../lib/history/liveness.ts";
import type { Liveness } from "../../lib/ports/run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { currentProcess, pidIsAlive } from "../../runtime/shared/processes.ts";
import { tempDir } from "../cache/_helpers.ts";
import { startOf, writeFinishedRuns } from "./run-store.contract.ts";

const tmp = tempDir("prune");
afterAll(tmp.remove);

function sqlite(path: string, alive: Liveness = () => true) {
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened.store;
}

const countOf = (path: string, sql: string): number => {
  const db = new Database(path);
  try {
    return Number((db.query(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

/** A flow of three nodes whose calls are counted. */
function flow() {
  const calls: string[] = [];
  const mod = {
    raw: (n: number) => (calls.push("raw"), Array.from({ length: 50 }, (_, i) => i * n)),
    doubled: (raw: number[]) => (calls.push("doubled"), raw.map((x) => x * 2)),
    total: (doubled: number[]) => (calls.push("total"), doubled.reduce((a, b) => a + b, 0)),
  };
  return { mod, calls };
}

describe("prune() on SQLite", () => {
  test("dr.history.prune() removes old runs and their cache run records; a re-run still hits every node and explain of a kept run works", async () => {
    const path = join(tmp.dir, "driver", "weft.db");
    const { mod, calls } = flow();
    const warnings: string[] = [];
    await using dr = await new Builder().withModules(mod).withCache({ path }).withTracking().withWarnings((w) => void warnings.push(w.message)).build();
    for (let i = 0; i < 50; i++) await dr.execute(["total"], { inputs: { n: i % 5 } });
    const runs = dr.history!.listRuns({ limit: 500 }).runs;
    expect(runs.length).toBe(50);
    const results = countOf(path, "SELECT count(*) AS n FROM cache_results");
    const entries = countOf(path, "SELECT count(*) AS n FROM cache_entries");
    const kept = runs.slice(0, 5).map((r) => r.id);
    const pruned = runs.slice(5).map((r) => r.id);
    // The first five runs computed each input's results: they are among those pruned.
    expect(dr.cache!.explain("total", runs[49]!.id).status).toBe("miss");

    const report = dr.history!.prune({ keepRuns: 5 });
    expect(report.runs).toEqual(pruned);
    expect(report.nodes).toBe(45 * 3);
    expect(report.cacheRecords).toBe(45);
    expect(report.graphs).toBe(0);
    expect(dr.history!.listRuns().runs.map((r) => r.id)).toEqual(kept);
    expect(countOf(path, `SELECT count(*) AS n FROM cache_runs WHERE run_id NOT IN (SELECT id FROM runs)`)).toBe(0);
    // Entries and results are the cache's own: all still there, all still reachable, nothing for gc.
    expect(countOf(path, "SELECT count(*) AS n FROM cache_results")).toBe(results);
    expect(countOf(path, "SELECT count(*) AS n FROM cache_entries")).toBe(entries);
    expect(dr.cache!.gc({ graceMs: 0 })).toEqual({ results: 0, entries: 0, bytes: 0, files: 0 });

    expect(dr.cache!.explain("total", kept[0]).message).toMatch(/^hit: reused the result computed in run /);
    expect(dr.cache!.explain("total", pruned[0]!)).toMatchObject({
      status: "not-run", message: `run ${pruned[0]} is unknown to the cache: it did not use this cache, or it was pruned from the history`,
    });
    calls.length = 0;
    for (let n = 0; n < 5; n++) await dr.execute(["total"], { inputs: { n } });
    expect(calls).toEqual([]);
    const again = dr.history!.listRuns({ limit: 5 }).runs;
    expect(again.map((r) => r.hits)).toEqual([3, 3, 3, 3, 3]);
    expect(dr.cache!.lastRunId).toBe(again[0]!.id);
  });

  test("prune() removes a drawn graph once no run uses it, and a later run of that graph stores it again", () => {
    const path = join(tmp.dir, "graphs", "weft.db");
    const store = sqlite(path);
    const other = '{"nodes":[],"edges":[]}';
    store.write({ starts: [startOf("old", 1, { graph: other }), startOf("new", 2)], nodes: [], progress: [], ends: [{ id: "old", end: 2, status: "succeeded" }, { id: "new", end: 3, status: "succeeded" }] });
    expect(store.prune({ keepRuns: 1 })).toMatchObject({ runs: ["old"], graphs: 1 });
    // The same store (and another process's) records the pruned graph again on its next run.
    store.write({ starts: [startOf("again", 3, { graph: other })], nodes: [], progress: [], ends: [] });
    expect(store.getRun("again")!.graph).toBe(other);
    store.close();
  });

  test("prune() frees pages that later runs reuse: the file does not grow back", () => {
    const path = join(tmp.dir, "space", "weft.db");
    const store = sqlite(path);
    writeFinishedRuns(store, 400, 1000, "a-");
    store.close();
    const reopened = sqlite(path);
    const db = new Database(path);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const full = statSync(path).size;
    const report = reopened.prune({ keepRuns: 0 });
    expect(report.runs.length).toBe(400);
    expect(report.bytes).toBeGreaterThan(full / 2);
    writeFinishedRuns(reopened, 300, 1000, "b-");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    expect(statSync(path).size).toBeLessThanOrEqual(full);
    db.close();
    reopened.close();
  });

  test("prune() while another process records runs keeps every run in flight and leaves the file whole", async () => {
    const path = join(tmp.dir, "concurrent", "weft.db");
    sqlite(path).close();
    const writer = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures", "run-writer.ts"), path, "400", "hold"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    const store = sqlite(path, livenessFor(currentProcess(), pidIsAlive));
    // The writer holds its first run in flight until told to go on: a prune then must keep it, whatever the timing.
    const out = writer.stdout.getReader();
    let said = "";
    while (!said.includes("\n")) {
      const { value, done } = await out.read();
      if (done) throw new Error(`the writer ended before holding a run: ${said}${await new Response(writer.stderr).text()}`);
      said += new TextDecoder().decode(value);
    }
    const held = said.trim().replace(/^held /, "");
    const first = store.prune({ keepRuns: 0 });
    expect(first.inFlight).toContain(held);
    let removed = first.runs.length;
    let inFlight = first.inFlight.length;
    let exited = false;
    void writer.exited.then(() => (exited = true));
    writer.stdin.write("go\n");
    await writer.stdin.end();
    while (!exited) {
      // Everything, so that the run the writer has in flight is always among those the limit selects.
      const report = store.prune({ keepRuns: 0 });
      removed += report.runs.length;
      inFlight += report.inFlight.length;
      await Bun.sleep(2);
    }
    // Once the writer has ended, its finished runs all go.
    const last = store.prune({ keepRuns: 0 });
    removed += last.runs.length;
    expect(last.inFlight).toEqual([]);
    expect({ code: await writer.exited, err: await new Response(writer.stderr).text() }).toEqual({ code: 0, err: "" });
    expect(removed).toBe(400);
    expect(inFlight).toBeGreaterThan(0);
    // Every run left is whole: none lost its nodes to a prune while it ran, and no node record is orphaned.
    for (const run of store.listRuns({ limit: 500 }).runs) {
      expect({ id: run.id, status: run.status, nodes: store.nodesOf(run.id).length }).toEqual({ id: run.id, status: "succeeded", nodes: 2 });
    }
    expect(countOf(path, "SELECT count(*) AS n FROM run_nodes WHERE run_id NOT IN (SELECT id FROM runs)")).toBe(0);
    const db = new Database(path);
    expect(db.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    db.close();
    store.close();
    console.log(`concurrent prune: ${removed} runs removed, ${inFlight} in-flight runs kept across prunes`);
  }, 60_000);
});
