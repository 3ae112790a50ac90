import { describe, expect, test } from "bun:test";
import { Builder, does, GraphBuildError } from "../../../mod.ts";

const sumAll = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
const ratio = async ({ part, whole }: { part: number; whole: number }) => part / whole;

describe("does()", () => {
  test("computes a node declared by one signature with a shared implementation (sync)", async () => {
    const mod = {
      search: () => 3,
      social: () => 4,
      totalSpend: does(sumAll, (search: number, social: number) => 0),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["totalSpend"])).toEqual({ totalSpend: 7 });
    expect(dr.listAvailableVariables().find((v) => v.name === "totalSpend")?.requiredDependencies).toEqual(["search", "social"]);
  });

  test("renames arguments for the implementation (async implementation, destructured signature)", async () => {
    const mod = {
      profit: () => 2,
      revenue: () => 8,
      margin: does(ratio, ({ profit, revenue }: { profit: number; revenue: number }) => 0, { profit: "part", revenue: "whole" }),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["margin"])).toEqual({ margin: 0.25 });
  });

  test("a parameter left to its default gets the signature's default (test_does_function_modifier_optionals)", async () => {
    const dr = await new Builder().withModules({ toModify: does(sumAll, (param0: number, param1 = 1, param2 = 2) => 0) }).build();
    expect(dr.listAvailableVariables().find((v) => v.name === "toModify")?.requiredDependencies).toEqual(["param0"]);
    expect(await dr.execute(["toModify"], { inputs: { param0: 0 } })).toEqual({ toModify: 3 });
    expect(await dr.execute(["toModify"], { inputs: { param0: 0, param1: 0, param2: 0 } })).toEqual({ toModify: 0 });
  });

  test("defaults reach the implementation under their renamed keys (test_does_with_argument_mapping)", async () => {
    const sumMultiply = ({ param0, param1, param2 }: { param0: number; param1: number; param2: number }) => param0 + param1 * param2;
    const toModify = does(sumMultiply, ({ parama, paramb = 1, paramc = 2 }: { parama: number; paramb?: number; paramc?: number }) => 0, {
      parama: "param0", paramb: "param1", paramc: "param2",
    });
    const dr = await new Builder().withModules({ toModify }).build();
    expect(await dr.execute(["toModify"], { inputs: { parama: 0 } })).toEqual({ toModify: 2 });
    expect(await dr.execute(["toModify"], { inputs: { parama: 0, paramb: 1, paramc: 2 } })).toEqual({ toModify: 2 });
    expect(await dr.execute(["toModify"], { inputs: { parama: 1, paramb: 4 } })).toEqual({ toModify: 9 });
    expect(toModify({ parama: 1, paramb: 4 })).toBe(9);
  });

  test("each call gets its own copy of an object default", async () => {
    const push = ({ seen }: { seen: number[] }) => (seen.push(1), seen.length);
    const dr = await new Builder().withModules({ count: does(push, (seen = [0]) => 0) }).build();
    expect(await dr.execute(["count"])).toEqual({ count: 2 });
    expect(await dr.execute(["count"])).toEqual({ count: 2 });
  });

  test("a default that is not a literal is a build error naming the parameter", async () => {
    const error = await new Builder().withModules({ total: does(sumAll, (a: number, b = a * 2) => 0) }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe(
      'Cannot build the graph: does() on "total" cannot pass the default of parameter "b" (a * 2) to the implementation, because it is not a literal; write a literal default (a number, a string, an array or object of literals), or leave the parameter without a default and give it in the implementation',
    );
  });

  test("calling the result directly runs the implementation", () => {
    expect(does(sumAll, (a: number, b: number) => 0)(1, 2)).toBe(3);
  });

  test("rejects a rename of a parameter the signature does not have", async () => {
    const error = await new Builder().withModules({ m: does(ratio, (profit: number) => 0, { profti: "part" }) }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: does() on "m" renames "profti", which is not a parameter of node "m"');
  });

  test("rejects an implementation that is not a function", () => {
    expect(() => does(3 as never, () => 0)).toThrow(new TypeError("does() expects a function as its first argument, got number 3"));
  });
});
