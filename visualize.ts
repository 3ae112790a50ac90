/**
 * `weft/visualize`: drawings of a graph, a plan or a recorded run as DOT,
 * Mermaid or SVG (SVG through Graphviz compiled to WebAssembly, @viz-js/viz).
 * `driver.visualizeExecution()` draws without this import; these are for
 * drawing views of your own.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import { toMermaid, viewOfGraph } from "weft/visualize";
 * const dr = await new Builder().withModules({ a: () => 1, b: (a: number) => a + 1 }).build();
 * console.log(toMermaid(viewOfGraph(dr.graph)));
 * ```
 *
 * @module
 */
export { toDot } from "./lib/visualize/dot.ts";
export { toMermaid } from "./lib/visualize/mermaid.ts";
export { renderSvg } from "./lib/visualize/svg.ts";
export { viewOfGraph, viewOfPlan, viewOfRun } from "./lib/visualize/view.ts";
export type { GraphView, NodeRole, ViewEdge, ViewNode } from "./lib/visualize/view.ts";
