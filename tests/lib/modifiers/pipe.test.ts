import { describe, expect, test } from "bun:test";
import { Builder, GraphBuildError, pipe, source, step, value } from "../../../mod.ts";

const dropNegative = (xs: number[]) => xs.filter((x) => x >= 0);
const double = async (xs: number[]) => xs.map((x) => x * 2);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const scale = (x: number, factor: number) => x * factor;

describe("pipe({ input })", () => {
  test("applies the steps to the first parameter, each step its own node (sync and async steps)", async () => {
    const mod = { total: pipe({ input: [step(dropNegative), step(double)] }, sum) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total", "total.dropNegative", "total.double"], { inputs: { xs: [1, -5, 2] } }))
      .toEqual({ total: 6, "total.dropNegative": [1, 2], "total.double": [2, 4] });
    expect(dr.whatIsUpstreamOf("total").map((v) => v.name)).toEqual(["total.dropNegative", "total.double", "total", "xs"]);
  });

  test("pipes into the parameter named by `on`", async () => {
    const mod = { ratio: pipe({ input: [step(dropNegative)], on: "below" }, async (above: number[], below: number[]) => sum(above) / sum(below)) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["ratio"], { inputs: { above: [6], below: [3, -1] } })).toEqual({ ratio: 2 });
  });

  test("rejects an `on` that is not a parameter of the node", async () => {
    const error = await new Builder().withModules({ ratio: pipe({ input: [step(dropNegative)], on: "nope" }, sum) }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: pipe() on "ratio" pipes into parameter "nope", which node "ratio" does not have; set pipe({ on }) to one of its parameters');
  });
});

describe("pipe({ output })", () => {
  test("applies the steps to the output; the function's own node becomes <node>.raw", async () => {
    const mod = { total: pipe({ output: [step(scale, { factor: value(10) }).named("inTens"), step(async (x: number) => x + 1).named("plusOne")] }, sum) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total", "total.raw", "total.inTens"], { inputs: { xs: [1, 2] } })).toEqual({ total: 31, "total.raw": 3, "total.inTens": 30 });
  });

  test("a step's other parameters are bound with source() or resolve by name", async () => {
    const mod = {
      rate: () => 0.5,
      inEur: pipe({ output: [step(scale, { factor: source("rate") })] }, async (usd: number) => usd),
      withFee: pipe({ output: [step(scale)] }, (usd: number) => usd),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["inEur", "withFee"], { inputs: { usd: 8, factor: 3 } })).toEqual({ inEur: 4, withFee: 24 });
  });

  test("input and output chains combine on one node", async () => {
    const mod = { total: pipe({ input: [step(dropNegative)], output: [step(scale, { factor: value(2) })] }, sum) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total"], { inputs: { xs: [1, -1, 3] } })).toEqual({ total: 8 });
  });
});

describe("step() switched by config", () => {
  const mod = {
    total: pipe({
      input: [step(dropNegative).when({ clean: true })],
      output: [step(scale, { factor: value(100) }).named("inCents").whenIn({ unit: ["cents"] })],
    }, sum),
  };

  test("leaves out the steps whose condition does not hold", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ clean: false, unit: "eur" }).build();
    expect(dr.listAvailableVariables().filter((v) => v.kind === "function").map((v) => v.name)).toEqual(["total"]);
    expect(await dr.execute(["total"], { inputs: { xs: [1, -1] } })).toEqual({ total: 0 });
  });

  test("keeps the steps whose condition holds, marked config-driven", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ clean: true, unit: "cents" }).build();
    expect(await dr.execute(["total"], { inputs: { xs: [1, -1] } })).toEqual({ total: 100 });
    expect(dr.listAvailableVariables().find((v) => v.name === "total")?.configKeys).toEqual(["unit"]);
  });
});

describe("step() and pipe() bad input", () => {
  test("two steps with the same node name are a build error that shows the fix", async () => {
    const error = await new Builder().withModules({ total: pipe({ input: [step(dropNegative), step(dropNegative)] }, sum) }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: pipe() on "total" defines node "total.dropNegative" twice; name one of the steps with step(fn).named("...")');
  });

  test("step() rejects a function without a positional first parameter", () => {
    expect(() => step(({ xs }: { xs: number[] }) => xs)).toThrow(TypeError);
    expect(() => step(() => 1)).toThrow('step() expects a function whose first positional parameter receives the piped value; "anonymous" has no parameters');
  });

  test("step() rejects binding the piped parameter or an unknown one", () => {
    expect(() => step(scale, { x: value(1) })).toThrow('step() binds "x", the parameter that receives the piped value; bind another parameter');
    expect(() => step(scale, { fctor: value(1) })).toThrow('step() binds "fctor", which is not a parameter of "scale"');
  });

  test("pipe() rejects a value that is not a function, and steps that are not step()", () => {
    expect(() => pipe({ input: [step(double)] }, 1 as never)).toThrow(new TypeError("pipe() expects a function as its second argument, got number 1"));
    expect(() => pipe({ input: [double as never] }, sum)).toThrow('pipe() option "input" must be a list of step(...) values');
  });
});
