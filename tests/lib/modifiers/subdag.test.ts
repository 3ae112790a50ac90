import { describe, expect, test } from "bun:test";
import { Builder, config, configuration, GraphBuildError, source, subdag, value } from "../../../mod.ts";

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

describe("configuration()", () => {
  // Hamilton's test_nested_subdag_with_config_remapping: inner_subdag over foo (config.when broken=false) and bar.
  function nested(outerKey: string) {
    const inner = {
      bar: (input1: number) => input1 + 1,
      foo: config.when({ broken: false }, (input2: number) => input2 + 1),
    };
    const innerSubdag = subdag({ modules: [inner] }, (foo: number, bar: number) => [foo, bar]);
    return {
      outerSubdag1: subdag({ modules: [{ innerSubdag }], inputs: { input2: value(10) }, config: { broken: value(false) } },
        (innerSubdag: number[]) => innerSubdag[0]! + innerSubdag[1]!),
      outerSubdag2: subdag({ modules: [{ innerSubdag }], inputs: { input2: value(3) }, config: { broken: configuration(outerKey) } },
        (innerSubdag: number[]) => innerSubdag[0]! + innerSubdag[1]!),
      sumAll: (outerSubdag1: number, outerSubdag2: number) => outerSubdag1 + outerSubdag2,
    };
  }

  test("test_nested_subdag_with_config_remapping: a subdag config value bound from the outer config", async () => {
    const dr = await new Builder().withModules(nested("broken2")).withConfig({ broken2: false }).build();
    // (bar(2) + foo(10)) + (bar(2) + foo(3))
    expect(await dr.execute(["sumAll"], { inputs: { input1: 2 } })).toEqual({ sumAll: 3 + 11 + 3 + 4 });
    expect(dr.graph.get("outerSubdag2.innerSubdag.foo")!.configKeys).toEqual(["broken2"]);
  });

  test("test_nested_subdag_with_config_remapping_missing_error: a key the outer config lacks is a build error", async () => {
    const error = await new Builder().withModules(nested("brokenMissing")).withConfig({ broken2: false }).build().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect((error as Error).message).toBe('Cannot build the graph: subdag() on "outerSubdag2" sets config "broken" from configuration("brokenMissing"), which the outer config does not have; add "brokenMissing" with withConfig({ "brokenMissing": ... })');
  });

  test("test_resolve_subdag_configuration_happy: value() and configuration() become the subdag's config and inputs", async () => {
    const mod = { out: (a: number, b: number, c: number, d: number) => [a, b, c, d] };
    const dr = await new Builder().withModules({
      sub: subdag({ modules: [mod], config: { c: value(3), d: configuration("a") } }, (out: number[]) => out),
    }).withConfig({ a: 1, b: 2 }).build();
    expect(await dr.execute(["sub"])).toEqual({ sub: [1, 2, 3, 1] });
  });

  test("test_resolve_subdag_configuration_flag_incorrect_source_group_deps: source() in config is a TypeError", () => {
    expect(() => subdag({ modules: [{ a: () => 1 }], config: { d: source("e") } }, (a: number) => a))
      .toThrow('subdag() option "config" binds "d" to source(...); a config value is fixed when the graph is built: give the value itself, value(x), or configuration("outerKey")');
    expect(() => configuration("")).toThrow(TypeError);
  });
});
