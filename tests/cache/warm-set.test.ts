/**
 * The warm set (cache/warm-set.ts): recent results a driver keeps in memory.
 * SQLite is real; reads of cache rows are counted by a wrapper around
 * bun:sqlite's connection, so "served from memory" means no row was read.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { Builder, node } from "../../mod.ts";
import { openCache } from "../../cache/open-cache.ts";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import type { CacheDrivers } from "../../lib/ports/cache-drivers.ts";
import type { OpenSqlite } from "../../lib/ports/sqlite.ts";
import { bunCacheDrivers, bunHasher } from "../../runtime/bun/mod.ts";
import { partsOf, runNode, tempDir } from "./_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function cachePath(): string {
  const { dir, remove } = tempDir("warm");
  cleanups.push(remove);
  return join(dir, "weft.db");
}

/** bun:sqlite, counting the statements that read cache entries or results. */
function countingDrivers(): { drivers: CacheDrivers; reads: () => number } {
  let reads = 0;
  const openSqlite: OpenSqlite = (path) => {
    const db = bunCacheDrivers.openSqlite(path);
    return {
      ...db,
      exec: db.exec,
      transaction: db.transaction,
      close: db.close,
      prepare(sql) {
        const st = db.prepare(sql);
        if (!/\bFROM "?cache_(entries|results)\b/i.test(sql)) return st;
        return {
          run: st.run,
          get: (...params) => (reads++, st.get(...params)),
          all: (...params) => (reads++, st.all(...params)),
        };
      },
    };
  };
  return { drivers: { ...bunCacheDrivers, openSqlite }, reads: () => reads };
}

/** A SQLite cache at `path` (the default openCache path: one query a hit) whose cache-row reads are counted. */
function countedCache(path: string, memoryBytes?: number): { cache: StoreCache; reads: () => number; warnings: string[] } {
  const { drivers, reads } = countingDrivers();
  const warnings: string[] = [];
  const cache = openCache({ path, ...(memoryBytes === undefined ? {} : { memoryBytes }) }, drivers, (m) => void warnings.push(m)) as StoreCache;
  cleanups.unshift(() => cache.close());
  return { cache, reads, warnings };
}

/** A chain of 20 nodes, each counting its calls. */
function chain() {
  const calls = { n: 0 };
  const mod: Record<string, (...xs: number[]) => unknown> = { c0: (seed: number) => (calls.n++, { seed, list: [seed] }) };
  for (let i = 1; i < 20; i++) {
    mod[`c${i}`] = new Function("calls", `return (c${i - 1}) => (calls.n++, { seed: c${i - 1}.seed + 1, list: [...c${i - 1}.list, ${i}] })`)(calls);
  }
  return { mod, calls };
}

describe("the warm set", () => {
  test("a second run of one driver reads no cache row from SQLite; a driver new to the file reads them", async () => {
    const path = cachePath();
    const { mod, calls } = chain();
    const first = countedCache(path);
    await using dr = await new Builder().withModules(mod).withCache({ store: first.cache }).build();
    const one = await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(calls.n).toBe(20);
    const readsAfterRun1 = first.reads();
    const two = await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(two).toEqual(one);
    expect(calls.n).toBe(20);
    expect(first.reads()).toBe(readsAfterRun1);
    expect(first.cache.explain("c19").status).toBe("hit");

    const fresh = countedCache(path);
    await using again = await new Builder().withModules(mod).withCache({ store: fresh.cache }).build();
    expect(await again.execute(["c19"], { inputs: { seed: 1 } })).toEqual(one);
    expect(calls.n).toBe(20);
    // One read a node: entry and result in one query.
    expect(fresh.reads()).toBe(20);
  });

  test("withCache({ memoryBytes: 0 }) keeps nothing in memory: every run reads SQLite", async () => {
    const path = cachePath();
    const { mod } = chain();
    const { cache, reads } = countedCache(path, 0);
    await using dr = await new Builder().withModules(mod).withCache({ store: cache }).build();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    const before = reads();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(reads() - before).toBe(20);
    expect(cache.warmSize()).toEqual({ results: 0, bytes: 0 });
  });

  test("a result the caller mutates after a run does not change what the next runs return", async () => {
    for (const memory of [true, false]) {
      const mod = { rows: () => ({ xs: [3, 1, 2], at: new Date(5) }) };
      await using dr = await new Builder().withModules(mod).withCache(memory ? { memory: true } : { path: cachePath() }).build();
      const one = await dr.execute(["rows"]);
      one.rows.xs.push(99);
      one.rows.at.setTime(0);
      const two = await dr.execute(["rows"]);
      expect(two.rows).toEqual({ xs: [3, 1, 2], at: new Date(5) });
      two.rows.xs.length = 0;
      expect((await dr.execute(["rows"])).rows).toEqual({ xs: [3, 1, 2], at: new Date(5) });
      expect(dr.cache!.explain("rows").status).toBe("hit");
    }
  });

  test("a downstream node that sorts its input in place does not change the input's cached value", async () => {
    for (const memory of [true, false]) {
      const mod = {
        data: () => [3, 1, 2],
        // Not cached: it runs every time, on the value the cache hands out.
        sorted: node((data: number[]) => data.sort((a, b) => a - b), { cache: "disable" }),
        bytes: () => new Float64Array([3, 1, 2]),
        sortedBytes: node((bytes: Float64Array) => bytes.sort(), { cache: "disable" }),
      };
      await using dr = await new Builder().withModules(mod).withCache(memory ? { memory: true } : { path: cachePath() }).build();
      for (let run = 0; run < 3; run++) {
        expect(await dr.execute(["sorted", "sortedBytes"])).toEqual({ sorted: [1, 2, 3], sortedBytes: new Float64Array([1, 2, 3]) });
        expect(await dr.execute(["data", "bytes"])).toEqual({ data: [3, 1, 2], bytes: new Float64Array([3, 1, 2]) });
      }
      expect(dr.cache!.explain("data").status).toBe("hit");
    }
  });

  test("the warm set stays within memoryBytes, dropping the least recently used results first", () => {
    const path = cachePath();
    const limit = 64 * 1024;
    const { cache, reads } = countedCache(path, limit);
    // About 4 KiB encoded each: 30 of them need twice the budget.
    const value = (i: number) => ({ i, text: "x".repeat(4000) });
    for (let i = 0; i < 30; i++) {
      runNode(cache, `r${i}`, partsOf(`v${i}`, i), () => value(i));
      // v0 is used after every new result: the most recently used, it is never the one dropped.
      if (i > 0) expect(runNode(cache, `u${i}`, partsOf("v0", 0), () => value(0)).hit).toBe(true);
      expect(cache.warmSize().bytes).toBeLessThanOrEqual(limit);
    }
    const held = cache.warmSize().results;
    expect(held).toBeGreaterThan(5);
    expect(held).toBeLessThan(30);
    const served = (name: string, i: number): boolean => {
      const before = reads();
      expect(runNode(cache, "check", partsOf(name, i), () => value(i))).toEqual({ value: value(i), hit: true });
      return reads() === before;
    };
    expect(served("v0", 0)).toBe(true);
    expect(served("v29", 29)).toBe(true);
    // The oldest ones went (and come back from SQLite).
    expect(served("v1", 1)).toBe(false);
  });

  test("clear() forgets what the warm set holds: the next run computes again", async () => {
    const { mod, calls } = chain();
    await using dr = await new Builder().withModules(mod).withCache({ path: cachePath() }).build();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    dr.cache!.clear(["c19"]);
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(calls.n).toBe(21);
    dr.cache!.clear();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(calls.n).toBe(41);
  });

  test("a result stored again under the same key (a recompute) replaces the one in memory", () => {
    const cache = new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: bunHasher });
    const parts = partsOf("stamp", 1);
    runNode(cache, "r1", parts, () => ({ stamp: 1 }));
    // What the engine does for a node whose behaviour is "recompute": a hit is computed and stored again.
    const found = cache.lookup(parts);
    expect(found.hit).toBe(true);
    const run = cache.beginRun("r2");
    run.miss(parts, { hit: false, key: found.key, reason: "recomputed on request" }, { stamp: 2 });
    run.finish();
    expect(runNode(cache, "r3", parts, () => ({ stamp: 3 }))).toEqual({ value: { stamp: 2 }, hit: true });
  });

  test("explain() and dataVersions() report the hits served from memory", async () => {
    const { mod } = chain();
    await using dr = await new Builder().withModules(mod).withCache({ path: cachePath() }).build();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    const firstRun = dr.cache!.lastRunId!;
    const versions = dr.cache!.dataVersions();
    await dr.execute(["c19"], { inputs: { seed: 1 } });
    expect(dr.cache!.lastRunId).not.toBe(firstRun);
    const explained = dr.cache!.explain("c7");
    expect(explained.status).toBe("hit");
    expect(explained.message).toStartWith(`hit: reused the result computed in run ${firstRun}`);
    expect(dr.cache!.dataVersions()).toEqual(versions);
    expect(Object.keys(versions)).toHaveLength(20);
  });

  test("two drivers on one file: a clear or a recompute by one is seen by the other's warm set", async () => {
    const path = cachePath();
    let stamp = 0;
    const mod = { stamp: () => ({ stamp: ++stamp }) };
    await using reader = await new Builder().withModules(mod).withCache({ path }).build();
    await using writer = await new Builder().withModules(mod).withCache({ path, recompute: ["stamp"] }).build();
    expect(await reader.execute(["stamp"])).toEqual({ stamp: { stamp: 1 } });
    expect(await reader.execute(["stamp"])).toEqual({ stamp: { stamp: 1 } });
    // The writer stores a new value under the same key: the reader's warm copy is stale, and must not be served.
    expect(await writer.execute(["stamp"])).toEqual({ stamp: { stamp: 2 } });
    expect(await reader.execute(["stamp"])).toEqual({ stamp: { stamp: 2 } });
    expect(reader.cache!.explain("stamp").status).toBe("hit");
    writer.cache!.clear();
    expect(await reader.execute(["stamp"])).toEqual({ stamp: { stamp: 3 } });
    expect(reader.cache!.explain("stamp").status).toBe("miss");
  });

  test("a result damaged in the file while its bytes are warm is served from memory, and a cache new to the file misses it", () => {
    const path = cachePath();
    const value = () => ({ name: "Ada", scores: [1, 2, 3] });
    const { cache, warnings } = countedCache(path);
    runNode(cache, "r1", partsOf("person", 1), value);
    // Another connection damages the stored bytes: the data_version of the file changes.
    const db = new Database(path);
    db.exec("UPDATE cache_results SET inline = X'0311'");
    db.close();
    // The warm copy was checked when it came in, and the entry still points to its data version.
    expect(runNode(cache, "r2", partsOf("person", 1), value)).toEqual({ value: value(), hit: true });
    expect(warnings).toEqual([]);
    const fresh = countedCache(path);
    expect(runNode(fresh.cache, "r3", partsOf("person", 1), value)).toEqual({ value: value(), hit: false });
    expect(fresh.warnings).toHaveLength(1);
    expect(fresh.warnings[0]).toStartWith('Cache miss for "person": The cached result ');
  });

  test("withCache() refuses a memoryBytes that is not a whole number of bytes", () => {
    expect(() => new Builder().withCache({ memoryBytes: "64MB" as never })).toThrow(new TypeError('withCache() option "memoryBytes" must be a number of bytes'));
    expect(() => new Builder().withCache({ memoryBytes: -1 })).toThrow(new RangeError('withCache() option "memoryBytes" must be a whole number of bytes, 0 or more: got -1'));
    expect(() => new Builder().withCache({ memoryBytes: 1.5 })).toThrow(RangeError);
  });
});
