/**
 * The BullMQ executor against a real redis-server and real `weft worker`
 * processes (started here, on a loopback port). Faults are in
 * bullmq-faults.test.ts.
 */
import { afterAll, describe, expect, setDefaultTimeout, spyOn, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bullmqExecutor } from "../../bullmq.ts";
import { BullmqExecutor } from "../../executors/bullmq-executor.ts";
import { Builder, collect, isWeftError, parallelizable } from "../../mod.ts";
import { nodeCodeVersioner } from "../../cache/node-code-version.ts";
import { bunCacheDrivers } from "../../runtime/bun/mod.ts";
import * as remote from "../fixtures/remote.ts";
import { executorContract, taskFor } from "./executor-contract.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

// Every test starts redis-server or `weft worker` processes: on a loaded 2-core machine one start can take
// seconds, so bun's 5 s default fails tests whose behaviour is right.
setDefaultTimeout(30_000);

const redis = await RedisServer.start();
const modules = ["--modules", fixture("workers.ts"), fixture("remote.ts")];
// Two processes of two threads each: more than the contract's capacity of 2, so that the bound is the executor's.
const [workerA, workerB] = await Promise.all([0, 1].map(() => startWorker(redis.url, [...modules, "--concurrency", "2", "--queue", "main"])));
const others: WorkerProcess[] = [];
const temp = mkdtempSync(join(tmpdir(), "weft-bullmq-"));
afterAll(async () => {
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
const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe("bullmqExecutor()", () => {
  test("runs every item of a map/reduce as a job, spread over the worker processes", async () => {
    await using dr = await new Builder().withModules(remote, squares).withExecutor(bullmqExecutor({ connection, queue: "main" })).build();
    const { squares: out } = await dr.execute(["squares"], { inputs: { n: 8, ms: 150 } });
    expect(out.map((s) => s.square)).toEqual([0, 1, 4, 9, 16, 25, 36, 49]);
    expect(new Set(out.map((s) => s.pid))).toEqual(new Set([workerA!.pid, workerB!.pid]));
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

  test("sends large values through the shared directory and small ones inline", async () => {
    const store = join(temp, "store");
    others.push(await startWorker(redis.url, [...modules, "--queue", "store", "--concurrency", "1", "--store", store]));
    const executor = bullmqExecutor({ connection, queue: "store", sharedDirectory: store, inlineLimit: 1_024 });
    await using dr = await new Builder().withModules(remote, (await import("../fixtures/workers.ts"))).withExecutor(executor).build();
    const samples = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const { doubled } = await dr.execute(["doubled"], { inputs: { samples } });
    expect(doubled).toEqual(Float64Array.from({ length: 10_000 }, (_, i) => 2 * i));
    expect(files(store)).toBe(2); // the input and the result, each stored once
    expect(await dr.execute(["asyncSum"], { inputs: { a: 2, b: 3 } })).toEqual({ asyncSum: 5 });
    expect(files(store)).toBe(2);
  });

  test("fails clearly when the driver passes a value by reference to a worker without --store", async () => {
    const executor = bullmqExecutor({ connection, queue: "main", sharedDirectory: join(temp, "driver-only"), inlineLimit: 16 });
    await using dr = await new Builder().withModules((await import("../fixtures/workers.ts"))).withExecutor(executor).build();
    const error = await dr.execute(["doubled"], { inputs: { samples: new Float64Array(100) } }).catch((e) => e);
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toMatch(/^Worker "[^"]+:\d+" has no shared result store, but the job for node "doubled" passes a value by reference; start weft worker with --store naming the driver's sharedDirectory$/);
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
