/**
 * Re-delivery of a job whose worker died mid-job (SIGKILL), against a real
 * redis-server and real `weft worker` processes: the job goes to another
 * worker within 2 × the stalled interval when locks are that short, and
 * within the worker heartbeat's expiry when the dead worker held its job
 * under a long lock (which used to hold the job for the whole 30 s).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueEvents } from "bullmq";
import { bullmqExecutor } from "../../bullmq.ts";
import { LIVENESS_MS } from "../../executors/bullmq-registry.ts";
import { REAP_MS } from "../../executors/bullmq-reaper.ts";
import { Builder } from "../../mod.ts";
import * as held from "../fixtures/held.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

setDefaultTimeout(90_000);

const redis = await RedisServer.start();
const workers: WorkerProcess[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await redis.dispose();
});

/** Kills the worker running a job with SIGKILL; resolves with the ms until another worker starts the job. */
async function redelivery(queue: string, killedFlags: readonly string[], survivorFlags: readonly string[]): Promise<{ ms: number; pid: number; survivor: number }> {
  const base = ["--modules", fixture("held.ts"), "--queue", queue, "--concurrency", "1"];
  // The job holds its thread until this file is removed, after the re-delivery: the killed worker is still running
  // it when it is killed, however long the survivor takes to start (a 2 s job had finished before a survivor that
  // took longer to start on a loaded machine, and the test waited for a re-delivery that could not come).
  const dir = mkdtempSync(join(tmpdir(), "weft-held-"));
  const holdFile = join(dir, "hold");
  writeFileSync(holdFile, "");
  const killed = await startWorker(redis.url, [...base, ...killedFlags]);
  workers.push(killed);
  const events = new QueueEvents(killed.bullQueue, { connection: { url: redis.url } });
  await events.waitUntilReady();
  try {
    let onActive: (() => void) | undefined;
    events.on("active", () => onActive?.());
    const first = new Promise<void>((r) => (onActive = r));
    await using dr = await new Builder().withModules(held).withExecutor(bullmqExecutor({ connection: redis.url, queue })).build();
    const run = dr.execute(["held"], { inputs: { holdFile } });
    await first;
    // Idle and alive before the kill: its set stays live, so the job is BullMQ's stalled check's to re-deliver.
    const survivor = await startWorker(redis.url, [...base, ...survivorFlags]);
    workers.push(survivor);
    const again = new Promise<void>((r) => (onActive = r));
    await killed.stop("SIGKILL");
    const killedAt = performance.now();
    await again;
    const ms = performance.now() - killedAt;
    rmSync(holdFile);
    return { ms, pid: (await run).held, survivor: survivor.pid };
  } finally {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("bullmqExecutor() re-delivery after a worker dies", () => {
  test("with --lock-duration and --stalled-interval 1000, another worker starts the job within 2 × the stalled interval", async () => {
    const flags = ["--lock-duration", "1000", "--stalled-interval", "1000"];
    const { ms, pid, survivor } = await redelivery("short-locks", flags, flags);
    expect(pid).toBe(survivor);
    // 2 × 1,000 ms (one check marks the job, the next moves it), plus a margin for a loaded machine.
    expect(ms).toBeLessThan(2 * 1_000 + 2_000);
  });

  test("a worker that died holding its job under the default 30 s lock: the job is re-delivered once its heartbeat expires", async () => {
    const { ms, pid, survivor } = await redelivery("long-lock", [], ["--lock-duration", "1000", "--stalled-interval", "1000"]);
    expect(pid).toBe(survivor);
    // Heartbeat expiry, one reaper pass, two stalled checks, a margin: well under the 30 s lock it held.
    expect(ms).toBeLessThan(LIVENESS_MS + REAP_MS + 2 * 1_000 + 3_000);
  });
});
