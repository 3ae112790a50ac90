import { describe, expect, test } from "bun:test";
import { Effect, Schedule } from "effect";
import { Builder, InProcessExecutor, NodeExecutionError, node, TimeoutError } from "../../mod.ts";
import { runPlan } from "../../lib/engine/run.ts";
import { buildGraph } from "../../lib/graph/graph.ts";
import { systemClock } from "../../lib/hooks.ts";
import { Planner } from "../../lib/engine/planner.ts";
import * as inFlightFlow from "../fixtures/in-flight.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const aborted = (signal: AbortSignal) => new Promise<unknown>((r) => signal.addEventListener("abort", () => r(signal.reason), { once: true }));

/** Counts nodes in flight and remembers the most seen at once. */
function inFlight() {
  const s = { now: 0, max: 0 };
  return {
    stats: s,
    async around<T>(f: () => Promise<T>): Promise<T> {
      s.now++;
      s.max = Math.max(s.max, s.now);
      try {
        return await f();
      } finally {
        s.now--;
      }
    },
  };
}

function wideModule(width: number, body: () => Promise<number>) {
  const mod: Record<string, (...args: number[]) => unknown> = {};
  for (let i = 0; i < width; i++) mod[`n${i}`] = node(body, { deps: [] });
  mod.sum = node((...xs: number[]) => xs.reduce((a, b) => a + b, 0), { deps: Object.keys(mod) });
  return mod;
}

describe("execute() scheduling", () => {
  test("mixes sync, async and Effect nodes", async () => {
    const dr = await new Builder().withModules({
      a: (x: number) => x + 1,
      b: async (a: number) => a * 2,
      c: (b: number) => Effect.succeed(b + 100),
      d: (a: number, c: number) => a + c,
    }).build();
    expect(await dr.execute(["d", "b"], { inputs: { x: 1 } })).toEqual({ d: 106, b: 4 });
  });

  test("runs independent async nodes concurrently", async () => {
    const t = inFlight();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const dr = await new Builder().withModules(wideModule(20, () => t.around(async () => {
      if (t.stats.now === 20) release();
      await gate;
      return 1;
    }))).build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 20 });
    expect(t.stats.max).toBe(20);
  });

  test("withConcurrency(n) bounds how many nodes run at once", async () => {
    const t = inFlight();
    const dr = await new Builder()
      .withModules(wideModule(20, () => t.around(async () => (await sleep(1), 1))))
      .withConcurrency(3)
      .build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 20 });
    expect(t.stats.max).toBe(3);
  });

  test("withConcurrency(n) bounds in-process nodes only: worker nodes wait for their executor's limit alone", async () => {
    const { _inFlight } = inFlightFlow;
    await using dr = await new Builder().withModules(inFlightFlow).withConcurrency(1).withExecutor(new InProcessExecutor({ capacity: 3 })).build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 12 });
    // Two limiters on one path would hold the worker nodes to 1 as well.
    expect(_inFlight.worker.max).toBe(3);
    expect(_inFlight.local.max).toBe(1);
  });

  test("withPools() bounds the nodes tagged with a pool, across concurrent runs, and leaves other nodes alone", async () => {
    const api = inFlight();
    const free = inFlight();
    const mod: Record<string, (...args: number[]) => unknown> = {};
    for (let i = 0; i < 6; i++) mod[`call${i}`] = node(() => api.around(async () => (await sleep(5), 1)), { deps: [], tags: { pool: "api" } });
    for (let i = 0; i < 4; i++) mod[`local${i}`] = node(() => free.around(async () => (await sleep(5), 1)), { deps: [] });
    mod.sum = node((...xs: number[]) => xs.reduce((a, b) => a + b, 0), { deps: Object.keys(mod) });
    const dr = await new Builder().withModules(mod).withPools({ api: 2 }).build();
    const runs = await Promise.all([dr.execute(["sum"]), dr.execute(["sum"])]);
    expect(runs).toEqual([{ sum: 10 }, { sum: 10 }]);
    expect(api.stats.max).toBe(2);
    expect(free.stats.max).toBe(8);
  });

  test("withPools() rejects a node tagged with a pool it does not define, and bad limits", async () => {
    const mod = { a: node(() => 1, { tags: { pool: "opneai" } }) };
    const error = await new Builder().withModules(mod).withPools({ openai: 1 }).build().catch((e) => e);
    expect(error.message).toBe('Cannot build the graph: node "a" is tagged pool "opneai", which withPools() does not define (defined: "openai"); add it to withPools() or fix the tag');
    expect(() => new Builder().withPools({ x: 0 })).toThrow(RangeError);
    expect(() => new Builder().withPools([] as unknown as Record<string, number>)).toThrow(TypeError);
    // Without withPools(), a pool tag is plain metadata.
    expect(await (await new Builder().withModules(mod).build()).execute(["a"])).toEqual({ a: 1 });
  });

  test("starts a node as soon as its own dependencies are done", async () => {
    let openSlow!: () => void;
    const slowGate = new Promise<void>((r) => (openSlow = r));
    const dr = await new Builder().withModules({
      slow: async () => (await slowGate, "slow"),
      fast: async () => "fast",
      // Would deadlock if it waited for "slow": it is what lets "slow" finish.
      afterFast: (fast: string) => (openSlow(), `${fast}!`),
      both: (slow: string, afterFast: string) => `${slow}+${afterFast}`,
    }).build();
    expect(await dr.execute(["both"])).toEqual({ both: "slow+fast!" });
  });

  test("releases a value as soon as no pending node needs it", async () => {
    const mod = {
      big: () => ({ payload: new Array(1000).fill(1) }),
      small: (big: { payload: number[] }) => big.payload.length,
      later: async (small: number) => {
        await sleep(1);
        seen = plan.values[graph.get("big")!.id];
        return small;
      },
    };
    let seen: unknown = "not run";
    const graph = buildGraph([{ name: "m", exports: mod }]);
    const plan = new Planner(graph).plan({ outputs: ["later"], inputs: {}, overrides: {} });
    const ctx = { runId: "r", hooks: [], clock: systemClock, concurrency: undefined, controller: new AbortController(), config: {}, executor: undefined, interceptor: undefined };
    expect(await Effect.runPromise(runPlan(plan, ctx))).toEqual({ later: 1000 });
    expect(seen).toBeUndefined();
  });
});

describe("execute() failures", () => {
  test("fails fast: rejects with NodeExecutionError naming the node, its path and the cause", async () => {
    const cause = new Error("disk full");
    let siblingReason: unknown;
    const dr = await new Builder().withModules({
      sibling: async (abortSignal: AbortSignal) => {
        siblingReason = await aborted(abortSignal);
        return 1;
      },
      bad: async (x: number) => {
        await sleep(1);
        if (x > 0) throw cause;
        return x;
      },
      mid: (bad: number) => bad,
      out: (mid: number, sibling: number) => mid + sibling,
    }).build();
    const error = await dr.execute(["out"], { inputs: { x: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("bad");
    expect(error.path).toEqual(["out", "mid", "bad"]);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Node "bad" failed (needed by "mid" <- "out"): disk full');
    expect(siblingReason).toBe(error);
  });

  test("interrupts running Effect nodes when a sibling fails", async () => {
    let interrupted = false;
    const dr = await new Builder().withModules({
      forever: () => Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true)))),
      bad: async () => {
        await sleep(1);
        throw new Error("no");
      },
      out: (forever: number, bad: number) => forever + bad,
    }).build();
    await expect(dr.execute(["out"])).rejects.toBeInstanceOf(NodeExecutionError);
    expect(interrupted).toBe(true);
  });

  test("wraps a non-Error thrown value", async () => {
    const dr = await new Builder().withModules({ s: () => { throw "boom"; }, o: async () => { throw { code: 7 }; } }).build();
    const s = await dr.execute(["s"]).catch((e) => e);
    expect(s).toBeInstanceOf(NodeExecutionError);
    expect(s.cause).toBe("boom");
    expect(s.message).toBe('Node "s" failed: boom');
    const o = await dr.execute(["o"]).catch((e) => e);
    expect(o.cause).toEqual({ code: 7 });
    expect(o.message).toBe('Node "o" failed: non-Error value {"code":7}');
  });

  test("reports an Effect node's typed failure as the cause", async () => {
    const dr = await new Builder().withModules({ e: () => Effect.fail({ _tag: "Nope" as const }) }).build();
    const error = await dr.execute(["e"]).catch((e) => e);
    expect(error.cause).toEqual({ _tag: "Nope" });
  });

  test("a promise that rejects after the run failed is not an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const dr = await new Builder().withModules({
        late: async () => {
          await sleep(10);
          throw new Error("late");
        },
        bad: () => {
          throw new Error("first");
        },
        out: (late: number, bad: number) => late + bad,
      }).build();
      const error = await dr.execute(["out"]).catch((e) => e);
      expect(error.node).toBe("bad");
      await sleep(30);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  test("a caller's signal cancels the run: nodes' signals fire and execute rejects with the reason", async () => {
    const controller = new AbortController();
    let nodeSaw: unknown;
    const dr = await new Builder().withModules({
      waits: async (abortSignal: AbortSignal) => {
        queueMicrotask(() => controller.abort(new Error("user cancelled")));
        nodeSaw = await aborted(abortSignal);
        return 1;
      },
    }).build();
    const error = await dr.execute(["waits"], { signal: controller.signal }).catch((e) => e);
    expect(error).toEqual(new Error("user cancelled"));
    expect(nodeSaw).toBeInstanceOf(DOMException);
  });

  test("an already aborted signal runs no node", async () => {
    let called = false;
    const dr = await new Builder().withModules({ a: () => (called = true) }).build();
    const error = await dr.execute(["a"], { signal: AbortSignal.abort() }).catch((e) => e);
    expect(error.name).toBe("AbortError");
    expect(called).toBe(false);
  });
});

describe("execute() timeout and retry", () => {
  test("timeout fails the node with TimeoutError and fires its signal", async () => {
    let signalled = false;
    const dr = await new Builder().withModules({
      hang: node(async (abortSignal: AbortSignal) => {
        await aborted(abortSignal);
        signalled = true;
        return 1;
      }, { timeout: 20 }),
    }).build();
    const error = await dr.execute(["hang"]).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(error.cause.message).toBe('Node "hang" timed out after 20 ms; raise its timeout in node(fn, { timeout }) or make it faster');
    await sleep(1);
    expect(signalled).toBe(true);
  });

  test("a node that finishes within its timeout succeeds", async () => {
    const dr = await new Builder().withModules({ quick: node(async () => 5, { timeout: 1000 }) }).build();
    expect(await dr.execute(["quick"])).toEqual({ quick: 5 });
  });

  test("retry re-runs a failing node until it succeeds", async () => {
    let calls = 0;
    const dr = await new Builder().withModules({
      flaky: node(async () => {
        if (++calls < 3) throw new Error(`attempt ${calls}`);
        return calls;
      }, { retry: 2 }),
    }).build();
    expect(await dr.execute(["flaky"])).toEqual({ flaky: 3 });
  });

  test("retry gives up with the last error", async () => {
    let calls = 0;
    const dr = await new Builder().withModules({
      broken: node(() => {
        throw new Error(`attempt ${++calls}`);
      }, { retry: { times: 2, delay: 1 } }),
    }).build();
    const error = await dr.execute(["broken"]).catch((e) => e);
    expect(calls).toBe(3);
    expect(error.cause.message).toBe("attempt 3");
  });

  test("retry accepts an Effect schedule", async () => {
    let calls = 0;
    const dr = await new Builder().withModules({
      flaky: node(() => {
        if (++calls < 4) throw new Error("again");
        return "ok";
      }, { retry: Schedule.recurs(5) }),
    }).build();
    expect(await dr.execute(["flaky"])).toEqual({ flaky: "ok" });
    expect(calls).toBe(4);
  });
});

describe("executeEffect()", () => {
  test("fails with typed errors that Effect.catchTag can match", async () => {
    const dr = await new Builder().withModules({ a: (x: number) => x }).build();
    const program = dr.executeEffect(["a"]).pipe(
      Effect.catchTag("MissingInputError", (e) => Effect.succeed({ a: -e.missing.length })),
    );
    expect(await Effect.runPromise(program)).toEqual({ a: -1 });
  });

  test("succeeds with the outputs", async () => {
    const dr = await new Builder().withModules({ a: (x: number) => x * 2 }).build();
    expect(await Effect.runPromise(dr.executeEffect(["a"], { inputs: { x: 4 } }))).toEqual({ a: 8 });
  });
});
