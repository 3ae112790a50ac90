import { describe, expect, test } from "bun:test";
import { Builder } from "../../../mod.ts";
import { toDot, viewOfRun } from "../../../visualize.ts";

describe("viewOfRun()", () => {
  test("draws the computed nodes with the inputs, config values and overrides they read, outputs marked", async () => {
    const dr = await new Builder().withModules({
      base: (seed: number) => seed + 1,
      left: (base: number, scale: number) => base * scale,
      unused: (seed: number) => seed,
    }).withConfig({ scale: 2 }).build();
    const view = viewOfRun(dr.graph, { nodes: ["left"], outputs: ["left"] });
    expect(view.nodes.map((n) => [n.name, n.roles])).toEqual([
      ["scale", ["config"]],
      ["base", ["function", "override"]],
      ["left", ["function", "output"]],
    ]);
    expect(view.edges).toEqual([{ from: "base", to: "left", optional: false }, { from: "scale", to: "left", optional: false }]);
  });
});

describe("toDot() options", () => {
  const view = { nodes: [{ name: "a", roles: ["function" as const], modifiers: [], namespace: "" }], edges: [] };
  test("classes put a class on each node for the SVG, and legend: false leaves the legend out", () => {
    const dot = toDot(view, { legend: false, classes: () => "wn s-failed" });
    expect(dot).toContain('"a" [label="a", shape=box, style="filled,rounded", fillcolor="#ffffff", color="#4b5563", penwidth=1, class="wn s-failed"];');
    expect(dot).not.toContain("cluster_legend");
    expect(toDot(view)).toContain("cluster_legend");
  });
});
