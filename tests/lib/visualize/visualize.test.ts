import { describe, expect, test } from "bun:test";
import { Builder, config, MissingInputError, parameterize, subdag, value } from "../../../mod.ts";
import { toDot, toMermaid } from "../../../visualize.ts";

const region = { revenue: (spend: number) => spend * 2 };
const flow = {
  spend: (budget: number) => budget * 0.8,
  revenue__us: config.when({ region: "us" }, async (spend: number) => spend * 3),
  channels: parameterize({ search: { share: value(0.6) }, social: { share: value(0.4) } }, (spend: number, share: number) => spend * share),
  report: (revenue: number, search: number, currency = "EUR") => `${revenue} ${search} ${currency}`,
  eu: subdag({ modules: [region], inputs: { spend: value(10) } }, (revenue: number) => revenue),
  unused: () => 0,
};
const build = () => new Builder().withModules(flow).withConfig({ region: "us", currency: "USD" }).build();

describe("visualizeExecution()", () => {
  test("draws only what the run needs, with inputs, overrides, outputs and config-driven nodes styled apart", async () => {
    const dr = await build();
    const dot = await dr.visualizeExecution(["report"], { inputs: { budget: 100 }, overrides: { search: 1 } });
    expect(dot).toStartWith("digraph weft {");
    expect(dot).toContain('"budget" [label="budget", shape=ellipse, style="filled,dashed"');
    expect(dot).toContain('"search" [label=<search<BR/><FONT POINT-SIZE="8" COLOR="#6b7280">parameterize</FONT>>, shape=box, style="filled,rounded", fillcolor="#fde68a"');
    expect(dot).toContain('"report" [label="report", shape=box, style="filled,rounded", fillcolor="#dbeafe", color="#1d4ed8", penwidth=2.5]');
    expect(dot).toContain('"revenue" [label=<revenue<BR/><FONT POINT-SIZE="8" COLOR="#6b7280">config.when</FONT>>, shape=box, style="filled,rounded,dashed", fillcolor="#ffffff", color="#7c3aed"');
    expect(dot).toContain('"currency" [label="currency", shape=note');
    expect(dot).not.toContain('"region"'); // read at build time by config.when, not a dependency
    expect(dot).not.toContain('"unused"');
    expect(dot).not.toContain('"spend" -> "search"'); // search is overridden: its dependencies are not drawn
    for (const legend of ["input", "config value", "override", "requested output", "config-driven"]) expect(dot).toContain(`[label="${legend}"`);
  });

  test("rejects what execute would reject, before drawing", async () => {
    const dr = await build();
    await expect(dr.visualizeExecution(["report"])).rejects.toBeInstanceOf(MissingInputError);
    await expect(dr.visualizeExecution(["report"], { inputs: { budget: 1 }, format: "png" as never })).rejects.toThrow(TypeError);
  });

  test("draws Mermaid with one class per role and a legend", async () => {
    const dr = await build();
    const mermaid = await dr.visualizeExecution(["report"], { inputs: { budget: 100 }, format: "mermaid" });
    expect(mermaid).toStartWith("flowchart LR\n");
    expect(mermaid).toMatch(/class n\d+ function,configDriven\n/);
    expect(mermaid).toContain('subgraph legend["Legend"]');
    expect(mermaid).toContain("classDef output fill:#dbeafe,stroke:#1d4ed8,stroke-width:2.5px");
  });

  test("renders SVG from the DOT with Graphviz", async () => {
    const dr = await build();
    const svg = await dr.visualizeExecution(["report"], { inputs: { budget: 100 }, format: "svg", title: "Marketing" });
    expect(svg).toContain("<svg");
    expect(svg).toContain(">report</text>");
    expect(svg).toContain(">Marketing</text>");
  });
});

describe("displayAllFunctions()", () => {
  test("draws every node, with subdag namespaces as clusters", async () => {
    const dr = await build();
    const dot = await dr.displayAllFunctions();
    expect(dot).toContain('"unused"');
    expect(dot).toContain('label="eu"; style="rounded,dashed"');
    expect(dot).toContain('"eu.revenue" [label=<revenue<BR/>');
    expect(dot).toContain('"currency" -> "report" [style=dashed, arrowhead=empty]'); // optional dependency
    expect(dot).toContain('"region" [label="region", shape=note');
  });
});

describe("toDot() and toMermaid()", () => {
  test("style worker nodes apart", () => {
    const view = { nodes: [{ name: "heavy", roles: ["function", "worker"] as const, modifiers: [], namespace: "" }], edges: [] };
    expect(toDot(view)).toContain('"heavy" [label="heavy", shape=box3d, style="filled", fillcolor="#dcfce7", color="#15803d"');
    expect(toDot(view)).toContain('[label="worker node"');
    expect(toMermaid(view)).toContain('n0[["heavy"]]');
  });

  test("quote names that DOT and Mermaid would misread", () => {
    const view = { nodes: [{ name: 'a "b"', roles: ["function"] as const, modifiers: [], namespace: "" }], edges: [] };
    expect(toDot(view)).toContain('"a \\"b\\"" [label="a \\"b\\""');
    expect(toMermaid(view)).toContain('n0("a #quot;b#quot;")');
  });
});
