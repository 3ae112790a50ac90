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

  test("an optional parameter with no value is left out of the arguments, as Hamilton leaves it out of kwargs", async () => {
    const dr = await new Builder().withModules({ total: does(sumAll, (a: number, b = 10) => 0) }).build();
    expect(await dr.execute(["total"], { inputs: { a: 1 } })).toEqual({ total: 1 });
    expect(await dr.execute(["total"], { inputs: { a: 1, b: 2 } })).toEqual({ total: 3 });
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
