import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";
import { partsOf, runNode, sqliteCache, tempDir } from "./_helpers.ts";

const tmp = tempDir("facade");
afterAll(tmp.remove);

describe("StoreCache", () => {
  test("lookup() misses, then hits after the run stored the result", () => {
    const { cache } = sqliteCache(join(tmp.dir, "a", "weft.db"));
    let calls = 0;
    const compute = () => (calls++, { total: 42n });
    expect(runNode(cache, "r1", partsOf("total", 1), compute)).toEqual({ value: { total: 42n }, hit: false });
    expect(runNode(cache, "r2", partsOf("total", 1), compute)).toEqual({ value: { total: 42n }, hit: true });
    expect(calls).toBe(1);
    cache.close();
  });

  test("explain() says why a node hit or missed in a run", () => {
    const { cache } = sqliteCache(join(tmp.dir, "b", "weft.db"));
    runNode(cache, "r1", partsOf("cleaned", "a.csv"), () => 1);
    expect(cache.explain("cleaned").message).toBe('miss: no cached result for "cleaned" yet');
    runNode(cache, "r2", partsOf("cleaned", "a.csv"), () => 1);
    expect(cache.explain("cleaned")).toMatchObject({ status: "hit", runId: "r2", message: "hit: reused the result computed in run r1" });
    runNode(cache, "r3", partsOf("cleaned", "b.csv"), () => 2);
    expect(cache.explain("cleaned").message).toMatch(/^miss: input "x" changed from "a\.csv" \([0-9a-f]{8}\) to "b\.csv" \([0-9a-f]{8}\)$/);
    runNode(cache, "r4", partsOf("cleaned", "b.csv", "code-2"), () => 2);
    expect(cache.explain("cleaned", "r4").message).toBe('miss: code of "cleaned" changed');
    expect(cache.explain("cleaned", "r2").status).toBe("hit");
    expect(cache.explain("other").message).toBe('"other" did not run in run r4');
    expect(cache.lastRunId()).toBe("r4");
    cache.close();
  });

  test("dataVersions() lists the data version of every node of a run", () => {
    const cache = new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: bunHasher });
    runNode(cache, "r1", partsOf("a", 1), () => "A");
    expect(cache.dataVersions("r1")).toEqual({ a: (cache.fingerprint("A") as { dataVersion: string }).dataVersion });
    expect(cache.dataVersions("none")).toEqual({});
  });

  test("a run warns once, naming the node, when a result cannot be fingerprinted, and stores nothing for it", () => {
    const warnings: string[] = [];
    const cache = new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: bunHasher, warn: (m) => warnings.push(m) });
    const run = cache.beginRun("r1");
    const parts = partsOf("conn", 1);
    const found = cache.lookup(parts);
    if (found.hit) throw new Error("unexpected hit");
    expect(run.miss(parts, found, { open: () => 1 })).toBeUndefined();
    run.finish();
    expect(warnings).toEqual(['Not caching "conn" in this run: its result cannot be fingerprinted at .open: a function ("open")']);
    expect(cache.explain("conn").status).toBe("uncacheable");
    expect(cache.lookup(parts).hit).toBe(false);
  });

  test("a run writes its batch on the next turn of the event loop, without finish()", async () => {
    const metadata = new MemoryMetadataStore();
    const cache = new StoreCache({ metadata, results: new MemoryResultStore(), hasher: bunHasher });
    const run = cache.beginRun("r1");
    const parts = partsOf("slow", 1);
    const found = cache.lookup(parts);
    run.miss(parts, found as never, "done");
    // The store, not the cache: the cache's warm set has the value at once.
    expect(metadata.lookup(found.key)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 5));
    expect(metadata.lookup(found.key)?.dataVersion).toBe((cache.fingerprint("done") as { dataVersion: string }).dataVersion);
  });

  test("a hit refreshes its entry's last use only when that is over an hour old", () => {
    let now = 1_000_000;
    const metadata = new MemoryMetadataStore();
    const cache = new StoreCache({ metadata, results: new MemoryResultStore(), hasher: bunHasher, clock: { now: () => now } });
    runNode(cache, "r1", partsOf("a", 1), () => 1);
    now += 30 * 60_000;
    runNode(cache, "r2", partsOf("a", 1), () => 1);
    expect(metadata.latest("a")!.lastUsedAt).toBe(1_000_000);
    now += 60 * 60_000;
    runNode(cache, "r3", partsOf("a", 1), () => 1);
    expect(metadata.latest("a")!.lastUsedAt).toBe(now);
  });

  test("clear() forgets the given nodes and their results", () => {
    const { cache } = sqliteCache(join(tmp.dir, "c", "weft.db"), { inlineLimit: 10 });
    runNode(cache, "r1", partsOf("keep", 1), () => "kept value");
    runNode(cache, "r1", partsOf("drop", 1), () => new Float64Array(1000));
    cache.clear(["drop"]);
    expect(runNode(cache, "r2", partsOf("keep", 1), () => "x").hit).toBe(true);
    expect(runNode(cache, "r2", partsOf("drop", 1), () => new Float64Array(1000)).hit).toBe(false);
    cache.clear();
    expect(runNode(cache, "r3", partsOf("keep", 1), () => "x").hit).toBe(false);
    cache.close();
  });

  test("gc() keeps the most recently used results within maxBytes and drops old ones", () => {
    let now = 1_000_000;
    const cache = new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: bunHasher, clock: { now: () => now } });
    for (const name of ["a", "b", "c"]) {
      runNode(cache, `r-${name}`, partsOf(name, 1), () => new Uint8Array(1000).fill(name.charCodeAt(0)));
      now += 1000;
    }
    expect(cache.gc({ maxBytes: 2100 })).toEqual({ results: 1, entries: 1, bytes: 1016, files: 0 });
    expect(runNode(cache, "r4", partsOf("a", 1), () => 0).hit).toBe(false);
    now += 60_000;
    expect(cache.gc({ maxAgeMs: 30_000 }).results).toBe(3);
  });

  test("gc() removes blob files no result points to, once they are older than the grace period", () => {
    const dir = join(tmp.dir, "d");
    const { cache } = sqliteCache(join(dir, "weft.db"), { inlineLimit: 10 });
    runNode(cache, "r1", partsOf("big", 1), () => new Float64Array(1000));
    const stray = join(dir, "blobs", "ab", "ab".padEnd(64, "0"));
    const young = join(dir, "blobs", "ab", "ab".padEnd(64, "1"));
    mkdirSync(join(dir, "blobs", "ab"), { recursive: true });
    writeFileSync(stray, "orphan");
    writeFileSync(young, "orphan");
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stray, hourAgo, hourAgo);
    expect(cache.gc().files).toBe(1);
    expect([existsSync(stray), existsSync(young)]).toEqual([false, true]);
    expect(readdirSync(join(dir, "blobs")).length).toBe(2);
    expect(runNode(cache, "r2", partsOf("big", 1), () => 0).hit).toBe(true);
    cache.close();
  });
});
