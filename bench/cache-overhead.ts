/**
 * Cache cost per node on a 200-node chain of trivial nodes, against the same
 * nodes called uncached in the same process. Runs the calls the engine will
 * make around each node (key, lookup, and on a miss the fingerprint of the
 * result and the batched write; on a hit the load of the stored value).
 *
 *   npx bun bench/cache-overhead.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadParsers } from "../cache/code/_parsers.ts";
import { functionCodeVersion } from "../cache/code/function-code-version.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import { MemoryMetadataStore } from "../cache/memory/memory-metadata-store.ts";
import { MemoryResultStore } from "../cache/memory/memory-result-store.ts";
import { StoreCache } from "../cache/store-cache.ts";
import type { KeyParts } from "../lib/ports/metadata-store.ts";
import { bunCacheDrivers } from "../runtime/bun/mod.ts";
import { fmt } from "./_measure.ts";

const N = 200;
const fns = Array.from({ length: N }, (_, i) => new Function("x", `return x + ${i % 7}`) as (x: number) => number);
// Code versions are computed once per build, as the Builder does, not per call.
await loadParsers();
const codeVersions = fns.map((fn) => {
  const cv = functionCodeVersion(fn, bunCacheDrivers.hasher);
  return cv.ok ? cv.codeVersion : "";
});
const dir = mkdtempSync(join(tmpdir(), "weft-bench-"));
let files = 0;

/** One run of the chain; with a cache, every node goes through lookup and hit or miss. */
function runChain(cache: StoreCache | undefined, runId: string): number {
  let value = 1;
  if (cache === undefined) {
    for (let i = 0; i < N; i++) value = fns[i]!(value);
    return value;
  }
  const run = cache.beginRun(runId);
  let input = (cache.fingerprint(value) as { dataVersion: string }).dataVersion;
  for (let i = 0; i < N; i++) {
    const parts: KeyParts = { node: `n${i}`, codeVersion: codeVersions[i]!, inputs: { x: input }, config: {} };
    const found = cache.lookup(parts);
    if (found.hit) {
      run.hit(parts.node, found);
      value = found.value as number;
      input = found.dataVersion;
    } else {
      value = fns[i]!(value);
      input = run.miss(parts, found, value)!;
    }
  }
  run.finish();
  return value;
}

function open(kind: "sqlite" | "memory"): StoreCache {
  if (kind === "memory") return new StoreCache({ metadata: new MemoryMetadataStore(), results: new MemoryResultStore(), hasher: bunCacheDrivers.hasher, warn: () => {} });
  const opened = openSqliteCache(join(dir, `c${files++}`, "weft.db"), bunCacheDrivers);
  if (opened.status !== "open") throw new Error(opened.reason);
  return new StoreCache({ metadata: opened.metadata, results: opened.results, hasher: bunCacheDrivers.hasher, warn: () => {} });
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

function measure(kind: "sqlite" | "memory", runs = 15) {
  const base: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < runs + 3; r++) {
    const cache = open(kind);
    let t = performance.now();
    runChain(undefined, "base");
    const b = performance.now() - t;
    t = performance.now();
    const coldValue = runChain(cache, `cold-${r}`);
    const c = performance.now() - t;
    t = performance.now();
    const warmValue = runChain(cache, `warm-${r}`);
    const w = performance.now() - t;
    if (coldValue !== warmValue || cache.explain(`n${N - 1}`).status !== "hit") throw new Error("the warm run did not hit");
    cache.close();
    // The first runs warm up the JIT and the per-function code versions.
    if (r >= 3) base.push(b), cold.push(c), warm.push(w);
  }
  return { base: median(base), cold: median(cold), warm: median(warm) };
}

console.log(`| store | uncached ms | cold ms | warm ms | cold overhead µs/node | warm cost µs/hit |`);
console.log(`|---|---|---|---|---|---|`);
for (const kind of ["sqlite", "memory"] as const) {
  const m = measure(kind);
  console.log(`| ${kind} | ${fmt(m.base, 3)} | ${fmt(m.cold)} | ${fmt(m.warm)} | ${fmt(((m.cold - m.base) / N) * 1000, 1)} | ${fmt(((m.warm - m.base) / N) * 1000, 1)} |`);
}
rmSync(dir, { recursive: true, force: true });
