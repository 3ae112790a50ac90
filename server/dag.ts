/**
 * A run's DAG as inline SVG: the drawing of lib/visualize (DOT laid out by
 * Graphviz), each node's SVG group classed by its status and cache outcome so
 * the stylesheet colours it, and the live script can recolour it by class.
 * Without @viz-js/viz (an optional peer dependency) the page shows a note in
 * its place.
 *
 * @module
 */
import { activeContentOf } from "./active-content.ts";
import { isWeftError, type MissingPackageError } from "../lib/errors.ts";
import { toDot } from "../lib/visualize/dot.ts";
import { renderSvg } from "../lib/visualize/svg.ts";
import type { GraphView, ViewNode } from "../lib/visualize/view.ts";
import type { NodeRow } from "./run-model.ts";

/** Rendered drawings by DOT source: a live page asks for the same drawing again and again. */
const rendered = new Map<string, string>();
const KEEP = 64;

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
  /** Why there is no drawing although there is a graph (the package that draws it is missing). */
  readonly note?: string;
}

/**
 * The SVG of a run's graph, classed by `rows`. Every name in it is escaped by
 * Graphviz (toDot quotes it for DOT); the result is checked for anything a
 * browser would run (see active-content.ts) before it is inlined.
 *
 * @example
 * ```ts
 * const { svg, note } = await dagSvg(run.graph, runModel(run, nodes, Date.now()).rows);
 * ```
 */
export async function dagSvg(graphJson: string, rows: readonly NodeRow[]): Promise<DagDrawing> {
  const view = parseView(graphJson);
  if (view.nodes.length === 0) return { svg: "" };
  const byNode = new Map(rows.map((r) => [r.node, r]));
  const dot = toDot(view, { legend: false, classes: (n) => nodeClasses(n, byNode.get(n.name)) });
  let svg = rendered.get(dot);
  if (svg === undefined) {
    // Graphviz's prolog, doctype and comments are not needed inline.
    let drawn: string;
    try {
      drawn = await renderSvg(dot);
    } catch (e) {
      if (!isWeftError(e, "missing-package")) throw e;
      const { missing, install } = e as MissingPackageError;
      return { svg: "", note: `No drawing: "${missing}" is not installed; run "npm install ${install.join(" ")}" to draw the DAG here` };
    }
    svg = drawn.replace(/^[\s\S]*?(?=<svg)/, "").replace(/<!--[\s\S]*?-->/g, "");
    // Parsed as the page's browser will parse it: a name Graphviz escaped ("x onload=y") is text, not a handler.
    const active = activeContentOf(svg);
    if (active !== undefined) throw new Error(`Cannot show the graph: the drawing holds active content (${active})`);
    if (rendered.size >= KEEP) rendered.delete(rendered.keys().next().value!);
    rendered.set(dot, svg);
  }
  return { svg };
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
