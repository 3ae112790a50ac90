/**
 * Driver liveness of the BullMQ executor, against a real redis-server, a real
 * `weft worker` and a real driver process: the jobs of a driver that dies are
 * removed (waiting) or stopped (running) by the workers' reaper, so a new
 * driver's jobs never queue behind them.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Queue, QueueEvents } from "bullmq";
import { bullmqExecutor } from "../../bullmq.ts";
import { taskFor } from "./executor-contract.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

setDefaultTimeout(60_000);

const redis = await RedisServer.start();
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await redis.dispose();
});

/** Resolves with the ids of the first `count` jobs that had `event`. */
function seen(events: QueueEvents, event: "waiting" | "active" | "removed" | "completed", count: number): Promise<string[]> {
  const ids: string[] = [];
  return new Promise((resolve) => {
    events.on(event as "waiting", ({ jobId }: { jobId: string }) => void (ids.push(jobId) === count && resolve(ids)));
  });
}

describe("bullmqExecutor() driver liveness", () => {
  test("a SIGKILLed driver's waiting jobs are removed and its running one stopped within 10 s; a new driver's jobs then run", async () => {
    const worker = await startWorker(redis.url, ["--modules", fixture("workers.ts"), "--queue", "orphans", "--concurrency", "1"]);
    workers.push(worker);
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    const queue = new Queue(worker.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    try {
      const waiting = 17;
      const added = seen(events, "waiting", waiting + 1);
      const active = seen(events, "active", 1);
      const driver = Bun.spawn([process.execPath, fixture("orphan-driver.ts"), redis.url, "orphans", String(waiting)], { stdout: "ignore", stderr: "inherit" });
      const [[running]] = await Promise.all([active, added]);
      expect(await queue.getJobCounts("waiting", "active")).toEqual({ waiting, active: 1 });
      // Each job leaves the queue once: removed while waiting, or completed (the running one stopped; one a worker
      // took just before the reaper came skips its node, its driver being gone).
      const left = new Set<string>();
      const allGone = new Promise<void>((resolve) => {
        const leave = ({ jobId }: { jobId: string }) => void (left.add(jobId).size === waiting + 1 && resolve());
        events.on("removed", leave);
        events.on("completed", leave);
      });
      const stopped = new Promise<void>((resolve) => events.on("completed", ({ jobId }) => void (jobId === running && resolve())));
      driver.kill("SIGKILL");
      await driver.exited;
      const killedAt = performance.now();
      await Promise.all([allGone, stopped]);
      // Heartbeat expiry (5 s) plus one reaper pass (every 2 s): well within the 10 s bound.
      const took = performance.now() - killedAt;
      expect(took).toBeLessThan(10_000);
      expect(await queue.getJobCounts("waiting", "active", "delayed")).toEqual({ waiting: 0, active: 0, delayed: 0 });

      const executor = bullmqExecutor({ connection: redis.url, queue: "orphans" });
      try {
        expect(await Promise.all([executor.submit(taskFor("asyncSum", { a: 1, b: 2 })), executor.submit(taskFor("asyncSum", { a: 3, b: 4 }))])).toEqual([3, 7]);
      } finally {
        await executor.dispose();
      }
    } finally {
      await Promise.all([events.close(), queue.close()]);
    }
  });
});
