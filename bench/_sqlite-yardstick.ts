/**
 * The yardstick for the cache's per-hit cost: one bun:sqlite point read by
 * primary key inside a read transaction, on a WAL file on disk, measured in
 * the same process as the cache (machines differ, ratios travel).
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Median µs of one point read (a 64-byte blob by a 64-hex-digit key), over `rounds` rounds of `n` reads each in one transaction. */
export function sqlitePointReadUs(n = 200, rounds = 31): number {
  const times = sqlitePointReadRoundsUs(n, rounds).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** µs of one point read in each of `rounds` rounds (after 5 warm-up rounds) of `n` reads in one transaction. */
export function sqlitePointReadRoundsUs(n = 200, rounds = 31): number[] {
  const dir = mkdtempSync(join(tmpdir(), "weft-yardstick-"));
  const db = new Database(join(dir, "y.db"));
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB NOT NULL)");
    const keys = Array.from({ length: n }, (_, i) => new Bun.CryptoHasher("sha256").update(String(i)).digest("hex"));
    const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    db.transaction(() => { for (const k of keys) insert.run(k, new Uint8Array(64)); })();
    const read = db.prepare("SELECT v FROM t WHERE k = ?");
    const times: number[] = [];
    for (let r = 0; r < rounds + 5; r++) {
      const t = performance.now();
      db.exec("BEGIN");
      for (const k of keys) if (read.get(k) === null) throw new Error("yardstick row missing");
      db.exec("COMMIT");
      if (r >= 5) times.push(((performance.now() - t) * 1000) / n);
    }
    return times;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
