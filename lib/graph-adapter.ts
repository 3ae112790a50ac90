/**
 * Graph adapters (Hamilton's lifecycle methods and validators): what
 * `Builder.withAdapters(...)` takes. `aroundNode` wraps the execution of
 * every node (the engine's part is lib/engine/around-node.ts); the
 * validators run at build (`validateNode`, `validateEdge`, `validateGraph`) and before any
 * node of a run (`validateInput`), and every rejection is reported at once.
 *
 * @module
 */
import { GraphBuildError, InputValidationError, type InputProblem, type ItemRef } from "./errors.ts";
import type { Graph, GraphNode } from "./graph/graph.ts";
import type { Tags } from "./model/node-options.ts";

/** A validator's answer: `true` or nothing accepts; `false` or a message rejects. */
export type Verdict = boolean | string | void | undefined;

/** Passed to {@link GraphAdapter.aroundNode}. */
export interface AroundNodeEvent {
  readonly runId: string;
  /** The node's name. */
  readonly node: string;
  /** The values the node receives, by parameter name (parameters left to their default are absent). */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly tags: Tags;
  /** The map/reduce items the node runs for, outermost first (empty outside blocks). */
  readonly item: readonly ItemRef[];
  /**
   * Runs the node: the next adapter's `aroundNode`, then the node's limits, timeout and retries, then the
   * function itself (or its worker). Returns the node's value, or a promise of it when the node does not
   * finish at once (async, Effect, worker, timeout, retry or limit): `await call()` handles both. Call it
   * again to retry; do not call it to skip the node; `call({ x: 2 })` runs it with some inputs replaced.
   */
  call(inputs?: Readonly<Record<string, unknown>>): unknown;
}

/** Passed to {@link GraphAdapter.validateInput}. */
export interface InputCheck {
  /** The input's name. */
  readonly name: string;
  readonly value: unknown;
  /** The nodes of this run that read the input. */
  readonly nodes: readonly string[];
}

/** Passed to {@link GraphAdapter.validateEdge}: `to` takes `from`'s value as its parameter `parameter`. */
export interface EdgeCheck {
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly parameter: string;
}

/** Passed to {@link GraphAdapter.validateGraph}. */
export interface GraphCheck {
  readonly graph: Graph;
  readonly modules: readonly { readonly name: string; readonly exports: Readonly<Record<string, unknown>> }[];
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * A graph adapter. Every method is optional. `aroundNode` may be sync or
 * async; validators may return a promise of their verdict.
 *
 * @example
 * ```ts
 * const plusOne: GraphAdapter = {
 *   name: "plus-one",
 *   aroundNode: async ({ call }) => ((await call()) as number) + 1,
 *   validateInput: ({ value }) => typeof value === "number" || "expected a number",
 * };
 * const dr = await new Builder().withModules(flow).withAdapters(plusOne).build();
 * ```
 */
export interface GraphAdapter {
  /** Named in rejections and errors. */
  readonly name?: string;
  /** Wraps every node's execution (cache hits excepted: a hit is not executed). */
  aroundNode?(event: AroundNodeEvent): unknown;
  /** Checks one input value before any node of the run starts. */
  validateInput?(check: InputCheck): Verdict | PromiseLike<Verdict>;
  /** Checks one node of the graph (functions, inputs and config values) at build. */
  validateNode?(node: GraphNode): Verdict | PromiseLike<Verdict>;
  /**
   * Checks each edge at build (Hamilton's `do_check_edge_types_match`, swapped in): weft's own edge check is
   * `tsc`'s, on the destructured form, and leaves nothing to do at run time; this is where a rule of your own
   * goes (tags that must match, schemas that must agree).
   */
  validateEdge?(edge: EdgeCheck): Verdict | PromiseLike<Verdict>;
  /** Checks the whole graph at build. */
  validateGraph?(check: GraphCheck): Verdict | PromiseLike<Verdict>;
}

/** The methods an adapter may have: `withAdapters` checks each is a function. */
export const ADAPTER_METHODS: readonly (Exclude<keyof GraphAdapter, "name">)[] = [
  "aroundNode", "validateInput", "validateNode", "validateEdge", "validateGraph",
];

/** How an adapter is named in messages: its `name`, its class, or its place in `withAdapters`. */
export function adapterLabel(adapter: GraphAdapter, index: number): string {
  if (typeof adapter.name === "string" && adapter.name !== "") return `"${adapter.name}"`;
  const ctor = (Object.getPrototypeOf(adapter) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor !== undefined && ctor !== "Object" && ctor !== "" ? `"${ctor}"` : `#${index + 1}`;
}

/** A rejection's message: the adapter's own, or a default when it said only `false` (or threw). */
function rejection(verdict: unknown, fallback: string): string | undefined {
  if (verdict === true || verdict === undefined || verdict === null) return undefined;
  if (typeof verdict === "string") return verdict === "" ? fallback : verdict;
  if (verdict === false) return fallback;
  throw new TypeError(`A validator must return true, nothing, false or a message: got ${typeof verdict}`);
}

/** Runs `method` of each adapter that has it for each subject; collects every rejection (a throw is one too). */
async function collect<S>(
  adapters: readonly GraphAdapter[],
  subjects: readonly S[],
  method: "validateInput" | "validateNode" | "validateEdge" | "validateGraph",
  check: (adapter: GraphAdapter, subject: S) => unknown,
  fallback: string,
): Promise<{ subject: S; adapter: string; message: string }[]> {
  const found: { subject: S; adapter: string; message: string }[] = [];
  for (let i = 0; i < adapters.length; i++) {
    if (adapters[i]![method] === undefined) continue;
    for (const subject of subjects) {
      let verdict: unknown;
      try {
        verdict = check(adapters[i]!, subject);
        if (verdict !== null && typeof verdict === "object" && typeof (verdict as PromiseLike<unknown>).then === "function") verdict = await verdict;
      } catch (e) {
        verdict = `threw ${e instanceof Error ? e.message : String(e)}`;
      }
      const message = rejection(verdict, fallback);
      if (message !== undefined) found.push({ subject, adapter: adapterLabel(adapters[i]!, i), message });
    }
  }
  return found;
}

/**
 * Runs every adapter's `validateNode` on every node, `validateEdge` on every edge, then `validateGraph`.
 *
 * @throws {GraphBuildError} listing every rejection
 */
export async function validateBuild(adapters: readonly GraphAdapter[], check: GraphCheck): Promise<void> {
  if (!adapters.some((a) => a.validateNode !== undefined || a.validateEdge !== undefined || a.validateGraph !== undefined)) return;
  const nodes = await collect(adapters, check.graph.nodes, "validateNode", (a, n) => a.validateNode!(n), "rejected");
  const edges = !adapters.some((a) => a.validateEdge !== undefined) ? [] : await collect(adapters, edgesOf(check.graph), "validateEdge", (a, e) => a.validateEdge!(e), "rejected");
  const graph = await collect(adapters, [check], "validateGraph", (a, c) => a.validateGraph!(c), "rejected");
  const problems = [
    ...nodes.map((p) => `node "${p.subject.name}" rejected by adapter ${p.adapter}: ${p.message}`),
    ...edges.map((p) => `edge "${p.subject.from.name}" -> "${p.subject.to.name}" (parameter "${p.subject.parameter}") rejected by adapter ${p.adapter}: ${p.message}`),
    ...graph.map((p) => `the graph rejected by adapter ${p.adapter}: ${p.message}`),
  ];
  if (problems.length === 0) return;
  throw new GraphBuildError(`Cannot build the graph: ${problems.join("; ")}; fix the nodes or the adapter's rule`, {
    ...(nodes.length === 1 && edges.length === 0 && graph.length === 0 ? { node: nodes[0]!.subject.name } : {}),
  });
}

/** Every edge of the graph: each function node's dependencies, in parameter order. */
function edgesOf(graph: Graph): EdgeCheck[] {
  const edges: EdgeCheck[] = [];
  for (const to of graph.nodes) {
    to.deps.forEach((d, j) => edges.push({ from: graph.nodes[to.depIds[j]!]!, to, parameter: d.name }));
  }
  return edges;
}

/** The run's inputs that a validator checks: each given input the plan reads, with the nodes that read it. */
export function inputChecks(graph: Graph, inPlan: Uint8Array, inputs: Readonly<Record<string, unknown>>): InputCheck[] {
  const checks: InputCheck[] = [];
  for (const name of Object.keys(inputs)) {
    const node = graph.byName.get(name);
    if (node === undefined || node.kind !== "input" || inPlan[node.id] !== 1) continue;
    const readers = Array.from(graph.dependents[node.id]!, (d) => graph.nodes[d]!).filter((n) => inPlan[n.id] === 1).map((n) => n.name);
    checks.push({ name, value: inputs[name], nodes: readers });
  }
  return checks;
}

/** The `InputValidationError` for the rejections of `checks`, or undefined when every adapter accepted them. */
export async function validateInputs(adapters: readonly GraphAdapter[], checks: readonly InputCheck[]): Promise<InputValidationError | undefined> {
  const found = await collect(adapters, checks, "validateInput", (a, c) => a.validateInput!(c), "rejected");
  if (found.length === 0) return undefined;
  return new InputValidationError(found.map((p): InputProblem => ({ input: p.subject.name, adapter: p.adapter, message: p.message })));
}
