/**
 * The graph: nodes read from modules, external inputs, config values, and the
 * edges between them. Built once per `Builder.build()`; every walk is
 * iterative, so a 100,000-node chain builds without touching the call stack.
 *
 * @module
 */
import { analyzeBlocks, type BlockAnalysis } from "./scopes.ts";
import { CycleError, GraphBuildError } from "../errors.ts";
import type { NodeOptions, Tags } from "../model/node-options.ts";
import { SIGNAL_PARAM, type CallStyle, type ParamDep } from "../model/params.ts";
import { nodeSpecsOf, type NodeSpec } from "../model/node-specs.ts";
import type { WarningHandler } from "../model/warning.ts";

/** A module as the graph sees it: a name for messages and tags, and its exports. */
export interface ModuleSource {
  readonly name: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

/** What a node is: a function to call, an external input, or a config value. */
export type NodeKind = "function" | "input" | "config";

/** One node of the graph. `id` indexes every per-run array. */
export interface GraphNode {
  readonly id: number;
  readonly name: string;
  readonly kind: NodeKind;
  /** The function to call (function nodes). */
  readonly fn: Function | undefined;
  readonly style: CallStyle;
  /** Dependencies in parameter order. */
  readonly deps: readonly ParamDep[];
  /** Producer id of each entry of `deps`. */
  readonly depIds: Int32Array;
  /** `depIds` without repeats: what scheduling and reference counts use. */
  readonly uniqueDepIds: Int32Array;
  /** Positional index of the AbortSignal argument (0 for the object form), -1 when not asked for. */
  readonly signalIndex: number;
  readonly options: NodeOptions;
  readonly tags: Tags;
  /** Name of the defining module (function nodes) or "" (inputs, config). */
  readonly module: string;
  /** Config value (config nodes). */
  readonly value: unknown;
  /** The export that defines the node, "" for inputs and config. */
  readonly exportName: string;
  /** The user's function the node comes from (function nodes). */
  readonly source: Function | undefined;
  /** URL of the defining module, when known (worker nodes). */
  readonly moduleUrl: string | undefined;
  /** The modifiers that shaped the node, innermost first. */
  readonly modifiers: readonly string[];
  /** Config keys that decided whether (or how) the node exists. */
  readonly configKeys: readonly string[];
  /** The subdag namespace of the node, "" when none. */
  readonly namespace: string;
}

/** Options of {@link buildGraph}. */
export interface GraphOptions {
  readonly config?: Readonly<Record<string, unknown>>;
  /** Let a later module's node replace an earlier one of the same name instead of failing. */
  readonly allowModuleOverrides?: boolean;
  /** Where warnings of the run go (schema checks in "warn" mode); `console.warn` by default. */
  readonly warn?: WarningHandler;
}

/** An immutable graph with id-indexed adjacency. */
export class Graph {
  readonly nodes: readonly GraphNode[];
  readonly byName: ReadonlyMap<string, GraphNode>;
  /** dependents[id]: ids of the function nodes that depend on `id` (one entry per node). */
  readonly dependents: readonly Int32Array[];
  /** Map/reduce scopes and collected parameters. */
  readonly blocks: BlockAnalysis;
  /** Exports of each module by name: code versions follow a node's same-module helpers through them. */
  readonly modules: ReadonlyMap<string, object>;

  /**
   * Made by {@link buildGraph}, which indexes the nodes by name as it adds them.
   *
   * @throws {CycleError} {@link GraphBuildError} for a cycle or misused map/reduce
   */
  constructor(nodes: readonly GraphNode[], index: { readonly byName: ReadonlyMap<string, GraphNode>; readonly modules: ReadonlyMap<string, object> }) {
    this.nodes = nodes;
    this.byName = index.byName;
    this.modules = index.modules;
    this.dependents = dependentsOf(nodes);
    checkAcyclic(this);
    this.blocks = analyzeBlocks(nodes, this.dependents);
  }

  get(name: string): GraphNode | undefined {
    return this.byName.get(name);
  }
}

/**
 * Builds the graph from modules and config.
 *
 * @throws {GraphBuildError} for unreadable parameters, a node defined in two modules, a reserved name
 * @throws {CycleError} when the dependencies form a cycle
 */
export function buildGraph(modules: readonly ModuleSource[], options: GraphOptions = {}): Graph {
  const candidates = new Map<string, Candidate>();
  const config = options.config ?? {};
  for (const mod of modules) {
    const ctx = options.warn ? { module: mod.name, config, warn: options.warn, exports: mod.exports } : { module: mod.name, config, exports: mod.exports };
    for (const exportName of Object.keys(mod.exports)) {
      for (const spec of nodeSpecsOf(exportName, mod.exports[exportName], ctx)) {
        const previous = candidates.get(spec.name);
        if (previous && (!options.allowModuleOverrides || previous.module === mod.name)) {
          throw new GraphBuildError(duplicateMessage(spec, mod.name, previous.spec, previous.module), { node: spec.name });
        }
        candidates.set(spec.name, { spec, module: mod.name, id: -1 });
      }
    }
  }
  const configKeys = Object.keys(config);
  for (const key of configKeys) candidates.delete(key); // config shadows functions

  // Ids: config values first, then function nodes, then external inputs in the order they are first needed.
  // Every id is known before any node is made, so each node is made once, complete, and never patched.
  const configIds = new Map<string, number>();
  for (let i = 0; i < configKeys.length; i++) configIds.set(configKeys[i]!, i);
  let nextId = configKeys.length;
  for (const c of candidates.values()) c.id = nextId++;
  const inputIds = new Map<string, number>();
  const idOf = (name: string): number => {
    const id = candidates.get(name)?.id ?? configIds.get(name) ?? inputIds.get(name);
    if (id !== undefined) return id;
    inputIds.set(name, nextId);
    return nextId++;
  };

  const nodes: GraphNode[] = [];
  const byName = new Map<string, GraphNode>();
  const add = (node: GraphNode): void => {
    nodes.push(node);
    byName.set(node.name, node);
  };
  for (let i = 0; i < configKeys.length; i++) add(leaf(i, configKeys[i]!, "config", config[configKeys[i]!]));
  for (const { spec, module, id } of candidates.values()) {
    if (spec.name === SIGNAL_PARAM) {
      throw new GraphBuildError(`Cannot build the graph: "${SIGNAL_PARAM}" is reserved for the AbortSignal parameter; rename the node`, { node: spec.name });
    }
    if (spec.options.worker && spec.moduleUrl === undefined) {
      throw new GraphBuildError(`Cannot build the graph: worker node "${spec.name}" has no module a worker could import; export it with node(fn, { worker: true }) from a module file and pass that module to withModules`, { node: spec.name });
    }
    const deps = spec.deps;
    let depIds = EMPTY;
    if (deps.length > 0) {
      depIds = new Int32Array(deps.length);
      for (let j = 0; j < deps.length; j++) depIds[j] = idOf(deps[j]!.name);
    }
    add({
      id, name: spec.name, kind: "function", fn: spec.fn, style: spec.style, deps, depIds, uniqueDepIds: withoutRepeats(depIds),
      signalIndex: spec.signalIndex, options: spec.options, tags: tagsOf(spec.options, module), module, value: undefined,
      exportName: spec.exportName, source: spec.source, moduleUrl: spec.moduleUrl,
      modifiers: spec.modifiers ?? NONE, configKeys: spec.configKeys ?? NONE, namespace: spec.namespace ?? "",
    });
  }
  // A name nobody produces is an external input.
  for (const [name, id] of inputIds) add(leaf(id, name, "input", undefined));
  const sources = new Map<string, object>();
  for (const m of modules) sources.set(m.name, m.exports);
  return new Graph(nodes, { byName, modules: sources });
}

/** A node spec a module contributes, and the id its node gets once config has shadowed what it shadows. */
interface Candidate {
  readonly spec: NodeSpec;
  readonly module: string;
  id: number;
}

/** A node's tags: its own, and the module it comes from. */
function tagsOf(options: NodeOptions, module: string): Tags {
  return options.tags === undefined ? { module } : { ...options.tags, module };
}

/**
 * `ids` without repeats, first occurrence kept; `ids` itself when it has none
 * (the usual case: both arrays are read, never written, so they may be one).
 */
function withoutRepeats(ids: Int32Array): Int32Array {
  const n = ids.length;
  let repeated = false;
  // Parameter lists are short: a quadratic scan costs less than a Set.
  if (n <= 16) {
    for (let j = 1; j < n && !repeated; j++) for (let k = 0; k < j; k++) if (ids[k] === ids[j]) { repeated = true; break; }
    if (!repeated) return ids;
  }
  return Int32Array.from(new Set(ids));
}

/** dependents[id]: the ids of the nodes whose `uniqueDepIds` hold `id`, in id order; counted first, then placed. */
function dependentsOf(nodes: readonly GraphNode[]): Int32Array[] {
  const count = new Int32Array(nodes.length);
  for (const n of nodes) {
    const deps = n.uniqueDepIds;
    for (let j = 0; j < deps.length; j++) count[deps[j]!]!++;
  }
  const out: Int32Array[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) out[i] = count[i] === 0 ? EMPTY : new Int32Array(count[i]!);
  count.fill(0);
  for (const n of nodes) {
    const deps = n.uniqueDepIds;
    for (let j = 0; j < deps.length; j++) {
      const d = deps[j]!;
      out[d]![count[d]!++] = n.id;
    }
  }
  return out;
}

const EMPTY = new Int32Array(0);
const NONE: readonly string[] = Object.freeze([]);

/** Why two specs may not share a name, in the words of the modifiers that made them. */
function duplicateMessage(spec: NodeSpec, module: string, previous: NodeSpec, previousModule: string): string {
  const name = spec.name;
  const has = (s: NodeSpec, m: string) => s.modifiers?.some((x) => x.startsWith(m)) ?? false;
  if (spec.namespace !== undefined && previous.namespace === spec.namespace && spec.exportName !== previous.exportName) {
    return `Cannot build the graph: subdag() namespaces collide: exports "${previous.exportName}" and "${spec.exportName}" both use namespace "${spec.namespace}" (node "${name}"); give one a different namespace`;
  }
  if (has(spec, "config.") && has(previous, "config.")) {
    const keys = [...new Set([...(previous.configKeys ?? []), ...(spec.configKeys ?? [])])].map((k) => `"${k}"`).join(", ");
    return `Cannot build the graph: config alternatives "${previous.exportName}" and "${spec.exportName}" both define node "${name}" for this config (keys ${keys}); make their conditions exclusive`;
  }
  const origin = (s: NodeSpec, m: string) => {
    const shaping = s.modifiers?.filter((x) => !x.startsWith("config.") && x !== "tag");
    return shaping && shaping.length > 0
      ? `${shaping[shaping.length - 1]}() on export "${s.exportName}" of module "${m}"`
      : `export "${s.exportName}" of module "${m}"`;
  };
  if (previousModule === module && previous.exportName === spec.exportName) {
    return `Cannot build the graph: ${origin(spec, module)} defines node "${name}" twice; rename one of them`;
  }
  if (previousModule === module && !spec.modifiers?.length && !previous.modifiers?.length) {
    return `Cannot build the graph: node "${name}" is defined twice in module "${module}", by exports "${previous.exportName}" and "${spec.exportName}"; rename one`;
  }
  if (previousModule === module || spec.modifiers?.length || previous.modifiers?.length) {
    return `Cannot build the graph: node "${name}" is defined twice, by ${origin(previous, previousModule)} and by ${origin(spec, module)}; rename one`;
  }
  return `Cannot build the graph: node "${name}" is defined in two modules, "${previousModule}" and "${module}"; rename one, or call allowModuleOverrides() on the Builder to let the later module win`;
}

function leaf(id: number, name: string, kind: NodeKind, value: unknown): GraphNode {
  return {
    id, name, kind, fn: undefined, style: "positional", deps: [], depIds: EMPTY, uniqueDepIds: EMPTY,
    signalIndex: -1, options: {}, tags: {}, module: "", value, exportName: "", source: undefined, moduleUrl: undefined,
    modifiers: NONE, configKeys: NONE, namespace: "",
  };
}

/** Iterative three-colour DFS; reports the first cycle found as a path. */
function checkAcyclic(graph: Graph): void {
  const n = graph.nodes.length;
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const next = new Int32Array(n); // index of the next dependency to visit
  const stack: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    stack.push(root);
    state[root] = 1;
    while (stack.length > 0) {
      const id = stack[stack.length - 1]!;
      const deps = graph.nodes[id]!.uniqueDepIds;
      if (next[id]! < deps.length) {
        const d = deps[next[id]!]!;
        next[id] = next[id]! + 1;
        if (state[d] === 0) {
          state[d] = 1;
          stack.push(d);
        } else if (state[d] === 1) {
          // Stack holds consumer -> dependency; show the cycle in data-flow order.
          const cycle = stack.slice(stack.indexOf(d)).map((i) => graph.nodes[i]!.name);
          cycle.push(graph.nodes[d]!.name);
          throw new CycleError(cycle.reverse());
        }
      } else {
        state[id] = 2;
        stack.pop();
      }
    }
  }
}
