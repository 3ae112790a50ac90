import { describe, expect, test } from "bun:test";
import { Builder, collect, node, parallelizable, type Hook, type NodeEndEvent } from "../../mod.ts";
import * as workers from "../fixtures/workers.ts";

/** A hook that records every event as "kind:name". */
function recorder() {
  const events: string[] = [];
  const ends: NodeEndEvent[] = [];
  const hook: Hook = {
    beforeGraph: (e) => events.push(`graph-start:${e.outputs.join(",")}:${[...e.nodes].sort().join(",")}`),
    beforeNode: (e) => events.push(`node-start:${e.node}`),
    afterNode: (e) => {
      events.push(`node-end:${e.node}:${e.success ? "ok" : "failed"}`);
      ends.push(e);
    },
    afterGraph: (e) => events.push(`graph-end:${e.success ? "ok" : `failed:${(e.error as Error).message}`}`),
  };
  return { events, ends, hook };
}

/** A clock that advances 5 ms per reading. */
function steppingClock() {
  let t = 1_000;
  return { now: () => (t += 5) };
}

describe("hooks", () => {
  test("are called in Hamilton's order: graph start, node start/end, graph end", async () => {
    const { events, hook } = recorder();
    const dr = await new Builder()
      .withModules({ a: (x: number) => x + 1, b: async (a: number) => a * 2 })
      .withHooks(hook)
      .build();
    await dr.execute(["b"], { inputs: { x: 1 } });
    expect(events).toEqual([
      "graph-start:b:a,b",
      "node-start:a",
      "node-end:a:ok",
      "node-start:b",
      "node-end:b:ok",
      "graph-end:ok",
    ]);
  });

  test("report node name, tags, inputs by name, result and duration", async () => {
    const { ends, hook } = recorder();
    const dr = await new Builder()
      .withModules({ name: "m", exports: { sum: node((a: number, b = 10) => a + b, { tags: { kind: "math" } }) } })
      .withHooks(hook)
      .withClock(steppingClock())
      .build();
    await dr.execute(["sum"], { inputs: { a: 1 } });
    expect(ends).toHaveLength(1);
    const e = ends[0]!;
    expect(e.node).toBe("sum");
    expect(e.tags).toEqual({ kind: "math", module: "m" });
    expect(e.inputs).toEqual({ a: 1 });
    expect(e.result).toBe(11);
    expect(e.success).toBe(true);
    expect(e.duration).toBe(5);
  });

  test("report a failing node and the graph's error", async () => {
    const { events, ends, hook } = recorder();
    const dr = await new Builder()
      .withModules({ a: () => 1, bad: (a: number) => { if (a) throw new Error("nope"); return a; } })
      .withHooks(hook)
      .build();
    await expect(dr.execute(["bad"])).rejects.toThrow('Node "bad" failed: nope');
    expect(events).toEqual([
      "graph-start:bad:a,bad",
      "node-start:a",
      "node-end:a:ok",
      "node-start:bad",
      "node-end:bad:failed",
      'graph-end:failed:Node "bad" failed: nope',
    ]);
    expect((ends[1]!.error as Error).message).toBe("nope");
  });

  test("report an async node's end when it settles", async () => {
    const { events, hook } = recorder();
    const dr = await new Builder()
      .withModules({ slow: async () => (await new Promise((r) => setTimeout(r, 5)), 1), fast: () => 2, both: (slow: number, fast: number) => slow + fast })
      .withHooks(hook)
      .build();
    await dr.execute(["both"]);
    expect(events.indexOf("node-end:slow:ok")).toBeGreaterThan(events.indexOf("node-end:fast:ok"));
    expect(events.indexOf("node-start:both")).toBeGreaterThan(events.indexOf("node-end:slow:ok"));
  });

  test("a hook that throws after an async node fails the run", async () => {
    const dr = await new Builder()
      .withModules({ a: async () => 1, b: (a: number) => a })
      .withHooks({ afterNode: (e) => { if (e.node === "a") throw new Error("hook broke late"); } })
      .build();
    await expect(dr.execute(["b"])).rejects.toThrow("hook broke late");
  });

  test("a hook that throws fails the run", async () => {
    const dr = await new Builder()
      .withModules({ a: () => 1 })
      .withHooks({ beforeNode: () => { throw new Error("hook broke"); } })
      .build();
    await expect(dr.execute(["a"])).rejects.toThrow("hook broke");
  });

  test("say where a node ran and which map/reduce item it ran for", async () => {
    const { ends, hook } = recorder();
    await using dr = await new Builder()
      .withModules(workers, { items: parallelizable(() => [2, 3]), sum: collect((squared: number[]) => squared.reduce((a, b) => a + b, 0)) })
      .withWorkers({ size: 1 })
      .withHooks(hook)
      .build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 13 });
    const squared = ends.filter((e) => e.node === "squared").sort((a, b) => a.items[0]!.index - b.items[0]!.index);
    expect(squared.map((e) => [e.executor, e.items, e.result])).toEqual([
      ["worker", [{ node: "items", index: 0 }], 4],
      ["worker", [{ node: "items", index: 1 }], 9],
    ]);
    const sum = ends.find((e) => e.node === "sum")!;
    expect([sum.executor, sum.items]).toEqual(["in-process", []]);
  });
});

describe("afterGraph", () => {
  const slow = { slow: async (abortSignal: AbortSignal) => new Promise((r) => setTimeout(() => r(abortSignal.aborted), 200)) };

  test("says a run cancelled by the caller's signal was cancelled, with the signal's reason", async () => {
    const ends: { cancelled: boolean; error: unknown }[] = [];
    const dr = await new Builder().withModules(slow).withHooks({ afterGraph: (e) => void ends.push({ cancelled: e.cancelled, error: e.error }) }).build();
    const controller = new AbortController();
    const reason = new Error("user stopped it");
    setTimeout(() => controller.abort(reason), 10);
    await expect(dr.execute(["slow"], { signal: controller.signal })).rejects.toBe(reason);
    expect(ends).toEqual([{ cancelled: true, error: reason }]);
  });

  test("says a failed run was not cancelled", async () => {
    const ends: boolean[] = [];
    const dr = await new Builder().withModules({ bad: () => { throw new Error("x"); } }).withHooks({ afterGraph: (e) => void ends.push(e.cancelled) }).build();
    await expect(dr.execute(["bad"])).rejects.toThrow("x");
    expect(ends).toEqual([false]);
  });
});
