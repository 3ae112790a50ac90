/**
 * The BullMQ executor against a real redis-server and real `weft worker`
 * processes (started here, on a loopback port). Faults are in
 * bullmq-faults.test.ts.
 */
import { afterAll, describe, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { Queue, QueueEvents } from "bullmq";
import { Database } from "bun:sqlite";
import { Redis } from "ioredis";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { bullmqExecutor } from "../../bullmq.ts";
import { BullmqExecutor } from "../../executors/bullmq-executor.ts";
import { Builder, collect, isWeftError, parallelizable } from "../../mod.ts";
import { nodeCodeVersioner } from "../../cache/node-code-version.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import * as remote from "../fixtures/remote.ts";
import * as workers from "../fixtures/workers.ts";
import { executorContract, taskFor } from "./executor-contract.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";
import { createHistoryApp } from "../../server/app.tsx";
import { openHistory } from "../server/_history.ts";

// Every test starts redis-server or `weft worker` processes: on a loaded 2-core machine one start can take
// seconds, so bun's 5 s default fails tests whose behaviour is right.
setDefaultTimeout(30_000);

const redis = await RedisServer.start();
const modules = ["--modules", fixture("workers.ts"), fixture("remote.ts")];
// Two processes of two threads each: more than the contract's capacity of 2, so that the bound is the executor's.
const [workerA, workerB] = await Promise.all([0, 1].map(() => startWorker(redis.url, [...modules, "--concurrency", "2", "--queue", "main"])));
const others: WorkerProcess[] = [];
const temp = mkdtempSync(join(tmpdir(), "weft-bullmq-"));
const redisClient = new Redis(redis.url);
afterAll(async () => {
  redisClient.disconnect();
  await Promise.all([workerA!, workerB!, ...others].map((w) => w.stop()));
  await redis.dispose();
  rmSync(temp, { recursive: true, force: true });
});

const connection = redis.url;
executorContract("BullmqExecutor", () => bullmqExecutor({ connection, queue: "main", capacity: 2 }), { crossProcess: true });

const squares = {
  x: parallelizable((n: number) => Array.from({ length: n }, (_, i) => i)),
  squares: collect((slowSquare: { square: number; pid: number }[]) => slowSquare),
};
/** A worker whose copy of `asyncSum` differs from tests/fixtures/workers.ts's, started once, on first use. */
let changed: Promise<WorkerProcess> | undefined;
const changedWorker = () => (changed ??= startWorker(redis.url, ["--modules", fixture("changed/workers.ts"), "--queue", "changed", "--concurrency", "1"]).then((w) => (others.push(w), w)));
/** Rows of the cache's result store in the SQLite file `db`. */
function resultRows(db: string): number {
  const sqlite = new Database(db, { readonly: true });
  try {
    return (sqlite.query("SELECT count(*) AS n FROM cache_results").get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}
const blobFiles = (db: string) => readdirSync(join(dirname(db), "blobs"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe("bullmqExecutor()", () => {
  test("runs every item of a map/reduce as a job, spread over the worker processes", async () => {
    await using dr = await new Builder().withModules(remote, squares).withExecutor(bullmqExecutor({ connection, queue: "main" })).build();
    const { squares: out } = await dr.execute(["squares"], { inputs: { n: 8, ms: 150 } });
    expect(out.map((s) => s.square)).toEqual([0, 1, 4, 9, 16, 25, 36, 49]);
    expect(new Set(out.map((s) => s.pid))).toEqual(new Set([workerA!.pid, workerB!.pid]));
  });

  test("the run history and the web view show the worker's name (host:pid) as each worker node's host, the driver's host name for the others", async () => {
    const path = join(temp, "hosts", "weft.db");
    let runId = "";
    const out = await (async () => {
      await using dr = await new Builder().withModules(remote, squares).withExecutor(bullmqExecutor({ connection, queue: "main" }))
        .withTracking({ path }).withHooks({ beforeGraph: (e) => void (runId = e.runId) }).build();
      return (await dr.execute(["squares"], { inputs: { n: 8, ms: 150 } })).squares;
    })();
    const history = openHistory(path);
    try {
      const nodes = history.nodesOf(runId);
      const items = nodes.filter((n) => n.node === "slowSquare").sort((a, b) => a.item.localeCompare(b.item, "en", { numeric: true }));
      // Each item's host is the worker that computed it: the pid in its result.
      const workerOf = out.map((s) => `${hostname()}:${s.pid}`);
      expect(items.map((n) => [n.item, n.executor, n.host])).toEqual(workerOf.map((w, i) => [`x[${i}]`, "bullmq", w]));
      expect(new Set(workerOf)).toEqual(new Set([workerA!, workerB!].map((w) => `${hostname()}:${w.pid}`)));
      expect(nodes.filter((n) => n.node !== "slowSquare").map((n) => [n.node, n.host])).toEqual([["x", hostname()], ["squares", hostname()]]);

      const { app } = createHistoryApp({ history, allowedHosts: ["localhost"] });
      const get = (url: string) => app.request(url, { headers: { host: "localhost" } });
      const panel = await (await get(`/runs/${runId}/nodes/slowSquare`)).text();
      const item3 = panel.slice(panel.indexOf('<span class="mono">x[3]</span>')).split("</details>")[0]!;
      expect(item3).toContain(`<dt>host</dt><dd class="mono">${workerOf[3]}</dd>`);
      const api = await (await get(`/api/runs/${runId}`)).json();
      const perWorker = Object.fromEntries([...new Set(workerOf)].map((w) => [w, workerOf.filter((x) => x === w).length]));
      expect(api.hosts).toEqual({ [hostname()]: 2, ...perWorker });
    } finally {
      history.close();
    }
  });

  test("init() warns when no worker serves the queue, and only then", async () => {
    const warn = spyOn(console, "warn").mockImplementation(() => {});
    try {
      for (const queue of ["main", "nobody"]) {
        const executor = bullmqExecutor({ connection, queue });
        await executor.init();
        await executor.dispose();
      }
      expect(warn.mock.calls).toEqual([[`weft: no worker serves queue "nobody" on ${redis.url} yet; jobs wait until one starts: weft worker --modules <flow> --redis ${redis.url} --queue nobody`]]);
    } finally {
      warn.mockRestore();
    }
  });

  test("sends large inputs and results through the cache's result store, by data version, and small ones inline", async () => {
    const db = join(mkdtempSync(join(temp, "plane-")), "weft.db");
    const worker = await startWorker(redis.url, [...modules, "--queue", "plane", "--concurrency", "1", "--cache", db]);
    others.push(worker);
    const executor = bullmqExecutor({ connection, queue: "plane", inlineLimit: 1_024 });
    await using dr = await new Builder().withModules(remote, workers).withCache({ path: db }).withExecutor(executor).build();
    // Paused: the job waits in Redis, where its size is read, before the worker takes it.
    const queue = new Queue(worker.bullQueue, { connection: { url: redis.url } });
    await queue.pause();
    // From the stream's start ("0-0"): this queue is new, and an event before the first read is not missed.
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url }, lastEventId: "0-0" });
    await events.waitUntilReady();
    try {
      const samples = Float64Array.from({ length: 10_000 }, (_, i) => i);
      const added = new Promise<string>((resolve) => events.once("waiting", ({ jobId }) => resolve(jobId)));
      const completed = new Promise<string>((resolve) => events.once("completed", ({ returnvalue }) => resolve(JSON.stringify(returnvalue))));
      const run = dr.execute(["doubled"], { inputs: { samples } });
      const data = await redisClient.hget(`bull:${worker.bullQueue}:${await added}`, "data");
      expect(data!.length).toBeLessThan(1_024);
      await queue.resume();
      expect((await run).doubled).toEqual(Float64Array.from({ length: 10_000 }, (_, i) => 2 * i));
      expect((await completed).length).toBeLessThan(1_024);
      expect(resultRows(db)).toBe(2); // the input and the result, each stored once (the result also under its cache entry)
      expect(await dr.execute(["asyncSum"], { inputs: { a: 2, b: 3 } })).toEqual({ asyncSum: 5 });
      expect(resultRows(db)).toBe(3); // asyncSum's result, stored by the driver's cache: it came inline
    } finally {
      await Promise.all([events.close(), queue.close()]);
    }
  });

  test("a stored input damaged before the worker reads it fails the node with a WorkerError, not a wrong value", async () => {
    const db = join(mkdtempSync(join(temp, "damaged-")), "weft.db");
    const worker = await startWorker(redis.url, [...modules, "--queue", "damaged", "--concurrency", "1", "--cache", db]);
    others.push(worker);
    const executor = bullmqExecutor({ connection, queue: "damaged", inlineLimit: 1_024 });
    await using dr = await new Builder().withModules(workers).withCache({ path: db }).withExecutor(executor).build();
    // Paused: the job waits in Redis while its stored input is damaged, before the worker takes it.
    const queue = new Queue(worker.bullQueue, { connection: { url: redis.url } });
    await queue.pause();
    // From the stream's start ("0-0"): this queue is new, and an event before the first read is not missed.
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url }, lastEventId: "0-0" });
    await events.waitUntilReady();
    try {
      const added = new Promise<void>((resolve) => events.once("waiting", () => resolve()));
      const run = dr.execute(["doubled"], { inputs: { samples: Float64Array.from({ length: 10_000 }, (_, i) => i) } }).catch((e) => e);
      await added;
      // The input is the one blob file (80 kB is above SQLite's inline size): one byte flipped.
      const [file] = blobFiles(db);
      const bytes = readFileSync(file!);
      bytes[bytes.length - 1]! ^= 0xff;
      writeFileSync(file!, bytes);
      await queue.resume();
      const error = await run;
      expect(isWeftError(error.cause, "worker")).toBe(true);
      expect(error.cause.message).toMatch(/^Worker "[^"]+:\d+" cannot read argument 0 of node "doubled" \(data version [0-9a-f]{64}\) from its cache: not there, or damaged; start weft worker with --cache naming the driver's cache, and run again$/);
    } finally {
      await Promise.all([events.close(), queue.close()]);
    }
  });

  test("cache.gc() removes the values jobs carried once no run uses them, and keeps cached results", async () => {
    const db = join(mkdtempSync(join(temp, "gc-")), "weft.db");
    others.push(await startWorker(redis.url, [...modules, "--queue", "gc", "--concurrency", "1", "--cache", db]));
    const executor = bullmqExecutor({ connection, queue: "gc", inlineLimit: 1_024 });
    await using dr = await new Builder().withModules(workers).withCache({ path: db }).withExecutor(executor).build();
    const samples = Float64Array.from({ length: 10_000 }, (_, i) => i);
    await dr.execute(["doubled"], { inputs: { samples: samples.slice() } });
    expect(resultRows(db)).toBe(2);
    expect(dr.cache!.gc({ graceMs: 0 })).toMatchObject({ results: 1, entries: 0 });
    expect(resultRows(db)).toBe(1);
    expect(blobFiles(db).length).toBe(1);
    // The result the cache entry points to stayed: a hit, no job.
    const { doubled } = await dr.execute(["doubled"], { inputs: { samples: samples.slice() } });
    expect(doubled).toEqual(Float64Array.from({ length: 10_000 }, (_, i) => 2 * i));
    expect(dr.cache!.explain("doubled").status).toBe("hit");
  });

  test("fails clearly when the driver passes a value by data version to a worker without --cache", async () => {
    const db = join(mkdtempSync(join(temp, "driver-only-")), "weft.db");
    const executor = bullmqExecutor({ connection, queue: "main", inlineLimit: 16 });
    await using dr = await new Builder().withModules(workers).withCache({ path: db }).withExecutor(executor).build();
    const error = await dr.execute(["doubled"], { inputs: { samples: new Float64Array(100) } }).catch((e) => e);
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toMatch(/^Worker "[^"]+:\d+" has no cache, but the job for node "doubled" passes argument 0 by data version; start weft worker with --cache naming the driver's cache$/);
  });

  test("the removed options sharedDirectory and store are a TypeError saying what replaced them", () => {
    expect(() => bullmqExecutor({ connection, sharedDirectory: "/mnt/weft" } as never)).toThrow(
      new TypeError('bullmqExecutor() option "sharedDirectory" was removed: large values now travel through the cache\'s result store: turn on withCache() on the driver and start weft worker with --cache naming the same cache'),
    );
    expect(() => bullmqExecutor({ connection, store: {} } as never)).toThrow(TypeError);
    expect(() => bullmqExecutor({ connection, inlineLimit: 2 * 1024 * 1024 })).toThrow(RangeError);
  });

  test("a node that no live worker runs at the driver's code version fails after routeTimeout, naming both versions", async () => {
    await changedWorker();
    await using dr = await new Builder().withModules((await import("../fixtures/workers.ts"))).withExecutor(bullmqExecutor({ connection, queue: "changed", routeTimeout: 1_000 })).build();
    const error = await dr.execute(["asyncSum"], { inputs: { a: 1, b: 1 } }).catch((e) => e);
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toMatch(/^Cannot run node "asyncSum": no live worker on queue "changed" runs its code version sha256:[0-9a-f]{64} \(the driver's; waited 1000 ms\); the live workers run sha256:[0-9a-f]{64}; restart the workers with the driver's code, or run the driver with the workers' code$/);
  });

  test("a driver on another runtime than its workers agrees with them on code versions (read from the module file)", async () => {
    // What bullmqExecutor() on Node sends: the same file gives the same version on every runtime.
    const executor = new BullmqExecutor({ connection, queue: "main" }, { codeVersion: nodeCodeVersioner(async () => bunCacheDrivers), runtime: "node" });
    await using dr = await new Builder().withModules((await import("../fixtures/workers.ts"))).withExecutor(executor).build();
    expect(await dr.execute(["asyncSum"], { inputs: { a: 2, b: 5 } })).toEqual({ asyncSum: 7 });
  });

  test("retries a job that timed out, with backoff, and the next attempt succeeds", async () => {
    const executor = bullmqExecutor({ connection, queue: "main", timeout: 500, attempts: 2, backoff: 10 });
    await using dr = await new Builder().withModules(remote).withExecutor(executor).build();
    expect(await dr.execute(["hangsFirstTime"], { inputs: { marker: join(temp, "hang-1") } })).toEqual({ hangsFirstTime: "second attempt" });
  });

  test("fails with TimeoutError once a job's attempts all timed out", async () => {
    const executor = bullmqExecutor({ connection, queue: "main", timeout: 300, attempts: 1 });
    await using dr = await new Builder().withModules(remote).withExecutor(executor).build();
    const error = await dr.execute(["hangsFirstTime"], { inputs: { marker: join(temp, "hang-2") } }).catch((e) => e);
    expect(isWeftError(error.cause, "timeout")).toBe(true);
    expect(error.cause.message).toBe('Node "hangsFirstTime" timed out after 300 ms; the limit is bullmqExecutor() option "timeout"; raise it or make the node faster');
  });

  test("does not retry a node's own error", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    await using dr = await new Builder().withModules(remote).withExecutor(bullmqExecutor({ connection, queue: "main", attempts: 3, backoff: 10 })).build();
    const error = await dr.execute(["failsCounting"], { inputs: { calls } }).catch((e) => e);
    expect(error.cause.name).toBe("RangeError");
    expect(error.cause.message).toBe("failed on purpose");
    expect(files(calls)).toBe(1);
  });

  test("retries a job whose worker thread died, up to `attempts`, then fails with WorkerError", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    await using dr = await new Builder().withModules(remote).withExecutor(bullmqExecutor({ connection, queue: "main", attempts: 2, backoff: 10 })).build();
    const error = await dr.execute(["exitsCounting"], { inputs: { calls } }).catch((e) => e);
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toBe('The worker running node "exitsCounting" died: the worker exited with code 3; the pool replaced it');
    expect(files(calls)).toBe(2);
  });

  test("cancelling a run removes its waiting jobs and stops its running one", async () => {
    const worker = await startWorker(redis.url, [...modules, "--queue", "cancel", "--concurrency", "1"]);
    others.push(worker);
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    const seen = (event: string, count: number) => new Promise<void>((resolve) => {
      let n = 0;
      events.on(event as "waiting", () => void (++n === count && resolve()));
    });
    const executor = bullmqExecutor({ connection, queue: "cancel" });
    await executor.init();
    try {
      const controller = new AbortController();
      const active = seen("active", 1);
      const waiting = seen("waiting", 4);
      const running = executor.submit(taskFor("waitsForSignal", [60_000], controller.signal));
      await active;
      const queued = [1, 2, 3].map((a) => executor.submit(taskFor("asyncSum", { a, b: 0 }, controller.signal)));
      await waiting;
      const removed = seen("removed", 3);
      controller.abort(new Error("run cancelled"));
      for (const p of [running, ...queued]) await expect(p).rejects.toThrow("run cancelled");
      await removed;
      // The worker's one thread was freed: a new job runs now, not after the 60 s the cancelled node would take.
      expect(await executor.submit(taskFor("asyncSum", { a: 4, b: 5 }))).toBe(9);
    } finally {
      await executor.dispose();
      await events.close();
    }
  });
});
