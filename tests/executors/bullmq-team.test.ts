/**
 * The distributed executor with the PostgreSQL team store: `weft worker --cache postgres://…` opens the drivers'
 * store, large values travel through it by data version, and another driver of the team hits what the first one's
 * remote worker computed. Real redis-server, real PostgreSQL cluster, real `weft worker` process.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgresJs from "postgres";
import { bullmqExecutor } from "../../bullmq.ts";
import { Builder } from "../../mod.ts";
import { postgres } from "../../postgres.ts";
import * as workers from "../fixtures/workers.ts";
import { PostgresCluster } from "../_postgres.ts";
import { fixture, RedisServer, runCli, startWorker, type WorkerProcess } from "./_processes.ts";

setDefaultTimeout(60_000);
const [redis, cluster] = await Promise.all([RedisServer.start(), PostgresCluster.start()]);
const temp = mkdtempSync(join(tmpdir(), "weft-bullmq-team-"));
const started: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((w) => w.stop()));
  await redis.dispose();
  cluster.stop();
  rmSync(temp, { recursive: true, force: true });
});

/** Files under the shared results directory (one per large data version). */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.includes(".tmp")).map((e) => e.name);
}

describe("bullmqExecutor() with the PostgreSQL team store", () => {
  test("a worker started with --cache postgres://… reads large inputs from the team store and puts large results there; another driver hits them", async () => {
    const url = await cluster.database();
    const directory = join(temp, "results");
    started.push(await startWorker(redis.url, ["--modules", fixture("workers.ts"), "--queue", "team", "--concurrency", "1", "--cache", url, "--cache-directory", directory]));
    const samples = Float64Array.from({ length: 20_000 }, (_, i) => i);
    const expected = Float64Array.from({ length: 20_000 }, (_, i) => 2 * i);
    const first = postgres(url, { directory, inlineLimit: 1_024 });
    {
      await using dr = await new Builder().withModules(workers).withCache({ store: first }).withExecutor(bullmqExecutor({ connection: redis.url, queue: "team", inlineLimit: 1_024 })).build();
      expect((await dr.execute(["doubled"], { inputs: { samples } })).doubled).toEqual(expected);
    }
    // The input and the worker's result, each stored once: the input (above this driver's inlineLimit) as a file of
    // the shared directory, the result as the worker's store keeps it (160 kB is under its default inlineLimit).
    expect(files(directory).length).toBe(1);
    const sql = postgresJs(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM cache_entries WHERE node = 'doubled'`;
      expect(row!.n).toBe(1);
      const [results] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM cache_results`;
      expect(results!.n).toBe(2);
    } finally {
      await sql.end({ timeout: 5 });
    }
    // Another machine of the team: its own store object and no worker needed, every node a hit.
    const second = postgres(url, { directory });
    await using other = await new Builder().withModules(workers).withCache({ store: second }).build();
    expect((await other.execute(["doubled"], { inputs: { samples } })).doubled).toEqual(expected);
    expect(other.cache!.explain("doubled").status).toBe("hit");
  });

  test("--cache-directory without a postgres:// cache is refused, naming what it goes with", async () => {
    const alone = await runCli(["worker", "--modules", fixture("workers.ts"), "--redis", redis.url, "--cache-directory", temp]);
    expect(alone.code).toBe(1);
    expect(alone.err).toContain("--cache-directory goes with --cache postgres://…: pass the team store's URL too");
    const sqlite = await runCli(["worker", "--modules", fixture("workers.ts"), "--redis", redis.url, "--cache", join(temp, "weft.db"), "--cache-directory", temp]);
    expect(sqlite.code).toBe(1);
    expect(sqlite.err).toContain("A results directory goes with a PostgreSQL team store (postgres://…)");
  });
});
