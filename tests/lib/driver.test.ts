import { describe, expect, test } from "bun:test";
import {
  Builder,
  InputConflictError,
  isWeftError,
  MissingInputError,
  node,
  UnknownNodeError,
} from "../../mod.ts";
import * as flow from "../fixtures/flow.ts";

/** A module whose nodes count their calls. */
function counted() {
  const calls: Record<string, number> = {};
  const hit = (n: string) => (calls[n] = (calls[n] ?? 0) + 1);
  const mod = {
    base: (seed: number) => (hit("base"), seed + 1),
    left: (base: number) => (hit("left"), base * 2),
    right: async (base: number) => (hit("right"), base * 3),
    joined: (left: number, right: number) => (hit("joined"), left + right),
    unrelated: (other: number) => (hit("unrelated"), other),
  };
  return { mod, calls };
}

describe("Driver.execute()", () => {
  test("computes only what the outputs need", async () => {
    const { mod, calls } = counted();
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["left"], { inputs: { seed: 1 } })).toEqual({ left: 4 });
    expect(calls).toEqual({ base: 1, left: 1 });
  });

  test("runs every node at most once per call (diamond)", async () => {
    const { mod, calls } = counted();
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["joined", "left", "base"], { inputs: { seed: 1 } })).toEqual({ joined: 10, left: 4, base: 2 });
    expect(calls).toEqual({ base: 1, left: 1, right: 1, joined: 1 });
  });

  test("returns exactly the requested keys", async () => {
    const dr = await new Builder().withModules(flow).build();
    const result = await dr.execute(["total"], { inputs: { count: 3 } });
    expect(Object.keys(result)).toEqual(["total"]);
    expect(result.total).toBe(12);
  });

  test("uses a parameter's default when no node or input provides it", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute(["total"], { inputs: { count: 3 } })).toEqual({ total: 12 });
    expect(await dr.execute(["total"], { inputs: { count: 3, offset: 100 } })).toEqual({ total: 112 });
    const positional = await new Builder().withModules({ scaled: (x: number, factor = 10) => x * factor }).build();
    expect(await positional.execute(["scaled"], { inputs: { x: 2 } })).toEqual({ scaled: 20 });
  });

  test("overrides short-circuit everything upstream: no call, no input needed", async () => {
    const { mod, calls } = counted();
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["joined"], { overrides: { base: 10 } })).toEqual({ joined: 50 });
    expect(calls).toEqual({ left: 1, right: 1, joined: 1 });
    expect(await dr.execute(["joined", "left"], { overrides: { left: 0, right: 1 } })).toEqual({ joined: 1, left: 0 });
    expect(calls.base).toBeUndefined();
  });

  test("returns an input requested as an output", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute(["count", "rows"], { inputs: { count: 2 } })).toEqual({ count: 2, rows: [1, 2] });
  });

  test("returns a config value requested as an output", async () => {
    const dr = await new Builder().withModules(flow).withConfig({ count: 2 }).build();
    expect(await dr.execute(["count", "total"])).toEqual({ count: 2, total: 6 });
  });

  test("reports every missing input with the nodes that need it, before running anything", async () => {
    const { mod, calls } = counted();
    const dr = await new Builder().withModules(mod).build();
    const error = await dr.execute(["joined", "unrelated"]).catch((e) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    const byInput = Object.fromEntries(error.missing.map((m: { input: string; neededBy: string[] }) => [m.input, m.neededBy]));
    expect(byInput).toEqual({ seed: ["base"], other: ["unrelated"] });
    expect(error.message).toMatch(/^Cannot execute: inputs "(seed|other)" \(needed by "(base|unrelated)"\), "(seed|other)" \(needed by "(base|unrelated)"\) are missing; pass them in inputs or define nodes of that name$/);
    expect(calls).toEqual({});
  });

  test("lists every consumer of one missing input", async () => {
    const dr = await new Builder().withModules({ a: (x: number) => x, b: (x: number) => x, c: (a: number, b: number) => a + b }).build();
    const error = await dr.execute(["c"]).catch((e) => e);
    expect(error.message).toMatch(/^Cannot execute: input "x" \(needed by "(a|b)", "(a|b)"\) is missing; pass it in inputs or define a node of that name$/);
  });

  test("reports a missing input requested as an output", async () => {
    const dr = await new Builder().withModules(flow).build();
    const error = await dr.execute(["count" as "total"]).catch((e) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect(error.missing).toEqual([{ input: "count", neededBy: [] }]);
  });

  test("rejects an unknown output with a close-match suggestion", async () => {
    const dr = await new Builder().withModules(flow).build();
    const error = await dr.execute(["totl" as "total"], { inputs: { count: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect(error.suggestion).toBe("total");
    expect(error.message).toBe('Cannot execute: "totl" is not a node or input of the graph; did you mean "total"?');
    const far = await dr.execute(["zzzzzzzz" as "total"]).catch((e) => e);
    expect(far.message).toBe('Cannot execute: "zzzzzzzz" is not a node or input of the graph');
  });

  test("returns an input or override for a name outside the graph when requested, and ignores it otherwise", async () => {
    const dr = await new Builder().withModules(flow).build();
    const r = await dr.execute(["total", "note" as "total", "extra" as "total"], {
      inputs: { count: 1, note: "hi" },
      overrides: { extra: 5, ignored: true },
    });
    expect(r as Record<string, unknown>).toEqual({ total: 2, note: "hi", extra: 5 });
  });

  test("rejects the same key in config and inputs", async () => {
    const dr = await new Builder().withModules(flow).withConfig({ count: 2 }).build();
    const error = await dr.execute(["total"], { inputs: { count: 3 } }).catch((e) => e);
    expect(error).toBeInstanceOf(InputConflictError);
    expect(error.message).toBe('Cannot execute: "count" is given both in config and in inputs; pass it in one place only');
  });

  test("rejects an input that names a function node, pointing to overrides", async () => {
    const dr = await new Builder().withModules(flow).build();
    const error = await dr.execute(["total"], { inputs: { count: 1, rows: [5] } }).catch((e) => e);
    expect(isWeftError(error, "input-conflict")).toBe(true);
    expect(error.message).toBe('Cannot execute: input "rows" names a node computed by a function; pass it in overrides to replace that node');
  });

  test("rejects wrong argument shapes with TypeError", async () => {
    const dr = await new Builder().withModules(flow).build();
    await expect(dr.execute("total" as unknown as ["total"])).rejects.toThrow(new TypeError('executeEffect() expects an array of node names, got string "total"'));
    await expect(dr.execute(["total"], { inputs: [] as unknown as Record<string, unknown> })).rejects.toThrow(TypeError);
    await expect(dr.execute(["total"], { overrides: 3 as unknown as Record<string, unknown> })).rejects.toThrow(TypeError);
    await expect(dr.execute(["total"], { signal: {} as AbortSignal })).rejects.toThrow(TypeError);
  });

  test("gives each call its own values (concurrent calls do not mix)", async () => {
    const dr = await new Builder().withModules(flow).build();
    const results = await Promise.all([1, 2, 3, 4].map((count) => dr.execute(["total"], { inputs: { count } })));
    expect(results.map((r) => r.total)).toEqual([2, 6, 12, 20]);
  });
});

describe("Driver.validateExecution()", () => {
  test("passes when everything is available and throws the execute error otherwise", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(() => dr.validateExecution(["total"], { inputs: { count: 1 } })).not.toThrow();
    expect(() => dr.validateExecution(["total"])).toThrow(MissingInputError);
    expect(() => dr.validateExecution(["nope"])).toThrow(UnknownNodeError);
  });
});

describe("Driver introspection", () => {
  test("listAvailableVariables() reports dependencies, defaults, module and tags", async () => {
    const tagged = node((rows: number[]) => rows.length, { tags: { team: "data", stage: ["a", "b"] } });
    const dr = await new Builder().withModules({ name: "flow", exports: flow }, { name: "extra", exports: { tagged } }).build();
    const total = dr.listAvailableVariables().find((v) => v.name === "total")!;
    expect(total.requiredDependencies).toEqual(["doubled"]);
    expect(total.optionalDependencies).toEqual([{ name: "offset", default: "0" }]);
    expect(total.module).toBe("flow");
    expect(total.tags).toEqual({ module: "flow" });
    expect(total.originatingFunction).toBe(flow.total);
    expect(dr.listAvailableVariables({ tags: { team: "data" } }).map((v) => v.name)).toEqual(["tagged"]);
    expect(dr.listAvailableVariables({ tags: { stage: ["x", "b"] } }).map((v) => v.name)).toEqual(["tagged"]);
    expect(dr.listAvailableVariables({ tags: { team: null, module: "extra" } }).map((v) => v.name)).toEqual(["tagged"]);
    expect(dr.listAvailableVariables({ tags: { team: "data", module: "flow" } })).toEqual([]);
  });

  test("whatIsUpstreamOf() and whatIsDownstreamOf() walk the graph", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(dr.whatIsUpstreamOf("doubled").map((v) => v.name).sort()).toEqual(["count", "doubled", "rows"]);
    expect(dr.whatIsDownstreamOf("rows").map((v) => v.name).sort()).toEqual(["doubled", "rows", "total"]);
    expect(() => dr.whatIsDownstreamOf("rowz")).toThrow('Cannot answer whatIsDownstreamOf(): "rowz" is not a node or input of the graph; did you mean "rows"?');
  });
});
