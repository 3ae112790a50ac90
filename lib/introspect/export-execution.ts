/**
 * `exportExecution`: a JSON-ready description of what one `execute` call would
 * run, in an order the engine could run it (dependencies first).
 *
 * @module
 */
import type { GraphNode } from "../graph/graph.ts";
import type { Tags } from "../model/node-options.ts";
import type { Plan } from "../engine/planner.ts";

/** One node of an {@link ExecutionDescription}. */
export interface ExecutionNode {
  readonly name: string;
  /** "compute": the function runs; "override": its value is given; "input" and "config": values the run starts with. */
  readonly role: "compute" | "override" | "input" | "config";
  readonly module: string;
  readonly exportName: string;
  /** Dependencies this run feeds it, in parameter order. */
  readonly dependencies: readonly string[];
  /** Optional dependencies left to their default in this run. */
  readonly defaulted: readonly string[];
  readonly tags: Tags;
  readonly modifiers: readonly string[];
  readonly configKeys: readonly string[];
  readonly namespace: string;
  readonly worker: boolean;
}

/** The execution plan of one request, as plain JSON-ready data. */
export interface ExecutionDescription {
  readonly outputs: readonly string[];
  /** Every node the run touches, dependencies before their consumers. */
  readonly nodes: readonly ExecutionNode[];
}

/** Describes `plan`; nodes come in a topological order (Kahn's algorithm, ties by graph order). */
export function describeExecution(plan: Plan): ExecutionDescription {
  const { graph, inPlan, given } = plan;
  const shown = graph.nodes.filter((n) => inPlan[n.id] === 1);
  const feeds = (n: GraphNode) => (n.kind === "function" && given[n.id] !== 1 ? [...n.uniqueDepIds].filter((d) => inPlan[d] === 1) : []);
  const pending = new Map(shown.map((n) => [n.id, feeds(n).length]));
  const consumers = new Map<number, number[]>();
  for (const n of shown) for (const d of feeds(n)) consumers.set(d, [...(consumers.get(d) ?? []), n.id]);
  const queue = shown.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  const order: number[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const c of consumers.get(id) ?? []) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) queue.push(c);
    }
  }
  return { outputs: [...plan.outputs], nodes: order.map((id) => describeNode(graph.nodes[id]!, plan)) };
}

function describeNode(n: GraphNode, plan: Plan): ExecutionNode {
  const computed = n.kind === "function" && plan.given[n.id] !== 1;
  const role = n.kind === "function" ? (computed ? "compute" : "override") : n.kind;
  const given = (j: number) => plan.inPlan[n.depIds[j]!] === 1;
  return {
    name: n.name,
    role,
    module: n.module,
    exportName: n.exportName,
    dependencies: computed ? n.deps.filter((_, j) => given(j)).map((d) => d.name) : [],
    defaulted: computed ? n.deps.filter((d, j) => d.optional && !given(j)).map((d) => d.name) : [],
    tags: n.tags,
    modifiers: n.modifiers,
    configKeys: n.configKeys,
    namespace: n.namespace,
    worker: n.options.worker === true,
  };
}
