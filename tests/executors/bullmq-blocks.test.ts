/**
 * Map items' blocks as jobs: each item's whole block runs on a `weft worker`
 * (items batched), only the gathered values come back. Real redis-server and
 * worker processes.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { bullmqExecutor } from "../../bullmq.ts";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, InProcessExecutor, isWeftError, type Executor, type Hook } from "../../mod.ts";
import * as blocks from "../fixtures/blocks.ts";
import * as edited from "../fixtures/blocks-edited.ts";
import * as random from "../fixtures/blocks-random.ts";
import * as functions from "../fixtures/blocks-functions.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

setDefaultTimeout(120_000);

const redis = await RedisServer.start();
const workers: WorkerProcess[] = [];
const temp = mkdtempSync(join(tmpdir(), "weft-blocks-"));
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis.dispose();
  rmSync(temp, { recursive: true, force: true });
});
/** Two worker processes of two threads on `queue`. */
async function serve(queue: string): Promise<void> {
  workers.push(...(await Promise.all([0, 1].map(() => startWorker(redis.url, ["--modules", fixture("blocks.ts"), fixture("blocks-edited.ts"), "--queue", queue, "--concurrency", "2"])))));
}
/** Counts the jobs added to the workers' queue (`<queue>.<code set>`; read from the stream's start: the queue is new). */
async function jobsAdded(): Promise<{ count: () => number; close: () => Promise<void> }> {
  const events = new QueueEvents(workers[0]!.bullQueue, { connection: { url: redis.url }, lastEventId: "0-0" });
  let n = 0;
  events.on("added", () => void n++);
  await events.waitUntilReady();
  return { count: () => n, close: () => events.close() };
}
/**
 * Jobs added to the BullMQ queue `queue` (a worker's `bullQueue`) between calls of `take()`, read from its events
 * stream: an add writes its "added" event before the job can run, so once a run has ended every job it added is
 * counted.
 */
async function jobCounter(queue: string): Promise<{ take: () => Promise<number>; close: () => Promise<void> }> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const stream = `bull:${queue}:events`;
  let from = (await client.xrevrange(stream, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
  return {
    take: async () => {
      const entries = await client.xrange(stream, `(${from}`, "+");
      if (entries.length > 0) from = entries.at(-1)![0];
      return entries.filter(([, fields]) => fields[fields.indexOf("event") + 1] === "added").length;
    },
    close: async () => void (await client.quit()),
  };
}
await serve("blocks");
/** Two workers on the queue "cached", started with --cache on the driver's `db` (once, for the tests that use it). */
let cachedWorkers: Promise<void> | undefined;
/** The BullMQ queue those workers take jobs from (`cached.<code set>`). */
let cachedQueue = "";
function serveCached(db: string): Promise<void> {
  return (cachedWorkers ??= Promise.all([0, 1].map(() => startWorker(redis.url, [
    "--modules", fixture("blocks.ts"), fixture("blocks-edited.ts"), fixture("blocks-random.ts"), fixture("blocks-functions.ts"), "--queue", "cached", "--concurrency", "2", "--cache", db,
  ]))).then((started) => {
    workers.push(...started);
    cachedQueue = started[0]!.bullQueue;
  }));
}
const expected = (n: number, factor: number) => Array.from({ length: n }, (_, i) => `v${(i + 1) * factor}`);

describe("bullmqExecutor() map items' blocks", () => {
  test("a 500-item map whose block has 3 worker nodes takes one job per batch of items, not one per node, with the in-process results", async () => {
    const added = await jobsAdded();
    try {
      await using dr = await new Builder().withModules(blocks).withExecutor(bullmqExecutor({ connection: redis.url, queue: "blocks" })).build();
      const { labels } = await dr.execute(["labels"], { inputs: { n: 500, factor: 3 } });
      await using local = await new Builder().withModules(blocks).build();
      expect(labels).toEqual((await local.execute(["labels"], { inputs: { n: 500, factor: 3 } })).labels);
      expect(labels).toEqual(expected(500, 3));
      // Each job's "added" event was written before its completion, which the run waited for.
      expect(added.count()).toBeGreaterThan(0);
      expect(added.count()).toBeLessThanOrEqual(500);
      console.log(`jobs added for 500 items: ${added.count()}`);
    } finally {
      await added.close();
    }
  });

  test("an item's block reads the driver's config on the worker", async () => {
    await using dr = await new Builder().withModules(blocks).withConfig({ prefix: "w" }).withExecutor(bullmqExecutor({ connection: redis.url, queue: "blocks" })).build();
    expect((await dr.execute(["labels"], { inputs: { n: 3, factor: 2 } })).labels).toEqual(["w2", "w4", "w6"]);
  });

  test("hooks see every node of every item, and a failing inner node reports its own error with its name and item", async () => {
    const seen: string[] = [];
    const hosts = new Set<string | undefined>();
    const hook: Hook = {
      afterNode: (e) => {
        seen.push(`${e.node}[${e.items.map((i) => i.index).join(",")}]:${e.success}`);
        if (e.items.length > 0) hosts.add(e.host);
      },
    };
    await using dr = await new Builder().withModules(blocks).withHooks(hook).withExecutor(bullmqExecutor({ connection: redis.url, queue: "blocks" })).build();
    await dr.execute(["labels"], { inputs: { n: 3, factor: 2 } });
    // Where each node of an item ran: the worker process's host:pid.
    const pids = new Set(workers.map((w) => String(w.pid)));
    expect([...hosts].every((h) => h !== undefined && pids.has(h.split(":").at(-1)!))).toBe(true);
    expect(seen.filter((s) => !s.startsWith("item") && !s.startsWith("labels")).sort()).toEqual(
      ["label[0]:true", "label[1]:true", "label[2]:true", "plusOne[0]:true", "plusOne[1]:true", "plusOne[2]:true", "scaled[0]:true", "scaled[1]:true", "scaled[2]:true"],
    );
    const error = await dr.execute(["labels"], { inputs: { n: 5, factor: 2, failAt: 3 } }).catch((e) => e);
    expect(isWeftError(error, "node-execution")).toBe(true);
    expect(error.node).toBe("label");
    expect(error.items.map((i: { index: number }) => i.index)).toEqual([3]);
    expect(error.cause.name).toBe("RangeError");
    expect(error.cause.message).toBe("item 3 refused");
  });

  test("with the driver's cache on, a re-run after editing one inner node hits and misses exactly as an in-process run does", async () => {
    /** Per node call of each run: `node[item]: hit|miss|uncacheable`, and the data versions the cache recorded. */
    async function statuses(executor: () => Executor, db: string): Promise<string[][]> {
      const runs: string[][] = [];
      for (const flow of [blocks, edited]) {
        const seen: string[] = [];
        const hook: Hook = { afterNode: (e) => void seen.push(`${e.node}[${e.items.map((i) => i.index).join(",")}]: ${e.cache?.status}`) };
        await using dr = await new Builder().withModules(flow).withCache({ path: db }).withHooks(hook).withExecutor(executor()).build();
        expect((await dr.execute(["labels"], { inputs: { n: 20, factor: 3 } })).labels).toEqual(expected(20, 3));
        // The cache's own records of the run: the data version of every node, items included.
        runs.push([...seen.sort(), ...Object.entries(dr.cache!.dataVersions()).map(([node, dv]) => `${node} = ${dv}`).sort()]);
      }
      return runs;
    }
    const local = await statuses(() => new InProcessExecutor(), join(temp, "local.db"));
    const remote = await statuses(() => bullmqExecutor({ connection: redis.url, queue: "blocks" }), join(temp, "remote.db"));
    expect(remote).toEqual(local);
    // The edit is seen: only the edited node misses (its value is the same, so what reads it hits).
    expect(local[1]!.filter((s) => s.endsWith("miss"))).toEqual(Array.from({ length: 20 }, (_, i) => `scaled[${i}]: miss`).sort());
  });

  test("with the cache on, cold items go whole as block jobs and are cached by the driver, warm items make no job, and an edit misses as in-process", async () => {
    const db = join(temp, "cached.db");
    await serveCached(db);
    const added = await jobCounter(cachedQueue);
    /** Per run: jobs added, and `node[item]: status` of every node call with the data versions the cache recorded. */
    async function runs(executor: () => Executor, path: string): Promise<{ jobs: number[]; records: string[][]; explained: string[] }> {
      const jobs: number[] = [];
      const records: string[][] = [];
      const explained: string[] = [];
      for (const flow of [blocks, blocks, edited]) {
        const seen: string[] = [];
        const hook: Hook = { afterNode: (e) => void seen.push(`${e.node}[${e.items.map((i) => i.index).join(",")}]: ${e.cache?.status}`) };
        await using dr = await new Builder().withModules(flow).withCache({ path }).withHooks(hook).withExecutor(executor()).build();
        expect((await dr.execute(["labels"], { inputs: { n: 200, factor: 3 } })).labels).toEqual(expected(200, 3));
        jobs.push(await added.take());
        records.push([...seen.sort(), ...Object.entries(dr.cache!.dataVersions()).map(([node, dv]) => `${node} = ${dv}`).sort()]);
        explained.push(["plusOne[3]", "scaled[3]", "label[199]"].map((n) => `${n} ${dr.cache!.explain(n).status}`).join(", "));
      }
      return { jobs, records, explained };
    }
    try {
      const remote = await runs(() => bullmqExecutor({ connection: redis.url, queue: "cached" }), db);
      const local = await runs(() => new InProcessExecutor(), join(temp, "cached-local.db"));
      console.log(`jobs added per run for 200 items of 3 nodes, cache on (cold, warm, one node edited): ${remote.jobs.join(", ")}`);
      // The same hits, misses and data versions, node by node and item by item, as an in-process run.
      expect(remote.records).toEqual(local.records);
      expect(remote.explained).toEqual(local.explained);
      // Cold: far fewer jobs than one per worker node (600); warm: every node a hit, no job at all.
      expect(remote.jobs[0]!).toBeGreaterThan(0);
      expect(remote.jobs[0]!).toBeLessThanOrEqual(200);
      expect(remote.jobs[1]!).toBe(0);
      expect(remote.records[1]!.filter((s) => s.includes("]: ") && !s.startsWith("item[") && !s.startsWith("labels["))).toHaveLength(600);
      expect(remote.records[1]!.filter((s) => s.includes("]: ") && !s.endsWith(": hit"))).toEqual([]);
      expect(remote.explained[1]).toBe("plusOne[3] hit, scaled[3] hit, label[199] hit");
      // Edited: only the edited node misses, in every item; each item's block went whole.
      expect(remote.records[2]!.filter((s) => s.endsWith("miss"))).toEqual(Array.from({ length: 200 }, (_, i) => `scaled[${i}]: miss`).sort());
      expect(remote.explained[2]).toBe("plusOne[3] hit, scaled[3] miss, label[199] hit");
      expect(remote.jobs[2]!).toBeGreaterThan(0);
      expect(remote.jobs[2]!).toBeLessThanOrEqual(200);
    } finally {
      await added.close();
    }
  });

  test("a hit whose node computed another value in a block job is not taken, and what read that value there is not cached", async () => {
    const db = join(temp, "cached.db");
    await serveCached(db);
    const executor = () => bullmqExecutor({ connection: redis.url, queue: "cached" });
    {
      await using dr = await new Builder().withModules(random).withCache({ path: db }).withExecutor(executor()).build();
      expect((await dr.execute(["floors"], { inputs: { n: 5 } })).floors).toEqual([0, 1, 2, 3, 4]);
      expect(dr.cache!.explain("floored[2]").status).toBe("miss");
    }
    // "floored" recomputed: the items are not warm, so their blocks go whole, and "noisy" draws again on the worker.
    const seen: string[] = [];
    const hook: Hook = { afterNode: (e) => void (e.items.length > 0 && seen.push(`${e.node}[${e.items[0]!.index}]: ${e.cache?.status} ${e.cache?.reason ?? ""}`.trim())) };
    await using dr = await new Builder().withModules(random).withCache({ path: db, recompute: ["floored"] }).withHooks(hook).withExecutor(executor()).build();
    expect((await dr.execute(["floors"], { inputs: { n: 5 } })).floors).toEqual([0, 1, 2, 3, 4]);
    expect(seen.sort()).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `floored[${i}]: uncacheable input "noisy" has no data version`),
      ...Array.from({ length: 5 }, (_, i) => `noisy[${i}]: uncacheable the executor computed it to another value than the cached one (is the node deterministic?)`),
    ]);
    expect(dr.cache!.explain("noisy[2]").status).toBe("uncacheable");
  });

  test("with the cache on, every node's value of a block job can come back through the cache (workers started with --cache), and is stored as in-process", async () => {
    const db = join(temp, "cached.db");
    await serveCached(db);
    const added = await jobCounter(cachedQueue);
    async function records(executor: () => Executor, path: string): Promise<{ jobs: number; records: string[] }[]> {
      const out: { jobs: number; records: string[] }[] = [];
      for (let run = 0; run < 2; run++) {
        await added.take();
        const seen: string[] = [];
        const hook: Hook = { afterNode: (e) => void seen.push(`${e.node}[${e.items.map((i) => i.index).join(",")}]: ${e.cache?.status}`) };
        await using dr = await new Builder().withModules(blocks).withCache({ path }).withHooks(hook).withExecutor(executor()).build();
        expect((await dr.execute(["labels"], { inputs: { n: 30, factor: 7 } })).labels).toEqual(expected(30, 7));
        out.push({ jobs: await added.take(), records: [...seen.sort(), ...Object.entries(dr.cache!.dataVersions()).map(([n, dv]) => `${n} = ${dv}`).sort()] });
      }
      return out;
    }
    // The in-process runs start from what the workers' cache holds now (earlier tests' entries hit in both).
    const copy = join(temp, "through-local.db");
    for (const suffix of ["", "-wal", "-shm"]) if (existsSync(db + suffix)) copyFileSync(db + suffix, copy + suffix);
    try {
      // inlineLimit 0: every value, the inputs and each node's, travels through the cache by data version.
      const remote = await records(() => bullmqExecutor({ connection: redis.url, queue: "cached", inlineLimit: 0 }), db);
      const local = await records(() => new InProcessExecutor(), copy);
      expect(remote.map((r) => r.records)).toEqual(local.map((r) => r.records));
      expect(remote[0]!.jobs).toBeGreaterThan(0);
      expect(remote[0]!.jobs).toBeLessThanOrEqual(30);
      expect(remote[1]!.jobs).toBe(0);
    } finally {
      await added.close();
    }
    // A worker without --cache cannot pass them: the error says what to do.
    await using dr = await new Builder().withModules(blocks).withCache({ path: join(temp, "other.db") }).withExecutor(bullmqExecutor({ connection: redis.url, queue: "blocks", inlineLimit: 0 })).build();
    const error = await dr.execute(["labels"], { inputs: { n: 2, factor: 5 } }).catch((e) => e);
    expect(isWeftError(error, "node-execution")).toBe(true);
    expect(String(error.cause?.message)).toContain("start weft worker with --cache");
  });

  test("with the cache on, an item whose inner value cannot travel runs here node by node, its worker nodes as jobs", async () => {
    const db = join(temp, "cached.db");
    await serveCached(db);
    const seen: string[] = [];
    const hook: Hook = { afterNode: (e) => void (e.items.length > 0 && seen.push(`${e.node}[${e.items[0]!.index}]: ${e.cache?.status} ${e.host === undefined ? "here" : "worker"}`)) };
    await using dr = await new Builder().withModules(functions).withCache({ path: db }).withHooks(hook).withExecutor(bullmqExecutor({ connection: redis.url, queue: "cached" })).build();
    expect((await dr.execute(["sums"], { inputs: { n: 3 } })).sums).toEqual([1, 3, 5]);
    expect(seen.sort()).toEqual([
      "adder[0]: uncacheable here", "adder[1]: uncacheable here", "adder[2]: uncacheable here",
      "applied[0]: uncacheable here", "applied[1]: uncacheable here", "applied[2]: uncacheable here",
      "doubled[0]: miss worker", "doubled[1]: miss worker", "doubled[2]: miss worker",
    ]);
  });
});
