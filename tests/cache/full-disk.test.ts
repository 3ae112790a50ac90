/**
 * A real full disk: a 2 MiB tmpfs mounted for this file (the tests run as
 * root, locally and in CI), filled with a file. A disk full before a run or
 * during one means an uncached run with one warning; `weft cache gc` and
 * `weft cache clear` work on it and give the space back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statfsSync, statSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Builder, type Driver } from "../../mod.ts";
import { weft } from "../cli/_host.ts";
import * as flow from "./fixtures/corruption-flow.ts";
import { tempDir } from "./_helpers.ts";

const tmp = tempDir("full-disk");
const disk = join(tmp.dir, "disk");
const FILL = join(disk, "fill");
const NODES = Object.keys(flow) as (keyof typeof flow)[];
let mounted = false;

beforeAll(() => {
  mkdirSync(disk);
  const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk]);
  if (mount.exitCode !== 0) {
    throw new Error(`These tests need a real full disk: "mount -t tmpfs -o size=2m tmpfs ${disk}" failed (${mount.stderr.toString().trim()}); run them as root on Linux`);
  }
  mounted = true;
});
afterAll(() => {
  if (mounted) Bun.spawnSync(["umount", disk]);
  tmp.remove();
});

const free = () => {
  const s = statfsSync(disk);
  return s.bavail * s.bsize;
};

/** Fills the disk to the last byte, then gives `leave` bytes back. */
function fill(leave = 0): void {
  const fd = openSync(FILL, "a");
  const chunk = new Uint8Array(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
  if (leave > 0) truncateSync(FILL, Math.max(0, statSync(FILL).size - leave));
  expect(free()).toBeLessThanOrEqual(leave);
}
const unfill = () => rmSync(FILL, { force: true });

async function driver(path: string, warnings: string[]): Promise<Driver> {
  return new Builder().withModules(flow).withCache({ path }).withWarnings((w) => void warnings.push(w.message)).build();
}

let expected: Record<number, Record<string, unknown>>;
beforeAll(async () => {
  await using plain = await new Builder().withModules(flow).build();
  expected = { 1: await plain.execute(NODES, { inputs: { n: 1 } }), 2: await plain.execute(NODES, { inputs: { n: 2 } }) };
});

/** Runs the flow for input `n` through a cache at `path`; checks every value; returns the warnings. */
async function run(path: string, n: 1 | 2): Promise<string[]> {
  const warnings: string[] = [];
  await using dr = await driver(path, warnings);
  const got = await dr.execute(NODES, { inputs: { n } });
  expect(Bun.deepEquals(got, expected[n], true)).toBe(true);
  return warnings;
}

/** Entries and results in the database at `path`. */
function counts(path: string): { entries: number; results: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      entries: (db.query("SELECT count(*) AS n FROM cache_entries").get() as { n: number }).n,
      results: (db.query("SELECT count(*) AS n FROM cache_results").get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
}

let cases = 0;
/** A cache on the small disk holding the flow's results for n = 1 (large ones in blob files). */
async function populated(): Promise<string> {
  // The disk is small: one case's caches at a time.
  for (const f of readdirSync(disk)) rmSync(join(disk, f), { recursive: true, force: true });
  const path = join(disk, `c${cases++}`, "weft.db");
  expect(await run(path, 1)).toEqual([]);
  expect(readdirSync(join(path, "..", "blobs")).length).toBeGreaterThan(0);
  return path;
}

describe("a full disk", () => {
  test("full before a run: build() succeeds and the run is uncached with one warning", async () => {
    const path = await populated();
    const fresh = join(disk, `fresh${cases++}`, "weft.db");
    mkdirSync(join(fresh, ".."));
    fill();
    try {
      for (const p of [path, fresh]) {
        const warnings = await run(p, 2);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/^Caching is off for this driver: the disk holding the cache (directory )?".*" is full \(.+\)$/);
      }
    } finally {
      unfill();
    }
    // Not a dead cache: with room again, the same file caches and hits.
    expect(await run(path, 2)).toEqual([]);
    expect(counts(path).entries).toBe(2 * NODES.length);
  });

  test("full during a run: the rest of the run is uncached with one warning, and the next run caches again", async () => {
    const path = await populated();
    // Room to open the cache, not for the run's large results (about 180 KiB of blob files).
    fill(64 * 1024);
    let warnings: string[];
    try {
      warnings = await run(path, 2);
    } finally {
      unfill();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Cannot write to the cache, the rest of run \S+ is not cached: Cannot write the cache ".*": the disk is full \(.+\)$/);
    expect(await run(path, 2)).toEqual([]);
    expect(await run(path, 2)).toEqual([]);
    expect(counts(path).entries).toBe(2 * NODES.length);
  });

  test("weft cache gc works on a full disk and gives the space of what it removed back", async () => {
    const path = await populated();
    const blobBytes = bytesUnder(join(path, "..", "blobs"));
    fill();
    try {
      const gc = await weft(disk, "cache", "gc", "--max-bytes", "0", "--db", path);
      expect({ code: gc.code, stderr: gc.stderr }).toEqual({ code: 0, stderr: "" });
      expect(gc.stdout).toStartWith(`Removed ${NODES.length} results (`);
      expect(free()).toBeGreaterThanOrEqual(blobBytes);
      expect(bytesUnder(join(path, "..", "blobs"))).toBe(0);
      expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    } finally {
      unfill();
    }
    expect(counts(path)).toEqual({ entries: 0, results: 0 });
    expect(await run(path, 1)).toEqual([]);
  });

  test("weft cache clear works on a full disk, also with no blob file to make room, and gives the space back", async () => {
    for (const withBlobs of [true, false]) {
      const path = await populated();
      if (!withBlobs) {
        // Only rows left to delete: the delete itself must find room.
        const gc = await weft(disk, "cache", "gc", "--max-bytes", "0", "--db", path);
        expect(gc.code).toBe(0);
        expect(await run(path, 2)).toEqual([]);
        rmSync(join(path, "..", "blobs"), { recursive: true });
      }
      const before = statSync(path).size;
      fill();
      try {
        const clear = await weft(disk, "cache", "clear", "--db", path);
        expect({ code: clear.code, stdout: clear.stdout, stderr: clear.stderr }).toEqual({ code: 0, stdout: "Cleared the cache\n", stderr: "" });
        expect(bytesUnder(join(path, "..", "blobs"))).toBe(0);
        expect(statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
        if (withBlobs) expect(free()).toBeGreaterThan(0);
      } finally {
        unfill();
      }
      expect(counts(path)).toEqual({ entries: 0, results: 0 });
      // With room again, clear compacts what a full disk could not: the file gives its free pages back.
      expect((await weft(disk, "cache", "clear", "--db", path)).code).toBe(0);
      expect(statSync(path).size).toBeLessThan(before);
      const db = new Database(path, { readonly: true });
      expect(db.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
      expect(db.query("PRAGMA freelist_count").get()).toEqual({ freelist_count: 0 });
      db.close();
      expect(await run(path, 1)).toEqual([]);
      expect(counts(path).entries).toBe(NODES.length);
    }
  });
});
