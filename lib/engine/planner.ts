/**
 * An execution plan: which nodes a call to `execute` needs, which values it
 * starts with, and the counters the engine schedules and releases with.
 *
 * @module
 */
import { closestNames } from "../closest-names.ts";
import { InputConflictError, MapReduceError, MissingInputError, UnknownNodeError, type MissingInput } from "../errors.ts";
import { compileTopFrame, type CompiledFrame } from "./compile.ts";
import type { Graph } from "../graph/graph.ts";

type Values = Readonly<Record<string, unknown>>;

/** The per-call view of the graph that the engine runs. */
export interface Plan {
  readonly graph: Graph;
  readonly outputs: readonly string[];
  /** The top frame: its slots are graph ids, then slots for gathered map/reduce values. */
  readonly frame: CompiledFrame;
  /** Names of the function nodes the call computes (once, or once per item). */
  readonly nodeNames: readonly string[];
  /** Values of the top frame's slots: given values at the start, computed values as they arrive. */
  readonly values: unknown[];
  /** Readers still to come for each top-frame slot (tasks, plus one per request as an output); mutated by the engine. */
  readonly refs: Int32Array;
  /** Requested names that are not in the graph but were given in inputs or overrides. */
  readonly extra: ReadonlyMap<string, unknown>;
  /** 1 for every node the call needs (computed or given). */
  readonly inPlan: Uint8Array;
  /** 1 for top-frame slots whose value the caller gave (inputs, overrides, config). */
  readonly given: Uint8Array;
}

/** What a call gives: requested outputs, inputs and overrides. */
export interface PlanRequest {
  readonly outputs: readonly string[];
  readonly inputs: Values;
  readonly overrides: Values;
}

/** The part of a plan that depends only on the names in a request, not on its values: reusable across calls. */
interface RequestShape {
  readonly frame: CompiledFrame;
  readonly inPlan: Uint8Array;
  readonly given: Uint8Array;
  readonly nodeNames: readonly string[];
  readonly refs: Int32Array;
  /** Ids whose starting value comes from overrides (0), config (1) or inputs (2). */
  readonly leaves: Int32Array;
  readonly leafSources: Uint8Array;
  /** Requested names outside the graph, and where their value comes from (0 overrides, 2 inputs). */
  readonly extra: readonly (readonly [string, number])[];
}

/**
 * Plans calls and remembers the plan of each distinct request shape (outputs,
 * input names, override names), so repeated calls skip the graph walk.
 */
export class Planner {
  readonly #graph: Graph;
  readonly #templates = new Map<string, RequestShape>();

  constructor(graph: Graph) {
    this.#graph = graph;
  }

  /**
   * Plans a call: walks upstream from the outputs (stopping at overrides, inputs
   * and config), and reports every missing input at once.
   *
   * @throws {UnknownNodeError} for a requested name the graph and the call do not know
   * @throws {InputConflictError} for a name given both in config and inputs, or an input naming a function node
   * @throws {MissingInputError} listing every missing input with the nodes that need it
   */
  plan(request: PlanRequest): Plan {
    const key = `${request.outputs.join("\0")}\u0001${Object.keys(request.inputs).sort().join("\0")}\u0001${Object.keys(request.overrides).sort().join("\0")}`;
    let t = this.#templates.get(key);
    if (t === undefined) {
      t = makeTemplate(this.#graph, request);
      if (this.#templates.size >= MAX_TEMPLATES) this.#templates.delete(this.#templates.keys().next().value!);
      this.#templates.set(key, t);
    }
    const graph = this.#graph;
    const values: unknown[] = new Array(t.frame.slotCount);
    const sources = [request.overrides, undefined, request.inputs];
    for (let i = 0; i < t.leaves.length; i++) {
      const id = t.leaves[i]!;
      const node = graph.nodes[id]!;
      const src = sources[t.leafSources[i]!];
      values[id] = src === undefined ? node.value : src[node.name];
    }
    const extra = new Map<string, unknown>();
    for (const [name, src] of t.extra) extra.set(name, sources[src]![name]);
    return {
      graph, outputs: request.outputs, frame: t.frame, nodeNames: t.nodeNames, values, refs: t.refs.slice(), extra,
      inPlan: t.inPlan, given: t.given,
    };
  }
}

const MAX_TEMPLATES = 256;

function makeTemplate(graph: Graph, request: PlanRequest): RequestShape {
  const { outputs, inputs, overrides } = request;
  const nodes = graph.nodes;
  const n = nodes.length;
  for (const key of Object.keys(inputs)) {
    const node = graph.byName.get(key);
    if (node?.kind === "config") {
      throw new InputConflictError(key, `Cannot execute: "${key}" is given both in config and in inputs; pass it in one place only`);
    }
    if (node?.kind === "function" && !Object.hasOwn(overrides, key)) {
      throw new InputConflictError(key, `Cannot execute: input "${key}" names a node computed by a function; pass it in overrides to replace that node`);
    }
  }
  const extra: [string, number][] = [];
  const stack: number[] = [];
  const inPlan = new Uint8Array(n);
  for (const name of outputs) {
    const node = graph.byName.get(name);
    if (node) {
      if (!inPlan[node.id]) {
        inPlan[node.id] = 1;
        stack.push(node.id);
      }
    } else if (Object.hasOwn(overrides, name)) extra.push([name, 0]);
    else if (Object.hasOwn(inputs, name)) extra.push([name, 2]);
    else throw new UnknownNodeError(name, suggest(name, graph));
  }

  const provided = new Uint8Array(n);
  const leaves: number[] = [];
  const leafSources: number[] = [];
  let missing: Map<number, string[]> | undefined;
  let boundBy: Map<number, string> | undefined;
  const addMissing = (id: number, consumer: string | undefined, via?: string) => {
    if (via !== undefined) (boundBy ??= new Map()).set(id, via);
    missing ??= new Map();
    let list = missing.get(id);
    if (!list) missing.set(id, (list = []));
    if (consumer !== undefined) list.push(consumer);
  };
  for (const name of outputs) {
    const node = graph.byName.get(name);
    if (node?.kind === "input" && !Object.hasOwn(inputs, name) && !Object.hasOwn(overrides, name)) addMissing(node.id, undefined);
  }

  while (stack.length > 0) {
    const id = stack.pop()!;
    const node = nodes[id]!;
    if (Object.hasOwn(overrides, node.name)) {
      leaves.push(id);
      leafSources.push(0);
      provided[id] = 1;
      continue;
    }
    if (node.kind === "config") {
      leaves.push(id);
      leafSources.push(1);
      continue;
    }
    if (node.kind === "input") {
      if (Object.hasOwn(inputs, node.name)) {
        leaves.push(id);
        leafSources.push(2);
      }
      continue;
    }
    const deps = node.deps;
    const depIds = node.depIds;
    for (let j = 0; j < depIds.length; j++) {
      const d = depIds[j]!;
      const dep = nodes[d]!;
      if (dep.kind === "input" && !Object.hasOwn(inputs, dep.name) && !Object.hasOwn(overrides, dep.name)) {
        // An optional parameter with no value falls back to its default.
        if (!deps[j]!.optional) addMissing(d, node.name, deps[j]!.via);
        continue;
      }
      if (!inPlan[d]) {
        inPlan[d] = 1;
        stack.push(d);
      }
    }
  }
  if (missing) {
    const list: MissingInput[] = [];
    for (const [id, neededBy] of missing) {
      const via = boundBy?.get(id);
      list.push(via === undefined ? { input: nodes[id]!.name, neededBy: [...new Set(neededBy)] } : { input: nodes[id]!.name, neededBy: [...new Set(neededBy)], via });
    }
    throw new MissingInputError(list);
  }

  const { inner } = graph.blocks;
  for (const name of outputs) {
    const node = graph.byName.get(name);
    if (!node || node.kind !== "function") continue;
    const scope = inner[node.id]!;
    if (scope !== -1 || node.options.mapReduce?.role === "parallelizable") {
      const block = scope !== -1 ? nodes[scope]!.name : node.name;
      throw new MapReduceError(node.name, `Cannot execute: "${node.name}" ${scope !== -1 ? `runs once per item of "${block}"` : "yields the items of a map/reduce block"}; request a collect node downstream of it instead`);
    }
  }
  const frame = compileTopFrame({ graph, inPlan, provided });
  const refs = new Int32Array(frame.slotCount);
  for (const name of outputs) {
    const node = graph.byName.get(name);
    if (node) refs[node.id] = refs[node.id]! + 1;
  }
  for (const task of frame.tasks) for (const s of task.readSlots) refs[s] = refs[s]! + 1;
  const nodeNames: string[] = [];
  const frames = [frame];
  for (let i = 0; i < frames.length; i++) {
    for (const task of frames[i]!.tasks) {
      if (task.kind === "node") nodeNames.push(task.node.name);
      else frames.push(task.child);
    }
  }
  const given = new Uint8Array(frame.slotCount);
  for (const id of leaves) given[id] = 1;
  return {
    frame, nodeNames, refs, leaves: Int32Array.from(leaves), leafSources: Uint8Array.from(leafSources), extra, inPlan, given,
  };
}

/** The closest known name, when it is close enough to be a likely typo. */
export function suggest(name: string, graph: Graph): string | undefined {
  return closestNames(name, graph.byName.keys(), { max: 1 })[0];
}

