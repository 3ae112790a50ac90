/**
 * Storing and loading a 100 MB Float64Array through the SQLite result store
 * (a blob file), in MB/s, against writing and reading the same bytes with
 * node:fs in the same process. Also the fingerprint (the data version the
 * engine computes for every result) in MB/s.
 *
 *   npx bun bench/cache-large.ts
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fingerprint } from "../cache/fingerprint.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import { bunCacheDrivers } from "../runtime/bun/mod.ts";
import { fmt } from "./_measure.ts";

const MB = 100;
const bytes = MB * 1024 * 1024;
// Work under the project's own disk, where a cache lives, not a RAM-backed /tmp where there is one.
const dir = mkdtempSync(join(process.env.WEFT_BENCH_DIR ?? tmpdir(), "weft-large-"));
const value = Float64Array.from({ length: bytes / 8 }, (_, i) => i * 0.5);
const opened = openSqliteCache(join(dir, "weft.db"), bunCacheDrivers);
if (opened.status !== "open") throw new Error(opened.reason);
const { results } = opened;

function median(runs: number, fn: () => void, before: () => void = () => {}): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    before();
    const t = performance.now();
    fn();
    if (i > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const fp = fingerprint(value, bunCacheDrivers.hasher);
if (!fp.ok) throw new Error(fp.reason);
const dv = fp.dataVersion;
const view = new Uint8Array(value.buffer);
const raw = join(dir, "raw.bin");
const fsWrite = median(5, () => writeFileSync(raw, view), () => rmSync(raw, { force: true }));
const fsRead = median(5, () => readFileSync(raw));
const hash = median(5, () => fingerprint(value, bunCacheDrivers.hasher));
const store = median(5, () => results.putMany([{ dataVersion: dv, value }]), () => results.delete([dv]));
let loaded: unknown;
const load = median(5, () => (loaded = results.get(dv)));
const back = (loaded as { status: string; value: Float64Array });
if (back.status !== "hit" || back.value.length !== value.length || back.value[12_345] !== value[12_345]) throw new Error("the load returned a wrong value");

const rate = (ms: number) => fmt(MB / (ms / 1000), 0);
console.log(`| ${MB} MB Float64Array | ms | MB/s | node:fs baseline ms | ratio to baseline |`);
console.log(`|---|---|---|---|---|`);
console.log(`| fingerprint (data version) | ${fmt(hash, 1)} | ${rate(hash)} | | |`);
console.log(`| store (encode, write blob file, commit) | ${fmt(store, 1)} | ${rate(store)} | ${fmt(fsWrite, 1)} | ${fmt(store / fsWrite)} |`);
console.log(`| load (read, verify by fingerprint, view) | ${fmt(load, 1)} | ${rate(load)} | ${fmt(fsRead, 1)} | ${fmt(load / fsRead)} |`);
opened.metadata.close();
results.close();
rmSync(dir, { recursive: true, force: true });
