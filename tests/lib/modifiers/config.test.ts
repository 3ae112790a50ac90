import { describe, expect, test } from "bun:test";
import { Builder, config, extractFields, GraphBuildError, isWeftError, MissingInputError, parameterize, value } from "../../../mod.ts";

const regional = {
  revenue__us: config.when({ region: "us" }, (spend: number) => spend * 3),
  revenue__eu: config.when({ region: "eu" }, async (spend: number) => spend * 2),
  report: (revenue: number) => `revenue ${revenue}`,
};

describe("config.when()", () => {
  test("keeps the sync alternative whose condition matches the config", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "us" }).build();
    expect(await dr.execute(["report"], { inputs: { spend: 10 } })).toEqual({ report: "revenue 30" });
  });

  test("keeps the async alternative whose condition matches the config", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "eu" }).build();
    expect(await dr.execute(["revenue"], { inputs: { spend: 10 } })).toEqual({ revenue: 20 });
    expect(dr.listAvailableVariables().find((v) => v.name === "revenue")?.exportName).toBe("revenue__eu");
  });

  test("leaves the node out when no alternative matches, so it becomes an external input", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "apac" }).build();
    const revenue = dr.listAvailableVariables().find((v) => v.name === "revenue");
    expect(revenue?.kind).toBe("input");
    expect(await dr.execute(["report"], { inputs: { revenue: 7 } })).toEqual({ report: "revenue 7" });
    const error = await dr.execute(["report"]).catch((e) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect(error.missing).toEqual([{ input: "revenue", neededBy: ["report"] }]);
  });

  test("treats a missing config key as not equal", async () => {
    const dr = await new Builder().withModules(regional).build();
    expect(dr.listAvailableVariables().find((v) => v.name === "revenue")?.kind).toBe("input");
  });

  test("records the config keys that decided the node", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "us" }).build();
    const v = dr.listAvailableVariables().find((x) => x.name === "revenue")!;
    expect([v.configKeys, v.modifiers]).toEqual([["region"], ["config.when"]]);
  });

  test("rejects two alternatives that match the same config, naming both and the node", async () => {
    const mod = {
      revenue__us: config.when({ region: "us" }, (spend: number) => spend * 3),
      revenue__any: config.whenNot({ region: "eu" }, (spend: number) => spend),
    };
    const error = await new Builder().withModules(mod).withConfig({ region: "us" }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(isWeftError(error, "graph-build")).toBe(true);
    expect(error.message).toBe(
      'Cannot build the graph: config alternatives "revenue__us" and "revenue__any" both define node "revenue" for this config (keys "region"); make their conditions exclusive',
    );
    expect(error.node).toBe("revenue");
  });

  test("rejects a value that is not a function, naming the modifier", () => {
    expect(() => config.when({ region: "us" }, 3 as never)).toThrow(new TypeError("config.when() expects a function as its second argument, got number 3"));
  });

  test("rejects an empty condition", () => {
    expect(() => config.when({}, () => 1)).toThrow(TypeError);
  });

  test("stays callable as the user's function", () => {
    expect(regional.revenue__us(2)).toBe(6);
  });
});

describe("config.whenNot(), config.whenIn(), config.whenNotIn()", () => {
  const mod = {
    discount__default: config.whenNot({ plan: "pro" }, () => 0),
    discount__pro: config.when({ plan: "pro" }, async () => 0.2),
    tax__eu: config.whenIn({ country: ["de", "fr"] }, async () => 0.2),
    tax__other: config.whenNotIn({ country: ["de", "fr"] }, () => 0),
  };

  test("whenNot() keeps the node when the key differs or is missing", async () => {
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["discount", "tax"])).toEqual({ discount: 0, tax: 0 });
  });

  test("whenIn() keeps the node when the key is one of the values", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ country: "fr", plan: "pro" }).build();
    expect(await dr.execute(["discount", "tax"])).toEqual({ discount: 0.2, tax: 0.2 });
  });

  test("whenIn() rejects a value that is not a list", () => {
    expect(() => config.whenIn({ country: "de" } as never, () => 1)).toThrow('config.whenIn() expects a list of values for config key "country"');
  });
});

describe("name__suffix exports", () => {
  test("a plain export named name__suffix defines the node name", async () => {
    const dr = await new Builder().withModules({ total__v2: (x: number) => x + 1 }).build();
    expect(await dr.execute(["total"], { inputs: { x: 1 } })).toEqual({ total: 2 });
  });
});

describe("config.when() compositions", () => {
  const stats = (rows: number[]) => ({ low: Math.min(...rows), high: Math.max(...rows) });
  const mod = {
    range__fast: config.when({ mode: "fast" }, extractFields(["low", "high"], stats)),
    range__slow: config.when({ mode: "slow" }, extractFields(["low", "high"], async (rows: number[]) => stats(rows))),
  };

  test("gates every node of an extractFields() alternative (sync)", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ mode: "fast" }).build();
    expect(await dr.execute(["low", "high", "range"], { inputs: { rows: [3, 1, 2] } })).toEqual({ low: 1, high: 3, range: { low: 1, high: 3 } });
    expect(dr.listAvailableVariables().find((v) => v.name === "low")?.modifiers).toEqual(["extractFields", "config.when"]);
  });

  test("gates every node of an extractFields() alternative (async)", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ mode: "slow" }).build();
    expect(await dr.execute(["low", "high"], { inputs: { rows: [3, 1, 2] } })).toEqual({ low: 1, high: 3 });
  });

  test("with no match, none of the extracted nodes exist", async () => {
    const dr = await new Builder().withModules(mod).withConfig({ mode: "off" }).build();
    expect(dr.listAvailableVariables().filter((v) => v.kind === "function")).toEqual([]);
  });

  test("gates a parameterize() alternative", async () => {
    const p = {
      scaled__on: config.when({ scaling: true }, parameterize({ double: { k: value(2) }, triple: { k: value(3) } }, async (x: number, k: number) => x * k)),
    };
    const on = await new Builder().withModules(p).withConfig({ scaling: true }).build();
    expect(await on.execute(["double", "triple"], { inputs: { x: 2 } })).toEqual({ double: 4, triple: 6 });
    const off = await new Builder().withModules(p).withConfig({ scaling: false }).build();
    expect(off.listAvailableVariables().filter((v) => v.kind === "function")).toEqual([]);
  });
});

describe("config(predicate)", () => {
  test("test_config_base_resolve_nodes: keeps the nodes when the predicate holds", async () => {
    const dr = await new Builder().withModules({ configFn: config((c) => c.key === "value", () => 1) }).withConfig({ key: "value" }).build();
    expect(await dr.execute(["configFn"])).toEqual({ configFn: 1 });
  });

  test("test_config_base_resolve_nodes_no_resolve: drops them when it does not (a missing key included)", async () => {
    const dr = await new Builder().withModules({ configFn: config((c) => c.key === "value", () => 1) }).build();
    expect(dr.listAvailableVariables().map((v) => v.name)).toEqual([]);
  });

  test("picks among name__suffix alternatives by arbitrary conditions, sync and async", async () => {
    const flow = {
      price__big: config((c) => (c.tier as number) > 2 && c.region !== "us", async (base: number) => base * 10),
      price__small: config((c) => !((c.tier as number) > 2 && c.region !== "us"), (base: number) => base),
    };
    const big = await new Builder().withModules(flow).withConfig({ tier: 3, region: "eu" }).build();
    expect(await big.execute(["price"], { inputs: { base: 2 } })).toEqual({ price: 20 });
    const small = await new Builder().withModules(flow).withConfig({ tier: 3, region: "us" }).build();
    expect(await small.execute(["price"], { inputs: { base: 2 } })).toEqual({ price: 2 });
  });

  test("records the config keys the predicate read on the nodes (for cache keys)", async () => {
    const flow = { a: config(({ mode, level }) => mode === "x" || level === 1, () => 1) };
    const dr = await new Builder().withModules(flow).withConfig({ mode: "x", other: 5 }).build();
    expect(dr.graph.get("a")!.configKeys).toEqual(["mode", "level"]);
    expect(dr.graph.get("a")!.modifiers).toEqual(["config"]);
  });

  test("a predicate that throws or returns a non-boolean is a build error naming the export", async () => {
    const threw = await new Builder().withModules({ a: config(() => { throw new Error("nope"); }, () => 1) }).build().catch((e: unknown) => e);
    expect(threw).toBeInstanceOf(GraphBuildError);
    expect((threw as Error).message).toBe('Cannot build the graph: the config() predicate of "a" threw: nope; make it a plain function of the config');
    const odd = await new Builder().withModules({ a: config((c) => c.mode as boolean, () => 1) }).withConfig({ mode: "yes" }).build().catch((e: unknown) => e);
    expect((odd as Error).message).toBe('Cannot build the graph: the config() predicate of "a" returned the string "yes"; it must return true or false');
    expect(() => config({ mode: "x" } as never, () => 1)).toThrow(TypeError);
  });
});
