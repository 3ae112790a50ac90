import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  Builder,
  CacheError,
  collect,
  GraphBuildError,
  node,
  parallelizable,
  type NodeEndEvent,
} from "../../mod.ts";
import * as workers from "../fixtures/workers.ts";
import { tempDir } from "./_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function cacheDir(): string {
  const { dir, remove } = tempDir("driver");
  cleanups.push(remove);
  return dir;
}

/** A module whose nodes record when they compute. */
function tracked() {
  const calls: string[] = [];
  const mod = {
    raw: (path: string) => (calls.push("raw"), path.split("")),
    cleaned: async (raw: string[]) => (calls.push("cleaned"), raw.filter((c) => c !== ".")),
    total: (cleaned: string[], offset = 1) => (calls.push("total"), cleaned.length + offset),
  };
  return { mod, calls };
}

describe("withCache()", () => {
  test("a re-run reuses every result, and a changed input recomputes only what depends on it", async () => {
    const { mod, calls } = tracked();
    const dir = cacheDir();
    await using dr = await new Builder().withModules(mod).withCache({ path: join(dir, "weft.db") }).build();
    expect(await dr.execute(["total"], { inputs: { path: "a.csv" } })).toEqual({ total: 5 });
    expect(calls.splice(0)).toEqual(["raw", "cleaned", "total"]);
    expect(await dr.execute(["total"], { inputs: { path: "a.csv" } })).toEqual({ total: 5 });
    expect(calls.splice(0)).toEqual([]);
    expect(dr.cache!.explain("raw").message).toMatch(/^hit: reused the result computed in run /);
    expect(await dr.execute(["total", "raw"], { inputs: { path: "b.tsv" } })).toEqual({ total: 5, raw: ["b", ".", "t", "s", "v"] });
    expect(calls.splice(0)).toEqual(["raw", "cleaned", "total"]);
    // A plain object of functions has no module file: explain says its code is not fully tracked.
    expect(dr.cache!.explain("raw").message).toMatch(/^miss: input "path" changed from "a.csv" \(\w+\) to "b.tsv" \(\w+\); its code is not fully tracked: its module file is unknown$/);
  });

  test("persists across drivers and processes (a new driver on the same file hits)", async () => {
    const path = join(cacheDir(), "weft.db");
    const first = tracked();
    await using a = await new Builder().withModules(first.mod).withCache({ path }).build();
    await a.execute(["total"], { inputs: { path: "x" } });
    await a.close();
    const second = tracked();
    await using b = await new Builder().withModules(second.mod).withCache({ path }).build();
    expect(await b.execute(["total"], { inputs: { path: "x" } })).toEqual({ total: 2 });
    expect(second.calls).toEqual([]);
  });

  test("editing one function recomputes it and its dependents only (notebook-style)", async () => {
    const dir = cacheDir();
    const log = join(dir, "log.txt");
    const version = (body: string) => `
      import { appendFileSync } from "node:fs";
      export const raw = (path: string) => (appendFileSync(${JSON.stringify(log)}, "raw\\n"), [1, 2, 3, path.length]);
      export const cleaned = (raw: number[]) => { appendFileSync(${JSON.stringify(log)}, "cleaned\\n"); ${body} };
      export const total = (cleaned: number[]) => (appendFileSync(${JSON.stringify(log)}, "total\\n"), cleaned.reduce((a, b) => a + b, 0));
      export const other = (raw: number[]) => (appendFileSync(${JSON.stringify(log)}, "other\\n"), raw.length);
    `;
    const run = async (file: string, body: string) => {
      writeFileSync(join(dir, file), version(body));
      const mod = await import(join(dir, file));
      writeFileSync(log, "");
      const url = pathToFileURL(join(dir, file)).href;
      await using dr = await new Builder().withModules({ name: "flow", exports: mod, url }).withCache({ path: join(dir, "weft.db") }).build();
      const r = await dr.execute(["total", "other"], { inputs: { path: "abcd" } });
      const computed = readFileSync(log, "utf8").trim().split("\n").filter(Boolean).sort();
      return { r, computed, explain: dr.cache!.explain("cleaned").message };
    };
    const v1 = await run("flow1.ts", "return raw.filter((x) => x > 1);");
    expect(v1.computed).toEqual(["cleaned", "other", "raw", "total"]);
    // Same body, new comments and formatting: nothing recomputes.
    const v2 = await run("flow2.ts", "  // keep the big ones\n  return raw.filter( (x) => x > 1 ) ;");
    expect(v2.computed).toEqual([]);
    // A changed body: that node and what depends on it recompute.
    const v3 = await run("flow3.ts", "return raw.filter((x) => x > 2);");
    expect(v3.computed).toEqual(["cleaned", "total"]);
    expect(v3.explain).toBe('miss: code of "cleaned" changed (flow3.ts:4)');
    expect(v3.r).toEqual({ total: 7, other: 4 });
  });

  test("1 and \"1\" are different inputs", async () => {
    const calls: string[] = [];
    await using dr = await new Builder().withModules({ t: (x: unknown) => (calls.push("t"), typeof x) }).withCache({ memory: true }).build();
    expect(await dr.execute(["t"], { inputs: { x: 1 } })).toEqual({ t: "number" });
    expect(await dr.execute(["t"], { inputs: { x: "1" } })).toEqual({ t: "string" });
    // The second call computes: "1" does not hit the entry of 1; a third call with 1 hits.
    expect(await dr.execute(["t"], { inputs: { x: 1 } })).toEqual({ t: "number" });
    expect(calls).toEqual(["t", "t"]);
  });

  test("a parameter left to a literal default and an explicit equal input share a key; a different one misses", async () => {
    const calls: string[] = [];
    const mod = {
      scaled: (x: number, k = 5) => (calls.push(`scaled ${k}`), x * k),
      shaped: ({ x, opts = { sep: "-", widths: [-1, 2.5] } }: { x: number; opts?: { sep: string; widths: number[] } }) => (calls.push("shaped"), `${x}${opts.sep}${opts.widths}`),
    };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    expect(await dr.execute(["scaled", "shaped"], { inputs: { x: 2 } })).toEqual({ scaled: 10, shaped: "2--1,2.5" });
    expect(calls.splice(0).sort()).toEqual(["scaled 5", "shaped"]);
    expect(await dr.execute(["scaled", "shaped"], { inputs: { x: 2, k: 5, opts: { sep: "-", widths: [-1, 2.5] } } })).toEqual({ scaled: 10, shaped: "2--1,2.5" });
    expect(calls.splice(0)).toEqual([]);
    expect(await dr.execute(["scaled"], { inputs: { x: 2, k: 6 } })).toEqual({ scaled: 12 });
    expect(calls.splice(0)).toEqual(["scaled 6"]);
    expect(dr.cache!.explain("scaled").message).toMatch(/^miss: input "k" changed from 5 \(\w+\) to 6 \(\w+\); its code is not fully tracked: its module file is unknown$/);
    // Back to the default: the entry of k = 5 is still there; undefined also means the default.
    expect(await dr.execute(["scaled"], { inputs: { x: 2 } })).toEqual({ scaled: 10 });
    expect(await dr.execute(["scaled"], { inputs: { x: 2, k: undefined } })).toEqual({ scaled: 10 });
    expect(calls.splice(0)).toEqual([]);
  });

  test("a parameter left to a default that is not a literal keys by the default marker, never by a guess", async () => {
    const calls: number[] = [];
    // A call, not a literal (Bun's transpiler would inline a const into the source that params.ts reads).
    await using dr = await new Builder().withModules({ scaled: (x: number, k = Math.max(5)) => (calls.push(k), x * k) }).withCache({ memory: true }).build();
    expect(await dr.execute(["scaled"], { inputs: { x: 2 } })).toEqual({ scaled: 10 });
    expect(await dr.execute(["scaled"], { inputs: { x: 2, k: 5 } })).toEqual({ scaled: 10 });
    expect(calls).toEqual([5, 5]);
    expect(await dr.execute(["scaled"], { inputs: { x: 2 } })).toEqual({ scaled: 10 });
    expect(calls).toEqual([5, 5]);
  });

  test("an override equal to the cached value hits", async () => {
    const { mod, calls } = tracked();
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    await dr.execute(["total"], { inputs: { path: "ab" } });
    calls.splice(0);
    expect(await dr.execute(["total"], { overrides: { cleaned: ["a", "b"] } })).toEqual({ total: 3 });
    expect(calls).toEqual([]);
    expect(await dr.execute(["total"], { overrides: { cleaned: ["a", "b", "c"] } })).toEqual({ total: 4 });
    expect(calls).toEqual(["total"]);
  });

  test("behaviours: recompute always computes, disable makes dependents miss, ignore leaves a node out of keys", async () => {
    const calls: string[] = [];
    const mod = {
      clock: node(() => (calls.push("clock"), Math.random()), { cache: "ignore" }),
      data: (seed: number) => (calls.push("data"), seed * 2),
      stamped: (data: number, clock: number) => (calls.push("stamped"), `${data}@${clock > -1}`),
      fresh: node((data: number) => (calls.push("fresh"), data + 1), { cache: "recompute" }),
      afterFresh: (fresh: number) => (calls.push("afterFresh"), fresh),
    };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    const outputs = ["stamped", "afterFresh"] as const;
    await dr.execute(outputs, { inputs: { seed: 1 } });
    calls.splice(0);
    expect(await dr.execute(outputs, { inputs: { seed: 1 } })).toEqual({ stamped: "2@true", afterFresh: 3 });
    // clock (ignore) and fresh (recompute) always run; stamped hits although clock changed; afterFresh hits (same value).
    expect(calls.sort()).toEqual(["clock", "fresh"]);

    calls.splice(0);
    await using disabled = await new Builder().withModules(mod).withCache({ memory: true, disable: ["data"] }).build();
    await disabled.execute(["afterFresh"], { inputs: { seed: 1 } });
    calls.splice(0);
    await disabled.execute(["afterFresh"], { inputs: { seed: 1 } });
    expect(calls).toEqual(["data", "fresh", "afterFresh"]);
    expect(disabled.cache!.explain("afterFresh").message).toContain("no data version");
  });

  test("the Builder's behaviour wins over the node's own", async () => {
    let calls = 0;
    const mod = { x: node(() => ++calls, { cache: "recompute" }) };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true, disable: true }).build();
    await dr.execute(["x"]);
    await dr.execute(["x"]);
    expect(calls).toBe(2);
    expect(dr.cache!.explain("x").message).toContain('"disable"');
  });

  test("a failed or timed-out node stores nothing", async () => {
    let calls = 0;
    const mod = {
      slow: node(async (abortSignal: AbortSignal) => {
        calls++;
        await new Promise((r) => abortSignal.addEventListener("abort", r));
        return 1;
      }, { timeout: 10 }),
    };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    await expect(dr.execute(["slow"])).rejects.toThrow("timed out");
    await expect(dr.execute(["slow"])).rejects.toThrow("timed out");
    expect(calls).toBe(2);
  });

  test("a value that cannot be fingerprinted is not cached, with one warning naming the node; its dependents are not cached", async () => {
    const warnings: string[] = [];
    let calls = 0;
    class Parser {
      parse() {
        return 1;
      }
    }
    const mod = { parser: () => (calls++, new Parser()), parsed: (parser: Parser) => (calls++, parser.parse()) };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).withWarnings((w) => warnings.push(w.message)).build();
    await dr.execute(["parsed"]);
    await dr.execute(["parsed"]);
    expect(calls).toBe(4);
    const own = warnings.filter((w) => !w.startsWith("The cache does not fully track"));
    expect(own.filter((w) => w.includes('"parser"'))).toHaveLength(2);
    expect(own.every((w) => !w.includes('"parsed"'))).toBe(true);
    expect(dr.cache!.explain("parsed").message).toContain('input "parser" has no data version');
  });

  test("a huge sparse array as an input or a result is refused promptly, and a node returning -0 gets -0 back from the cache", async () => {
    const warnings: string[] = [];
    let calls = 0;
    const mod = {
      size: (big: unknown[]) => (calls++, big.length),
      holes: (n: number) => (calls++, new Array(n)),
      negZero: (m: number) => (calls++, -0 * m),
    };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).withWarnings((w) => warnings.push(w.message)).build();
    const started = performance.now();
    for (let i = 0; i < 2; i++) {
      const r = await dr.execute(["size", "holes"], { inputs: { big: new Array(2 ** 32 - 1), n: 2 ** 32 - 1 } });
      expect([r.size, r.holes.length]).toEqual([2 ** 32 - 1, 2 ** 32 - 1]);
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(calls).toBe(4);
    expect(dr.cache!.explain("size").message).toContain('input "big" has no data version');
    expect(warnings.filter((w) => w.startsWith('Not caching "holes"'))).toEqual(Array(2).fill('Not caching "holes" in this run: its result cannot be fingerprinted: a sparse array (it has holes)'));
    calls = 0;
    for (let i = 0; i < 2; i++) expect(Object.is((await dr.execute(["negZero"], { inputs: { m: 3 } })).negZero, -0)).toBe(true);
    expect(calls).toBe(1);
  });

  test("async, worker and map/reduce nodes are cached, each item on its own", async () => {
    const dir = cacheDir();
    const make = () => new Builder()
      .withModules(workers, { items: parallelizable((n: number) => Array.from({ length: n }, (_, i) => i + 1)), sum: collect((squared: number[]) => squared.reduce((a, b) => a + b, 0)) })
      .withWorkers({ size: 1 })
      .withCache({ path: join(dir, "weft.db") });
    const ends: NodeEndEvent[] = [];
    await using dr = await make().withHooks({ afterNode: (e) => void ends.push(e) }).build();
    expect(await dr.execute(["sum", "asyncSum"], { inputs: { n: 3, a: 1, b: 2 } })).toEqual({ sum: 14, asyncSum: 3 });
    expect(ends.map((e) => e.cache?.status)).toEqual(expect.arrayContaining(["miss"]));
    ends.splice(0);
    expect(await dr.execute(["sum", "asyncSum"], { inputs: { n: 4, a: 1, b: 2 } })).toEqual({ sum: 30, asyncSum: 3 });
    const squared = ends.filter((e) => e.node === "squared").map((e) => [e.items[0]!.index, e.cache?.status]).sort();
    expect(squared).toEqual([[0, "hit"], [1, "hit"], [2, "hit"], [3, "miss"]]);
    expect(ends.find((e) => e.node === "asyncSum")?.cache?.status).toBe("hit");
    expect(Object.keys(dr.cache!.dataVersions())).toEqual(expect.arrayContaining(["squared[3]", "asyncSum", "items", "sum"]));
  });

  test("a map that fails resumes at the first unfinished item", async () => {
    const done: number[] = [];
    let failAt = 2;
    const mod = {
      items: parallelizable(() => [0, 1, 2, 3], { concurrency: 1 }),
      work: (items: number) => {
        if (items === failAt) throw new Error("boom");
        done.push(items);
        return items;
      },
      all: collect((work: number[]) => work),
    };
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    await expect(dr.execute(["all"])).rejects.toThrow("boom");
    expect(done).toEqual([0, 1]);
    failAt = -1;
    done.splice(0);
    expect(await dr.execute(["all"])).toEqual({ all: [0, 1, 2, 3] });
    expect(done).toEqual([2, 3]);
  });

  test("clear() forgets nodes; dataVersions() and lastRunId describe the run", async () => {
    const { mod, calls } = tracked();
    await using dr = await new Builder().withModules(mod).withCache({ memory: true }).build();
    await dr.execute(["total"], { inputs: { path: "p" } });
    const runId = dr.cache!.lastRunId!;
    expect(Object.keys(dr.cache!.dataVersions(runId)).sort()).toEqual(["cleaned", "raw", "total"]);
    dr.cache!.clear(["cleaned"]);
    calls.splice(0);
    await dr.execute(["total"], { inputs: { path: "p" } });
    expect(calls).toEqual(["cleaned"]);
    expect(dr.cache!.lastRunId).not.toBe(runId);
  });

  test("names given to withCache() behaviours must be nodes", async () => {
    const { mod } = tracked();
    const error = await new Builder().withModules(mod).withCache({ memory: true, recompute: ["rawz"] }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: withCache() option "recompute" names "rawz", which is not a node computed by a function; check the name');
    expect(() => new Builder().withCache({ path: "" })).toThrow(TypeError);
  });
});

describe("withCache() faults", () => {
  test("a database file that is not SQLite is a CacheError naming the file and how to reset it", async () => {
    const path = join(cacheDir(), "weft.db");
    writeFileSync(path, "this is not a database, just text that is long enough to be read as a header".repeat(10));
    const error = await new Builder().withModules(tracked().mod).withCache({ path }).build().catch((e) => e);
    expect(error).toBeInstanceOf(CacheError);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/delete|reset|clear/i);
  });

  test("a read-only cache directory: the run succeeds uncached, with one warning", async () => {
    const dir = cacheDir();
    const ro = join(dir, "ro");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const { spawnSync } = await import("node:child_process");
    // root ignores permission bits: make the directory immutable instead, when we can.
    const immutable = process.getuid?.() === 0 && spawnSync("chattr", ["+i", ro]).status === 0;
    cleanups.unshift(() => {
      if (immutable) spawnSync("chattr", ["-i", ro]);
      chmodSync(ro, 0o755);
    });
    const warnings: string[] = [];
    const { mod, calls } = tracked();
    await using dr = await new Builder().withModules(mod).withCache({ path: join(ro, "weft.db") }).withWarnings((w) => warnings.push(w.message)).build();
    expect(await dr.execute(["total"], { inputs: { path: "ab" } })).toEqual({ total: 3 });
    expect(await dr.execute(["total"], { inputs: { path: "ab" } })).toEqual({ total: 3 });
    expect(calls).toHaveLength(6);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Caching is off for this driver: /);
    expect(dr.cache).toBeUndefined();
  });

  test("a blob file deleted behind the cache's back is a miss with a warning, never a wrong value", async () => {
    const dir = cacheDir();
    const warnings: string[] = [];
    const big = { samples: () => new Float64Array(100_000).fill(3), sum: (samples: Float64Array) => samples.reduce((a, b) => a + b, 0) };
    const make = () => new Builder().withModules(big).withCache({ path: join(dir, "weft.db") }).withWarnings((w) => warnings.push(w.message)).build();
    await using first = await make();
    expect(await first.execute(["sum"])).toEqual({ sum: 300_000 });
    await first.close();
    const blobs = join(dir, "blobs");
    for (const sub of readdirSync(blobs)) for (const f of readdirSync(join(blobs, sub))) rmSync(join(blobs, sub, f));
    await using second = await make();
    const r = await second.execute(["samples"]);
    expect(r.samples.length).toBe(100_000);
    expect(r.samples[0]).toBe(3);
    expect(warnings.some((w) => /missing|deleted|damaged/i.test(w))).toBe(true);
  });
});

describe("withCache() across processes", () => {
  const bun = process.execPath;
  const main = join(import.meta.dir, "../fixtures/cache-flow-main.ts");

  test("a run killed with SIGKILL: the next run reuses every node that had finished, and the database is intact", async () => {
    const dir = cacheDir();
    const db = join(dir, "weft.db");
    const log = join(dir, "log.txt");
    writeFileSync(log, "");
    const child = Bun.spawn([bun, main, db, log, "6"], { env: { ...process.env, WEFT_TEST_PAUSE_AT: "3" }, stdout: "pipe", stderr: "pipe" });
    // Wait until items 0..2 are computed (the flow pulls one item at a time), then give the batch a moment to be written.
    for (let i = 0; i < 400 && !readFileSync(log, "utf8").includes("work[2]"); i++) await Bun.sleep(10);
    await Bun.sleep(100);
    child.kill("SIGKILL");
    await child.exited;
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["items", "work[0]", "work[1]", "work[2]"]);
    writeFileSync(log, "");
    const again = Bun.spawnSync([bun, main, db, log, "6"], { env: { ...process.env, WEFT_TEST_PAUSE_AT: "" } });
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout.toString())).toEqual({ total: 0 + 1 + 4 + 9 + 16 + 25 });
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["work[3]", "work[4]", "work[5]"]);
    const sqlite = new Database(db);
    expect(sqlite.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
    sqlite.close();
  }, 30_000);

  test("four processes running the same flow on one cache all succeed with identical results", async () => {
    const dir = cacheDir();
    const db = join(dir, "weft.db");
    const logs = [0, 1, 2, 3].map((i) => join(dir, `log${i}.txt`));
    for (const l of logs) writeFileSync(l, "");
    // The same inputs for all four (the log path is an input: use one shared log).
    const shared = join(dir, "shared.txt");
    appendFileSync(shared, "");
    const procs = logs.map(() => Bun.spawn([bun, main, db, shared, "40"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, WEFT_TEST_PAUSE_AT: "" } }));
    const outs = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
    for (const o of outs) {
      expect(o.err).not.toContain("locked");
      expect(o.code).toBe(0);
      expect(JSON.parse(o.out)).toEqual({ total: 20540 });
    }
    expect(existsSync(db)).toBe(true);
  }, 60_000);
});

describe("driver.cache.explain() of a per-item node", () => {
  test("the bare name answers for all items: a hit when every item hit, else which items missed and how to ask for one", async () => {
    const path = join(cacheDir(), "items.db");
    const flow = {
      item: parallelizable((xs: number[]) => xs),
      doubled: (item: number) => item * 2,
      total: collect((doubled: number[]) => doubled.reduce((a, b) => a + b, 0)),
    };
    await using dr = await new Builder().withModules(flow).withCache({ path }).build();
    await dr.execute(["total"], { inputs: { xs: [1, 2, 3] } });
    await dr.execute(["total"], { inputs: { xs: [1, 2, 3] } });
    expect(dr.cache!.explain("doubled")).toMatchObject({ node: "doubled", status: "hit", message: 'hit: all 3 items of "doubled" reused their results' });
    await dr.execute(["total"], { inputs: { xs: [1, 5, 3] } });
    const answer = dr.cache!.explain("doubled");
    expect(answer.status).toBe("miss");
    expect(answer.message).toMatch(/^miss: 1 of 3 items of "doubled" did not hit \(doubled\[1\]: .+\); explain one item with explain\("doubled\[1\]"\)$/);
    expect(dr.cache!.explain("doubled[1]").status).toBe("miss");
    expect(dr.cache!.explain("doubled[0]").status).toBe("hit");
    expect(dr.cache!.explain("nothing").status).toBe("not-run");
  });
});
