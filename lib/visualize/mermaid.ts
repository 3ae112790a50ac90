/**
 * Mermaid flowchart text of a {@link GraphView}, styled with the same table as
 * the DOT output: one class per role, subdag namespaces as subgraphs, and a
 * legend subgraph.
 *
 * @module
 */
import { LEGEND, rolesPresent, styleOf } from "./styles.ts";
import type { GraphView, ViewNode } from "./view.ts";

/**
 * The Mermaid source of `view` (a `flowchart LR`).
 *
 * @example
 * ```ts
 * const mermaid = toMermaid(viewOfGraph(driver.graph)); // paste into a ```mermaid block
 * ```
 */
export function toMermaid(view: GraphView): string {
  const ids = new Map(view.nodes.map((n, i) => [n.name, `n${i}`]));
  const lines = ["flowchart LR"];
  const byNamespace = new Map<string, ViewNode[]>();
  for (const n of view.nodes) byNamespace.set(n.namespace, [...(byNamespace.get(n.namespace) ?? []), n]);
  let sub = 0;
  for (const [ns, nodes] of byNamespace) {
    if (ns !== "") lines.push(`  subgraph ns${sub++}["${text(ns)}"]`);
    for (const n of nodes) lines.push(`  ${ids.get(n.name)}${shape(n, label(n, ns))}`);
    if (ns !== "") lines.push("  end");
  }
  for (const e of view.edges) lines.push(`  ${ids.get(e.from)} ${e.optional ? "-.->" : "-->"} ${ids.get(e.to)}`);
  const legend = rolesPresent(view.nodes);
  if (legend.length > 0) {
    lines.push(`  subgraph legend["Legend"]`);
    for (const [role, t] of legend) lines.push(`    legend_${cls(role)}${shape({ roles: [role] }, text(t))}`);
    lines.push("  end");
  }
  for (const [role] of LEGEND) {
    const s = styleOf([role]);
    lines.push(`  classDef ${cls(role)} fill:${s.fill},stroke:${s.stroke},stroke-width:${s.strokeWidth}px${s.dashed ? ",stroke-dasharray:4 3" : ""}`);
  }
  for (const n of view.nodes) lines.push(`  class ${ids.get(n.name)} ${n.roles.map(cls).join(",")}`);
  for (const [role] of legend) lines.push(`  class legend_${cls(role)} ${cls(role)}`);
  return `${lines.join("\n")}\n`;
}

function label(n: ViewNode, ns: string): string {
  const name = ns !== "" && n.name.startsWith(`${ns}.`) ? n.name.slice(ns.length + 1) : n.name;
  return n.modifiers.length > 0 ? `${text(name)}<br/><small>${text(n.modifiers.join(" · "))}</small>` : text(name);
}

function shape(n: Pick<ViewNode, "roles">, body: string): string {
  const s = styleOf(n.roles).shape;
  if (s === "ellipse") return `(["${body}"])`;
  if (s === "cylinder") return `[("${body}")]`;
  if (s === "note" || s === "folder") return `[/"${body}"/]`;
  if (s === "box3d") return `[["${body}"]]`;
  return `("${body}")`;
}

/** Mermaid class names cannot hold "-". */
function cls(role: string): string {
  return role.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

function text(s: string): string {
  return s.replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;");
}
