/**
 * Graph adapters. Cases from Hamilton's tests/lifecycle/test_lifecycle_adapters_end_to_end.py
 * name the Hamilton test they come from in brackets.
 */
import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import {
  Builder, collect, GraphBuildError, InputValidationError, isWeftError, node, parallelizable,
  type AroundNodeEvent, type GraphAdapter, type GraphNode, type Hook, type NodeEndEvent,
} from "../../mod.ts";
import * as workers from "../fixtures/workers.ts";

class SentinelError extends Error {}

/** Hamilton's `_sample_driver` module: a, b, c, d over `input`, c broken on demand. */
const sample = {
  a: (input: number) => Number(input) % 7,
  b: (a: number) => a * 2,
  c: (a: number, b: number, broken = false) => {
    if (broken) throw new SentinelError("broken");
    return a * 3 + b * 2;
  },
  d: (c: number) => c ** 3,
};

describe("aroundNode", () => {
  test("wraps every node and may replace its value [test_individual_do_node_execute_method]", async () => {
    const seen: string[] = [];
    const plusOne: GraphAdapter = {
      aroundNode: async ({ node, call }) => {
        seen.push(node);
        return ((await call()) as number) + 1;
      },
    };
    const dr = await new Builder().withModules(sample).withAdapters(plusOne).build();
    expect(await dr.execute(["d"], { inputs: { input: 1 } })).toEqual({ d: 17 ** 3 + 1 });
    expect(seen).toEqual(["a", "b", "c", "d"]);
  });

  test("sees the node's inputs by name, its tags and its item path", async () => {
    const events: Omit<AroundNodeEvent, "call" | "runId">[] = [];
    const adapter: GraphAdapter = {
      aroundNode: ({ call, runId: _, ...rest }) => {
        events.push(rest);
        return call();
      },
    };
    const dr = await new Builder()
      .withModules({
        name: "m",
        exports: {
          items: parallelizable((n: number) => Array.from({ length: n }, (_, i) => i)),
          doubled: node((items: number) => items * 2, { tags: { kind: "math" } }),
          total: collect((doubled: number[]) => doubled.reduce((x, y) => x + y, 0)),
        },
      })
      .withAdapters(adapter)
      .build();
    expect(await dr.execute(["total"], { inputs: { n: 2 } })).toEqual({ total: 2 });
    const doubled = events.filter((e) => e.node === "doubled").sort((x, y) => x.item[0]!.index - y.item[0]!.index);
    expect(doubled).toEqual([
      { node: "doubled", inputs: { items: 0 }, tags: { kind: "math", module: "m" }, item: [{ node: "items", index: 0 }] },
      { node: "doubled", inputs: { items: 1 }, tags: { kind: "math", module: "m" }, item: [{ node: "items", index: 1 }] },
    ]);
    expect(events.find((e) => e.node === "total")).toEqual({ node: "total", inputs: { doubled: [0, 2] }, tags: { module: "m" }, item: [] });
  });

  test("may skip the call: the node's function never runs", async () => {
    let called = 0;
    const dr = await new Builder()
      .withModules({ a: () => { called++; return 1; }, b: (a: number) => a + 1 })
      .withAdapters({ aroundNode: ({ node, call }) => (node === "a" ? 41 : call()) })
      .build();
    expect(await dr.execute(["b"])).toEqual({ b: 42 });
    expect(called).toBe(0);
  });

  test("may retry a failing call", async () => {
    let attempts = 0;
    const flaky = async () => {
      if (++attempts < 3) throw new Error("flaky");
      return "ok";
    };
    const retry: GraphAdapter = {
      aroundNode: async ({ call }) => {
        for (let i = 0; ; i++) {
          try {
            return await call();
          } catch (e) {
            if (i >= 4) throw e;
          }
        }
      },
    };
    const dr = await new Builder().withModules({ flaky }).withAdapters(retry).build();
    expect(await dr.execute(["flaky"])).toEqual({ flaky: "ok" });
    expect(attempts).toBe(3);
  });

  test("call(inputs) runs the node with some inputs replaced, in both parameter forms", async () => {
    const dr = await new Builder()
      .withModules({ sum: (a: number, b: number) => a + b, prod: ({ a, b }: { a: number; b: number }) => a * b })
      .withAdapters({ aroundNode: ({ call }) => call({ a: 10 }) })
      .build();
    expect(await dr.execute(["sum", "prod"], { inputs: { a: 1, b: 2 } })).toEqual({ sum: 12, prod: 20 });
  });

  test("call(inputs) rejects a name the node does not take, with a TypeError that lists its parameters", async () => {
    const dr = await new Builder()
      .withModules({ sum: (a: number, b: number) => a + b })
      .withAdapters({ aroundNode: ({ call }) => call({ c: 1 }) })
      .build();
    const error = await dr.execute(["sum"], { inputs: { a: 1, b: 2 } }).catch((e: unknown) => e);
    expect(isWeftError(error, "node-execution")).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('got input "c", which node "sum" does not take; pass only its parameters: "a", "b"');
  });

  test("adapters nest outermost first, in the order given", async () => {
    const order: string[] = [];
    const named = (name: string): GraphAdapter => ({
      aroundNode: async ({ call }) => {
        order.push(`${name} in`);
        const v = await call();
        order.push(`${name} out`);
        return v;
      },
    });
    const dr = await new Builder().withModules({ a: () => 1 }).withAdapters(named("outer"), named("inner")).build();
    await dr.execute(["a"]);
    expect(order).toEqual(["outer in", "inner in", "inner out", "outer out"]);
  });

  test("call() returns a sync node's value at once, and a promise for async and Effect nodes", async () => {
    const kinds: Record<string, string> = {};
    const dr = await new Builder()
      .withModules({ s: () => 1, p: async () => 2, e: () => Effect.succeed(3) })
      .withAdapters({
        aroundNode: ({ node, call }) => {
          const r = call();
          kinds[node] = r instanceof Promise ? "promise" : "value";
          return r;
        },
      })
      .build();
    expect(await dr.execute(["s", "p", "e"])).toEqual({ s: 1, p: 2, e: 3 });
    expect(kinds).toEqual({ s: "value", p: "promise", e: "promise" });
  });

  test("wraps worker nodes too, in the driver's thread", async () => {
    const seen: string[] = [];
    await using dr = await new Builder()
      .withModules(workers, { items: parallelizable(() => [2, 3]), sum: collect((squared: number[]) => squared.reduce((a, b) => a + b, 0)) })
      .withWorkers({ size: 1 })
      .withAdapters({ aroundNode: async ({ node, call }) => { seen.push(node); return call(); } })
      .build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 13 });
    expect(seen.filter((n) => n === "squared")).toHaveLength(2);
  }, 30_000);

  test("a node's timeout and retries run inside the adapters: one aroundNode call for all the attempts", async () => {
    let attempts = 0;
    let wrapped = 0;
    const dr = await new Builder()
      .withModules({ shaky: node(() => { if (++attempts < 3) throw new Error("again"); return 7; }, { retry: 5 }) })
      .withAdapters({ aroundNode: ({ call }) => { wrapped++; return call(); } })
      .build();
    expect(await dr.execute(["shaky"])).toEqual({ shaky: 7 });
    expect([attempts, wrapped]).toEqual([3, 1]);
  });

  test("a node's timeout still applies inside an adapter", async () => {
    const dr = await new Builder()
      .withModules({ slow: node(() => new Promise((r) => setTimeout(r, 10_000)), { timeout: 50 }) })
      .withAdapters({ aroundNode: ({ call }) => call() })
      .build();
    const error = await dr.execute(["slow"]).catch((e: unknown) => e);
    expect(isWeftError((error as Error).cause, "timeout")).toBe(true);
  });

  test("withConcurrency still bounds nodes wrapped by an async adapter (in-flight count)", async () => {
    let inFlight = 0;
    let most = 0;
    const mod: Record<string, () => Promise<number>> = {};
    for (let i = 0; i < 8; i++) {
      mod[`n${i}`] = async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return i;
      };
    }
    const dr = await new Builder()
      .withModules(mod)
      .withConcurrency(2)
      .withAdapters({ aroundNode: async ({ call }) => call() })
      .build();
    await dr.execute(Object.keys(mod));
    expect(most).toBe(2);
  });

  test("a failure elsewhere aborts the signal of a node running inside an adapter", async () => {
    let aborted: boolean | undefined;
    const dr = await new Builder()
      .withModules({
        waits: (abortSignal: AbortSignal) =>
          new Promise((_, reject) => abortSignal.addEventListener("abort", () => { aborted = true; reject(abortSignal.reason); })),
        fails: async () => { await new Promise((r) => setTimeout(r, 5)); throw new SentinelError("fails"); },
      })
      .withAdapters({ aroundNode: async ({ call }) => call() })
      .build();
    await expect(dr.execute(["waits", "fails"])).rejects.toThrow("fails");
    expect(aborted).toBe(true);
  });

  test("an adapter that throws fails the node with its error", async () => {
    const dr = await new Builder()
      .withModules(sample)
      .withAdapters({ aroundNode: ({ node, call }) => { if (node === "b") throw new SentinelError("adapter broke"); return call(); } })
      .build();
    const error = await dr.execute(["d"], { inputs: { input: 1 } }).catch((e: unknown) => e);
    expect(isWeftError(error, "node-execution")).toBe(true);
    expect((error as { node: string }).node).toBe("b");
    expect((error as Error).cause).toBeInstanceOf(SentinelError);
  });

  test("hooks, the cache and run tracking keep working: a hit skips aroundNode, afterNode sees the adapter's value", async () => {
    const wrapped: string[] = [];
    const ends: NodeEndEvent[] = [];
    const hook: Hook = { afterNode: (e) => void ends.push(e) };
    await using dr = await new Builder()
      .withModules(sample)
      .withCache({ memory: true })
      .withTracking({ memory: true })
      .withWarnings(() => {}) // the module has no file: "not fully tracked" warnings
      .withHooks(hook)
      .withAdapters({ aroundNode: async ({ node, call }) => { wrapped.push(node); return ((await call()) as number) + 1; } })
      .build();
    expect(await dr.execute(["d"], { inputs: { input: 1 } })).toEqual({ d: 17 ** 3 + 1 });
    expect(ends.find((e) => e.node === "a")?.result).toBe(2);
    expect(await dr.execute(["d"], { inputs: { input: 1 } })).toEqual({ d: 17 ** 3 + 1 });
    expect(wrapped).toEqual(["a", "b", "c", "d"]);
    expect(ends.slice(4).map((e) => [e.node, e.cache?.status, e.result])).toEqual([
      ["a", "hit", 2], ["b", "hit", 5], ["c", "hit", 17], ["d", "hit", 17 ** 3 + 1],
    ]);
    const runs = dr.history!.listRuns().runs;
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
  });
});

describe("validateInput", () => {
  test("sees each input the run reads, with its value and readers [test_individual_do_validate_input_method]", async () => {
    const checks: unknown[] = [];
    const dr = await new Builder()
      .withModules(sample)
      .withAdapters({ validateInput: (c) => { checks.push(c); return true; } })
      .build();
    expect(await dr.execute(["d"], { inputs: { input: "1" } })).toEqual({ d: 7 ** 3 });
    expect(checks).toEqual([{ name: "input", value: "1", nodes: ["a"] }]);
  });

  test("rejects before any node runs, every rejection at once [test_individual_do_validate_input_method_invalid]", async () => {
    let ran = 0;
    const dr = await new Builder()
      .withModules({ a: (x: number) => { ran++; return x; }, b: (y: number) => { ran++; return y; } })
      .withAdapters({ name: "numbers", validateInput: ({ value }) => typeof value === "number" || "expected a number" })
      .build();
    const error = await dr.execute(["a", "b"], { inputs: { x: "1", y: false } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).problems).toEqual([
      { input: "x", adapter: '"numbers"', message: "expected a number" },
      { input: "y", adapter: '"numbers"', message: "expected a number" },
    ]);
    expect((error as Error).message).toBe(
      'Cannot execute: input "x" rejected by adapter "numbers": expected a number; input "y" rejected by adapter "numbers": expected a number; pass values the adapter accepts',
    );
    expect(ran).toBe(0);
  });

  test("may be async; false rejects with a default message naming the adapter by its place", async () => {
    const dr = await new Builder()
      .withModules({ a: (x: number) => x })
      .withAdapters({}, { validateInput: async () => false })
      .build();
    await expect(dr.execute(["a"], { inputs: { x: 1 } })).rejects.toThrow('input "x" rejected by adapter #2: rejected');
  });
});

describe("validateNode and validateGraph", () => {
  test("validateNode sees every node, inputs included [test_individual_validate_node_validator_valid]", async () => {
    const seen: string[] = [];
    await new Builder().withModules(sample).withAdapters({ validateNode: (n: GraphNode) => { seen.push(n.name); } }).build();
    expect(seen.sort()).toEqual(["a", "b", "broken", "c", "d", "input"]);
  });

  test("rejections fail the build, every one reported [test_individual_validate_node_validator_invalid]", async () => {
    const seen: string[] = [];
    const error = await new Builder()
      .withModules(sample)
      .withAdapters({ name: "no-b", validateNode: (n: GraphNode) => { seen.push(n.name); return n.name !== "b" && n.name !== "d" ? true : `"${n.name}" is not allowed`; } })
      .build()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect((error as Error).message).toBe(
      'Cannot build the graph: node "b" rejected by adapter "no-b": "b" is not allowed; node "d" rejected by adapter "no-b": "d" is not allowed; fix the nodes or the adapter\'s rule',
    );
    expect(seen).toHaveLength(6);
  });

  test("validateGraph is called once with the graph, modules and config [test_individual_graph_validator_valid]", async () => {
    const calls: { nodes: number; modules: string[]; config: unknown }[] = [];
    await new Builder()
      .withModules({ name: "sample", exports: sample })
      .withConfig({ region: "eu" })
      .withAdapters({ validateGraph: ({ graph, modules, config }) => { calls.push({ nodes: graph.nodes.length, modules: modules.map((m) => m.name), config }); } })
      .build();
    expect(calls).toEqual([{ nodes: 7, modules: ["sample"], config: { region: "eu" } }]);
  });

  test("validateGraph's rejection fails the build with its message [test_individual_graph_validator_invalid]", async () => {
    await expect(new Builder().withModules(sample).withAdapters({ validateGraph: () => "test message" }).build())
      .rejects.toThrow('Cannot build the graph: the graph rejected by adapter #1: test message');
  });
});

describe("validateEdge", () => {
  test("sees every edge with its parameter; rejections fail the build with node, edge and graph ones together", async () => {
    const edges: string[] = [];
    const pii = {
      email: node((user: string) => `${user}@example.com`, { tags: { pii: "yes" } }),
      masked: node((email: string) => email.replace(/.*@/, "*@"), { tags: { pii: "yes" } }),
      report: (email: string, masked: string) => `${email} ${masked}`,
    };
    const error = await new Builder()
      .withModules(pii)
      .withAdapters({
        name: "pii",
        validateEdge: ({ from, to, parameter }) => {
          edges.push(`${from.name}->${to.name}:${parameter}`);
          return from.tags.pii !== "yes" || to.tags.pii === "yes" || `"${to.name}" reads personal data`;
        },
        validateGraph: () => "no report without review",
      })
      .build()
      .catch((e: unknown) => e);
    expect(edges.sort()).toEqual(["email->masked:email", "email->report:email", "masked->report:masked", "user->email:user"]);
    expect((error as Error).message).toBe(
      'Cannot build the graph: edge "email" -> "report" (parameter "email") rejected by adapter "pii": "report" reads personal data; ' +
        'edge "masked" -> "report" (parameter "masked") rejected by adapter "pii": "report" reads personal data; ' +
        'the graph rejected by adapter "pii": no report without review; fix the nodes or the adapter\'s rule',
    );
  });
});

describe("withAdapters()", () => {
  test("rejects a non-object and a method that is not a function", () => {
    expect(() => new Builder().withAdapters(null as never)).toThrow(TypeError);
    expect(() => new Builder().withAdapters({ aroundNode: 1 } as never)).toThrow('withAdapters() adapter method "aroundNode" must be a function, got number');
    expect(() => new Builder().withAdapters({ name: 3 } as never)).toThrow('withAdapters() adapter "name" must be a string, got number');
  });
});
