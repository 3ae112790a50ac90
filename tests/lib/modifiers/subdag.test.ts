import { describe, expect, test } from "bun:test";
import { Builder, config, GraphBuildError, source, subdag, value } from "../../../mod.ts";

/** A reusable regional flow: revenue depends on spend and a config-driven multiplier. */
const region = {
  multiplier__high: config.when({ market: "mature" }, () => 3),
  multiplier__low: config.whenNot({ market: "mature" }, async () => 2),
  revenue: async (spend: number, multiplier: number) => spend * multiplier,
  profit: (revenue: number, spend: number, fee = 0) => revenue - spend - fee,
};

describe("subdag()", () => {
  test("reuses a module's nodes under a namespace, with its own config and inputs", async () => {
    const mod = {
      usSpend: () => 100,
      us: subdag({ modules: [region], inputs: { spend: source("usSpend") }, config: { market: "mature" } }, (profit: number) => profit),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["us", "us.revenue", "us.multiplier"])).toEqual({ us: 200, "us.revenue": 300, "us.multiplier": 3 });
  });

  test("two subdags of the same module coexist", async () => {
    const mod = {
      us: subdag({ modules: [region], inputs: { spend: value(100) }, config: { market: "mature" } }, (profit: number) => profit),
      eu: subdag({ modules: [region], inputs: { spend: value(50) }, config: { market: "new", fee: 5 } }, async (profit: number, revenue: number) => ({ profit, revenue })),
      total: (us: number, eu: { profit: number }) => us + eu.profit,
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total", "eu"])).toEqual({ total: 245, eu: { profit: 45, revenue: 100 } });
    const names = dr.listAvailableVariables().map((v) => v.name);
    expect(names.filter((n) => n.startsWith("us."))).toEqual(["us.multiplier", "us.revenue", "us.profit"]);
    expect(names.filter((n) => n.startsWith("eu."))).toEqual(["eu.multiplier", "eu.revenue", "eu.profit"]);
  });

  test("a dependency the subdag does not bind resolves in the outer graph", async () => {
    const mod = { us: subdag({ modules: [region], config: { market: "mature" } }, (profit: number) => profit) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["us"], { inputs: { spend: 10, fee: 1 } })).toEqual({ us: 19 });
  });

  test("an explicit namespace names the nodes", async () => {
    const mod = { best: subdag({ modules: [{ name: "region", exports: region }], namespace: "apac", inputs: { spend: value(1) } }, (revenue: number) => revenue) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["best", "apac.revenue"])).toEqual({ best: 2, "apac.revenue": 2 });
  });

  test("rejects two subdags whose namespaces collide", async () => {
    const mod = {
      a: subdag({ modules: [region], namespace: "r", inputs: { spend: value(1) } }, (profit: number) => profit),
      b: subdag({ modules: [region], namespace: "r", inputs: { spend: value(2) } }, (profit: number) => profit),
    };
    const error = await new Builder().withModules(mod).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: subdag() namespaces collide: exports "a" and "b" both use namespace "r" (node "r.multiplier"); give one a different namespace');
  });

  test("rejects an input binding no node of the modules uses", async () => {
    const error = await new Builder().withModules({ a: subdag({ modules: [region], inputs: { spnd: value(1) } }, (profit: number) => profit) }).build().catch((e) => e);
    expect(error.message).toBe('Cannot build the graph: subdag() on "a" binds input "spnd", which no node of its modules uses; remove it or check its name');
  });

  test("rejects bad options and a value that is not a function", () => {
    expect(() => subdag({ modules: [] }, () => 1)).toThrow('subdag() option "modules" must be a non-empty list of modules, got an array');
    expect(() => subdag({ modules: [region] }, "x" as never)).toThrow(new TypeError('subdag() expects a function as its second argument, got the string "x"'));
  });
});
