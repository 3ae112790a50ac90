/** Bad input and faults, on real files: damaged blobs, damaged databases, a read-only directory. */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCache as openCacheOf } from "../../cache/open-cache.ts";
import { openSqliteCache } from "../../cache/sqlite/open-sqlite-cache.ts";
import type { StoreCache } from "../../cache/store-cache.ts";
import { CacheError } from "../../lib/errors.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { ResultIndex } from "../../cache/sqlite/result-index.ts";
import type { SqliteDatabase } from "../../lib/ports/sqlite.ts";
import { rebuildIndexes } from "../../sqlite/rebuild-indexes.ts";
import { damageFirstCellPointer, damageResultIndexEntry, duplicateResults, integrityOf, partsOf, runNode, sqliteCache as sqliteCacheOf, tempDir } from "./_helpers.ts";

// These tests damage the file and read it again through the same cache: its warm set, which would serve the
// checked bytes it holds from memory (tests/cache/warm-set.test.ts), is off, so every read reaches the file.
const sqliteCache: typeof sqliteCacheOf = (path, options = {}) => sqliteCacheOf(path, { memoryBytes: 0, ...options });
const openCache: typeof openCacheOf = (options, drivers, warn) => openCacheOf({ memoryBytes: 0, ...options }, drivers, warn);

const tmp = tempDir("faults");
afterAll(tmp.remove);
const big = () => new Float64Array(10_000).map((_, i) => i * 1.5);

/** The only blob file under `dir`. */
function blobFile(dir: string): string {
  const sub = readdirSync(join(dir, "blobs"))[0]!;
  return join(dir, "blobs", sub, readdirSync(join(dir, "blobs", sub))[0]!);
}

describe("damaged blob files", () => {
  for (const [name, damage] of [
    ["deleted", (f: string) => rmSync(f)],
    ["truncated", (f: string) => truncateSync(f, statSync(f).size - 8)],
    ["altered in place", (f: string) => {
      const bytes = readFileSync(f);
      bytes[bytes.length - 3]! ^= 0xff;
      writeFileSync(f, bytes);
    }],
  ] as const) {
    test(`a blob file ${name} behind the cache's back is a miss with one warning, never a wrong value`, () => {
      const dir = join(tmp.dir, `blob-${name.replaceAll(" ", "-")}`);
      const { cache, warnings } = sqliteCache(join(dir, "weft.db"), { inlineLimit: 1024 });
      runNode(cache, "r1", partsOf("series", 1), big);
      damage(blobFile(dir));
      const second = runNode(cache, "r2", partsOf("series", 1), big);
      expect(second.hit).toBe(false);
      expect(second.value).toEqual(big());
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^Cache miss for "series": The cached result [0-9a-f]{12} cannot be used: its blob file ".*" (is missing|has \d+ bytes, not \d+|does not hold the value it was stored with); it will be recomputed$/);
      expect(cache.explain("series").message).toBe("miss: its cached result was damaged");
      // The damaged result was forgotten and stored again.
      expect(runNode(cache, "r3", partsOf("series", 1), () => 0)).toEqual({ value: big(), hit: true });
      cache.close();
    });
  }

  test("a blob file of a nested value that no longer decodes is a miss", () => {
    const dir = join(tmp.dir, "blob-nested");
    const { cache, warnings } = sqliteCache(join(dir, "weft.db"), { inlineLimit: 64 });
    const value = () => ({ rows: Array.from({ length: 50 }, (_, i) => ({ i, name: `row ${i}` })) });
    runNode(cache, "r1", partsOf("rows", 1), value);
    writeFileSync(blobFile(dir), new Uint8Array([1, 0xc1, 0xc1, 0xc1]));
    expect(runNode(cache, "r2", partsOf("rows", 1), value).hit).toBe(false);
    expect(warnings[0]).toContain("cannot be used: its blob file");
    cache.close();
  });
});

describe("damaged inline results", () => {
  /** Rewrites the stored bytes of every inline result with `damage`, through a second connection. */
  function damageInline(path: string, damage: (bytes: Uint8Array) => Uint8Array | string | null): void {
    const db = openBunSqlite(path);
    const rows = db.prepare("SELECT data_version AS dv, inline FROM cache_results WHERE inline IS NOT NULL").all();
    for (const row of rows) db.prepare("UPDATE cache_results SET inline = ? WHERE data_version = ?").run(damage(row.inline as Uint8Array) as Uint8Array, row.dv as string);
    db.close();
  }

  /** Both read paths: the one-query lookup openCache() wires in, and entry then result. */
  const caches = {
    "openCache()": (path: string) => {
      const warnings: string[] = [];
      mkdirSync(join(path, ".."), { recursive: true });
      return { cache: openCache({ path }, bunCacheDrivers, (m) => void warnings.push(m)) as StoreCache, warnings };
    },
    "two queries": (path: string) => sqliteCache(path),
  };

  for (const [how, open] of Object.entries(caches)) for (const [name, damage] of [
    ["with one bit flipped", (b: Uint8Array) => {
      const copy = b.slice();
      copy[copy.length - 2]! ^= 0x01;
      return copy;
    }],
    ["truncated", (b: Uint8Array) => b.slice(0, b.length - 3)],
    ["replaced by text", () => "not bytes"],
    ["gone (NULL)", () => null],
  ] as const) {
    test(`an inline result ${name} is a miss with one warning naming the node, then stored again (${how})`, () => {
      const path = join(tmp.dir, `inline-${how}-${name}`.replace(/\W+/g, "-"), "weft.db");
      const value = () => ({ name: "Ada", scores: [1, 2, 3], joined: new Date(5) });
      const { cache, warnings } = open(path);
      runNode(cache, "r1", partsOf("person", 1), value);
      damageInline(path, damage);
      expect(runNode(cache, "r2", partsOf("person", 1), value)).toEqual({ value: value(), hit: false });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^Cache miss for "person": The cached result [0-9a-f]{12} cannot be used: its stored bytes (do not hold the value they were stored with|cannot be decoded \(.+\)|are missing); it will be recomputed$/);
      expect(runNode(cache, "r3", partsOf("person", 1), () => 0)).toEqual({ value: value(), hit: true });
      cache.close();
    });
  }

  // Seed 1772721296 of the corruption test, trial 7: one flipped byte altered the key of an entry in its row, one the
  // bytes of its result. The entry was not found (a miss that reads no result), and the store of the value computed
  // again found the row of its data version there and kept it: the next run met the damage.
  for (const [how, open] of Object.entries(caches)) {
    test(`a store replaces stored bytes that no longer hold their value, also when no read has met them yet (${how})`, () => {
      const path = join(tmp.dir, `inline-unread-${how}`.replace(/\W+/g, "-"), "weft.db");
      const value = () => ({ name: "Ada", scores: [1, 2, 3] });
      const { cache, warnings } = open(path);
      runNode(cache, "r1", partsOf("person", 1), value);
      damageInline(path, (b) => b.slice(0, b.length - 1));
      const db = openBunSqlite(path);
      db.exec("DELETE FROM cache_entries");
      db.close();
      expect(runNode(cache, "r2", partsOf("person", 1), value)).toEqual({ value: value(), hit: false });
      expect(runNode(cache, "r3", partsOf("person", 1), () => 0)).toEqual({ value: value(), hit: true });
      expect(warnings).toEqual([]);
      cache.close();
    });
  }

  test("a damaged result is dropped with its entries at the lookup that finds it", () => {
    const path = join(tmp.dir, "inline-dropped", "weft.db");
    const { cache, warnings } = sqliteCache(path);
    runNode(cache, "r1", partsOf("a", 1), () => [1, 2, 3]);
    runNode(cache, "r1", partsOf("b", 1), () => [1, 2, 3]);
    damageInline(path, (b) => b.slice(0, b.length - 1));
    expect(cache.lookup(partsOf("a", 1))).toMatchObject({ hit: false, reason: "its cached result was damaged" });
    // "b" pointed to the same result: its entry went too, and nothing was stored again yet.
    expect(cache.lookup(partsOf("b", 1))).toMatchObject({ hit: false });
    const db = openBunSqlite(path);
    expect(db.prepare("SELECT count(*) AS n FROM cache_entries").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT count(*) AS n FROM cache_results").get()).toEqual({ n: 0 });
    db.close();
    expect(warnings).toHaveLength(1);
    cache.close();
  });

  test("a result row whose data_version column was altered is not returned for another data version", () => {
    const path = join(tmp.dir, "inline-swapped", "weft.db");
    const { cache, warnings } = sqliteCache(path);
    runNode(cache, "r1", partsOf("a", 1), () => "value of a");
    runNode(cache, "r1", partsOf("b", 1), () => "value of b");
    // The two results swap their data versions: each entry now finds the other node's bytes.
    const db = openBunSqlite(path);
    const [x, y] = db.prepare("SELECT data_version AS dv FROM cache_results ORDER BY data_version").all().map((r) => r.dv as string);
    db.exec(`UPDATE cache_results SET data_version = 'tmp' WHERE data_version = '${x}'`);
    db.exec(`UPDATE cache_results SET data_version = '${x}' WHERE data_version = '${y}'`);
    db.exec(`UPDATE cache_results SET data_version = '${y}' WHERE data_version = 'tmp'`);
    db.close();
    expect(runNode(cache, "r2", partsOf("a", 1), () => "value of a")).toEqual({ value: "value of a", hit: false });
    expect(runNode(cache, "r2", partsOf("b", 1), () => "value of b")).toEqual({ value: "value of b", hit: false });
    expect(warnings.map((w) => w.slice(0, w.indexOf(":")))).toEqual(['Cache miss for "a"', 'Cache miss for "b"']);
    cache.close();
  });
});

describe("a damaged index", () => {
  test("a key index that points to another entry's row is rebuilt, never answered with that entry's value", () => {
    const path = join(tmp.dir, "index-swapped", "weft.db");
    const first = sqliteCache(path);
    for (const node of ["first", "a", "b"]) runNode(first.cache, "r1", partsOf(node, 1), () => `value of ${node}`);
    first.cache.close();
    // Swap the row ids of "a" and "b" (2 and 3) in the primary-key index, as a flipped bit could: each
    // record is [header 04 81 0d 01][64-character key][1-byte row id] (row id 1 has no byte: serial type 9).
    const db = openBunSqlite(path);
    const rows = db.prepare("SELECT rowid AS id, cache_key AS key FROM cache_entries WHERE rowid > 1 ORDER BY rowid").all() as { id: number; key: string }[];
    db.close();
    const bytes = readFileSync(path);
    const at = (key: string) => {
      const record = Buffer.concat([Buffer.from([0x04, 0x81, 0x0d, 0x01]), Buffer.from(key)]);
      const i = bytes.indexOf(record);
      expect(i).toBeGreaterThan(0);
      return i + record.length;
    };
    const [a, b] = [at(rows[0]!.key), at(rows[1]!.key)];
    expect([bytes[a], bytes[b]]).toEqual([rows[0]!.id, rows[1]!.id]);
    [bytes[a], bytes[b]] = [bytes[b]!, bytes[a]!];
    writeFileSync(path, bytes);

    for (const make of [() => sqliteCache(path), () => {
      const warnings: string[] = [];
      return { cache: openCache({ path }, bunCacheDrivers, (m) => void warnings.push(m)) as StoreCache, warnings };
    }]) {
      const { cache, warnings } = make();
      expect(runNode(cache, "r2", partsOf("a", 1), () => "value of a")).toEqual({ value: "value of a", hit: true });
      expect(runNode(cache, "r2", partsOf("b", 1), () => "value of b")).toEqual({ value: "value of b", hit: true });
      expect(warnings).toEqual([]);
      cache.close();
    }
  });

  test("a result index that points to another result's row is rebuilt and read again, never answered with that result's value", () => {
    const path = join(tmp.dir, "result-index-swapped", "weft.db");
    // Two results without entries first: the row ids of the results of "a" and "b" (4, 5) then differ from
    // those of their entries (2, 3), whose data_version index has records of the same shape.
    const opened = openSqliteCache(path, bunCacheDrivers);
    if (opened.status !== "open") throw new Error(opened.reason);
    opened.results.putMany(["extra 1", "extra 2"].map((v) => ({ dataVersion: partsOf("x", v).inputs.x!, value: v })));
    opened.metadata.close();
    opened.results.close();
    const first = sqliteCache(path);
    for (const node of ["first", "a", "b"]) runNode(first.cache, "r1", partsOf(node, 1), () => `value of ${node}`);
    first.cache.close();
    const db = openBunSqlite(path);
    const rows = db.prepare("SELECT rowid AS id, data_version AS dv FROM cache_results WHERE rowid > 3 ORDER BY rowid").all() as { id: number; dv: string }[];
    db.close();
    expect(rows.map((r) => r.id)).toEqual([4, 5]);
    const bytes = readFileSync(path);
    const at = (dv: string, id: number) => {
      const record = Buffer.concat([Buffer.from([0x04, 0x81, 0x0d, 0x01]), Buffer.from(dv)]);
      for (let i = bytes.indexOf(record); i >= 0; i = bytes.indexOf(record, i + 1)) if (bytes[i + record.length] === id) return i + record.length;
      throw new Error(`no index record for ${dv}`);
    };
    const [a, b] = [at(rows[0]!.dv, 4), at(rows[1]!.dv, 5)];
    [bytes[a], bytes[b]] = [bytes[b]!, bytes[a]!];
    writeFileSync(path, bytes);

    const { cache, warnings } = sqliteCache(path);
    // The read of "a" reaches the row of "b", fails its check, and is made again through the rebuilt index: the
    // bytes of "a" were never damaged, so it is a hit (a miss here would be a needless one, and forever if nothing
    // could replace the row).
    expect(runNode(cache, "r2", partsOf("a", 1), () => "computed again")).toEqual({ value: "value of a", hit: true });
    // The rebuilt index repaired "b" too.
    expect(runNode(cache, "r2", partsOf("b", 1), () => "computed again")).toEqual({ value: "value of b", hit: true });
    expect(warnings).toEqual([]);
    cache.close();
    expect(duplicateResults(path)).toEqual([]);
    expect(integrityOf(path)).toEqual(["ok"]);
  });
});

describe("a result the index of results hides", () => {
  /** A closed cache of three results whose smallest data version's index entry sorts after all others (first character 0xC3). */
  function hiddenResult(name: string): string {
    const path = join(tmp.dir, name, "weft.db");
    const first = sqliteCache(path);
    for (const node of ["first", "a", "b"]) runNode(first.cache, "r1", partsOf(node, 1), () => `value of ${node}`);
    first.cache.close();
    const db = openBunSqlite(path);
    const smallest = db.prepare("SELECT min(data_version) AS dv FROM cache_results").get()!.dv as string;
    db.close();
    damageResultIndexEntry(path, smallest, 0);
    return path;
  }

  for (const [how, open] of [
    ["openCache()", (path: string) => {
      const warnings: string[] = [];
      return { cache: openCache({ path }, bunCacheDrivers, (m) => void warnings.push(m)) as StoreCache, warnings };
    }],
    ["two queries", (path: string) => sqliteCache(path)],
  ] as const) {
    test(`a result whose index entry no longer holds its data version is found once the index is rebuilt, and never stored twice (${how})`, () => {
      const path = hiddenResult(`hidden-${how.replace(/\W+/g, "-")}`);
      const { cache, warnings } = open(path);
      for (const node of ["first", "a", "b"]) expect(runNode(cache, "r2", partsOf(node, 1), () => `value of ${node}`)).toEqual({ value: `value of ${node}`, hit: true });
      expect(warnings).toEqual([]);
      cache.close();
      expect(duplicateResults(path)).toEqual([]);
      expect(integrityOf(path)).toEqual(["ok"]);
    });
  }

  test("rebuildIndexes() keeps the newest of two rows a damaged unique index let in under one key, where REINDEX fails", () => {
    const path = hiddenResult("hidden-stored-twice");
    const db = openBunSqlite(path);
    // As a store that did not check the index did: the uniqueness check goes through the damaged index and misses.
    const hidden = db.prepare("SELECT data_version AS dv, size, inline, created_at AS at FROM cache_results NOT INDEXED ORDER BY data_version LIMIT 1").get()!;
    db.prepare("INSERT INTO cache_results (data_version, size, inline, file, created_at) VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING")
      .run(hidden.dv as string, hidden.size as number, hidden.inline as Uint8Array, (hidden.at as number) + 1);
    const newest = Number(db.prepare("SELECT max(rowid) AS id FROM cache_results").get()!.id);
    expect(() => db.exec("REINDEX cache_results")).toThrow(/UNIQUE constraint failed/);
    expect(rebuildIndexes(db, "cache_results", "data_version")).toBe(1);
    expect(db.prepare("SELECT rowid AS id FROM cache_results WHERE data_version = ?").all(hidden.dv as string)).toEqual([{ id: newest }]);
    db.close();
    expect(integrityOf(path)).toEqual(["ok"]);
    const { cache, warnings } = sqliteCache(path);
    for (const node of ["first", "a", "b"]) expect(runNode(cache, "r2", partsOf(node, 1), () => 0)).toEqual({ value: `value of ${node}`, hit: true });
    expect(warnings).toEqual([]);
    cache.close();
  });
  test("ResultIndex.rebuild() that fails is a CacheError naming the file and how to reset it, and false on a full disk", () => {
    const path = hiddenResult("rebuild-fails");
    const real = openBunSqlite(path);
    let failure = new Error("database disk image is malformed");
    // The file's own REINDEX would work: only the failure is made up.
    const db: SqliteDatabase = { ...real, exec: (text) => { if (text.startsWith("REINDEX")) throw failure; real.exec(text); } };
    const index = new ResultIndex(db, path);
    expect(() => index.rebuild("the index of results hides 0123456789ab")).toThrow(new CacheError(
      `Cannot read the cache "${path}": the file is damaged (the index of results hides 0123456789ab, and the index cannot be rebuilt: database disk image is malformed); delete "${path}" (with its -wal and -shm files) or run "weft cache clear --db ${path}" to start an empty cache`,
    ));
    failure = new Error("database or disk is full");
    expect(index.rebuild("the index of results hides 0123456789ab")).toBe(false);
    real.close();
  });
});

describe("a damaged index page found by a write", () => {
  // Seed 2049960264 of the corruption test, trial 170: a cell pointer of the index of run records out of range
  // (there 10 bytes before the cell area, which the second write tripped over; here 2, which every write does).
  // Lookups never reach that index; the write of a later run did, failed (malformed), and so did every run after.
  test("a write that finds an index page damaged rebuilds the indexes and writes again, so later runs are cached", () => {
    const path = join(tmp.dir, "runs-index-page", "weft.db");
    const first = sqliteCache(path);
    runNode(first.cache, "r1", partsOf("a", 1), () => "value of a");
    first.cache.close();
    damageFirstCellPointer(path, "cache_runs_run", 2);
    expect(integrityOf(path)).not.toEqual(["ok"]);
    const { cache, warnings } = sqliteCache(path);
    for (const run of ["r2", "r3", "r4"]) {
      expect(runNode(cache, run, partsOf("a", 1), () => 0)).toEqual({ value: "value of a", hit: true });
      expect(runNode(cache, run, partsOf(`b${run}`, 1), () => `value of b in ${run}`)).toEqual({ value: `value of b in ${run}`, hit: false });
    }
    expect(warnings).toEqual([]);
    expect(runNode(cache, "r5", partsOf("br4", 1), () => 0)).toEqual({ value: "value of b in r4", hit: true });
    cache.close();
    expect(integrityOf(path)).toEqual(["ok"]);
  });
});

describe("damaged database files", () => {
  test("openSqliteCache() rejects a file that is not SQLite, naming it and how to reset it", () => {
    const path = join(tmp.dir, "text", "weft.db");
    mkdirSync(join(tmp.dir, "text"));
    writeFileSync(path, "this is a text file, not a cache\n".repeat(10));
    expect(() => openSqliteCache(path, bunCacheDrivers)).toThrow(new CacheError(
      `Cannot open the cache "${path}": the file is not a SQLite database; delete "${path}" (with its -wal and -shm files) or run "weft cache clear --db ${path}" to start an empty cache`,
    ));
  });

  test("a truncated database is a CacheError naming the file and how to reset it", () => {
    const path = join(tmp.dir, "truncated", "weft.db");
    const { cache } = sqliteCache(path);
    for (let i = 0; i < 300; i++) runNode(cache, `r${i}`, partsOf(`node${i}`, i), () => `value ${i} `.repeat(50));
    cache.close();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    let error: unknown;
    try {
      const opened = openSqliteCache(path, bunCacheDrivers);
      if (opened.status === "open") for (let i = 0; i < 300; i++) opened.metadata.latest(`node${i}`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheError);
    expect((error as Error).message).toStartWith(`Cannot open the cache "${path}": the file is damaged (`);
    expect((error as Error).message).toEndWith(`delete "${path}" (with its -wal and -shm files) or run "weft cache clear --db ${path}" to start an empty cache`);
  });
});

/** Makes `dir` read-only for this process, also as root (which ignores permission bits); returns the undo. */
function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    // The immutable attribute binds root too (ext4 and most Linux file systems).
    for (const p of [dir, ...readdirSync(dir).map((f) => join(dir, f))]) Bun.spawnSync(["chattr", "+i", p]);
    return () => {
      for (const p of [dir, ...readdirSync(dir).map((f) => join(dir, f))]) Bun.spawnSync(["chattr", "-i", p]);
    };
  }
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o444);
  chmodSync(dir, 0o555);
  return () => {
    chmodSync(dir, 0o755);
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  };
}

describe("a read-only cache directory", () => {
  test("openSqliteCache() reports the cache unavailable instead of failing", () => {
    const dir = join(tmp.dir, "readonly");
    const { cache } = sqliteCache(join(dir, "weft.db"));
    runNode(cache, "r1", partsOf("a", 1), () => 1);
    cache.close();
    const undo = makeReadOnly(dir);
    try {
      // The check is meaningful only when the directory really is read-only here.
      expect(() => writeFileSync(join(dir, "probe"), "x")).toThrow();
      const opened = openSqliteCache(join(dir, "weft.db"), bunCacheDrivers);
      expect(opened).toMatchObject({ status: "unavailable", path: join(dir, "weft.db") });
      expect((opened as { reason: string }).reason).toStartWith(`the cache directory "${dir}" is not writable (`);
    } finally {
      undo();
    }
  });
});
