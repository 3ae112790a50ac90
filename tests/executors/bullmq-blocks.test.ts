/**
 * Map items' blocks as jobs: each item's whole block runs on a `weft worker`
 * (items batched), only the gathered values come back. Real redis-server and
 * worker processes.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { bullmqExecutor } from "../../bullmq.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, InProcessExecutor, isWeftError, type Executor, type Hook } from "../../mod.ts";
import * as blocks from "../fixtures/blocks.ts";
import * as edited from "../fixtures/blocks-edited.ts";
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
await serve("blocks");
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
});
