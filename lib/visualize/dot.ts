/**
 * DOT (Graphviz) text of a {@link GraphView}: nodes styled by role, subdag
 * namespaces as clusters, optional dependencies dashed, and a legend of the
 * roles that appear.
 *
 * @module
 */
import { rolesPresent, styleOf, type NodeStyle } from "./styles.ts";
import type { GraphView, ViewNode } from "./view.ts";

/** Options of {@link toDot}. */
export interface DotOptions {
  /** A title drawn above the graph. */
  readonly title?: string;
  /** Draw the legend of roles (default true). */
  readonly legend?: boolean;
  /** CSS classes for a node's SVG group (Graphviz's `class`), e.g. the run history's status colours. */
  readonly classes?: (node: ViewNode) => string | undefined;
}

/**
 * The DOT source of `view`.
 *
 * @example
 * ```ts
 * const dot = toDot(viewOfGraph(driver.graph));
 * ```
 */
export function toDot(view: GraphView, options: DotOptions = {}): string {
  const lines = [
    "digraph weft {",
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.45, pad=0.2${options.title ? `, label=${quote(options.title)}, labelloc=t` : ""}];`,
    `  node [fontname="Helvetica", fontsize=11, margin="0.12,0.05", height=0.35];`,
    `  edge [color="#6b7280", arrowsize=0.7];`,
  ];
  const byNamespace = new Map<string, ViewNode[]>();
  for (const n of view.nodes) {
    const list = byNamespace.get(n.namespace) ?? [];
    list.push(n);
    byNamespace.set(n.namespace, list);
  }
  let cluster = 0;
  for (const [ns, nodes] of byNamespace) {
    const indent = ns === "" ? "  " : "    ";
    if (ns !== "") lines.push(`  subgraph cluster_${cluster++} {`, `    label=${quote(ns)}; style="rounded,dashed"; color="#9ca3af"; fontcolor="#4b5563";`);
    for (const n of nodes) {
      const cls = options.classes?.(n);
      lines.push(`${indent}${quote(n.name)} [${attributes(n, ns)}${cls ? `, class=${quote(cls)}` : ""}];`);
    }
    if (ns !== "") lines.push("  }");
  }
  for (const e of view.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${e.optional ? ' [style=dashed, arrowhead=empty]' : ""};`);
  const legend = options.legend === false ? [] : rolesPresent(view.nodes);
  if (legend.length > 0) {
    lines.push(`  subgraph cluster_legend {`, `    label="Legend"; style="rounded"; color="#d1d5db"; fontcolor="#4b5563";`);
    for (const [role, text] of legend) lines.push(`    ${quote(`legend:${role}`)} [label=${quote(text)}, ${styleAttributes(styleOf([role]))}];`);
    for (let i = 1; i < legend.length; i++) lines.push(`    ${quote(`legend:${legend[i - 1]![0]}`)} -> ${quote(`legend:${legend[i]![0]}`)} [style=invis];`);
    lines.push("  }");
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function attributes(n: ViewNode, ns: string): string {
  const name = ns !== "" && n.name.startsWith(`${ns}.`) ? n.name.slice(ns.length + 1) : n.name;
  const label = n.modifiers.length > 0
    ? `<${html(name)}<BR/><FONT POINT-SIZE="8" COLOR="#6b7280">${html(n.modifiers.join(" · "))}</FONT>>`
    : quote(name);
  return `label=${label}, ${styleAttributes(styleOf(n.roles))}`;
}

function styleAttributes(s: NodeStyle): string {
  const style = ["filled", ...(s.rounded ? ["rounded"] : []), ...(s.dashed ? ["dashed"] : [])].join(",");
  return `shape=${s.shape}, style=${quote(style)}, fillcolor=${quote(s.fill)}, color=${quote(s.stroke)}, penwidth=${s.strokeWidth}`;
}

/** A DOT double-quoted string. */
function quote(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

function html(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
