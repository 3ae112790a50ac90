/**
 * What verifying every read costs on a warm hit, in one process, for values
 * of several sizes stored inline in SQLite:
 *
 * - before: the read path before every read was verified (the plain key
 *   lookup joined to the result, on a connection of its own, then the decode);
 * - query: this lookup's query (the entry read from the table by row id, its
 *   key checked) and the decode, without the fingerprint;
 * - verified: `cache.lookup()`, all of it (the fingerprint of the decoded
 *   value compared with the data version asked for).
 *
 * Rounds alternate the three, so drift on a shared machine hits all; the
 * table gives the median per-hit µs of the rounds and their spread (min–max).
 *
 *   npx bun bench/cache-verify.ts
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheKey } from "../cache/cache-key.ts";
import { decodeValue } from "../cache/codec.ts";
import { fingerprint } from "../cache/fingerprint.ts";
import { openCache } from "../cache/open-cache.ts";
import { openSqliteCache } from "../cache/sqlite/open-sqlite-cache.ts";
import type { KeyParts } from "../lib/ports/metadata-store.ts";
import type { Cache } from "../lib/ports/cache.ts";
import { bunCacheDrivers } from "../runtime/bun/mod.ts";
import { fmt } from "./_measure.ts";

const N = 200;
const ROUNDS = 15;
const hasher = bunCacheDrivers.hasher;
const shapes: [string, (i: number) => unknown][] = [
  ["number (the cache-driver DAG)", (i) => i * 7 + 1],
  ["object of 10 fields", (i) => ({ id: i, name: `row ${i}`, tags: ["a", "b"], score: i / 3, ok: true, at: new Date(i), n: 1n, x: null, y: [1, 2], z: { k: i } })],
  ["4 KiB string", (i) => `${i}`.padEnd(4096, "x")],
  ["array of 1,000 numbers", (i) => Array.from({ length: 1000 }, (_, j) => i + j / 7)],
  ["60 KiB Float64Array", (i) => new Float64Array(7680).fill(i)],
];
const dir = mkdtempSync(join(tmpdir(), "weft-bench-verify-"));

const partsOf = (node: string): KeyParts => ({ node, codeVersion: "code", inputs: {}, config: {} });

try {
  console.log("| value | before µs/hit | query µs/hit | verified µs/hit | fingerprint µs/hit | verified − before |");
  console.log("|---|---|---|---|---|---|");
  let k = 0;
  for (const [name, make] of shapes) {
    const path = join(dir, `c${k++}`, "weft.db");
    const cache = openCache({ path }, bunCacheDrivers, (m) => console.warn(m)) as Cache;
    const run = cache.beginRun("fill");
    const parts = Array.from({ length: N }, (_, i) => partsOf(`n${i}`));
    for (let i = 0; i < N; i++) {
      const found = cache.lookup(parts[i]!);
      if (found.hit) throw new Error("a fresh cache hit");
      run.miss(parts[i]!, found, make(i));
    }
    run.finish();
    // The unverified read: the one query of the read path before, on a second connection, then the decode.
    const raw = new Database(path, { readonly: true });
    const before = raw.prepare<{ inline: Uint8Array | null }, [string]>(
      "SELECT e.data_version, e.last_used_at, r.size, r.inline, r.file FROM cache_entries e LEFT JOIN cache_results r ON r.data_version = e.data_version WHERE e.cache_key = ?",
    );
    // The key is hashed in both: the verified lookup hashes it itself.
    const verified = () => {
      for (const p of parts) if (!cache.lookup(p).hit) throw new Error("a warm lookup missed");
    };
    const unverified = () => {
      for (const p of parts) {
        const row = before.get(cacheKey(p, hasher))!;
        if (decodeValue(row.inline as Uint8Array) === undefined) throw new Error("no value");
      }
    };
    const opened = openSqliteCache(path, bunCacheDrivers);
    if (opened.status !== "open") throw new Error(opened.reason);
    const query = () => {
      for (const p of parts) {
        const row = opened.metadata.lookupWithResult(cacheKey(p, hasher))!;
        if (decodeValue(row.inline as Uint8Array) === undefined) throw new Error("no value");
      }
    };
    const times: { u: number[]; q: number[]; v: number[] } = { u: [], q: [], v: [] };
    for (let r = 0; r < ROUNDS + 3; r++) {
      for (const [fn, into] of [[unverified, times.u], [query, times.q], [verified, times.v]] as const) {
        const t = performance.now();
        fn();
        if (r >= 3) into.push(((performance.now() - t) * 1000) / N);
      }
    }
    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
    };
    const u = stat(times.u);
    const q = stat(times.q);
    const v = stat(times.v);
    const fpOk = fingerprint(make(0), hasher).ok;
    if (!fpOk) throw new Error(`${name} has no fingerprint`);
    const cell = (x: { median: number; min: number; max: number }) => `${fmt(x.median, 1)} (${fmt(x.min, 1)}–${fmt(x.max, 1)})`;
    console.log(`| ${name} | ${cell(u)} | ${cell(q)} | ${cell(v)} | ${fmt(v.median - q.median, 1)} | ${fmt(v.median - u.median, 1)} |`);
    opened.metadata.close();
    opened.results.close();
    before.finalize();
    raw.close();
    cache.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
