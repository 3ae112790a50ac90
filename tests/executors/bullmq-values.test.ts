import { describe, expect, test } from "bun:test";
import { MemoryMetadataStore } from "../../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../../cache/memory/memory-result-store.ts";
import { StoreCache } from "../../cache/store-cache.ts";
import { JobValues, MAX_INLINE_BYTES } from "../../executors/bullmq-values.ts";
import { isWeftError } from "../../mod.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";

const site = { node: "doubled", what: 'input "samples"', fix: "do this" };
const noCache = () => new Error("no cache");
const unreadable = (dv: string) => new Error(`unreadable ${dv}`);
function memoryCache(): { cache: StoreCache; results: MemoryResultStore } {
  const results = new MemoryResultStore();
  return { cache: new StoreCache({ metadata: new MemoryMetadataStore(), results, hasher: bunCacheDrivers.hasher }), results };
}

describe("JobValues", () => {
  test("put() keeps small values inline and stores large ones in the cache's result store, once, by data version", async () => {
    const { cache, results } = memoryCache();
    const values = new JobValues(cache, 1_024);
    const small = await values.put([1, 2, 3], site);
    const large = await values.put(new Float64Array(1_000), site);
    expect("i" in small).toBe(true);
    const fp = cache.fingerprint(new Float64Array(1_000));
    expect(large).toEqual({ d: fp.ok ? fp.dataVersion : "" });
    expect(await values.put(new Float64Array(1_000), site)).toEqual(large);
    expect(results.list().length).toBe(1);
    expect(await values.get(large, noCache, unreadable)).toEqual(new Float64Array(1_000));
    expect(await values.get(small, noCache, unreadable)).toEqual([1, 2, 3]);
  });

  test("put() sends a value the cache cannot fingerprint inline, up to the hard maximum, then fails naming the node", async () => {
    const { cache, results } = memoryCache();
    const values = new JobValues(cache, 1_024);
    const sparse = (n: number) => Object.assign(new Array(n), { 0: 1 });
    expect("i" in (await values.put(sparse(100_000), site))).toBe(true);
    expect(results.list().length).toBe(0);
    const error = await values.put(sparse(2 * MAX_INLINE_BYTES), site).catch((e) => e);
    expect(isWeftError(error, "serialization")).toBe(true);
    expect(error.message).toMatch(/^Cannot serialize the value of "doubled" at the top level: input "samples" takes \d+ bytes, more than the 1048576 a job carries inline, and the cache cannot fingerprint it: .+; do this$/);
  });

  test("put() without a cache sends values inline up to the hard maximum, then fails with the fix", async () => {
    const values = new JobValues(undefined, 1_024);
    expect("i" in (await values.put(new Float64Array(10_000), site))).toBe(true);
    const error = await values.put(new Float64Array(MAX_INLINE_BYTES / 4), site).catch((e) => e);
    expect(error.message).toBe(`Cannot serialize the value of "doubled" at the top level: input "samples" takes ${MAX_INLINE_BYTES * 2 + 7} bytes, more than the 1048576 a job carries inline, and there is no cache to pass it through; do this`);
  });

  test("get() fails with the caller's errors for a data version without a cache, or one the cache cannot read", async () => {
    const dv = "ab".repeat(32);
    await expect(new JobValues(undefined, 0).get({ d: dv }, noCache, unreadable)).rejects.toThrow("no cache");
    await expect(new JobValues(memoryCache().cache, 0).get({ d: dv }, noCache, unreadable)).rejects.toThrow(`unreadable ${dv}`);
  });
});
