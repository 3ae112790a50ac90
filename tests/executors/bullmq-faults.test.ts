/**
 * Faults of the BullMQ executor, each against a real redis-server and real
 * `weft worker` processes: a worker killed mid-job, Redis unreachable at
 * start, Redis stopped mid-run, two drivers on one queue.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { bullmqExecutor } from "../../bullmq.ts";
import { Builder, collect, isWeftError, parallelizable } from "../../mod.ts";
import * as remote from "../fixtures/remote.ts";
import { fixture, freePort, RedisServer, runCli, startWorker, type WorkerProcess } from "./_processes.ts";

// Every test starts redis-server or `weft worker` processes: on a loaded 2-core machine one start can take
// seconds, so bun's 5 s default fails tests whose behaviour is right.
setDefaultTimeout(30_000);

const redis = await RedisServer.start();
const connection = redis.url;
const modules = ["--modules", fixture("remote.ts")];
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await redis.dispose();
});

type Square = { square: number; pid: number };
const squares = {
  x: parallelizable((from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)),
  squares: collect((slowSquare: Square[]) => slowSquare),
};
const expected = (from: number, n: number) => Array.from({ length: n }, (_, i) => (from + i) ** 2);

describe("bullmqExecutor() faults", () => {
  test("a worker killed with SIGKILL mid-job: another worker takes the job over and the run completes", async () => {
    // Short locks, so a dead worker's job is noticed within about a second, not 30.
    const flags = [...modules, "--queue", "kill", "--concurrency", "1", "--lock-duration", "1000", "--stalled-interval", "250"];
    const first = await startWorker(redis.url, flags);
    workers.push(first);
    const events = new QueueEvents(first.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    const active = new Promise((resolve) => events.once("active", resolve));
    await using dr = await new Builder().withModules(remote).withExecutor(bullmqExecutor({ connection, queue: "kill" })).build();
    const run = dr.execute(["slowSquare"], { inputs: { x: 7, ms: 800 } });
    await active;
    await first.stop("SIGKILL");
    const second = await startWorker(redis.url, flags);
    workers.push(second);
    expect((await run).slowSquare).toEqual({ square: 49, pid: second.pid });
    await events.close();
  }, 15_000);

  test("Redis not reachable at start: build() fails within the connect timeout, naming the URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const start = performance.now();
    const error = await new Builder().withModules(remote).withExecutor(bullmqExecutor({ connection: url, connectTimeout: 1_500 })).build().catch((e) => e);
    expect(performance.now() - start).toBeLessThan(4_000);
    expect(error.message).toMatch(new RegExp(`^Cannot connect to Redis at "${url}": .*ECONNREFUSED.* \\(waited 1500 ms\\); start redis-server there, or pass its URL as bullmqExecutor\\(\\{ connection \\}\\)$`));
  });

  test("Redis not reachable at start: weft worker exits with status 1 and the same kind of message", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { code, err } = await runCli(["worker", ...modules, "--redis", url, "--connect-timeout", "1000"]);
    expect(code).toBe(1);
    expect(err.trim()).toMatch(new RegExp(`^weft worker: Cannot connect to Redis at "${url}": .* \\(waited 1000 ms\\); start redis-server there, or pass its URL with --redis$`));
  });

  test("Redis stopped mid-run: the run fails with a clear error; after Redis is back, a re-run completes", async () => {
    workers.push(await startWorker(redis.url, [...modules, "--queue", "outage", "--concurrency", "2"]));
    let done = 0;
    let firstDone: () => void;
    const oneItemDone = new Promise<void>((r) => (firstDone = r));
    const hook = { afterNode: (e: { node: string; success: boolean }) => void (e.node === "slowSquare" && e.success && ++done === 1 && firstDone()) };
    const executor = bullmqExecutor({ connection, queue: "outage", capacity: 2, connectTimeout: 5_000 });
    await using dr = await new Builder().withModules(remote, squares).withHooks(hook).withExecutor(executor).build();
    // Caught now: the driver can see the connection lost before the test sees redis-server exit, and bun fails a
    // test on a rejection that has no handler yet, even when one is attached a moment later.
    const run = dr.execute(["squares"], { inputs: { from: 0, n: 8, ms: 200 } }).catch((e) => e);
    await oneItemDone;
    await redis.stop();
    let error;
    try {
      error = await run;
    } finally {
      await redis.restart();
    }
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toMatch(new RegExp(`^Lost the connection to Redis at "${redis.url}" while node "slowSquare" was queued or running: .+; re-run once Redis is reachable again$`));
    const { squares: out } = await dr.execute(["squares"], { inputs: { from: 0, n: 8, ms: 20 } });
    expect(out.map((s) => s.square)).toEqual(expected(0, 8));
  }, 20_000);

  test("Redis dying while a job is being added: the run fails with the lost connection, it does not wait for Redis", async () => {
    let started: () => void;
    const nodeStarted = new Promise<void>((r) => (started = r));
    const executor = bullmqExecutor({ connection, queue: "dying-add", connectTimeout: 5_000 });
    await using dr = await new Builder().withModules(remote).withHooks({ beforeNode: () => started() }).withExecutor(executor).build();
    // Paused, Redis holds its connections open and answers nothing: the job's add waits for an answer.
    redis.pause();
    let error;
    try {
      const run = dr.execute(["slowSquare"], { inputs: { x: 3, ms: 10 } }).catch((e) => e);
      await nodeStarted;
      await Bun.sleep(1_000); // the node's job is being added by now (encoding is local and quick)
      await redis.stop("SIGKILL");
      error = await run;
    } finally {
      await redis.restart();
    }
    expect(isWeftError(error.cause, "worker")).toBe(true);
    expect(error.cause.message).toMatch(new RegExp(`^Lost the connection to Redis at "${redis.url}" while node "slowSquare" was queued or running: `));
  });

  test("Redis stopped mid-run with the cache on: the re-run after Redis is back reuses every item that had finished", async () => {
    workers.push(await startWorker(redis.url, [...modules, "--queue", "outage-cached", "--concurrency", "2"]));
    const finished = new Set<number>();
    const hits: number[] = [];
    let firstDone: () => void;
    const oneItemDone = new Promise<void>((r) => (firstDone = r));
    const hook = {
      afterNode: (e: { node: string; success: boolean; items: readonly { index: number }[]; cache?: { status: string } }) => {
        if (e.node !== "slowSquare" || !e.success) return;
        if (e.cache?.status === "hit") hits.push(e.items[0]!.index);
        else if (finished.add(e.items[0]!.index).size === 1) firstDone();
      },
    };
    const executor = bullmqExecutor({ connection, queue: "outage-cached", capacity: 2, connectTimeout: 5_000 });
    await using dr = await new Builder().withModules(remote, squares).withHooks(hook).withExecutor(executor).withCache({ memory: true }).build();
    const inputs = { from: 0, n: 8, ms: 200 };
    const run = dr.execute(["squares"], { inputs }).catch((e) => e); // caught now, as in the test above
    await oneItemDone;
    await redis.stop();
    try {
      expect(isWeftError((await run).cause, "worker")).toBe(true);
    } finally {
      await redis.restart();
    }
    const before = [...finished].sort();
    expect(before.length).toBeGreaterThan(0);
    const { squares: out } = await dr.execute(["squares"], { inputs });
    expect(out.map((s) => s.square)).toEqual(expected(0, 8));
    expect(hits.sort()).toEqual(before);
  }, 20_000);

  test("two drivers sharing one queue each get the results of their own jobs only", async () => {
    workers.push(await startWorker(redis.url, [...modules, "--queue", "shared", "--concurrency", "2"]));
    const build = () => new Builder().withModules(remote, squares).withExecutor(bullmqExecutor({ connection, queue: "shared" })).build();
    await using one = await build();
    await using two = await build();
    // Same node, same number of items, at the same time: only the inputs tell the jobs apart.
    const [a, b] = await Promise.all([
      one.execute(["squares"], { inputs: { from: 0, n: 10, ms: 10 } }),
      two.execute(["squares"], { inputs: { from: 100, n: 10, ms: 10 } }),
    ]);
    expect(a.squares.map((s) => s.square)).toEqual(expected(0, 10));
    expect(b.squares.map((s) => s.square)).toEqual(expected(100, 10));
  });

  test("a driver and a worker close promptly while Redis is down", async () => {
    const worker = await startWorker(redis.url, [...modules, "--queue", "down"]);
    workers.push(worker);
    const dr = await new Builder().withModules(remote).withExecutor(bullmqExecutor({ connection, queue: "down" })).build();
    await redis.stop();
    try {
      const start = performance.now();
      await dr.close();
      expect(await worker.stop("SIGTERM")).toBe(0);
      // Each waits a moment (1 s) for BullMQ to close, then drops its connections; without that, both wait forever.
      expect(performance.now() - start).toBeLessThan(4_000);
    } finally {
      await redis.restart();
    }
  }, 10_000);
});
