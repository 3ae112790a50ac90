/**
 * A run's DAG as inline SVG. The layout (DOT laid out by Graphviz, see
 * dag-drawings.ts) is made once per graph and has no status in it: each node's
 * SVG group carries a `wn-<index>` placeholder class, and {@link colourSvg}
 * swaps it for the run's status and cache classes, so the stylesheet colours
 * it and the live script can recolour it by class. Without @viz-js/viz (an
 * optional peer dependency) the page shows a note in its place.
 *
 * @module
 */
import { toDot } from "../lib/visualize/dot.ts";
import type { GraphView, ViewNode } from "../lib/visualize/view.ts";
import type { NodeRow } from "./run-model.ts";

/** The CSS classes of a node: `wn`, its status (`s-…`) and cache outcome (`c-hit`, `c-miss`). */
export function nodeClasses(node: ViewNode, row: NodeRow | undefined): string {
  if (!node.roles.includes("function") || node.roles.includes("override")) return "wn s-given";
  if (row === undefined) return "wn s-pending";
  const cache = row.hits > 0 && row.misses === 0 ? " c-hit" : row.misses > 0 ? " c-miss" : "";
  return `wn s-${row.status}${cache}`;
}

/** A run's drawing: its SVG ("" when the run recorded no graph), or a note to show in its place. */
export interface DagDrawing {
  readonly svg: string;
  /** Why there is no drawing although there is a graph (the package is missing, the drawing failed, or is being made). */
  readonly note?: string;
  /** True while the drawing is being made: the page shows the note and fetches the drawing. */
  readonly pending?: boolean;
  /** True when the drawing failed (not a missing package). */
  readonly failed?: boolean;
}

/**
 * The DOT source of a graph's layout: the same for every run of the graph,
 * each node classed `wn wn-<index in view.nodes>` for {@link colourSvg}.
 */
export function layoutDot(view: GraphView): string {
  const index = new Map(view.nodes.map((n, i) => [n.name, i]));
  return toDot(view, { legend: false, classes: (n) => `wn wn-${index.get(n.name)}` });
}

/**
 * The layout `svg` of `view` (from {@link layoutDot}) with each node's
 * placeholder class replaced by its classes in this run: one pass over the
 * text, cheap next to a layout.
 *
 * @example
 * ```ts
 * const page = colourSvg(layout, view, runModel(run, nodes, Date.now()).rows);
 * ```
 */
export function colourSvg(svg: string, view: GraphView, rows: readonly NodeRow[]): string {
  const byNode = new Map(rows.map((r) => [r.node, r]));
  // Graphviz writes "-" in attribute values as "&#45;".
  return svg.replace(/class="node wn wn&#45;(\d+)"/g, (whole, i: string) => {
    const node = view.nodes[Number(i)];
    if (node === undefined) return whole;
    const classes = nodeClasses(node, byNode.get(node.name)).replace(/[^A-Za-z0-9 _-]/g, "").replaceAll("-", "&#45;");
    return `class="node ${classes}"`;
  });
}

/** The stored `GraphView` JSON, or an empty view when it cannot be read. */
export function parseView(json: string): GraphView {
  try {
    const v = JSON.parse(json) as GraphView;
    return Array.isArray(v?.nodes) && Array.isArray(v?.edges) ? v : { nodes: [], edges: [] };
  } catch {
    return { nodes: [], edges: [] };
  }
}
