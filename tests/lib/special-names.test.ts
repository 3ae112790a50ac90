/**
 * Issue 10, part 6: names that are keys of `Object.prototype` (`constructor`,
 * `toString`, `__proto__`, …) are names like any other, at every public entry
 * point of the core. Cache, tracking, web view and CLI have their own files.
 */
import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import {
  Builder,
  collect,
  config,
  csvFormat,
  does,
  inject,
  pipe,
  step,
  extractFields,
  MissingInputError,
  node,
  parallelizable,
  parameterize,
  source,
  subdag,
  value,
  type Driver,
  type Materializer,
} from "../../mod.ts";

const NAMES = ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty"] as const;

/** `{ [name]: value }` as an own property, also for `__proto__` (a literal would set the prototype). */
function rec(name: string, v: unknown): Record<string, unknown> {
  return Object.fromEntries([[name, v]]);
}

/**
 * A module defining node `name` (doubling input `x`) and counting its calls.
 * Exports starting with `_` are private, so `__proto__` comes from parameterize().
 */
function nodeNamed(name: string) {
  const calls: number[] = [];
  const double = (x: number) => (calls.push(x), x * 2);
  const mod = name.startsWith("_") ? { template: parameterize(rec(name, {}) as Record<string, never>, double) } : rec(name, double);
  return { mod, calls };
}

/** A module whose node `out` depends on `name` (an input unless defined elsewhere). */
const consumer = (name: string) => ({ out: node((v: unknown) => ({ got: v }), { deps: [name] }) });

/** A driver over untyped modules: the names are chosen at run time. */
async function build(...modules: object[]): Promise<Driver> {
  return untyped(new Builder().withModules(...(modules as Record<string, never>[])));
}

/** Builds without the modules' types (names chosen at run time are not known to the type checker). */
async function untyped(builder: { build(): Promise<unknown> }): Promise<Driver> {
  return (await builder.build()) as Driver;
}

describe.each(NAMES)("%s", (name) => {
  test(`execute() treats "${name}" as an ordinary node name`, async () => {
    const { mod, calls } = nodeNamed(name);
    const dr = await build(mod);
    const result = await dr.execute([name], { inputs: { x: 21 } });
    expect(Object.hasOwn(result, name)).toBe(true);
    expect((result as Record<string, unknown>)[name]).toBe(42);
    expect(calls).toEqual([21]);
  });

  test(`execute() returns a plain object whose "${name}" is the node's value`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod);
    const result = await dr.execute([name], { inputs: { x: 1 } });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual([name]);
  });

  test(`execute() reports a missing input named "${name}" as a MissingInputError naming it`, async () => {
    const dr = await build(consumer(name));
    const error = await dr.execute(["out"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect((error as MissingInputError).missing).toEqual([{ input: name, neededBy: ["out"] }]);
  });

  test(`execute() passes an input named "${name}" to the node`, async () => {
    const dr = await build(consumer(name));
    expect(await dr.execute(["out"], { inputs: rec(name, 21) })).toEqual({ out: { got: 21 } });
  });

  test(`execute() returns an input named "${name}" requested as an output`, async () => {
    const dr = await build(consumer(name));
    const result = await dr.execute([name], { inputs: rec(name, 21) });
    expect(Object.hasOwn(result, name) && (result as Record<string, unknown>)[name]).toBe(21);
  });

  test(`execute() uses an override named "${name}" instead of calling the node`, async () => {
    const { mod, calls } = nodeNamed(name);
    const dr = await build(mod, consumer(name));
    expect(await dr.execute(["out"], { inputs: { x: 1 }, overrides: rec(name, 7) })).toEqual({ out: { got: 7 } });
    expect(calls).toEqual([]);
  });

  test(`execute() calls the node "${name}" when no override names it`, async () => {
    const { mod, calls } = nodeNamed(name);
    const dr = await build(mod, consumer(name));
    expect(await dr.execute(["out"], { inputs: { x: 1 }, overrides: { other: 1 } })).toEqual({ out: { got: 2 } });
    expect(calls).toEqual([1]);
  });

  test(`withConfig() serves a config value named "${name}" as an input`, async () => {
    const dr = await untyped(new Builder().withModules(consumer(name) as unknown as Record<string, never>).withConfig(rec(name, "cfg")));
    expect(await dr.execute(["out"])).toEqual({ out: { got: "cfg" } });
  });

  test(`executeEffect() returns the node "${name}"`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod);
    const result = await Effect.runPromise(dr.executeEffect([name], { inputs: { x: 4 } }));
    expect((result as Record<string, unknown>)[name]).toBe(8);
  });

  test(`validateExecution() reports a missing input named "${name}"`, async () => {
    const dr = await build(consumer(name));
    expect(() => dr.validateExecution(["out"])).toThrow(MissingInputError);
    expect(() => dr.validateExecution(["out"], { inputs: rec(name, 1) })).not.toThrow();
  });

  test(`listAvailableVariables() lists the node "${name}" and its input`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod, consumer(name));
    expect(dr.listAvailableVariables().map((v) => v.name).sort()).toEqual([name, "out", "x"].sort());
  });

  test(`whatIsUpstreamOf() and whatIsDownstreamOf() walk through "${name}"`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod, consumer(name));
    expect(dr.whatIsUpstreamOf("out").map((v) => v.name).sort()).toEqual([name, "out", "x"].sort());
    expect(dr.whatIsDownstreamOf(name).map((v) => v.name).sort()).toEqual([name, "out"].sort());
  });

  test(`visualizeExecution() draws the node "${name}"`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod, consumer(name));
    const dot = await dr.visualizeExecution(["out"], { inputs: { x: 1 }, format: "dot" });
    expect(dot).toContain(`"${name}"`);
    expect(dot).toContain(`"${name}" -> "out"`);
  });

  test(`materialize() hands the node "${name}" to its materializer`, async () => {
    const { mod } = nodeNamed(name);
    const dr = await build(mod);
    const seen: unknown[] = [];
    const keep: Materializer<number> = { id: "keep", dependencies: [name], save: async (v) => (seen.push(v[name]), 1) };
    const { materialized, outputs } = await dr.materialize([keep], { inputs: { x: 5 }, outputs: [name] });
    expect(seen).toEqual([10]);
    expect(materialized).toEqual({ keep: 1 });
    expect((outputs as Record<string, unknown>)[name]).toBe(10);
  });

  test(`parameterize() leaves a parameter named "${name}" as a dependency`, async () => {
    const dr = await build({ tmpl: parameterize({ scaled: { k: value(3) } }, node((v: number, k: number) => v * k, { deps: [name, "k"] })) });
    expect(await dr.execute(["scaled"], { inputs: rec(name, 2) })).toEqual({ scaled: 6 });
  });

  test(`parameterize() binds a parameter named "${name}" with source()`, async () => {
    const dr = await build({ tmpl: parameterize({ scaled: rec(name, source("n")) as never }, node((v: number) => v * 3, { deps: [name] })) });
    expect(await dr.execute(["scaled"], { inputs: { n: 2 } })).toEqual({ scaled: 6 });
  });

  test(`extractFields() defines a node for the field "${name}"`, async () => {
    const dr = await build({ whole: extractFields([name], () => rec(name, 9)) });
    const result = await dr.execute([name]);
    expect((result as Record<string, unknown>)[name]).toBe(9);
  });

  test(`extractFields() fails the node when the field "${name}" is missing`, async () => {
    const dr = await build({ whole: extractFields([name], () => ({ other: 1 })) });
    await expect(dr.execute([name])).rejects.toThrow(`field "${name}" is missing from the returned object`);
  });

  test(`subdag() binds an input named "${name}" of its modules`, async () => {
    const inner = { doubled: node((v: number) => v * 2, { deps: [name] }) };
    const dr = await build({ outer: subdag({ modules: [inner], inputs: rec(name, source("n")) as never }, (doubled: number) => doubled + 1) });
    expect(await dr.execute(["outer"], { inputs: { n: 5 } })).toEqual({ outer: 11 });
  });

  test(`subdag() leaves an unbound input named "${name}" to the outer graph`, async () => {
    const inner = { doubled: node((v: number) => v * 2, { deps: [name] }) };
    const dr = await build({ outer: subdag({ modules: [inner], namespace: "ns" }, (doubled: number) => doubled) });
    const error = await dr.execute(["outer"]).catch((e: unknown) => e);
    expect((error as MissingInputError).missing?.map((m) => m.input)).toEqual([name]);
  });

  test(`config.when() reads a config key named "${name}"`, async () => {
    const mod = { pick__a: config.when(rec(name, "a"), () => "A"), pick__b: config.whenNot(rec(name, "a"), () => "B") };
    const a = await untyped(new Builder().withModules(mod).withConfig(rec(name, "a")));
    const none = await build(mod);
    expect(await a.execute(["pick"])).toEqual({ pick: "A" });
    expect(await none.execute(["pick"])).toEqual({ pick: "B" });
  });

  test(`parallelizable() and collect() run a block whose items are named "${name}"`, async () => {
    const items = parallelizable(() => [1, 2, 3]);
    const mod = {
      ...(name.startsWith("_") ? { tmpl: parameterize(rec(name, {}) as Record<string, never>, items) } : rec(name, items)),
      squared: node((v: number) => v * v, { deps: [name] }),
      total: collect((squared: number[]) => squared.reduce((a, b) => a + b, 0)),
    };
    const dr = await build(mod);
    expect(await dr.execute(["total"])).toEqual({ total: 14 });
  });
});

describe("parameters with special names", () => {
  test("execute() passes positional parameters named constructor and toString", async () => {
    const dr = await build({ sum: (constructor: number, toString: number) => constructor + toString });
    expect(await dr.execute(["sum"], { inputs: { constructor: 20, toString: 1 } })).toEqual({ sum: 21 });
  });

  test("execute() passes destructured parameters named constructor, valueOf and __proto__", async () => {
    const dr = await build({ list: ({ constructor, valueOf, __proto__ }: Record<string, number>) => [constructor, valueOf, __proto__] });
    expect(await dr.execute(["list"], { inputs: { constructor: 1, valueOf: 2, ...rec("__proto__", 3) } })).toEqual({ list: [1, 2, 3] });
  });

  test("execute() leaves optional destructured parameters named constructor and toString to their defaults", async () => {
    const dr = await build({ list: ({ constructor = 5, toString = 6 }) => [constructor, toString] });
    expect(await dr.execute(["list"])).toEqual({ list: [5, 6] });
  });

  test("execute() leaves an optional positional parameter named hasOwnProperty to its default", async () => {
    const dr = await build({ flag: (hasOwnProperty = "default") => hasOwnProperty });
    expect(await dr.execute(["flag"])).toEqual({ flag: "default" });
  });

  test("execute() gives a destructured node bound by parameterize() its default for an unbound constructor", async () => {
    const dr = await build({ tmpl: parameterize({ made: { k: value(2) } }, ({ k, constructor = 10 }: { k: number; constructor?: number }) => k * constructor) });
    expect(await dr.execute(["made"])).toEqual({ made: 20 });
  });
});

describe("modifiers with special parameter names", () => {
  test("does() hands a parameter named constructor to the implementation under its own name", async () => {
    const dr = await build({ joined: does((args: Record<string, number>) => Object.entries(args), (constructor: number, toString: number) => 0) });
    expect(await dr.execute(["joined"], { inputs: { constructor: 1, toString: 2 } })).toEqual({ joined: [["constructor", 1], ["toString", 2]] });
  });

  test("pipe() step() leaves a parameter named valueOf unbound as a dependency", async () => {
    const add = step((v: number, valueOf: number) => v + valueOf);
    const dr = await build({ total: pipe({ output: [add] }, (x: number) => x) });
    expect(await dr.execute(["total"], { inputs: { x: 1, valueOf: 10 } })).toEqual({ total: 11 });
  });

  test("inject() leaves a parameter named hasOwnProperty unbound as a dependency", async () => {
    const dr = await build({ made: inject({ k: value(2) }, (k: number, hasOwnProperty: number) => k * hasOwnProperty) });
    expect(await dr.execute(["made"], { inputs: { hasOwnProperty: 4 } })).toEqual({ made: 8 });
  });
});

describe("csvFormat", () => {
  test("leaves a column named constructor empty in a row without it", () => {
    const { text } = csvFormat.encode([{ constructor: 1, toString: 2 }, { other: 3 }]);
    expect(text).toBe("constructor,toString,other\r\n1,2,\r\n,,3\r\n");
  });
});
