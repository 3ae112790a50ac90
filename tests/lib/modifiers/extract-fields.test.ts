import { describe, expect, test } from "bun:test";
import { Effect } from "effect";
import { Builder, extractFields, GraphBuildError, node, NodeExecutionError, tag, unpackFields } from "../../../mod.ts";

const summarize = (spend: number[]) => ({ total: spend.reduce((a, b) => a + b, 0), peak: Math.max(...spend) });

describe("extractFields()", () => {
  test("defines one node per declared field plus the whole object (sync)", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total", "peak"], summarize) }).build();
    expect(await dr.execute(["summary", "total", "peak"], { inputs: { spend: [1, 5, 2] } })).toEqual({ summary: { total: 8, peak: 5 }, total: 8, peak: 5 });
  });

  test("defines one node per declared field (async and Effect nodes)", async () => {
    const mod = {
      a: extractFields(["x"], async () => ({ x: 1, ignored: 0 })),
      b: extractFields(["y"], () => Effect.succeed({ y: 2 })),
    };
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["x", "y"])).toEqual({ x: 1, y: 2 });
  });

  test("a field node depends on the whole object only", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total", "peak"], summarize) }).build();
    expect(dr.whatIsUpstreamOf("peak").map((v) => v.name)).toEqual(["summary", "peak", "spend"]);
  });

  test("a missing field fails the node, naming the field", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total", "median"], async (spend: number[]) => summarize(spend)) }).build();
    const error = await dr.execute(["total"], { inputs: { spend: [1] } }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("summary");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.cause.message).toBe('extractFields() on "summary": field "median" is missing from the returned object; return it, or pass { fill } to extractFields()');
  });

  test("a fill value stands in for a missing field", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total", "median"], summarize, { fill: null }) }).build();
    expect(await dr.execute(["total", "median"], { inputs: { spend: [1, 2] } })).toEqual({ total: 3, median: null });
  });

  test("a result that is not an object fails the node, naming the modifier and node", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total"], (spend: number[]) => spend.length) }).build();
    const error = await dr.execute(["total"], { inputs: { spend: [1] } }).catch((e) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.cause).toEqual(new TypeError('extractFields() on "summary" expects the node to return an object, got number 1'));
  });

  test("an array result points to unpackFields()", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total"], () => [1]) }).build();
    const error = await dr.execute(["total"]).catch((e) => e);
    expect(error.cause.message).toEndWith("got an array; use unpackFields() for an array");
  });

  test("a field that collides with an existing node is a build error naming the modifier", async () => {
    const error = await new Builder().withModules({ name: "m", exports: { total: () => 0, summary: extractFields(["total"], summarize) } }).build().catch((e) => e);
    expect(error).toBeInstanceOf(GraphBuildError);
    expect(error.message).toBe('Cannot build the graph: node "total" is defined twice, by export "total" of module "m" and by extractFields() on export "summary" of module "m"; rename one');
  });

  test("rejects a value that is not a function, and an empty field list", () => {
    expect(() => extractFields(["a"], null as never)).toThrow(new TypeError("extractFields() expects a function as its second argument, got null"));
    expect(() => extractFields([], summarize)).toThrow(TypeError);
  });

  test("tag() of extractFields() tags the whole object and every field", async () => {
    const dr = await new Builder().withModules({ summary: tag({ kpi: "yes" }, extractFields(["total", "peak"], summarize)) }).build();
    expect(dr.listAvailableVariables({ tags: { kpi: "yes" } }).map((v) => v.name)).toEqual(["summary", "total", "peak"]);
  });
});

describe("extractFields() documentation", () => {
  const docOf = (dr: { listAvailableVariables(): { name: string; documentation: string }[] }) =>
    Object.fromEntries(dr.listAvailableVariables().filter((v) => v.name !== "spend").map((v) => [v.name, v.documentation]));

  test("node(fn, { doc }) inside extractFields() documents every field node (Hamilton gives each field node the doc string)", async () => {
    const dr = await new Builder().withModules({ summary: extractFields(["total", "peak"], node(summarize, { doc: "Spend summary" })) }).build();
    expect(docOf(dr)).toEqual({ summary: "Spend summary", total: "Spend summary", peak: "Spend summary" });
  });

  test("node(extractFields(...), { doc }) documents every field node", async () => {
    const dr = await new Builder().withModules({ summary: node(extractFields(["total", "peak"], summarize), { doc: "Spend summary" }) }).build();
    expect(docOf(dr)).toEqual({ summary: "Spend summary", total: "Spend summary", peak: "Spend summary" });
  });

  test("node(fn, { doc }) inside unpackFields() documents every position's node", async () => {
    const range = (spend: number[]) => [Math.min(...spend), Math.max(...spend)] as const;
    const dr = await new Builder().withModules({ range: unpackFields(["low", "high"], node(range, { doc: "Spend range" })) }).build();
    expect(docOf(dr)).toEqual({ range: "Spend range", low: "Spend range", high: "Spend range" });
  });
});

describe("unpackFields()", () => {
  test("defines one node per tuple position (sync)", async () => {
    const dr = await new Builder().withModules({ range: unpackFields(["low", "high"], (xs: number[]) => [Math.min(...xs), Math.max(...xs)] as const) }).build();
    expect(await dr.execute(["low", "high", "range"], { inputs: { xs: [4, 2, 9] } })).toEqual({ low: 2, high: 9, range: [2, 9] });
  });

  test("defines one node per tuple position (async)", async () => {
    const dr = await new Builder().withModules({ pair: unpackFields(["first", "second"], async () => ["a", "b"]) }).build();
    expect(await dr.execute(["second"])).toEqual({ second: "b" });
  });

  test("a short array fails the node, naming the missing position", async () => {
    const dr = await new Builder().withModules({ pair: unpackFields(["first", "second"], () => ["a"]) }).build();
    const error = await dr.execute(["first"]).catch((e) => e);
    expect(error.cause.message).toBe('unpackFields() on "pair": position 1 ("second") is missing from the returned array of length 1; return it, or pass { fill } to unpackFields()');
  });

  test("a result that is not an array fails the node", async () => {
    const dr = await new Builder().withModules({ pair: unpackFields(["first"], () => ({ first: 1 })) }).build();
    const error = await dr.execute(["first"]).catch((e) => e);
    expect(error.cause.message).toBe('unpackFields() on "pair" expects the node to return an array, got an object; use extractFields() for an object');
  });
});
