/**
 * The view model of a drawing: which nodes and edges to show and in which
 * role each node appears. DOT, Mermaid (and later the web view's run pages)
 * all draw from it, so the styling rules live in one place.
 *
 * @module
 */
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { Plan } from "../engine/planner.ts";

/** How a node appears in a drawing. A node may have several roles (an output that is also config-driven). */
export type NodeRole =
  | "function"
  | "input"
  | "config"
  | "override"
  | "output"
  | "worker"
  | "config-driven"
  | "loader"
  | "saver";

/** A node to draw. */
export interface ViewNode {
  readonly name: string;
  readonly roles: readonly NodeRole[];
  /** The modifiers that shaped it, shown under its name. */
  readonly modifiers: readonly string[];
  /** Subdag namespace, drawn as a cluster; "" for none. */
  readonly namespace: string;
}

/** An edge to draw, from a dependency to its consumer. */
export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  /** The consumer has a default for this dependency. */
  readonly optional: boolean;
}

/** What to draw. */
export interface GraphView {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
}

/** The whole graph. */
export function viewOfGraph(graph: Graph): GraphView {
  return build(graph, () => true, () => []);
}

/** What one execution runs: the plan's nodes, with given inputs, overrides and requested outputs marked. */
export function viewOfPlan(plan: Plan): GraphView {
  const outputs = new Set(plan.outputs);
  // A function node whose value the call gives is overridden (inputs and config are given too, but are not functions).
  const overridden = (n: GraphNode) => n.kind === "function" && plan.given[n.id] === 1;
  return build(
    plan.graph,
    (n) => plan.inPlan[n.id] === 1,
    (n) => [...(overridden(n) ? ["override" as const] : []), ...(outputs.has(n.name) ? ["output" as const] : [])],
    (n) => !overridden(n),
  );
}

/**
 * What a recorded run computed: the function nodes named in `run.nodes`, the
 * inputs, config values and overridden nodes they read, and its outputs marked.
 * The run history draws its DAG from this (it has the names a hook sees, not a plan).
 *
 * @example
 * ```ts
 * const view = viewOfRun(driver.graph, { nodes: ["a", "b"], outputs: ["b"] });
 * ```
 */
export function viewOfRun(graph: Graph, run: { readonly nodes: readonly string[]; readonly outputs: readonly string[] }): GraphView {
  const computed = new Set<number>();
  const shown = new Set<number>();
  for (const name of run.nodes) {
    const n = graph.get(name);
    if (n === undefined) continue;
    computed.add(n.id);
    shown.add(n.id);
    for (const d of n.uniqueDepIds) shown.add(d);
  }
  for (const name of run.outputs) {
    const n = graph.get(name);
    if (n !== undefined) shown.add(n.id);
  }
  const outputs = new Set(run.outputs);
  // A function node shown but not computed was given by the call: an override.
  const overridden = (n: GraphNode) => n.kind === "function" && !computed.has(n.id);
  return build(
    graph,
    (n) => shown.has(n.id),
    (n) => [...(overridden(n) ? ["override" as const] : []), ...(outputs.has(n.name) ? ["output" as const] : [])],
    (n) => !overridden(n),
  );
}

function build(
  graph: Graph,
  shown: (n: GraphNode) => boolean,
  extraRoles: (n: GraphNode) => NodeRole[],
  drawsDeps: (n: GraphNode) => boolean = () => true,
): GraphView {
  const nodes: ViewNode[] = [];
  const edges: ViewEdge[] = [];
  for (const n of graph.nodes) {
    if (!shown(n)) continue;
    const roles: NodeRole[] = [n.kind];
    if (n.options.worker) roles.push("worker");
    if (n.configKeys.length > 0) roles.push("config-driven");
    const role = n.tags["weft.role"];
    if (role === "loader" || role === "saver") roles.push(role);
    roles.push(...extraRoles(n));
    nodes.push({ name: n.name, roles, modifiers: [...new Set(n.modifiers)], namespace: n.namespace });
    if (n.kind !== "function" || !drawsDeps(n)) continue;
    const seen = new Set<number>();
    n.deps.forEach((d, j) => {
      const id = n.depIds[j]!;
      if (seen.has(id) || !shown(graph.nodes[id]!)) return;
      seen.add(id);
      edges.push({ from: graph.nodes[id]!.name, to: n.name, optional: d.optional });
    });
  }
  return { nodes, edges };
}
