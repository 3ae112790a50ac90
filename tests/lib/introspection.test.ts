import { describe, expect, test } from "bun:test";
import { Builder, documentationOf, node, parameterize, UnknownNodeError, value } from "../../mod.ts";

// Bun drops comments when it transpiles a .ts file, so a documented function is
// made from source text here (Deno and Node keep comments in any function).
const clean = new Function("raw", "minLength = 3", "/** Rows long enough to keep. */\nreturn raw.filter((r) => r.length >= minLength);") as (raw: string[], minLength?: number) => string[];

const flow = {
  raw: (path: string) => [path],
  clean,
  counted: node((clean: string[]) => clean.length, { doc: "How many rows survived cleaning." }),
  scaled: parameterize({ double: { k: value(2) } }, (counted: number, k: number) => counted * k),
  side: (raw: string[]) => raw.length,
};

describe("listAvailableVariables()", () => {
  test("reports documentation from node(fn, { doc }) or a comment opening the body", async () => {
    const dr = await new Builder().withModules(flow).build();
    const docs = Object.fromEntries(dr.listAvailableVariables().filter((v) => v.kind === "function").map((v) => [v.name, v.documentation]));
    expect(docs).toEqual({ raw: "", clean: "Rows long enough to keep.", counted: "How many rows survived cleaning.", double: "", side: "" });
  });

  test("reports the originating function, export, modifiers and dependencies with defaults", async () => {
    const dr = await new Builder().withModules(flow).build();
    const double = dr.listAvailableVariables().find((v) => v.name === "double")!;
    expect([double.exportName, double.modifiers, double.requiredDependencies, double.originatingFunction === flow.scaled]).toEqual(["scaled", ["parameterize"], ["counted"], false]);
    const clean = dr.listAvailableVariables().find((v) => v.name === "clean")!;
    expect([clean.originatingFunction, clean.optionalDependencies]).toEqual([flow.clean, [{ name: "minLength", default: "3" }]]);
  });
});

describe("documentationOf()", () => {
  test("reads the comment after an arrow, and cleans multi-line comments", () => {
    expect(documentationOf(new Function("return (x) => /** Doubles. */ x * 2")())).toBe("Doubles.");
    expect(documentationOf(new Function("/**\n * First line.\n * Second line.\n */\nreturn 1;"))).toBe("First line.\nSecond line.");
    expect(documentationOf(new Function("/* not a doc comment */ return 1;"))).toBe("");
    expect(documentationOf(() => 1)).toBe("");
  });
});

describe("whatIsThePathBetween()", () => {
  test("returns the nodes on some path from upstream to downstream", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(dr.whatIsThePathBetween("raw", "double").map((v) => v.name)).toEqual(["raw", "clean", "counted", "double"]);
    expect(dr.whatIsThePathBetween("side", "double")).toEqual([]);
    expect(() => dr.whatIsThePathBetween("rawz", "double")).toThrow(UnknownNodeError);
  });
});

describe("exportExecution()", () => {
  test("describes the plan as JSON-ready data, dependencies first", async () => {
    const dr = await new Builder().withModules(flow).build();
    const plan = dr.exportExecution(["double"], { inputs: { path: "x.csv" }, overrides: { clean: ["abcd"] } });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.outputs).toEqual(["double"]);
    expect(plan.nodes.map((n) => [n.name, n.role, n.dependencies])).toEqual([
      ["clean", "override", []],
      ["counted", "compute", ["clean"]],
      ["double", "compute", ["counted"]],
    ]);
    expect(plan.nodes[2]!.modifiers).toEqual(["parameterize"]);
  });

  test("lists inputs and defaulted optional dependencies", async () => {
    const dr = await new Builder().withModules(flow).build();
    const plan = dr.exportExecution(["clean"], { inputs: { path: "x.csv" } });
    expect(plan.nodes.map((n) => [n.name, n.role])).toEqual([["path", "input"], ["raw", "compute"], ["clean", "compute"]]);
    expect(plan.nodes[2]!.defaulted).toEqual(["minLength"]);
  });
});
