/**
 * Work shared by drivers: a cached worker node call's job id is its cache key,
 * so drivers asking for the same work at once share one job and one result.
 * Real redis-server, real `weft worker` and driver processes.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bullmqExecutor } from "../../bullmq.ts";
import type { ExecutorTask } from "../../lib/ports/executor.ts";
import { nodeSpecsOf } from "../../lib/model/node-specs.ts";
import * as remote from "../fixtures/remote.ts";
import { fixture, RedisServer, startWorker } from "./_processes.ts";

setDefaultTimeout(60_000);

const redis = await RedisServer.start();
const worker = await startWorker(redis.url, ["--modules", fixture("remote.ts"), "--queue", "shared", "--concurrency", "2"]);
const temp = mkdtempSync(join(tmpdir(), "weft-shared-"));
afterAll(async () => {
  await worker.stop();
  await redis.dispose();
  rmSync(temp, { recursive: true, force: true });
});

const count = (dir: string) => readdirSync(dir).length;
/** Resolves once the queue has seen `n` events named `event` (read from the stream's start: the queue is new). */
function seen(events: QueueEvents, event: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    let k = 0;
    events.on(event as "duplicated", () => void (++k === n && resolve()));
  });
}

/** A driver process running `countedUntil` with its own cache. */
function driver(db: string, calls: string, gate: string) {
  return spawnDriver(db, calls, gate).done;
}
function spawnDriver(db: string, calls: string, gate: string) {
  const proc = Bun.spawn([process.execPath, fixture("shared-driver.ts"), redis.url, "shared", db, calls, gate], { stdout: "pipe", stderr: "pipe" });
  const done = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]).then(([out, err, code]) => ({ out, err, code }));
  return { proc, done };
}

function countedTask(inputs: Record<string, string>, key: string, signal: AbortSignal): ExecutorTask {
  const spec = nodeSpecsOf("countedUntil", remote.countedUntil, { module: "remote", config: {} })[0]!;
  return { locator: { moduleUrl: spec.moduleUrl!, exportName: "countedUntil", nodeName: spec.name, config: {} }, fn: spec.fn, style: spec.style, args: inputs, transfer: [], signal, key };
}

describe("bullmqExecutor() shared work", () => {
  test("two driver processes asking for the same cached work at once share one job: the node runs once, both get the value", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    const gate = join(temp, "gate-1");
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url }, lastEventId: "0-0" });
    await events.waitUntilReady();
    try {
      const duplicated = seen(events, "duplicated", 1);
      const runs = [driver(join(temp, "a.db"), calls, gate), driver(join(temp, "b.db"), calls, gate)];
      // The second add found the first job: only then may the node finish.
      await duplicated;
      writeFileSync(gate, "");
      for (const r of await Promise.all(runs)) {
        expect({ code: r.code, err: r.code === 0 ? "" : r.err }).toEqual({ code: 0, err: "" });
        expect(r.out).toContain('{"countedUntil":"shared"}');
      }
      expect(count(calls)).toBe(1);
    } finally {
      await events.close();
    }
  });

  test("a SIGKILLed driver's shared job is left to the live driver sharing it: the reaper does not cancel it, the node runs once", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    const gate = join(temp, "gate-kill");
    const client = new Redis(redis.url);
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    try {
      // The first driver adds the job (it is the job's `driver`) and the worker runs it; the second joins it.
      const active = new Promise<void>((resolve) => events.once("active", () => resolve()));
      const first = spawnDriver(join(temp, "kill-a.db"), calls, gate);
      await active;
      const duplicated = new Promise<void>((resolve) => events.once("duplicated", () => resolve()));
      const second = spawnDriver(join(temp, "kill-b.db"), calls, gate);
      await duplicated;
      first.proc.kill("SIGKILL");
      await first.done;
      // Reaped: the dead driver left the live drivers and nothing of it is still being removed (5 s heartbeat, 2 s passes).
      const reapedBy = performance.now() + 30_000;
      while ((await client.zcard("weft:shared:drivers")) !== 1 || (await client.scard("weft:shared:dead")) !== 0) {
        if (performance.now() > reapedBy) throw new Error("The reaper did not finish with the SIGKILLed driver within 30 s: its shared job was not left to the live driver");
        await Bun.sleep(100);
      }
      writeFileSync(gate, "");
      const r = await second.done;
      expect({ code: r.code, err: r.code === 0 ? "" : r.err }).toEqual({ code: 0, err: "" });
      expect(r.out).toContain('{"countedUntil":"shared"}');
      // Cancelled by the reaper, the job would have completed as cancelled and the second driver asked again: 2 calls.
      expect(count(calls)).toBe(1);
    } finally {
      client.disconnect();
      await events.close();
    }
  });

  test("a driver withdrawing a shared job leaves it to the other driver waiting for it", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    const gate = join(temp, "gate-2");
    const inputs = { calls, gate, value: "kept" };
    const [a, b] = [bullmqExecutor({ connection: redis.url, queue: "shared" }), bullmqExecutor({ connection: redis.url, queue: "shared" })];
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    await Promise.all([a.init(), b.init(), events.waitUntilReady()]);
    try {
      const active = new Promise<void>((resolve) => events.once("active", () => resolve()));
      const cancel = new AbortController();
      const first = a.submit(countedTask(inputs, "same-work", cancel.signal));
      await active;
      const duplicated = new Promise<void>((resolve) => events.once("duplicated", () => resolve()));
      const second = b.submit(countedTask(inputs, "same-work", new AbortController().signal));
      await duplicated;
      cancel.abort(new Error("run cancelled"));
      await expect(first).rejects.toThrow("run cancelled");
      writeFileSync(gate, "");
      expect(await second).toBe("kept");
      expect(count(calls)).toBe(1);
    } finally {
      await Promise.all([a.dispose(), b.dispose(), events.close()]);
    }
  });

  test("a shared job withdrawn by its only driver is cancelled, and the same work asked again runs anew", async () => {
    const calls = mkdtempSync(join(temp, "calls-"));
    const gate = join(temp, "gate-3");
    const inputs = { calls, gate, value: "again" };
    const executor = bullmqExecutor({ connection: redis.url, queue: "shared" });
    const events = new QueueEvents(worker.bullQueue, { connection: { url: redis.url } });
    await Promise.all([executor.init(), events.waitUntilReady()]);
    try {
      const active = new Promise<void>((resolve) => events.once("active", () => resolve()));
      const cancel = new AbortController();
      const first = executor.submit(countedTask(inputs, "work-3", cancel.signal));
      await active;
      const completed = new Promise<void>((resolve) => events.once("completed", () => resolve()));
      cancel.abort(new Error("run cancelled"));
      await expect(first).rejects.toThrow("run cancelled");
      // The worker stopped the node (its job completed with the cancellation): the same id now is a new job.
      await completed;
      writeFileSync(gate, "");
      expect(await executor.submit(countedTask(inputs, "work-3", new AbortController().signal))).toBe("again");
      expect(count(calls)).toBe(2);
    } finally {
      await Promise.all([executor.dispose(), events.close()]);
    }
  });
});
