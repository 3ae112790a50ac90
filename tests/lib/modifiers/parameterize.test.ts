import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import { Builder, GraphBuildError, group, inject, MissingInputError, node, parameterize, source, tag, value } from "../../../mod.ts";
import { nodeSpecsOf } from "../../../lib/model/node-specs.ts";

interface Row { readonly channel: string; readonly amount: number }
const rows: Row[] = [{ channel: "search", amount: 3 }, { channel: "social", amount: 4 }, { channel: "search", amount: 5 }];
const spendIn = (rows: Row[], channel: string) => rows.filter((r) => r.channel === channel).reduce((s, r) => s + r.amount, 0);

describe("parameterize()", () => {
  test("creates one node per entry, with its own bound values (sync)", async () => {
    const mod = { spendOf: parameterize({ searchSpend: { channel: value("search") }, socialSpend: { channel: value("social") } }, spendIn) };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["searchSpend", "socialSpend"], { inputs: { rows } })).toEqual({ searchSpend: 8, socialSpend: 4 });
  });

  test("creates one node per entry (async and Effect templates)", async () => {
    const mod = {
      a: parameterize({ searchAsync: { channel: value("search") } }, async (rows: Row[], channel: string) => spendIn(rows, channel)),
      b: parameterize({ socialEffect: { channel: value("social") } }, (rows: Row[], channel: string) => Effect.succeed(spendIn(rows, channel))),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["searchAsync", "socialEffect"], { inputs: { rows } })).toEqual({ searchAsync: 8, socialEffect: 4 });
  });

  test("the template itself is not a node", async () => {
    const dr = await new Builder().withModules({ spendOf: parameterize({ searchSpend: { channel: value("search") } }, spendIn) }).build();
    expect(dr.listAvailableVariables().map((v) => v.name).sort()).toEqual(["rows", "searchSpend"]);
  });

  test("source() binds a parameter to another node; unbound parameters keep their own name", async () => {
    const mod = {
      euRows: () => rows.slice(0, 2),
      spendOf: parameterize({ euSearch: { rows: source("euRows"), channel: value("search") }, allSearch: { channel: value("search") } }, spendIn),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["euSearch", "allSearch"], { inputs: { rows } })).toEqual({ euSearch: 3, allSearch: 8 });
    expect(dr.whatIsUpstreamOf("euSearch").map((v) => v.name)).toEqual(["euRows", "euSearch"]);
  });

  test("binds the destructured form, keeps defaults and passes the AbortSignal", async () => {
    let signal: unknown;
    const mod = {
      scaled: parameterize({ double: { k: value(2) }, plain: {} }, ({ x, k = 1, abortSignal }: { x: number; k?: number; abortSignal: AbortSignal }) => {
        signal = abortSignal;
        return x * k;
      }),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["double", "plain"], { inputs: { x: 5 } })).toEqual({ double: 10, plain: 5 });
    expect(signal).toBeInstanceOf(AbortSignal);
  });

  test("passes node options such as worker through to every produced spec", () => {
    const specs = nodeSpecsOf("t", parameterize({ a: { k: value(1) }, b: { k: value(2) } }, node((k: number) => k, { worker: true, timeout: 50 })), { module: "m", config: {} });
    expect(specs.map((s) => [s.name, s.options.worker, s.options.timeout])).toEqual([["a", true, 50], ["b", true, 50]]);
  });

  test("rejects a produced name that collides with an existing node, naming the modifier and node", async () => {
    const mod = { searchSpend: () => 1, spendOf: parameterize({ searchSpend: { channel: value("search") } }, spendIn) };
    const error = await new Builder().withModules({ name: "m", exports: mod }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: node "searchSpend" is defined twice, by export "searchSpend" of module "m" and by parameterize() on export "spendOf" of module "m"; rename one');
  });

  test("rejects a binding for a parameter the template does not have", async () => {
    const mod = { spendOf: parameterize({ searchSpend: { chanel: value("search") } }, spendIn) };
    const error = await new Builder().withModules(mod).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: parameterize() on "spendOf" binds "chanel" for node "searchSpend", which is not a parameter of the function; its parameters are "rows", "channel"');
  });

  test("rejects a bare value where a binding is expected", () => {
    expect(() => parameterize({ searchSpend: { channel: "search" } } as never, spendIn)).toThrow(
      new TypeError('parameterize() binds parameter "channel" of node "searchSpend" to the string "search"; wrap it with value(...) or source("nodeName")'),
    );
  });

  test("rejects a template that is not a function", () => {
    expect(() => parameterize({ a: {} }, "spendIn" as never)).toThrow('parameterize() expects a function as its second argument, got the string "spendIn"');
  });

  test("a source() naming no node or input is reported with the node and the modifier", async () => {
    const mod = { spendOf: parameterize({ euSearch: { rows: source("euRowz"), channel: value("search") } }, spendIn) };
    const dr = await new Builder().withModules(mod).build();
    const error = await dr.execute(["euSearch"]).catch((e) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect(error.missing).toEqual([{ input: "euRowz", neededBy: ["euSearch"], via: 'source("euRowz") in parameterize()' }]);
    expect(error.message).toBe('Cannot execute: input "euRowz" (needed by "euSearch", named by source("euRowz") in parameterize()) is missing; pass it in inputs or define a node of that name');
    expect(() => dr.validateExecution(["euSearch"])).toThrow(MissingInputError);
  });

  test("source() rejects an empty name", () => {
    expect(() => source("")).toThrow(new TypeError("source() expects the name of a node or input, got an empty string"));
  });
});

describe("group() and inject()", () => {
  test("group() passes a list of sources and values to one parameter (sync)", async () => {
    const mod = {
      a: () => 1,
      b: async () => 2,
      total: inject({ parts: group(source("a"), source("b"), value(10)) }, (parts: number[]) => parts.reduce((x, y) => x + y, 0)),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total"])).toEqual({ total: 13 });
  });

  test("group() passes an object of sources to one parameter (async node)", async () => {
    const mod = {
      a: () => 1,
      b: () => 2,
      pair: inject({ both: group({ left: source("a"), right: source("b") }) }, async (both: { left: number; right: number }) => `${both.left}/${both.right}`),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["pair"])).toEqual({ pair: "1/2" });
  });

  test("group() inside parameterize() gives each node its own list", async () => {
    const mod = {
      a: () => 1, b: () => 2, c: () => 3,
      sums: parameterize({ ab: { xs: group(source("a"), source("b")) }, bc: { xs: group(source("b"), source("c")) } }, (xs: number[]) => xs.reduce((s, x) => s + x, 0)),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["ab", "bc"])).toEqual({ ab: 3, bc: 5 });
  });

  test("group() rejects what is not a value() or source()", () => {
    expect(() => group(source("a"), 3 as never)).toThrow("group() expects value() or source() bindings, got number 3 at position 1");
  });
});

describe("tag() of parameterize()", () => {
  test("tags every produced node (sync and async templates)", async () => {
    const mod = {
      sync: tag({ team: "growth" }, parameterize({ s1: { k: value(1) }, s2: { k: value(2) } }, (k: number) => k)),
      async: tag({ team: "growth", tier: ["gold", "silver"] }, parameterize({ a1: { k: value(1) } }, async (k: number) => k)),
      other: () => 0,
    };
    const dr = await new Builder().withModules(mod).build();
    expect(dr.listAvailableVariables({ tags: { team: "growth" } }).map((v) => v.name)).toEqual(["s1", "s2", "a1"]);
    expect(dr.listAvailableVariables({ tags: { tier: "silver" } }).map((v) => v.name)).toEqual(["a1"]);
    expect(await dr.execute(["s2", "a1"])).toEqual({ s2: 2, a1: 1 });
  });
});
