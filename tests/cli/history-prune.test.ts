/** `weft history prune` on database files: by count and age, dry runs, runs in flight, bad command lines, the cache afterwards. */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSqliteRunStore } from "../../history/open-sqlite-run-store.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import { currentProcess } from "../../runtime/shared/processes.ts";
import { tempDir } from "../cache/_helpers.ts";
import { startOf } from "../history/run-store.contract.ts";
import { weft } from "./_host.ts";

const tmp = tempDir("cli-prune");
afterAll(tmp.remove);
const DAY = 86_400_000;
let n = 0;

/** A database of `count` finished runs, run i started i days ago (and i ms, so the order is fixed). */
function history(count: number, extra: (store: ReturnType<typeof open>) => void = () => {}): string {
  const path = join(tmp.dir, `db${n++}`, "weft.db");
  const store = open(path);
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const id = `run-${String(i).padStart(2, "0")}`;
    const start = now - i * DAY - i;
    store.write({
      starts: [startOf(id, start)],
      nodes: [{ runId: id, node: "a", item: "", status: "succeeded", start, end: start + 1, duration: 1, executor: "in-process", batch: 1 }],
      progress: [{ id, at: start + 1, batch: 1, done: 1, failed: 0, hits: 0 }],
      ends: [{ id, end: start + 2, status: "succeeded" }],
    });
  }
  extra(store);
  store.close();
  return path;
}

function open(path: string) {
  const opened = openSqliteRunStore(path, bunCacheDrivers, { alive: () => true });
  if (opened.status !== "open") throw new Error(opened.reason);
  return opened.store;
}

const ids = (path: string) => {
  const store = open(path);
  try {
    return store.listRuns({ limit: 500 }).runs.map((r) => r.id);
  } finally {
    store.close();
  }
};

describe("weft history prune", () => {
  test("--keep-runs keeps the newest runs and prints what went", async () => {
    const path = history(50);
    const res = await weft(tmp.dir, "history", "prune", "--keep-runs", "10", "--db", path);
    expect(res).toMatchObject({ code: 0, stderr: "" });
    expect(res.stdout).toMatch(/^Removed 40 runs beyond the newest 10, 40 node records, 0 graphs, 0 cache run records(; [\d.]+ (B|KiB|MiB) of the file free for reuse)?\n10 runs left in the history\n$/);
    expect(ids(path)).toEqual(Array.from({ length: 10 }, (_, i) => `run-${String(i).padStart(2, "0")}`));
  });

  test("--older-than removes runs started longer ago, by their recorded start", async () => {
    const path = history(50);
    const res = await weft(tmp.dir, "history", "prune", "--older-than", "30d", "--db", path, "--json");
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    // Runs 0..30 started at most 30 days (and 30 ms) ago: run 30 is just over.
    expect(report).toMatchObject({ olderThanMs: 30 * DAY, dryRun: false, nodes: 20, inFlight: [], remaining: 30 });
    expect(report.runs).toEqual(Array.from({ length: 20 }, (_, i) => `run-${30 + i}`));
    expect(ids(path).length).toBe(30);
  });

  test("--dry-run reports what would go and removes nothing", async () => {
    const path = history(20);
    const res = await weft(tmp.dir, "history", "prune", "--keep-runs", "15", "--older-than", "12h", "--dry-run", "--db", path);
    expect(res).toEqual({
      code: 0, stderr: "",
      stdout: "Would remove 19 runs beyond the newest 15 or older than 12 h, 19 node records, 0 graphs, 0 cache run records (--dry-run: nothing removed)\n1 run left in the history\n",
    });
    expect(ids(path).length).toBe(20);
  });

  test("a run still running is kept and named", async () => {
    const self = currentProcess();
    const path = history(3, (store) => store.write({ starts: [startOf("live", Date.now() - 90 * DAY, self)], nodes: [], progress: [], ends: [] }));
    const res = await weft(tmp.dir, "history", "prune", "--keep-runs", "0", "--db", path);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Kept 1 run still running: live\n1 run left in the history\n");
    expect(ids(path)).toEqual(["live"]);
  });

  test("exits 2 without a limit and for malformed values", async () => {
    const path = history(1);
    const cases: [string[], string][] = [
      [[], 'weft: Cannot prune the run history: no limit given; pass --keep-runs, --older-than or both, such as "weft history prune --keep-runs 100"\n'],
      [["--keep-runs", "ten"], 'weft: Option "--keep-runs" must be a whole number of runs, got "ten"\n'],
      [["--keep-runs", "-1"], 'weft: Option "--keep-runs" must be a whole number of runs, got "-1"\n'],
      [["--older-than", "30 days"], 'weft: Option "--older-than" must be a duration such as 30s, 10m, 12h or 7d, got "30 days"\n'],
    ];
    for (const [args, stderr] of cases) {
      expect(await weft(tmp.dir, "history", "prune", ...args, "--db", path)).toEqual({ code: 2, stdout: "", stderr });
    }
    expect(ids(path).length).toBe(1);
  });

  test("a missing database is named, not created", async () => {
    const res = await weft(tmp.dir, "history", "prune", "--keep-runs", "1", "--db", "none/weft.db");
    expect(res.code).toBe(1);
    expect(res.stderr).toStartWith(`weft: There is no run history at "${join(tmp.dir, "none/weft.db")}"`);
  });

  test("after a prune, weft cache explain of a kept run works, a pruned run is unknown, and a re-run hits every node", async () => {
    const db = join(tmp.dir, "flow", "weft.db");
    writeFileSync(join(tmp.dir, "flow.ts"), "export const doubled = (n: number) => n * 2;\nexport const total = (doubled: number) => doubled + 1;\n");
    for (const n of [1, 2, 1]) expect((await weft(tmp.dir, "run", "flow.ts", "-o", "total", "-i", `n=${n}`, "--cache", "--db", db)).code).toBe(0);
    const pruned = JSON.parse((await weft(tmp.dir, "history", "prune", "--keep-runs", "1", "--db", db, "--json")).stdout);
    expect(pruned).toMatchObject({ nodes: 4, cacheRecords: 2, remaining: 1 });
    expect((await weft(tmp.dir, "cache", "explain", "total", "--db", db)).stdout).toMatch(/^total in run [0-9a-f-]{36}: hit: reused the result computed in run /);
    const gone = await weft(tmp.dir, "cache", "explain", "total", "--run", pruned.runs[0], "--db", db);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain("was pruned from the history (weft history prune)");
    for (const n of [1, 2]) expect((await weft(tmp.dir, "run", "flow.ts", "-o", "total", "-i", `n=${n}`, "--cache", "--db", db)).code).toBe(0);
    const store = open(db);
    const [last, before] = store.listRuns().runs;
    expect([last!.hits, before!.hits]).toEqual([2, 2]);
    store.close();
  });
});
