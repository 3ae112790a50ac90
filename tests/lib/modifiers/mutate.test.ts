import { describe, expect, test } from "bun:test";
import { applyTo, Builder, type Driver, extractFields, GraphBuildError, mutate, pipe, source, step, value } from "../../../mod.ts";
import * as mutateFlow from "../../fixtures/mutate-flow.ts";

// Hamilton's tests/resources/mutate.py, one fresh module per test (mutate() registers on its targets).
function mutateModule() {
  const upstream = () => "-upstream-";
  const userInput = () => "-user input-";
  const fOfInterest = (userInput: string) => userInput + "-raw function-";
  const downstreamF = (fOfInterest: string) => fOfInterest + "-downstream.";
  const mutate0 = (x: string) => x + "-post pipe 0-";
  const mutate1 = (x: string, upstream: string) => x + `-post pipe 1 with ${upstream}-`;
  const mutate2 = (x: string, someVal: number) => x + `-post pipe 2 with value ${someVal}-`;
  const v = () => 10;
  const chain1UsingMutate = (v: number) => v * 10;
  const chain2UsingMutate = (v: number) => v + 10;
  const square = (v: number) => v * v;
  const addOne = (v: number) => v + 1;
  const addTwo = (v: number) => v + 2;
  const addN = (v: number, n: number) => v + n;
  const multiplyN = (v: number, n: number) => v * n;
  return {
    upstream, userInput, fOfInterest, downstreamF, v, chain1UsingMutate, chain2UsingMutate,
    _mutate0: mutate([fOfInterest], mutate0),
    _mutate1: mutate([applyTo(fOfInterest, { upstream: source("upstream") }).named("random")], mutate1),
    _mutate2: mutate([applyTo(fOfInterest, { someVal: value(1000) })], mutate2),
    chainNotUsingMutate: () => downstreamF(mutate2(mutate1(mutate0(fOfInterest(userInput())), upstream()), 1000)),
    chain1NotUsingMutate: (v: number, input1: number, input2: number, calcC = false) => {
      const b = addTwo(addOne(v * 10));
      const c = calcC ? addN(b, 3) : b;
      return multiplyN(addN(c, input1), input2);
    },
    chain2NotUsingMutate: (v: number) => multiplyN(square(v + 10), 2),
    _square: mutate([applyTo(chain2UsingMutate).named("a")], square),
    _addOne: mutate([applyTo(chain1UsingMutate).named("a")], addOne),
    _addTwo: mutate([applyTo(chain1UsingMutate).named("b")], addTwo),
    _addN: mutate([
      applyTo(chain1UsingMutate, { n: value(3) }).named("c").when({ calcC: true }),
      applyTo(chain1UsingMutate, { n: source("input1") }).named("d"),
    ], addN),
    _multiplyN: mutate([
      applyTo(chain1UsingMutate).named("e"),
      applyTo(chain2UsingMutate, { n: value(2) }).named("b"),
    ], multiplyN, { n: source("input2") }),
  };
}

describe("mutate() and applyTo()", () => {
  test("test_mutate_end_to_end_simple: transforms a node's output from separate functions, in module order", async () => {
    // The chain's own nodes (fOfInterest.raw) are requestable, untyped.
    const dr = (await new Builder().withModules(mutateModule()).build()) as unknown as Driver;
    const r = await dr.execute(["downstreamF", "chainNotUsingMutate", "fOfInterest.raw"]);
    expect(r.downstreamF).toBe(r.chainNotUsingMutate);
    expect(r.downstreamF).toBe("-user input--raw function--post pipe 0--post pipe 1 with -upstream---post pipe 2 with value 1000--downstream.");
    expect(r["fOfInterest.raw"]).toBe("-user input--raw function-");
    expect(dr.whatIsUpstreamOf("fOfInterest").map((x) => x.name).sort())
      .toEqual(["fOfInterest", "fOfInterest.mutate0", "fOfInterest.random", "fOfInterest.raw", "upstream", "userInput"]);
  });

  for (const calcC of [true, false]) {
    test(`test_mutate_end_to_end_1: named, config-gated and per-target bound transforms (calcC: ${calcC})`, async () => {
      const dr = await new Builder().withModules(mutateModule()).withConfig({ calcC }).build();
      const r = await dr.execute(["chain1UsingMutate", "chain2UsingMutate", "chain1NotUsingMutate", "chain2NotUsingMutate"], {
        inputs: { input1: 10, input2: 20, input3: 30 },
      });
      expect(r.chain1UsingMutate).toBe(r.chain1NotUsingMutate);
      expect(r.chain2UsingMutate).toBe(r.chain2NotUsingMutate);
      expect(dr.listAvailableVariables().some((x) => x.name === "chain1UsingMutate.c")).toBe(calcC);
    });
  }

  test("test_mutate_global_kwargs and test_mutate_local_kwargs_override_global_ones", async () => {
    const a = (seed: number) => seed;
    const b = (seed: number) => seed * 10;
    const dr = await new Builder().withModules({
      a, b, _plus: mutate([a, applyTo(b, { n: value(13) })], (x: number, n: number) => x + n, { n: value(17) }),
    }).build();
    expect(await dr.execute(["a", "b"], { inputs: { seed: 1 } })).toEqual({ a: 18, b: 23 });
  });

  test("test_async_mutate_end_to_end: async transforms, switched by config", async () => {
    const make = () => {
      const data = async (rows: number[]) => rows;
      return {
        data,
        _sorted: mutate([data], step(async (xs: number[]) => [...xs].sort((p, q) => p - q)).when({ order: "asc" })),
        _reversed: mutate([data], step(async (xs: number[]) => [...xs].sort((p, q) => q - p)).named("desc").when({ order: "desc" })),
      };
    };
    const asc = await new Builder().withModules(make()).withConfig({ order: "asc" }).build();
    expect(await asc.execute(["data"], { inputs: { rows: [2, 3, 1] } })).toEqual({ data: [1, 2, 3] });
    const desc = (await new Builder().withModules(make()).withConfig({ order: "desc" }).build()) as unknown as Driver;
    expect(await desc.execute(["data", "data.raw"], { inputs: { rows: [2, 3, 1] } })).toEqual({ data: [3, 2, 1], "data.raw": [2, 3, 1] });
    // The last transform takes the target's name: "data.desc" is the name it gets once another comes after it.
    expect(desc.listAvailableVariables().map((x) => x.name).filter((n) => n.startsWith("data")).sort()).toEqual(["data", "data.raw"]);
  });

  test("test_mutate_restricted_to_same_module: a target another module exports is a build error", async () => {
    const target = (x: number) => x;
    const error = await new Builder()
      .withModules({ name: "a", exports: { target } }, { name: "b", exports: { _double: mutate([target], (t: number) => t * 2) } })
      .build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect((error as Error).message).toBe('Cannot build the graph: mutate() in "_double" targets "target", which module "b" does not export; a mutate() changes nodes of its own module only: move it to the module that exports the target, or export the target from this one');
  });

  test("applyTo().onOutput() transforms one field of extractFields", async () => {
    const point = extractFields(["x", "y"], () => ({ x: 1, y: 2 }));
    const dr = await new Builder().withModules({ point, _neg: mutate([applyTo(point).onOutput("y")], (v: number) => -v) }).build();
    expect(await dr.execute(["x", "y"])).toEqual({ x: 1, y: -2 });
  });

  test("appends after pipe({ output }) steps", async () => {
    const total = pipe({ output: [step((t: number) => t * 2).named("doubled")] }, (xs: number[]) => xs.length);
    const dr = await new Builder().withModules({ total, _plus: mutate([total], (t: number) => t + 1) }).build();
    const r = await dr.execute(["total", "total.doubled", "total.raw"], { inputs: { xs: [1, 2, 3] } });
    expect(r).toEqual({ total: 7, "total.doubled": 6, "total.raw": 3 });
  });

  test("a transform applied twice under one name is a build error that says how to name it", async () => {
    const a = () => 1;
    const inc = (x: number) => x + 1;
    const error = await new Builder().withModules({ a, _one: mutate([a], step(inc).named("inc")), _two: mutate([a], step(inc).named("inc")) }).build().catch((e: unknown) => e);
    expect((error as Error).message).toBe('Cannot build the graph: mutate() on "a" defines node "a.inc" twice; name the transform with mutate(targets, step(fn).named("..."))');
  });

  test("stays callable as its function, and defines no node of its own even when exported without _", async () => {
    const a = () => 2;
    const triple = mutate([a], (x: number) => x * 3);
    expect(triple(5)).toBe(15);
    const dr = await new Builder().withModules({ a, triple }).build();
    expect(dr.listAvailableVariables().map((x) => x.name).sort()).toEqual(["a", "a.raw"]);
    expect(await dr.execute(["a"])).toEqual({ a: 6 });
  });

  test("rejects targets that are not functions and bindings given twice", () => {
    expect(() => mutate([], (x: number) => x)).toThrow(TypeError);
    expect(() => mutate([5 as unknown as Function], (x: number) => x)).toThrow("mutate() target 1 must be a function exported as a node, or applyTo(fn), got number 5");
    expect(() => mutate([() => 1], step((x: number, n: number) => x + n), { n: value(1) })).toThrow(TypeError);
  });

  test("a worker node's transform runs on the main thread after the worker computed the target", async () => {
    await using dr = await new Builder().withModules(mutateFlow).withWorkers({ size: 1 }).build();
    expect(await dr.execute(["squares"], { inputs: { n: 4 } })).toEqual({ squares: [1, 2, 5, 10] });
  });
});
