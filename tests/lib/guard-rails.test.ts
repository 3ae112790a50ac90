/** Guard rails (issue 14): misuses that used to pass silently or fail with an engine message are clear errors. */
import { describe, expect, test } from "bun:test";
import { Builder, GraphBuildError, InProcessExecutor, InputConflictError, MemoryRunStore, node, subdag, value } from "../../mod.ts";

const flow = { a: (x: number) => x + 1, b: (a: number) => a * 2 };

describe("Builder guard rails", () => {
  test("withCache() or withExecutor() given twice is an error that says to pass it once", () => {
    expect(() => new Builder().withCache({ memory: true }).withCache({ path: "x.db" })).toThrow(
      'Cannot call withCache() twice on one Builder: pass every cache option in one call, such as withCache({ path, recompute: ["raw"] })',
    );
    const executor = new InProcessExecutor();
    expect(() => new Builder().withExecutor(executor).withExecutor(executor)).toThrow(/^Cannot call withExecutor\(\) twice on one Builder/);
  });

  test("withModules([m1, m2]) (an array where modules were expected) is a TypeError that says to spread it", () => {
    expect(() => new Builder().withModules([flow, flow] as never)).toThrow(new TypeError("withModules() expects modules, got an array; spread it: withModules(...modules)"));
  });

  test("withHooks() checks the hook methods when it is given them, not when a run first calls one", () => {
    expect(() => new Builder().withHooks({ afterNode: 5 } as never)).toThrow(new TypeError('withHooks() hook method "afterNode" must be a function, got number'));
    // Other fields of a hook object are its own business.
    expect(() => new Builder().withHooks({ name: "timings", afterNode: () => {} } as never)).not.toThrow();
  });

  test("an export ending in __ names no alternative: a GraphBuildError with the fix", async () => {
    const error = await new Builder().withModules({ total__: (x: number) => x }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: export "total__" ends in "__" with no suffix after it; the name__suffix convention names alternatives of one node, such as "total__us"; add a suffix or rename the export');
    // A private helper (leading _) is no node at all, and total__us is an alternative as before.
    await using dr = await new Builder().withModules({ _helper__: () => 1, total__us: (x: number) => x }).build();
    expect((await dr.execute(["total"], { inputs: { x: 2 } })).total).toBe(2);
  });

  test("a subdag whose config and inputs give the same key is an InputConflictError, as at the top level", () => {
    expect(() => subdag({ modules: [{ y: (k: number) => k }], config: { k: 1 }, inputs: { k: value(2) } }, (y: number) => y)).toThrow(InputConflictError);
    expect(() => subdag({ modules: [{ y: (k: number) => k }], config: { k: 1 }, inputs: { k: value(2) } }, (y: number) => y)).toThrow(
      'Cannot define the subdag: "k" is given both in its config and in its inputs; pass it in one place only',
    );
  });

  test("node(fn, { retry }) with something that is not a retry policy is a TypeError or RangeError", () => {
    expect(() => node((x: number) => x, { retry: "x" as never })).toThrow(new TypeError('node() option "retry" must be a number of retries, { times, delay, factor } or an Effect Schedule, got "x"'));
    expect(() => node((x: number) => x, { retry: { times: -1 } })).toThrow(RangeError);
    expect(() => node((x: number) => x, { retry: { times: 2, delay: -5 } })).toThrow('node() option "retry.delay" must be a number of at least 0, got -5');
    expect(() => node((x: number) => x, { retry: { times: 2, delay: 10, factor: 2 } })).not.toThrow();
  });
});

describe("Driver guard rails", () => {
  test("execute(['a'], 5) and execute(['a'], null) reject with a TypeError naming the options argument", async () => {
    await using dr = await new Builder().withModules(flow).build();
    for (const bad of [5, null, "inputs"]) {
      const error = await dr.execute(["a"], bad as never).catch((e) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^execute\(\) expects an options object as its second argument, such as \{ inputs: \{ day: "2026-11-22" \} \}, got /);
    }
    expect(() => dr.plan(["a"], null as never)).toThrow(TypeError);
  });

  test("listAvailableVariables({ tags: { module: 1 } }) is a TypeError naming the filter key", async () => {
    await using dr = await new Builder().withModules(flow).build();
    expect(() => dr.listAvailableVariables({ tags: { module: 1 as never } })).toThrow(
      new TypeError('listAvailableVariables() tag filter "module" must be a string, a list of strings or null (has the tag), got number 1'),
    );
    // A well-formed filter still filters.
    expect(dr.listAvailableVariables({ tags: { module: "nope" } })).toEqual([]);
  });

  test("materialize() with nothing to do is a TypeError that shows a materializer", async () => {
    await using dr = await new Builder().withModules(flow).withTracking({ store: new MemoryRunStore({ alive: () => true }) }).build();
    const error = await dr.materialize([]).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('materialize() got nothing to do: no materializers and no outputs; pass materializers such as to.json({ dependencies: ["report"], path: "out/report.json" })');
  });
});
