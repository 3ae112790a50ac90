/** Several real processes on one cache: a writer killed with SIGKILL, and four writers at once. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openBunSqlite } from "../../runtime/bun/sqlite.ts";
import { partsOf, runNode, sqliteCache, tempDir } from "./_helpers.ts";

const tmp = tempDir("procs");
afterAll(tmp.remove);
const worker = join(import.meta.dir, "fixtures", "cache-worker.ts");

describe("a cache shared by processes", () => {
  test("after a writer is killed with SIGKILL mid-run, the database is intact and every committed batch is reused", async () => {
    const path = join(tmp.dir, "killed", "weft.db");
    const proc = Bun.spawn([process.execPath, worker, "batches", path], { stdout: "pipe", stderr: "pipe" });
    const reader = proc.stdout.getReader();
    let out = "";
    while ((out.match(/committed/g) ?? []).length < 5) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the writer stopped early: ${await new Response(proc.stderr).text()}`);
      out += new TextDecoder().decode(value);
    }
    // The writer is inside a later batch by now (it never pauses between batches).
    proc.kill("SIGKILL");
    await proc.exited;
    const committed = [...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));

    const db = openBunSqlite(path);
    expect(db.prepare("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    db.close();
    const { cache, warnings } = sqliteCache(path, { inlineLimit: 4096 });
    for (const b of committed) {
      for (let i = 0; i < 50; i++) {
        const r = runNode(cache, `check-${b}`, partsOf(`b${b}-n${i}`, i), () => "recomputed");
        expect(r.hit).toBe(true);
      }
    }
    expect(warnings).toEqual([]);
    cache.close();
  }, 30_000);

  test("four processes running the same flow at once all succeed with identical results", async () => {
    const path = join(tmp.dir, "four", "weft.db");
    const procs = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, worker, "flow", path, "200"], { stdout: "pipe", stderr: "pipe" }));
    const outcomes = await Promise.all(procs.map(async (p) => ({
      code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text(),
    })));
    for (const o of outcomes) expect({ code: o.code, err: o.err }).toEqual({ code: 0, err: "" });
    const results = outcomes.map((o) => JSON.parse(o.out) as { hits: number; digest: string });
    expect(new Set(results.map((r) => r.digest)).size).toBe(1);
    // A fifth run finds every node cached.
    const fifth = Bun.spawnSync([process.execPath, worker, "flow", path, "200"]);
    expect(JSON.parse(fifth.stdout.toString())).toEqual({ hits: 200, digest: results[0]!.digest });
  }, 60_000);
});
