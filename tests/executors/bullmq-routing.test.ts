/**
 * Version-aware routing of the BullMQ executor, against a real redis-server and
 * real `weft worker` processes: a job only reaches a worker that runs the
 * driver's code of its node, so stale workers (a rolling deploy) never fail a run.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { QueueEvents } from "bullmq";
import { bullmqExecutor } from "../../bullmq.ts";
import { Builder } from "../../mod.ts";
import * as blocks from "../fixtures/blocks.ts";
import * as deployed from "../fixtures/deploy/new.ts";
import * as modifiers from "../fixtures/worker-modifiers.ts";
import { fixture, RedisServer, startWorker, type WorkerProcess } from "./_processes.ts";

// Starts of redis-server and `weft worker` take seconds on a loaded 2-core machine.
setDefaultTimeout(60_000);

const redis = await RedisServer.start();
const connection = redis.url;
const workers: WorkerProcess[] = [];
const start = async (queue: string, ...modules: string[]) => {
  const w = await startWorker(redis.url, ["--modules", ...modules.map((m) => fixture(m)), "--queue", queue, "--concurrency", "1"]);
  workers.push(w);
  return w;
};
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop("SIGKILL")));
  await redis.dispose();
});

const driver = (queue: string) => new Builder().withModules(deployed).withExecutor(bullmqExecutor({ connection, queue })).build();

describe("bullmqExecutor() routing", () => {
  test("with a worker of the driver's code and one of old code on one queue, every run completes on the matching one", async () => {
    const [fresh] = await Promise.all([start("mixed", "deploy/new.ts"), start("mixed", "deploy/old.ts")]);
    await using dr = await driver("mixed");
    const runs = await Promise.all(Array.from({ length: 6 }, (_, x) => dr.execute(["release"], { inputs: { x } })));
    expect(runs.map((r) => r.release)).toEqual(Array.from({ length: 6 }, (_, x) => ({ release: "new", x, pid: fresh!.pid })));
  });

  test("a rolling deploy (new workers started, old ones stopped one by one) completes every run", async () => {
    const old = await Promise.all([start("rolling", "deploy/old.ts"), start("rolling", "deploy/old.ts")]);
    await using dr = await driver("rolling");
    const fresh: WorkerProcess[] = [];
    let deploying = true;
    let runs = 0;
    let onNewResult: (() => void) | undefined;
    const newResult = () => new Promise<void>((r) => (onNewResult = r));
    const loop = (async () => {
      const results: unknown[] = [];
      for (let x = 0; deploying; x++) {
        // Three at once, as a map would submit them; the first ones wait until a new worker is up.
        const batch = await Promise.all([0, 1, 2].map((k) => dr.execute(["release"], { inputs: { x: 3 * x + k } })));
        results.push(...batch.map((b) => b.release));
        runs += 3;
        onNewResult?.();
      }
      return results;
    })();
    for (const stale of old) {
      fresh.push(await start("rolling", "deploy/new.ts"));
      await newResult();
      expect(await stale.stop("SIGTERM")).toBe(0);
      await newResult();
    }
    deploying = false;
    const results = (await loop) as { release: string; x: number; pid: number }[];
    expect(results.length).toBe(runs);
    expect(results.map((r) => r.x)).toEqual(results.map((_, i) => i));
    expect(new Set(results.map((r) => r.release))).toEqual(new Set(["new"]));
    const freshPids = new Set(fresh.map((w) => w.pid));
    expect(results.filter((r) => !freshPids.has(r.pid))).toEqual([]);
  });

  test("only workers of old code alive: the run fails within routeTimeout with a WorkerError naming both versions", async () => {
    await start("stale", "deploy/old.ts");
    await using dr = await new Builder().withModules(deployed).withExecutor(bullmqExecutor({ connection, queue: "stale", routeTimeout: 1_500 })).build();
    const begun = performance.now();
    const error = await dr.execute(["release"], { inputs: { x: 1 } }).catch((e) => e);
    // The bound is the timeout plus one read of the live workers; generous for a loaded machine.
    expect(performance.now() - begun).toBeLessThan(6_000);
    expect(error.cause?.kind).toBe("worker");
    expect(error.cause.message).toMatch(/^Cannot run node "release": no live worker on queue "stale" runs its code version sha256:[0-9a-f]{64} \(the driver's; waited 1500 ms\); the live workers run sha256:[0-9a-f]{64}; restart the workers with the driver's code, or run the driver with the workers' code$/);
  });

  test("waiting jobs of a code set whose last worker dies go to another live set that runs the node", async () => {
    // Two code sets that both hold `release` and `hold` at the driver's version: one with an extra module.
    const first = await start("reroute", "deploy/new.ts", "remote.ts");
    await using dr = await driver("reroute");
    const events = new QueueEvents(first.bullQueue, { connection: { url: redis.url } });
    await events.waitUntilReady();
    const active = new Promise((r) => events.once("active", r));
    const controller = new AbortController();
    const held = dr.execute(["hold"], { inputs: { ms: 120_000 }, signal: controller.signal }).catch((e) => e);
    await active;
    await events.close();
    // Behind the held job on the first worker's one thread.
    const queued = Array.from({ length: 3 }, (_, x) => dr.execute(["release"], { inputs: { x } }));
    // Two threads: the held job, sent again too once its dead worker's lock is dropped, cannot hold up the others.
    const second = await startWorker(redis.url, ["--modules", fixture("deploy/new.ts"), "--queue", "reroute", "--concurrency", "2"]);
    workers.push(second);
    expect(second.bullQueue).not.toBe(first.bullQueue);
    await first.stop("SIGKILL");
    const results = await Promise.all(queued);
    expect(results.map((r) => r.release)).toEqual([0, 1, 2].map((x) => ({ release: "new", x, pid: second.pid })));
    controller.abort(new Error("done"));
    expect((await held).message).toBe("done");
  });

  test("after Redis restarts empty, the workers advertise their code sets again and a new driver's run completes", async () => {
    const worker = await start("restart", "deploy/new.ts");
    await redis.stop();
    await redis.restart();
    // A new driver has seen no code set before: it finds the one the worker advertises again with its heartbeat.
    await using dr = await driver("restart");
    expect(await dr.execute(["release"], { inputs: { x: 5 } })).toEqual({ release: { release: "new", x: 5, pid: worker.pid } });
  });

  test("a map item's block job goes to a set that holds every node of the block at the driver's version, not one holding only some", async () => {
    // Two workers whose copy of the inner node `scaled` differs (their set holds plusOne and label at the driver's
    // version, and more live workers), and one with the driver's code of all three.
    const edited = await Promise.all([start("block-route", "blocks-edited.ts"), start("block-route", "blocks-edited.ts")]);
    const fresh = await start("block-route", "blocks.ts");
    expect(edited[0]!.bullQueue).not.toBe(fresh.bullQueue);
    const added = new Map<string, number>();
    const events = [edited[0]!.bullQueue, fresh.bullQueue].map((name) => {
      const e = new QueueEvents(name, { connection: { url: redis.url }, lastEventId: "0-0" });
      e.on("added", () => void added.set(name, (added.get(name) ?? 0) + 1));
      return e;
    });
    await Promise.all(events.map((e) => e.waitUntilReady()));
    try {
      await using dr = await new Builder().withModules(blocks).withExecutor(bullmqExecutor({ connection, queue: "block-route" })).build();
      const { labels } = await dr.execute(["labels"], { inputs: { n: 40, factor: 2 } });
      expect(labels).toEqual(Array.from({ length: 40 }, (_, i) => `v${(i + 1) * 2}`));
      // Each job's "added" event was written before its completion, which the run waited for.
      expect(added.get(edited[0]!.bullQueue) ?? 0).toBe(0);
      expect(added.get(fresh.bullQueue) ?? 0).toBeGreaterThan(0);
    } finally {
      await Promise.all(events.map((e) => e.close()));
    }
  });

  test("a node that a config shapes is routed to a worker whose modules define it, which checks it when run", async () => {
    await start("shaped", "worker-modifiers.ts");
    await using dr = await new Builder().withModules(modifiers).withConfig({ region: "eu" }).withExecutor(bullmqExecutor({ connection, queue: "shaped" })).build();
    expect(await dr.execute(["shifted", "double"], { inputs: { x: 1 } })).toEqual({ shifted: 101, double: 2 });
  });
});
