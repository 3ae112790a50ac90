/**
 * How each node role looks, for DOT and Mermaid alike, and the legend text.
 * One table, so both formats (and the web view) agree.
 *
 * @module
 */
import type { NodeRole, ViewNode } from "./view.ts";

/** Drawing attributes of a node. */
export interface NodeStyle {
  readonly shape: "box" | "ellipse" | "note" | "box3d" | "cylinder" | "folder";
  readonly rounded: boolean;
  readonly dashed: boolean;
  readonly fill: string;
  readonly stroke: string;
  readonly strokeWidth: number;
}

/** What each role means, in legend order. */
export const LEGEND: readonly (readonly [NodeRole, string])[] = [
  ["function", "function"],
  ["input", "input"],
  ["config", "config value"],
  ["override", "override"],
  ["output", "requested output"],
  ["worker", "worker node"],
  ["config-driven", "config-driven"],
  ["loader", "data loader"],
  ["saver", "data saver"],
];

const BASE: NodeStyle = { shape: "box", rounded: true, dashed: false, fill: "#ffffff", stroke: "#4b5563", strokeWidth: 1 };

/** Each role's change over what came before, applied in this order. */
const LAYERS: Readonly<Record<NodeRole, Partial<NodeStyle>>> = {
  "function": {},
  "input": { shape: "ellipse", rounded: false, dashed: true, fill: "#f3f4f6" },
  "config": { shape: "note", rounded: false, fill: "#ede9fe" },
  "worker": { shape: "box3d", rounded: false, fill: "#dcfce7", stroke: "#15803d" },
  "loader": { shape: "cylinder", rounded: false, fill: "#ffedd5", stroke: "#c2410c" },
  "saver": { shape: "folder", rounded: false, fill: "#ffedd5", stroke: "#c2410c" },
  "config-driven": { dashed: true, stroke: "#7c3aed", strokeWidth: 1.5 },
  "override": { fill: "#fde68a", stroke: "#b45309", dashed: false },
  "output": { fill: "#dbeafe", stroke: "#1d4ed8", strokeWidth: 2.5 },
};

const ORDER: readonly NodeRole[] = ["function", "input", "config", "worker", "loader", "saver", "config-driven", "override", "output"];

/** The style of a node with these roles. */
export function styleOf(roles: readonly NodeRole[]): NodeStyle {
  let style = BASE;
  for (const role of ORDER) if (roles.includes(role)) style = { ...style, ...LAYERS[role] };
  return style;
}

/** The roles present in `nodes`, in legend order. */
export function rolesPresent(nodes: readonly ViewNode[]): (readonly [NodeRole, string])[] {
  const present = new Set(nodes.flatMap((n) => n.roles));
  return LEGEND.filter(([role]) => present.has(role));
}
