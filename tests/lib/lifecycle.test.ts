/**
 * The complete lifecycle: build, graph, task, node and expansion hooks. Cases from Hamilton's
 * tests/lifecycle/test_lifecycle_adapters_end_to_end.py, ..._end_to_end_task_based.py and
 * tests/execution/test_node_grouping.py name the Hamilton test they come from in brackets.
 */
import { describe, expect, test } from "bun:test";
import {
  Builder, collect, HookError, isWeftError, parallelizable,
  type ExpandEvent, type Hook, type TaskEndEvent, type TaskStartEvent,
} from "../../mod.ts";

class SentinelError extends Error {}

/** Hamilton's `_sample_driver` module of the end-to-end tests. */
const sample = {
  a: (input: number) => Number(input) % 7,
  b: (a: number) => a * 2,
  c: (a: number, b: number, broken = false) => {
    if (broken) throw new SentinelError("broken");
    return a * 3 + b * 2;
  },
  d: (c: number) => c ** 3,
};

/** Hamilton's task-based `_sample_driver` module (its `collect` node is `summed` here). */
const parallel = {
  n_iters: (n_iters_input: number) => n_iters_input,
  parallel_over: parallelizable(function* (n_iters: number) {
    for (let i = 0; i < n_iters; i++) yield i;
  }),
  processed: (parallel_over: number) => parallel_over ** 2,
  more_processed: (processed: number, broken = false) => {
    if (broken) throw new SentinelError("broken");
    return processed ** 2;
  },
  summed: collect((more_processed: number[]) => more_processed.reduce((x, y) => x + y, 0)),
  output: (summed: number) => summed,
};

/** A hook that records every call as [method, event], in one sequence. */
function tracking(): { calls: [string, unknown][]; hook: Hook } {
  const calls: [string, unknown][] = [];
  const record = (method: string) => (event?: unknown) => void calls.push([method, event]);
  const hook: Hook = {
    beforeBuild: record("beforeBuild"), afterBuild: record("afterBuild"), beforeGraph: record("beforeGraph"),
    beforeTask: record("beforeTask"), beforeNode: record("beforeNode"), afterNode: record("afterNode"),
    afterTask: record("afterTask"), afterExpand: record("afterExpand"), afterGraph: record("afterGraph"),
  };
  return { calls, hook };
}

const only = <E>(calls: [string, unknown][], method: string) => calls.filter(([m]) => m === method).map(([, e]) => e as E);

describe("build hooks", () => {
  test("beforeBuild is called once, before the graph exists [test_individual_pre_do_anything_hook]", async () => {
    const { calls, hook } = tracking();
    await new Builder().withModules(sample).withHooks(hook).build();
    expect(calls.map(([m]) => m)).toEqual(["beforeBuild", "afterBuild"]);
    expect(calls[0]![1]).toBeUndefined();
  });

  test("afterBuild gets the graph, the modules and the config [test_individual_post_graph_construct_hook]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules({ name: "sample", exports: sample }).withConfig({ k: 1 }).withHooks(hook).build();
    const [event] = only<{ graph: unknown; modules: { name: string }[]; config: unknown }>(calls, "afterBuild");
    expect(event!.graph).toBe(dr.graph);
    expect(event!.modules.map((m) => m.name)).toEqual(["sample"]);
    expect(event!.config).toEqual({ k: 1 });
  });

  test("async build hooks are awaited before build() resolves", async () => {
    const order: string[] = [];
    const slow = (label: string) => async () => {
      await Bun.sleep(5);
      order.push(label);
    };
    await new Builder().withModules(sample).withHooks({ beforeBuild: slow("before"), afterBuild: slow("after") }).build();
    order.push("built");
    expect(order).toEqual(["before", "after", "built"]);
  });

  test("a build hook that throws fails the build with a HookError naming the hook", async () => {
    const error = await new Builder()
      .withModules(sample)
      .withHooks({ name: "audit", afterBuild: () => { throw new SentinelError("no"); } })
      .build()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookError);
    expect((error as HookError).message).toBe('Hook "audit" failed in afterBuild: no');
    expect([(error as HookError).hook, (error as HookError).method]).toEqual(['"audit"', "afterBuild"]);
    expect((error as Error).cause).toBeInstanceOf(SentinelError);
  });
});

describe("graph and node hooks", () => {
  test("several hooks see one run in Hamilton's order [test_multiple_hooks, test_multi_hook]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(sample).withHooks(hook).build();
    await dr.execute(["d"], { inputs: { input: 1 } });
    const methods = calls.map(([m]) => m);
    expect(methods.slice(0, 3)).toEqual(["beforeBuild", "afterBuild", "beforeGraph"]);
    expect(methods.at(-1)).toBe("afterGraph");
    // Four nodes, each one task: beforeTask, beforeNode, afterNode, afterTask.
    expect(methods.slice(3, -1)).toEqual(Array.from({ length: 4 }, () => ["beforeTask", "beforeNode", "afterNode", "afterTask"]).flat());
  });

  test("a failing node: its afterNode and afterGraph say so, other nodes never start [test_multiple_hooks_with_execution_exception]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(sample).withHooks(hook).build();
    await expect(dr.execute(["d"], { inputs: { input: 1, broken: true } })).rejects.toThrow("broken");
    const ends = only<{ node: string; success: boolean; error?: unknown }>(calls, "afterNode");
    expect(ends.map((e) => [e.node, e.success])).toEqual([["a", true], ["b", true], ["c", false]]);
    expect(ends[2]!.error).toBeInstanceOf(SentinelError);
    const [end] = only<{ success: boolean; error: Error }>(calls, "afterGraph");
    expect(end!.success).toBe(false);
    expect(end!.error.cause).toBeInstanceOf(SentinelError);
  });

  test("async node hooks do not hold the node back and are all settled before execute resolves", async () => {
    let settled = 0;
    const dr = await new Builder()
      .withModules(sample)
      .withHooks({ afterNode: async () => { await Bun.sleep(10); settled++; } })
      .build();
    await dr.execute(["d"], { inputs: { input: 1 } });
    expect(settled).toBe(4);
  });

  test("an async afterGraph is awaited before execute resolves", async () => {
    let done = false;
    const dr = await new Builder()
      .withModules(sample)
      .withHooks({ afterGraph: async () => { await Bun.sleep(20); done = true; } })
      .build();
    await dr.execute(["d"], { inputs: { input: 1 } });
    expect(done).toBe(true);
  });

  test("an async beforeGraph is awaited before any node starts", async () => {
    const order: string[] = [];
    const dr = await new Builder()
      .withModules({ a: () => order.push("a") })
      .withHooks({ beforeGraph: async () => { await Bun.sleep(10); order.push("beforeGraph"); } })
      .build();
    await dr.execute(["a"]);
    expect(order).toEqual(["beforeGraph", "a"]);
  });

  test("a node hook's rejected promise fails the run with a HookError naming the hook and method", async () => {
    const dr = await new Builder()
      .withModules(sample)
      .withHooks({}, { afterNode: async (e) => { if (e.node === "b") throw new SentinelError("late"); } })
      .build();
    const error = await dr.execute(["d"], { inputs: { input: 1 } }).catch((e: unknown) => e);
    expect(isWeftError(error, "hook")).toBe(true);
    expect((error as Error).message).toBe("Hook #2 failed in afterNode: late");
  });

  test("a hook that throws does not keep the hooks after it from hearing the event", async () => {
    const heard: string[] = [];
    const dr = await new Builder()
      .withModules({ a: () => 1 })
      .withHooks({ afterGraph: () => { throw new Error("first broke"); } }, { afterGraph: (e) => void heard.push(String(e.success)) })
      .build();
    await expect(dr.execute(["a"])).rejects.toThrow("Hook #1 failed in afterGraph: first broke");
    expect(heard).toEqual(["true"]);
  });
});

describe("withHooks()", () => {
  test("rejects a new hook method that is not a function, and a name that is not a string", () => {
    expect(() => new Builder().withHooks({ afterTask: "log" } as never)).toThrow('withHooks() hook method "afterTask" must be a function, got string');
    expect(() => new Builder().withHooks({ name: 1 } as never)).toThrow('withHooks() hook "name" must be a string, got number');
  });
});

describe("task hooks", () => {
  test("each map item's block is one task, spawned by the expand task [test_individual_post_task_execute_hook_task_based]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(parallel).withHooks(hook).build();
    expect(await dr.execute(["output"], { inputs: { n_iters_input: 5 } })).toEqual({ output: 0 + 1 + 16 + 81 + 256 });
    const ends = only<TaskEndEvent>(calls, "afterTask");
    // 2 tasks before the block, 5 items, the collect and the output.
    expect(ends).toHaveLength(2 + 5 + 1 + 1);
    expect(new Set(ends.map((e) => e.success))).toEqual(new Set([true]));
    const spawning = new Map<string | undefined, number>();
    for (const e of ends) spawning.set(e.spawningTaskId, (spawning.get(e.spawningTaskId) ?? 0) + 1);
    expect(Object.fromEntries(spawning)).toEqual({ "expand-parallel_over": 5, undefined: 4 });
    const purposes = new Map<string, number>();
    for (const e of ends) purposes.set(e.purpose, (purposes.get(e.purpose) ?? 0) + 1);
    expect(Object.fromEntries(purposes)).toEqual({ single: 2, expand: 1, block: 5, gather: 1 });
  });

  test("an item task names every node of its block and its item [test_group_nodes_by_repeatable_blocks]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(parallel).withHooks(hook).build();
    await dr.execute(["output"], { inputs: { n_iters_input: 2 } });
    const starts = only<TaskStartEvent>(calls, "beforeTask");
    const byId = Object.fromEntries(starts.map((e) => [e.taskId, e]));
    expect(Object.keys(byId).sort()).toEqual([
      "block-parallel_over.0", "block-parallel_over.1", "collect-summed", "expand-parallel_over", "n_iters", "output",
    ]);
    expect(byId["block-parallel_over.1"]).toMatchObject({
      nodes: ["processed", "more_processed"], purpose: "block", spawningTaskId: "expand-parallel_over",
      items: [{ node: "parallel_over", index: 1 }],
    });
    expect(byId["expand-parallel_over"]).toMatchObject({ nodes: ["parallel_over"], purpose: "expand", spawningTaskId: undefined, items: [] });
    // Nodes inside an item belong to its task: no task of their own.
    expect(starts.filter((e) => e.nodes.includes("processed"))).toHaveLength(2);
  });

  test("a block's task holds the nodes between expand and collect, not those outside it [test_group_nodes_by_repeatable_blocks_complex]", async () => {
    const { calls, hook } = tracking();
    const complex = {
      number_of_steps: () => 5,
      param_external_to_block: () => 3,
      second_param_external_to_block: () => 4,
      steps: parallelizable((number_of_steps: number) => Array.from({ length: number_of_steps }, (_, i) => i)),
      step_modified: (steps: number, second_param_external_to_block: number) => steps + second_param_external_to_block,
      double_step: (step_modified: number) => step_modified * 2,
      triple_step: (step_modified: number) => step_modified * 3,
      double_plus_triple_step: (double_step: number, triple_step: number) => double_step + triple_step,
      double_plus_triple_plus_param_external_to_block: (double_plus_triple_step: number, param_external_to_block: number) =>
        double_plus_triple_step + param_external_to_block,
      sum_of_some_things: collect((double_plus_triple_plus_param_external_to_block: number[]) =>
        double_plus_triple_plus_param_external_to_block.reduce((x, y) => x + y, 0)),
      final: (sum_of_some_things: number) => sum_of_some_things,
    };
    const dr = await new Builder().withModules(complex).withHooks(hook).build();
    expect(await dr.execute(["final"])).toEqual({ final: [0, 1, 2, 3, 4].reduce((t, i) => t + (i + 4) * 5 + 3, 0) });
    const starts = only<TaskStartEvent>(calls, "beforeTask");
    const blocks = starts.filter((e) => e.purpose === "block");
    expect(blocks).toHaveLength(5);
    expect(new Set(blocks.map((e) => [...e.nodes].sort().join(",")))).toEqual(new Set([
      "double_plus_triple_plus_param_external_to_block,double_plus_triple_step,double_step,step_modified,triple_step",
    ]));
    const byId = Object.fromEntries(starts.filter((e) => e.purpose !== "block").map((e) => [e.taskId, e.purpose]));
    expect(byId).toEqual({
      number_of_steps: "single", param_external_to_block: "single", second_param_external_to_block: "single",
      "expand-steps": "expand", "collect-sum_of_some_things": "gather", final: "single",
    });
  });

  test("a failing item ends its task unsuccessfully, with the error [test_individual_post_task_execute_hook_with_exception]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(parallel).withHooks(hook).build();
    await expect(dr.execute(["output"], { inputs: { n_iters_input: 1, broken: true } })).rejects.toThrow("broken");
    const ends = only<TaskEndEvent>(calls, "afterTask");
    expect(new Set(ends.map((e) => e.taskId)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(ends.map((e) => e.runId)).size).toBe(1);
    const failed = ends.filter((e) => !e.success);
    expect(failed.map((e) => e.taskId)).toEqual(["block-parallel_over.0"]);
    expect(failed[0]!.error).toBeInstanceOf(SentinelError);
    expect(ends.filter((e) => e.success).every((e) => e.error === undefined)).toBe(true);
  });

  test("afterExpand reports the item count and their task ids [test_individual_post_task_expand_hook]", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(parallel).withHooks(hook).build();
    await dr.execute(["output"], { inputs: { n_iters_input: 5 } });
    const expands = only<ExpandEvent>(calls, "afterExpand");
    expect(expands).toHaveLength(1);
    const [e] = expands;
    expect([e!.node, e!.items, e!.taskId]).toEqual(["parallel_over", 5, "expand-parallel_over"]);
    expect(e!.taskIds).toEqual([0, 1, 2, 3, 4].map((i) => `block-parallel_over.${i}`));
    expect(e!.runId.length).toBeGreaterThan(10);
  });

  test("the node hooks of an item run inside its task's start and end", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder().withModules(parallel).withHooks(hook).build();
    await dr.execute(["output"], { inputs: { n_iters_input: 1 } });
    const seq = calls.map(([m, e]) => `${m}:${(e as { taskId?: string; node?: string } | undefined)?.taskId ?? (e as { node?: string } | undefined)?.node ?? ""}`);
    const start = seq.indexOf("beforeTask:block-parallel_over.0");
    const end = seq.indexOf("afterTask:block-parallel_over.0");
    expect(seq.slice(start + 1, end).filter((s) => s.includes("Node:"))).toEqual(["beforeNode:processed", "afterNode:processed", "beforeNode:more_processed", "afterNode:more_processed"]);
  });

  test("nested blocks: an inner item is spawned by the outer item's task", async () => {
    const { calls, hook } = tracking();
    const dr = await new Builder()
      .withModules({
        outer: parallelizable(() => [1, 2]),
        inner: parallelizable((outer: number) => [outer, outer * 10]),
        scaled: (inner: number) => inner + 1,
        perOuter: collect((scaled: number[]) => scaled.reduce((x, y) => x + y, 0)),
        total: collect((perOuter: number[]) => perOuter.reduce((x, y) => x + y, 0)),
      })
      .withHooks(hook)
      .build();
    expect(await dr.execute(["total"])).toEqual({ total: 2 + 11 + 3 + 21 });
    const inner = only<TaskStartEvent>(calls, "beforeTask").filter((e) => e.taskId.includes("block-inner"));
    expect(inner.map((e) => [e.taskId, e.spawningTaskId]).sort()).toEqual([
      ["block-outer.0/block-inner.0", "block-outer.0"],
      ["block-outer.0/block-inner.1", "block-outer.0"],
      ["block-outer.1/block-inner.0", "block-outer.1"],
      ["block-outer.1/block-inner.1", "block-outer.1"],
    ]);
    expect(only<ExpandEvent>(calls, "afterExpand").map((e) => [e.node, e.taskId, e.items]).sort()).toEqual([
      ["inner", "block-outer.0", 2], ["inner", "block-outer.1", 2], ["outer", "expand-outer", 2],
    ]);
  });

  test("a task hook that throws for an item of an async parallelizable fails the run with a HookError", async () => {
    for (const method of ["beforeTask", "afterTask", "afterExpand"] as const) {
      const dr = await new Builder()
        .withModules({
          items: parallelizable(async function* () {
            yield 1;
            yield 2;
          }),
          doubled: (items: number) => items * 2,
          total: collect((doubled: number[]) => doubled.reduce((x, y) => x + y, 0)),
        })
        .withHooks({ name: "strict", [method]: (e: { purpose?: string }) => { if (method === "afterExpand" || e.purpose === "block") throw new Error("no items"); } })
        .build();
      const error = await dr.execute(["total"]).catch((e: unknown) => e);
      expect(isWeftError(error, "hook")).toBe(true);
      expect((error as Error).message).toBe(`Hook "strict" failed in ${method}: no items`);
    }
  });

  test("a cache hit is still a task", async () => {
    const { calls, hook } = tracking();
    await using dr = await new Builder().withModules(sample).withCache({ memory: true }).withWarnings(() => {}).withHooks(hook).build();
    await dr.execute(["d"], { inputs: { input: 1 } });
    calls.length = 0;
    await dr.execute(["d"], { inputs: { input: 1 } });
    expect(only<TaskEndEvent>(calls, "afterTask").map((e) => [e.taskId, e.success])).toEqual([["a", true], ["b", true], ["c", true], ["d", true]]);
  });
});
