import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  Builder,
  collect,
  node,
  NodeExecutionError,
  parallelizable,
  type ItemResult,
  type NodeEndEvent,
} from "../../mod.ts";
import { tempDir } from "../cache/_helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function cachePath(): string {
  const { dir, remove } = tempDir("keep-going");
  cleanups.push(remove);
  return join(dir, "weft.db");
}

class DoNotProceed extends Error {}

describe('execute() with onError: "continue"', () => {
  test("skips a failed node's dependents and finishes unrelated branches (GracefulErrorAdapter docstring)", async () => {
    const calls: string[] = [];
    const dr = await new Builder().withModules({
      wontProceed: (): number => {
        throw new DoNotProceed("no");
      },
      willProceed: () => (calls.push("willProceed"), 1),
      neverReached: (wontProceed: number) => (calls.push("neverReached"), wontProceed + 1),
      alsoNever: (neverReached: number) => (calls.push("alsoNever"), neverReached),
    }).build();
    const r = await dr.execute(["willProceed", "neverReached", "alsoNever"], { onError: "continue", sentinel: null });
    expect(r.ok).toBe(false);
    expect(r.results).toEqual({ willProceed: 1, neverReached: null, alsoNever: null });
    expect(calls).toEqual(["willProceed"]);
    expect(r.failures).toHaveLength(1);
    const failure = r.failures[0]!;
    expect(failure).toBeInstanceOf(NodeExecutionError);
    expect(failure.node).toBe("wontProceed");
    expect(failure.cause).toBeInstanceOf(DoNotProceed);
    expect(r.skipped).toEqual([
      { node: "neverReached", items: [], input: "wontProceed" },
      { node: "alsoNever", items: [], input: "neverReached" },
    ]);
  });

  test("resolves ok with every value when nothing fails", async () => {
    const dr = await new Builder().withModules({ a: () => 1, b: (a: number) => a + 1 }).build();
    expect(await dr.execute(["b"], { onError: "continue" })).toEqual({ ok: true, results: { b: 2 }, failures: [], skipped: [] });
  });

  test("lets the other async nodes finish: their signals do not fire", async () => {
    let aborted = false;
    const dr = await new Builder().withModules({
      fails: async (): Promise<number> => {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error("boom");
      },
      slow: async (abortSignal: AbortSignal) => {
        await new Promise((r) => setTimeout(r, 60));
        aborted = abortSignal.aborted;
        return "done";
      },
    }).build();
    const r = await dr.execute(["fails", "slow"], { onError: "continue" });
    expect(r.results).toEqual({ fails: undefined, slow: "done" });
    expect(aborted).toBe(false);
  });

  test("runs a node that accepts error sentinels with the sentinel as its argument (accept_error_sentinels)", async () => {
    const SENTINEL = Symbol("failed");
    const dr = await new Builder().withModules({
      result1: (): number => {
        throw new Error("no result");
      },
      result2: () => 2,
      gathering: node((result1: number | symbol, result2: number | symbol) => ({
        result1: result1 === SENTINEL ? "Node failure: no result" : result1,
        result2,
      }), { acceptErrorSentinels: true }),
    }).build();
    const r = await dr.execute(["gathering"], { onError: "continue", sentinel: SENTINEL });
    expect(r.results.gathering).toEqual({ result1: "Node failure: no result", result2: 2 });
    expect(r.failures.map((f) => f.node)).toEqual(["result1"]);
    expect(r.skipped).toEqual([]);
  });

  test("fails fast without the option, as before", async () => {
    const dr = await new Builder().withModules({
      bad: (): number => {
        throw new Error("boom");
      },
      good: () => 1,
    }).build();
    const e = await dr.execute(["bad", "good"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NodeExecutionError);
  });

  test("rejects a wrong onError and a sentinel without it", async () => {
    const dr = await new Builder().withModules({ a: () => 1 }).build();
    expect(() => dr.execute(["a"], { onError: "ignore" as "fail" })).toThrow(TypeError);
    expect(() => dr.execute(["a"], { sentinel: null })).toThrow('execute() option "sentinel" needs onError: "continue"');
    expect(() => node(() => 1, { acceptErrorSentinels: "yes" as unknown as boolean })).toThrow(TypeError);
  });
});

// Hamilton's tests/test_parallel_graceful.py over tests/resources/graceful_parallel.py, with sentinel undefined.
function gracefulParallel(state: "early" | "middle" | "pass", opts: { failFirst?: boolean; injection?: boolean } = {}) {
  const distro = {
    middle: function* (inputMaker: number) {
      for (let x = 0; x < inputMaker; x++) {
        if (x > 4) throw new Error("bad");
        yield x * 3;
      }
    },
    early: function* (inputMaker: number) {
      if (inputMaker > 0) throw new Error("bad");
      yield 0;
    },
    pass: function* (inputMaker: number) {
      for (let x = 0; x < inputMaker; x++) yield x * 3;
    },
  }[state];
  return {
    inputMaker: (n: number) => {
      if (opts.failFirst) throw new Error("Went wrong");
      return n;
    },
    distro: parallelizable(distro),
    someMath: (distro: number) => {
      if (distro > 15) throw new Error("No no no");
      return distro * 2;
    },
    otherMath: (distro: number) => {
      if (distro < 10) throw new Error("Not allowed");
      return distro + 1;
    },
    gatherMath: node((someMath: number, otherMath: number) => [someMath, otherMath], { acceptErrorSentinels: opts.injection ?? true }),
    distroEnd: collect((gatherMath: number[][]) => gatherMath),
    // Hamilton runs a collect whose list holds sentinels; here a collect opts in to receive them.
    distroGather: node(collect((someMath: number[]) => someMath), { acceptErrorSentinels: true }),
  };
}

describe("keep-going runs with map/reduce (test_parallel_graceful.py)", () => {
  const cases = [
    ["test_early_parallel_fail", "early", false, [undefined]],
    ["test_middle_parallel_fail", "middle", false, [0, 6, 12, 18, 24, undefined]],
    ["test_inside_block_errors", "pass", false, [0, 6, 12, 18, 24, 30, undefined, undefined, undefined, undefined]],
  ] as const;
  for (const [name, state, failFirst, expected] of cases) {
    test(`test_parallel_graceful_simple[${name}]`, async () => {
      const dr = await new Builder().withModules(gracefulParallel(state, { failFirst })).build();
      const r = await dr.execute(["distroGather"], { onError: "continue", inputs: { n: 10 } });
      expect(r.results.distroGather as unknown).toEqual([...expected]);
      expect(r.ok).toBe(false);
    });
  }

  test("test_parallel_graceful_simple[test_pre_parallel_fail]: the collect receives the sentinel alone", async () => {
    const dr = await new Builder().withModules(gracefulParallel("pass", { failFirst: true })).build();
    const r = await dr.execute(["distroGather"], { onError: "continue", inputs: { n: 10 } });
    expect(r.results.distroGather).toBeUndefined();
    expect(r.failures.map((f) => f.node)).toEqual(["inputMaker"]);
    expect(r.skipped.map((s) => s.node)).toEqual(["distro"]);
  });

  test("test_parallel_gather_injection: a node inside the block receives the sentinels", async () => {
    const dr = await new Builder().withModules(gracefulParallel("pass")).build();
    const r = await dr.execute(["distroEnd"], { onError: "continue", inputs: { n: 10 } });
    expect(r.results.distroEnd as unknown).toEqual([
      [0, undefined], [6, undefined], [12, undefined], [18, undefined], [24, 13],
      [30, 16], [undefined, 19], [undefined, 22], [undefined, 25], [undefined, 28],
    ]);
    // someMath fails for items 6..9, otherMath for items 0..3: one failure per item and node.
    expect(r.failures).toHaveLength(8);
    const failedItems = (name: string) => r.failures.filter((f) => f.node === name).map((f) => f.items[0]!.index).sort();
    expect(failedItems("someMath")).toEqual([6, 7, 8, 9]);
    expect(failedItems("otherMath")).toEqual([0, 1, 2, 3]);
  });

  test("test_parallel_gather_injection: without injection the items skip gatherMath and the collect is skipped", async () => {
    const dr = await new Builder().withModules(gracefulParallel("pass", { injection: false })).build();
    const r = await dr.execute(["distroEnd"], { onError: "continue", inputs: { n: 10 } });
    expect(r.results.distroEnd).toBeUndefined();
    expect(r.skipped.filter((s) => s.node === "gatherMath").map((s) => s.items[0]!.index).sort()).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
    expect(r.skipped.at(-1)).toEqual({ node: "distroEnd", items: [], input: "gatherMath" });
  });

  test('a parallelizable that throws under onItemError: "collect" fails only what depends on it', async () => {
    const dr = await new Builder().withModules({
      items: parallelizable(function* () {
        yield 1;
        yield 2;
        throw new Error("source gone");
      }, { onItemError: "collect" }),
      doubled: (items: number) => items * 2,
      all: collect((doubled: ItemResult<number>[]) => doubled),
      partial: node(collect((doubled: ItemResult<number>[]) => doubled.map((d) => (d.ok ? d.value : "failed"))), { acceptErrorSentinels: true }),
      unrelated: () => "fine",
    }).build();
    const r = await dr.execute(["all", "partial", "unrelated"], { onError: "continue" });
    expect(r.results).toEqual({ all: undefined, partial: [2, 4, "failed"], unrelated: "fine" });
    expect(r.failures.map((f) => [f.node, (f.cause as Error).message])).toEqual([["items", "source gone"]]);
    expect(r.skipped).toEqual([{ node: "all", items: [], input: "doubled" }]);
  });

  test("a parallelizable whose value is not iterable fails only what depends on it, streaming collects included", async () => {
    const dr = await new Builder().withModules({
      items: parallelizable((() => 5) as unknown as () => number[]),
      doubled: (items: number) => items * 2,
      listed: collect((doubled: number[]) => doubled),
      streamed: collect(async (doubled: AsyncIterable<number>) => {
        const out: number[] = [];
        for await (const d of doubled) out.push(d);
        return out;
      }, { stream: true }),
      unrelated: () => "fine",
    }).build();
    const r = await dr.execute(["listed", "streamed", "unrelated"], { onError: "continue" });
    expect(r.results).toEqual({ listed: undefined, streamed: undefined, unrelated: "fine" });
    expect(r.failures.map((f) => f.node)).toEqual(["items"]);
    expect(r.skipped.map((x) => x.node).sort()).toEqual(["listed", "streamed"]);
  });

  test("a streaming collect of a parallelizable that stops early receives the items, then the sentinel", async () => {
    const dr = await new Builder().withModules({
      items: parallelizable(function* () {
        yield 1;
        yield 2;
        throw new Error("source gone");
      }),
      doubled: (items: number) => items * 2,
      streamed: collect(async (doubled: AsyncIterable<number | null>) => {
        const out: (number | null)[] = [];
        for await (const d of doubled) out.push(d);
        return out;
      }, { stream: true }),
    }).build();
    const r = await dr.execute(["streamed"], { onError: "continue", sentinel: null });
    expect(r.results).toEqual({ streamed: [2, 4, null] });
    expect(r.failures.map((f) => f.node)).toEqual(["items"]);
  });

  test('onItemError: "collect" still hands the collect a failed item as an ItemResult', async () => {
    const dr = await new Builder().withModules({
      items: parallelizable(() => [1, 2, 3], { onItemError: "collect" }),
      checked: (items: number) => {
        if (items === 2) throw new Error("two");
        return items;
      },
      all: collect((checked: ItemResult<number>[]) => checked.map((c) => c.ok)),
    }).build();
    const r = await dr.execute(["all"], { onError: "continue" });
    expect(r).toEqual({ ok: true, results: { all: [true, false, true] }, failures: [], skipped: [] });
  });
});

describe("keep-going runs with result builders and task hooks", () => {
  test("a result builder makes its result from the values and the sentinels; failures are listed beside it", async () => {
    const dr = await new Builder().withModules({
      bad: (): number => {
        throw new Error("boom");
      },
      good: () => 1,
    }).build();
    const r = await dr.execute(["bad", "good"], { onError: "continue", sentinel: null, resultBuilder: (o: Record<string, unknown>) => Object.entries(o) });
    expect(r.results).toEqual([["bad", null], ["good", 1]]);
    expect(r.failures.map((f) => f.node)).toEqual(["bad"]);
  });

  test("afterTask reports an item whose node failed as unsuccessful, and the others as successful", async () => {
    const ended: [number, boolean][] = [];
    const dr = await new Builder().withModules({
      items: parallelizable(() => [1, 2, 3]),
      checked: (items: number) => {
        if (items === 2) throw new Error("two");
        return items;
      },
      all: node(collect((checked: number[]) => checked), { acceptErrorSentinels: true }),
    }).withHooks({ afterTask: (e) => void (e.spawningTaskId !== undefined && ended.push([ended.length, e.success])) }).build();
    const r = await dr.execute(["all"], { onError: "continue" });
    expect(r.results.all as unknown).toEqual([1, undefined, 3]);
    expect(ended.map(([, ok]) => ok).sort()).toEqual([false, true, true]);
  });
});

describe("keep-going runs with the cache", () => {
  function flow(calls: string[]) {
    return {
      flaky: node((fail: boolean) => {
        calls.push("flaky");
        if (fail) throw new Error("flaky failed");
        return undefined;
      }, { version: "1" }),
      below: node((flaky: undefined) => (calls.push("below"), flaky === undefined ? "ran" : "?"), { version: "1" }),
      report: node((flaky: unknown) => (calls.push("report"), `flaky gave ${String(flaky)}`), { acceptErrorSentinels: true, version: "1" }),
      unrelated: node((fail: boolean) => (calls.push("unrelated"), !fail), { version: "1" }),
    };
  }

  test("stores what finished, nothing for a failed, skipped or sentinel-fed node (#1388)", async () => {
    const path = cachePath();
    const calls: string[] = [];
    const statuses: Record<string, string | undefined> = {};
    const hook = { afterNode: (e: NodeEndEvent) => void (statuses[e.node] = e.cache?.status) };
    {
      await using dr = await new Builder().withModules(flow(calls)).withHooks(hook).withCache({ path }).build();
      const r = await dr.execute(["below", "report", "unrelated"], { onError: "continue", inputs: { fail: true } });
      expect(r.results).toEqual({ below: undefined, report: "flaky gave undefined", unrelated: false });
      expect(statuses.report).toBe("uncacheable");
    }
    // The same inputs again: what finished is a hit, the rest runs again.
    calls.length = 0;
    {
      await using dr = await new Builder().withModules(flow(calls)).withCache({ path }).build();
      const plan = dr.plan(["below", "report", "unrelated"], { inputs: { fail: true } });
      expect(Object.fromEntries(plan.nodes.map((n) => [n.node, n.status]))).toEqual({ flaky: "miss", below: "pending", report: "pending", unrelated: "hit" });
      await dr.execute(["below", "report", "unrelated"], { onError: "continue", inputs: { fail: true } });
      expect(calls.sort()).toEqual(["flaky", "report"]);
    }
    // flaky now succeeds with undefined, the very value the sentinel was: report must compute, not hit.
    calls.length = 0;
    {
      await using dr = await new Builder().withModules(flow(calls)).withCache({ path }).build();
      const r = await dr.execute(["below", "report"], { onError: "continue", inputs: { fail: false } });
      expect(r.results).toEqual({ below: "ran", report: "flaky gave undefined" });
      expect(calls.sort()).toEqual(["below", "flaky", "report"]);
    }
  });
});
