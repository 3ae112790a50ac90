/**
 * Hit lists (cache/sqlite/sqlite-metadata-store.ts): a warm run that repeats
 * the hits of the run before refers to one row holding them instead of
 * writing them all again. Real SQLite files, read back through the cache and
 * directly.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import type { CacheRecord } from "../../lib/ports/metadata-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { tempDir } from "./_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function cachePath(): string {
  const { dir, remove } = tempDir("hit-lists");
  cleanups.push(remove);
  return join(dir, "weft.db");
}

/** A chain of 20 nodes: more hits a run than a hit list needs. */
function chain(): Record<string, (x: number) => number> {
  const mod: Record<string, (x: number) => number> = { c0: (seed: number) => seed };
  for (let i = 1; i < 20; i++) mod[`c${i}`] = new Function(`c${i - 1}`, `return c${i - 1} + ${i}`) as (x: number) => number;
  return mod;
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new Database(path);
  try {
    return db.query(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe("hit lists", () => {
  test("a warm run that repeats the hits of the run before refers to their list, and reads back every hit", async () => {
    const path = cachePath();
    await using dr = await new Builder().withModules(chain()).withWarnings(() => {}).withCache({ path }).build();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await dr.execute(["c19"], { inputs: { seed: 1 } });
      ids.push(dr.cache!.lastRunId!);
    }
    const [, second, third] = ids as [string, string, string];
    const records = (id: string) => String(rows(path, `SELECT records FROM cache_runs WHERE run_id = '${id}'`)[0]!.records);
    // The second run writes the list; the third only refers to it.
    expect(rows(path, "SELECT run_id FROM cache_runs WHERE run_id LIKE 'hits:%'")).toHaveLength(1);
    expect(records(second)).toStartWith('{"hits":"hits:');
    expect(records(third)).toBe(records(second));
    expect(records(third).length).toBeLessThan(120);
    for (const id of ids.slice(1)) {
      expect(dr.cache!.dataVersions(id)).toEqual(dr.cache!.dataVersions(ids[0]));
      expect(dr.cache!.explain("c7", id).message).toStartWith(`hit: reused the result computed in run ${ids[0]}`);
    }
    expect(dr.cache!.lastRunId).toBe(third);
  });

  test("a hit list removed behind the cache's back is written again before a run refers to it", async () => {
    const path = cachePath();
    await using dr = await new Builder().withModules(chain()).withWarnings(() => {}).withCache({ path }).build();
    for (let i = 0; i < 2; i++) await dr.execute(["c19"], { inputs: { seed: 1 } });
    const db = new Database(path);
    db.exec("DELETE FROM cache_runs WHERE run_id LIKE 'hits:%'");
    db.close();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    const versions = dr.cache!.dataVersions();
    expect(Object.keys(versions)).toHaveLength(20);
    expect(rows(path, "SELECT run_id FROM cache_runs WHERE run_id LIKE 'hits:%'")).toHaveLength(1);
  });

  test("history prune removes the hit lists no remaining run refers to, and keeps the others", async () => {
    const path = cachePath();
    await using dr = await new Builder().withModules(chain()).withWarnings(() => {}).withCache({ path }).withTracking().build();
    // Runs 2 and 3 hit with list A; runs 5 and 6 with list B.
    for (const seed of [1, 1, 1, 2, 2, 2]) await dr.execute(["c19"], { inputs: { seed } });
    expect(rows(path, "SELECT run_id FROM cache_runs WHERE run_id LIKE 'hits:%'")).toHaveLength(2);
    const kept = dr.history!.listRuns({ limit: 2 }).runs.map((r) => r.id);
    dr.history!.prune({ keepRuns: 2 });
    const lists = rows(path, "SELECT run_id FROM cache_runs WHERE run_id LIKE 'hits:%'");
    expect(lists).toHaveLength(1);
    for (const id of kept) expect(Object.keys(dr.cache!.dataVersions(id))).toHaveLength(20);
    expect(dr.cache!.explain("c19", kept[0]).status).toBe("hit");
  });

  test("a run written in several batches refers to one list per batch, each found again in the next run", () => {
    const path = cachePath();
    const opened = openSqliteCache(path, bunCacheDrivers);
    if (opened.status !== "open") throw new Error(opened.reason);
    const { metadata } = opened;
    const hits = (runId: string, from: number): CacheRecord[] =>
      Array.from({ length: 20 }, (_, i) => ({ runId, node: `n${from + i}`, status: "hit", key: `k${from + i}`, dataVersion: `d${from + i}`, at: 1 }));
    // A run of 40 nodes in two batches, as a run larger than a batch writes them; then the same again.
    for (const run of ["r1", "r2", "r3"]) for (const from of [0, 20]) metadata.write({ entries: [], used: [], runs: hits(run, from), at: 5 });
    expect(rows(path, "SELECT run_id FROM cache_runs WHERE run_id LIKE 'hits:%'")).toHaveLength(2);
    const r3 = metadata.runRecords("r3");
    expect(r3).toHaveLength(40);
    expect(r3.find((r) => r.node === "n33")).toEqual({ runId: "r3", node: "n33", status: "hit", key: "k33", dataVersion: "d33", at: 5 });
    metadata.close();
    opened.results.close();
  });
});
