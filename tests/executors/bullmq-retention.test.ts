/**
 * What the BullMQ executor leaves in Redis, against a real redis-server and
 * real `weft worker` processes: after many jobs the keys stay bounded (no
 * completed job is kept, failed ones are capped, the event stream is trimmed).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { bullmqExecutor } from "../../bullmq.ts";
import { taskFor } from "./executor-contract.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

setDefaultTimeout(120_000);

const redis = await RedisServer.start();
const workers: WorkerProcess[] = [];
const client = new Redis(redis.url);
afterAll(async () => {
  client.disconnect();
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await redis.dispose();
});

describe("bullmqExecutor() retention", () => {
  test("after 3,000 jobs Redis holds no job, a trimmed event stream and a few bookkeeping keys", async () => {
    const flags = ["--modules", fixture("workers.ts"), "--queue", "kept", "--concurrency", "2"];
    const both = await Promise.all([startWorker(redis.url, flags), startWorker(redis.url, flags)]);
    workers.push(...both);
    const worker = both[0];
    const executor = bullmqExecutor({ connection: redis.url, queue: "kept", maxEvents: 1_000, keepFailed: 5 });
    try {
      const n = 3_000;
      const sums = await Promise.all(Array.from({ length: n }, (_, a) => executor.submit(taskFor("asyncSum", { a, b: 1 }))));
      expect(sums).toEqual(Array.from({ length: n }, (_, a) => a + 1));
      const queue = new Queue(worker!.bullQueue, { connection: client });
      try {
        expect(await queue.getJobCounts("completed", "failed", "waiting", "active", "delayed")).toEqual({ completed: 0, failed: 0, waiting: 0, active: 0, delayed: 0 });
      } finally {
        await queue.close();
      }
      // Trimmed with MAXLEN ~ 1000: whole stream nodes go, so a little over the length stays.
      const length = await client.xlen(`bull:${worker!.bullQueue}:events`);
      expect(length).toBeGreaterThan(0);
      expect(length).toBeLessThan(1_000 + 200);
    } finally {
      await executor.dispose();
    }
    const keys = await client.keys("*");
    // BullMQ's queue keys (meta, events, id, ...) and weft's registry: nothing per job, no driver's job list.
    expect(keys.filter((k) => /^bull:kept\.[0-9a-f]+:\d|:driver:/.test(k))).toEqual([]);
    expect(keys.length).toBeLessThan(20);
  });

  test("jobs are added with failed jobs capped at keepFailed, each for an hour", async () => {
    const worker = await startWorker(redis.url, ["--modules", fixture("workers.ts"), "--queue", "capped", "--concurrency", "1"]);
    workers.push(worker);
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    const executor = bullmqExecutor({ connection: redis.url, queue: "capped", keepFailed: 7 });
    const controller = new AbortController();
    try {
      const active = new Promise<string>((r) => events.once("active", ({ jobId }) => r(jobId)));
      const running = executor.submit(taskFor("waitsForSignal", [60_000], controller.signal));
      const queue = new Queue(worker.bullQueue, { connection: client });
      try {
        const job = await queue.getJob(await active);
        expect([job?.opts.removeOnComplete, job?.opts.removeOnFail]).toEqual([true, { age: 3_600, count: 7 }]);
      } finally {
        await queue.close();
      }
      controller.abort(new Error("done"));
      await expect(running).rejects.toThrow("done");
    } finally {
      await executor.dispose();
      await events.close();
    }
  });
});
