/**
 * One entry for every drawing: a {@link GraphView} in the format asked for.
 *
 * @module
 */
import { toDot } from "./dot.ts";
import { toMermaid } from "./mermaid.ts";
import { renderSvg } from "./svg.ts";
import type { GraphView } from "./view.ts";

/** Formats a graph can be drawn in. */
export type VisualFormat = "dot" | "mermaid" | "svg";

/**
 * `view` as DOT, Mermaid, or SVG (rendered from the DOT by Graphviz).
 *
 * @throws {TypeError} for an unknown format
 */
export async function visualize(view: GraphView, format: VisualFormat = "dot", options: { readonly title?: string } = {}): Promise<string> {
  if (format === "dot") return toDot(view, options);
  if (format === "mermaid") return toMermaid(view);
  if (format === "svg") return renderSvg(toDot(view, options));
  throw new TypeError(`Unknown visualization format "${String(format)}"; use "dot", "mermaid" or "svg"`);
}
