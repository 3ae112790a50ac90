/**
 * Random damage to a real cache on disk, through the real driver path
 * (Builder().withCache({ path }) on a module file): bytes flipped at random
 * offsets of the database file, of its WAL, and of blob files. Whatever is
 * damaged, a run returns exactly what an uncached run computes: a damaged
 * result is a miss with one warning, a damaged file is a clear CacheError or
 * an uncached run with a warning, never a crash and never a wrong value.
 *
 * Seeded: a failure prints its seed; WEFT_CORRUPTION_SEED=<seed> repeats it.
 * A damage that a seed found once is made again directly below, every run.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Builder, CacheError, type Driver } from "../../mod.ts";
import * as flow from "./fixtures/corruption-flow.ts";
import { damageResultIndexEntry, duplicateResults, integrityOf, tempDir } from "./_helpers.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";

const tmp = tempDir("corruption");
afterAll(tmp.remove);
const SEED = Number(process.env.WEFT_CORRUPTION_SEED ?? Date.now() % 2 ** 31);
const TRIALS = 200;
const NODES = Object.keys(flow) as (keyof typeof flow)[];

/** mulberry32: small, fast and good enough to pick offsets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function driver(path: string, warnings: string[]): Promise<Driver> {
  return new Builder().withModules(flow).withCache({ path }).withWarnings((w) => void warnings.push(w.message)).build();
}

/** Every file of a cache directory, relative to it. */
function filesOf(dir: string, sub = ""): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesOf(dir, join(sub, d.name)) : [join(sub, d.name)]);
}

function copyDir(from: string, to: string): void {
  for (const f of filesOf(from)) {
    mkdirSync(join(to, f, ".."), { recursive: true });
    copyFileSync(join(from, f), join(to, f));
  }
}

/** Flips `count` random bytes of `file` (each to a different value); returns the offsets. */
function flip(file: string, count: number, random: () => number): number[] {
  const bytes = readFileSync(file);
  const offsets = Array.from({ length: count }, () => Math.floor(random() * bytes.length));
  for (const at of offsets) bytes[at]! ^= 1 + Math.floor(random() * 255);
  writeFileSync(file, bytes);
  return offsets;
}

describe("a cache damaged at random", () => {
  test(`${TRIALS} trials of flipped bytes in the database, its WAL and blob files never give a wrong value (seed ${SEED})`, async () => {
    console.log(`corruption test seed: ${SEED} (repeat with WEFT_CORRUPTION_SEED=${SEED})`);
    const random = prng(SEED);
    // The truth: the same flow uncached, for the two inputs the caches hold.
    await using plain = await new Builder().withModules(flow).build();
    const expected: Record<1 | 2, Record<string, unknown>> = { 1: await plain.execute(NODES, { inputs: { n: 1 } }), 2: await plain.execute(NODES, { inputs: { n: 2 } }) };

    // A cache folded into its database file (closed: the WAL was checkpointed), and one with a WAL
    // (copied while its driver was open, as a killed process leaves it).
    const folded = join(tmp.dir, "folded");
    const warnings: string[] = [];
    {
      await using dr = await driver(join(folded, "weft.db"), warnings);
      await dr.execute(NODES, { inputs: { n: 1 } });
    }
    const withWal = join(tmp.dir, "with-wal");
    {
      copyDir(folded, withWal);
      await using dr = await driver(join(withWal, "weft.db"), warnings);
      expect(Bun.deepEquals(await dr.execute(NODES, { inputs: { n: 2 } }), expected[2], true)).toBe(true);
      copyDir(withWal, join(tmp.dir, "with-wal-copy"));
    }
    expect(warnings).toEqual([]);
    expect(existsSync(join(tmp.dir, "with-wal-copy", "weft.db-wal"))).toBe(true);
    const blobs = filesOf(folded).filter((f) => f.startsWith("blobs"));
    expect(blobs.length).toBeGreaterThanOrEqual(2);

    const outcomes = { allHits: 0, damagedMisses: 0, uncachedRuns: 0, openErrors: 0 };
    const started = performance.now();
    for (let trial = 0; trial < TRIALS; trial++) {
      const kind = trial % 5 < 3 ? "db" : trial % 5 === 3 ? "wal" : "blob";
      const dir = join(tmp.dir, `t${trial}`);
      copyDir(kind === "wal" ? join(tmp.dir, "with-wal-copy") : folded, dir);
      const target = kind === "blob" ? join(dir, blobs[Math.floor(random() * blobs.length)]!) : join(dir, kind === "wal" ? "weft.db-wal" : "weft.db");
      const offsets = flip(target, 1 + Math.floor(random() * 3), random);
      const where = `trial ${trial} (seed ${SEED}): ${kind} bytes ${offsets.join(", ")} of ${statSync(target).size}`;

      const seen: string[] = [];
      let dr: Driver;
      try {
        dr = await driver(join(dir, "weft.db"), seen);
      } catch (e) {
        // Only a clear CacheError that names the file and says how to start over.
        expect(e, where).toBeInstanceOf(CacheError);
        expect((e as Error).message, where).toStartWith(`Cannot open the cache "${join(dir, "weft.db")}": the file `);
        expect((e as Error).message, where).toEndWith(`run "weft cache clear --db ${join(dir, "weft.db")}" to start an empty cache`);
        outcomes.openErrors++;
        continue;
      }
      try {
        for (const n of kind === "wal" ? [1, 2] as const : [1] as const) {
          const got: Record<string, unknown> = await dr.execute(NODES, { inputs: { n } });
          for (const name of NODES) {
            if (!Bun.deepEquals(got[name], expected[n][name], true)) {
              throw new Error(`wrong value for "${name}" in ${where}: ${Bun.inspect(got[name])}, expected ${Bun.inspect(expected[n][name])}`);
            }
          }
        }
        // A result found damaged is named in one warning, once.
        const damaged = seen.filter((m) => m.startsWith("Cache miss for "));
        expect(new Set(damaged).size, where).toBe(damaged.length);
        for (const m of damaged) expect(m, where).toMatch(/^Cache miss for "\w+": The cached result [0-9a-f]{12} cannot be used: .+; it will be recomputed$/);
        if (seen.length === 0) outcomes.allHits++;
        else if (damaged.length === seen.length) outcomes.damagedMisses++;
        else outcomes.uncachedRuns++;
        // A second run is right too, and finds nothing damaged that the first run saw (it was dropped and stored again).
        if (damaged.length === seen.length) {
          const again: string[] = [];
          await dr.close();
          dr = await driver(join(dir, "weft.db"), again);
          expect(Bun.deepEquals(await dr.execute(NODES, { inputs: { n: 1 } }), expected[1], true), where).toBe(true);
          expect(again, where).toEqual([]);
        }
      } finally {
        await dr.close();
      }
    }
    console.log(`corruption outcomes over ${TRIALS} trials in ${Math.round(performance.now() - started)} ms:`, outcomes);
    // The trials did reach the cache's contents, not only bytes nobody reads.
    expect(outcomes.damagedMisses + outcomes.uncachedRuns + outcomes.openErrors).toBeGreaterThan(0);
  }, 60_000);
});

describe("a cache damaged as seeds found it once", () => {
  // Seed 826618724, trial 110: one byte of the index of results (the primary key of cache_results) became 0xC3,
  // the second character of a data version whose neighbour shares its first one, so the entry sorted after that
  // neighbour and no longer held its data version. The row it stood for could not be found (a silent miss), the
  // run stored the result again as a second row under the same data version, and from then on a lookup of the
  // neighbour reached that row (a damaged result, every run) while REINDEX failed on the two rows.
  test("an entry of the index of results that sorts after its neighbour is found again and never stored twice (seed 826618724, trial 110)", async () => {
    await using plain = await new Builder().withModules(flow).build();
    const expected: Record<string, unknown> = await plain.execute(NODES, { inputs: { n: 1 } });
    const path = join(tmp.dir, "seed-826618724", "weft.db");
    const warnings: string[] = [];
    {
      await using dr = await driver(path, warnings);
      await dr.execute(NODES, { inputs: { n: 1 } });
    }
    const db = openBunSqlite(path);
    const versions = db.prepare("SELECT data_version AS dv FROM cache_results ORDER BY data_version").all().map((r) => r.dv as string);
    db.close();
    // More results than hex digits: two neighbours share a first character.
    const i = versions.findIndex((dv, j) => j + 1 < versions.length && dv[0] === versions[j + 1]![0]);
    expect(i).toBeGreaterThanOrEqual(0);
    damageResultIndexEntry(path, versions[i]!, 1);
    expect(integrityOf(path)).not.toEqual(["ok"]);

    for (const run of [1, 2]) {
      await using dr = await driver(path, warnings);
      const got: Record<string, unknown> = await dr.execute(NODES, { inputs: { n: 1 } });
      for (const name of NODES) expect(Bun.deepEquals(got[name], expected[name], true), `"${name}" in run ${run}`).toBe(true);
    }
    // No result was found damaged, in either run: the index was rebuilt from the table at the first lookup it failed.
    expect(warnings).toEqual([]);
    expect(duplicateResults(path)).toEqual([]);
    expect(integrityOf(path)).toEqual(["ok"]);
  });
});
