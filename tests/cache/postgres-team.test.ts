/**
 * The PostgreSQL team store as a team uses it, on a real cluster this file starts: drivers in several real
 * processes sharing one database and one directory, and `withCache` / `withTracking` in a driver.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Builder } from "../../mod.ts";
import { postgres } from "../../postgres.ts";
import { openPostgres } from "../../runtime/shared/postgres-connection.ts";
import { PostgresCluster } from "../_postgres.ts";
import { partsOf, tempDir } from "./_helpers.ts";
import * as flow from "./fixtures/team-flow.ts";
import { teamValueOf } from "./fixtures/team-values.ts";

const cluster = await PostgresCluster.start();
const tmp = tempDir("pg-team");
afterAll(() => {
  cluster.stop();
  tmp.remove();
});
const worker = join(import.meta.dir, "fixtures", "team-worker.ts");

describe("postgres() shared by processes", () => {
  test("four processes writing the same and their own keys at once lose no entry and store no wrong one", async () => {
    const url = await cluster.database();
    const dir = join(tmp.dir, "four");
    const nodes = 60;
    const procs = Array.from({ length: 4 }, (_, id) => Bun.spawn([process.execPath, worker, url, dir, String(id), String(nodes)], { stdout: "pipe", stderr: "pipe" }));
    const outcomes = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
    for (const o of outcomes) expect({ code: o.code, err: o.err }).toEqual({ code: 0, err: "" });
    const counts = outcomes.map((o) => JSON.parse(o.out) as { hits: number; misses: number });
    // Each process computed its own nodes; of the shared ones, each was computed at least once in all.
    for (const c of counts) expect(c.hits + c.misses).toBe(2 * nodes);

    const db = openPostgres(url);
    expect(db.query(`SELECT count(*)::int AS n FROM "cache_entries"`).rows).toEqual([{ n: nodes * 5 }]);
    // Every fifth value is over the inline limit: a file of the shared directory, one per value (the five nodes of an i share it).
    expect(db.query(`SELECT count(*)::int AS n FROM "cache_results" WHERE "file" IS NOT NULL`).rows).toEqual([{ n: nodes / 5 }]);
    db.close();
    // A fifth process (this one) finds every node of every process, each with the value that node computes.
    const cache = postgres(url, { directory: dir, inlineLimit: 4096, memoryBytes: 0 });
    const run = cache.beginRun("check");
    const wrong: string[] = [];
    for (let i = 0; i < nodes; i++) {
      for (const node of [`shared-n${i}`, ...[0, 1, 2, 3].map((id) => `own-${id}-n${i}`)]) {
        const found = cache.lookup(partsOf(node, i));
        if (!found.hit) wrong.push(`${node}: a miss (${found.reason})`);
        else if (Bun.deepEquals(found.value, teamValueOf(node, i), true) === false) wrong.push(`${node}: a wrong value`);
        else run.hit(node, found);
      }
    }
    run.finish();
    cache.close();
    expect(wrong).toEqual([]);
  }, 120_000);
});

describe("postgres() on a machine that cannot see the shared directory", () => {
  test("a large result is a miss with a warning there, and stays a hit for the machines that see it", async () => {
    const url = await cluster.database();
    const dir = join(tmp.dir, "unseen");
    const big = new Float64Array(100_000).fill(1.5);
    const parts = partsOf("big", 1);
    const a = postgres(url, { directory: dir, memoryBytes: 0 });
    const run = a.beginRun("a");
    run.miss(parts, a.lookup(parts) as never, big);
    run.finish();
    a.close();
    for (const elsewhere of [{}, { directory: join(tmp.dir, "not-mounted") }]) {
      const warnings: string[] = [];
      const b = postgres(url, { ...elsewhere, memoryBytes: 0, warn: (m) => warnings.push(m) });
      expect(b.lookup(parts).hit).toBe(false);
      b.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("cannot be read on this machine");
    }
    const again = postgres(url, { directory: dir, memoryBytes: 0 });
    const found = again.lookup(parts);
    again.close();
    expect(found.hit && found.value).toEqual(big);
  });
});

describe("postgres() runs recorded by processes", () => {
  test("four drivers in four processes at once record four runs, each with all its nodes", async () => {
    const url = await cluster.database();
    const runner = join(import.meta.dir, "fixtures", "team-run.ts");
    const procs = Array.from({ length: 4 }, () => Bun.spawn([process.execPath, runner, url], { stdout: "pipe", stderr: "pipe" }));
    const outcomes = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
    for (const o of outcomes) expect({ code: o.code, err: o.err }).toEqual({ code: 0, err: "" });
    const team = postgres(url);
    const runs = team.listRuns().runs;
    expect(runs.map((r) => r.id).sort()).toEqual(outcomes.map((o) => o.out.trim()).sort());
    for (const r of runs) {
      expect(r.status).toBe("succeeded");
      expect(team.nodesOf(r.id).map((n) => [n.node, n.status]).sort()).toEqual([["rows", "succeeded"], ["total", "succeeded"]]);
    }
    team.close();
  }, 120_000);
});

describe("postgres() in a driver", () => {
  test("postgres() rejects what is not a PostgreSQL URL, and a server's refusal is a CacheError with its message", async () => {
    expect(() => postgres("./weft.db")).toThrow(new TypeError('Cannot open the team store: "./weft.db" is not a PostgreSQL URL; pass one such as "postgres://user@host:5432/weft"'));
    expect(() => postgres(cluster.url, { inlineLimit: -1 })).toThrow(new RangeError('postgres() option "inlineLimit" must be a whole number >= 0, got -1'));
    const missing = cluster.url.replace(/\/postgres$/, "/nope");
    expect(() => postgres(missing)).toThrow(`Cannot connect to the PostgreSQL store "127.0.0.1:${cluster.port}/nope": database "nope" does not exist; check that the server is up`);
  });

  test("withCache({ store }) and withTracking({ store }): a second driver reuses the first one's results and both runs are recorded with their host", async () => {
    const url = await cluster.database();
    const build = (store: ReturnType<typeof postgres>) => new Builder().withModules(flow).withCache({ store }).withTracking({ store, flushMs: 10 }).build();
    // Other test files of the process may have run the fixture flow too: count from here.
    const before = flow._calls.rows;
    const first = postgres(url, { directory: join(tmp.dir, "driver") });
    const a = await build(first);
    expect(await a.execute(["total"], { inputs: { n: 100 } })).toEqual({ total: 9900 });
    await a.close();
    const second = postgres(url, { directory: join(tmp.dir, "driver") });
    const b = await build(second);
    // A plan on another driver sees the first one's results.
    const plan = b.plan(["total"], { inputs: { n: 100 } });
    expect(plan.nodes.map((n) => [n.node, n.status])).toEqual([["rows", "hit"], ["total", "hit"]]);
    expect(await b.execute(["total"], { inputs: { n: 100 } })).toEqual({ total: 9900 });
    expect(flow._calls.rows - before).toBe(1);
    // A miss is explained against the latest entry of its node, fetched with the lookup.
    expect(await b.execute(["total"], { inputs: { n: 3 } })).toEqual({ total: 6 });
    expect(b.cache!.explain("rows").message).toMatch(/^miss: input "n" changed from 100 \(\w+\) to 3 \(\w+\)/);
    const runs = b.history!.listRuns().runs.slice(1);
    await b.close();
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
    expect(runs.every((r) => r.host !== "" && r.pid === process.pid)).toBe(true);
  }, 60_000);
});
