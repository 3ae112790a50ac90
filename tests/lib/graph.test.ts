import { describe, expect, test } from "bun:test";
import { Builder, CycleError, GraphBuildError, isWeftError, node } from "../../mod.ts";
import * as flow from "../fixtures/flow.ts";
import * as other from "../fixtures/other.ts";

describe("Builder.build()", () => {
  test("makes a node of every exported function, skipping _private names, non-functions and classes", async () => {
    const dr = await new Builder().withModules(flow).build();
    const names = dr.listAvailableVariables().map((v) => [v.name, v.kind]);
    expect(names).toEqual(expect.arrayContaining([
      ["rows", "function"], ["doubled", "function"], ["total", "function"], ["count", "input"], ["offset", "input"],
    ]));
    const all = names.map(([n]) => n);
    expect(all).not.toContain("_helper");
    expect(all).not.toContain("VERSION");
    expect(all).not.toContain("NotANode");
  });

  test("reports a cycle with its path", async () => {
    const mod = { a: (c: number) => c, b: (a: number) => a, c: (b: number) => b, d: (a: number) => a };
    const error = await new Builder().withModules(mod).build().catch((e) => e);
    expect(error).toBeInstanceOf(CycleError);
    expect(isWeftError(error, "cycle")).toBe(true);
    // The path is a closed loop in data-flow order.
    expect(error.path).toHaveLength(4);
    expect(error.path[0]).toBe(error.path[3]);
    expect(new Set(error.path)).toEqual(new Set(["a", "b", "c"]));
    expect(error.message).toMatch(/^Cannot build the graph: dependency cycle "(a|b|c)" -> ".*" -> ".*" -> "(a|b|c)"; break the cycle/);
  });

  test("reports a self-dependency as a cycle", async () => {
    const error = await new Builder().withModules({ a: (a: number) => a }).build().catch((e) => e);
    expect(error).toBeInstanceOf(CycleError);
    expect(error.path).toEqual(["a", "a"]);
  });

  test("rejects a node defined in two modules, naming both", async () => {
    const error = await new Builder()
      .withModules({ name: "flow", exports: flow }, { name: "other", exports: other })
      .build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe(
      'Cannot build the graph: node "total" is defined in two modules, "flow" and "other"; rename one, or call allowModuleOverrides() on the Builder to let the later module win',
    );
  });

  test("names unnamed modules by their position", async () => {
    const error = await new Builder().withModules(flow, other).build().catch((e) => e);
    expect(error.message).toContain('"module 1" and "module 2"');
  });

  test("allowModuleOverrides() lets the later module win", async () => {
    const dr = await new Builder().withModules(flow, other).allowModuleOverrides().build();
    const { total } = await dr.execute(["total"], { inputs: { count: 4 } });
    expect(total).toBe(4); // other.total counts rows
  });

  test("reports unreadable parameters with the explicit form", async () => {
    const error = await new Builder().withModules({ sum: (...xs: number[]) => xs.length }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.node).toBe("sum");
    expect(error.message).toBe(
      'Cannot read the parameters of node "sum": it uses a rest parameter; declare them explicitly with node(fn, { deps: ["a", "b"] })',
    );
  });

  test("node(fn, { deps }) is the explicit form for unreadable parameters", async () => {
    const dr = await new Builder()
      .withModules({ a: () => 1, b: () => 2, sum: node((...xs: number[]) => xs.reduce((p, q) => p + q, 0), { deps: ["a", "b"] }) })
      .build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 3 });
  });

  test("rejects a node named like the reserved signal parameter", async () => {
    const error = await new Builder().withModules({ abortSignal: () => 1 }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toContain('"abortSignal" is reserved');
  });

  test("config values shadow a function of the same name", async () => {
    let called = false;
    const dr = await new Builder()
      .withModules({ rate: () => ((called = true), 1), cost: (rate: number) => rate * 10 })
      .withConfig({ rate: 3 })
      .build();
    expect(await dr.execute(["cost", "rate"])).toEqual({ cost: 30, rate: 3 });
    expect(called).toBe(false);
  });

  test("builds and runs a 100,000-node chain without recursion", async () => {
    const mod: Record<string, (x: number) => number> = { n0: () => 0 };
    for (let i = 1; i < 100_000; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `return n${i - 1} + 1`) as (x: number) => number;
    const dr = await new Builder().withModules(mod).build();
    const result = await dr.execute(["n99999"]);
    expect(result.n99999).toBe(99_999);
    expect(dr.whatIsUpstreamOf("n99999")).toHaveLength(100_000);
  }, 60_000); // 100,000 functions made and parsed: seconds on a loaded 2-core machine, not bun's 5 s default

  test("a cycle at the end of a 100,000-node chain is found without recursion", async () => {
    const mod: Record<string, (x: number) => number> = { n0: new Function("n99999", "return 0") as (x: number) => number };
    for (let i = 1; i < 100_000; i++) mod[`n${i}`] = new Function(`n${i - 1}`, `return n${i - 1} + 1`) as (x: number) => number;
    const error = await new Builder().withModules(mod).build().catch((e) => e);
    expect(error).toBeInstanceOf(CycleError);
    expect(error.path).toHaveLength(100_001);
  }, 60_000);
});

describe("Builder", () => {
  test("rejects wrong argument shapes with TypeError or RangeError", () => {
    expect(() => new Builder().withModules(null as unknown as object)).toThrow(TypeError);
    expect(() => new Builder().withConfig([] as unknown as Record<string, unknown>)).toThrow(TypeError);
    expect(() => new Builder().withHooks(3 as unknown as object)).toThrow(TypeError);
    expect(() => new Builder().withConcurrency(0)).toThrow(new RangeError("withConcurrency() expects a positive integer, got 0"));
    expect(() => new Builder().withConcurrency(1.5)).toThrow(RangeError);
  });
});

describe("node()", () => {
  test("keeps the function callable with the same result", () => {
    const f = node((a: number, b: number) => a + b, { tags: { team: "x" } });
    expect(f(1, 2)).toBe(3);
  });

  test("merges options when applied twice", async () => {
    const f = node(node((a: number) => a, { tags: { a: "1" } }), { tags: { b: "2" } });
    const dr = await new Builder().withModules({ f }).build();
    expect(dr.listAvailableVariables({ tags: { a: "1", b: "2" } }).map((v) => v.name)).toEqual(["f"]);
  });

  test("rejects bad arguments", () => {
    expect(() => node(3 as unknown as () => 1)).toThrow(new TypeError("node() expects a function as its first argument, got number"));
    expect(() => node(() => 1, { timeout: -1 })).toThrow(RangeError);
    expect(() => node(() => 1, { retry: 1.5 })).toThrow(RangeError);
    expect(() => node(() => 1, { deps: [1 as unknown as string] })).toThrow(TypeError);
    expect(() => node(() => 1, { cache: "sometimes" as "default" })).toThrow(TypeError);
  });
});
