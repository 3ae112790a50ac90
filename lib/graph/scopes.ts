/**
 * Map/reduce blocks, found when the graph is built: for every node, the
 * innermost `parallelizable` whose items it runs for (its scope), and for
 * every `collect` node, which parameters it collects. Misuse is a build error.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import type { NodeOptions } from "../model/node-options.ts";

/** What the scope check reads of a graph node (a `GraphNode` is one; graph.ts builds them and calls this). */
export interface ScopeNode {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly options: Pick<NodeOptions, "mapReduce" | "worker">;
  /** Producer id of each dependency, in parameter order. */
  readonly depIds: Int32Array;
  readonly uniqueDepIds: Int32Array;
}

/** Scopes and collected parameters of a graph. */
export interface BlockAnalysis {
  /** inner[id]: the parallelizable whose items node `id` runs for, or -1 (once per run). */
  readonly inner: Int32Array;
  /** For a collect node: per dependency position, 1 when that parameter is collected. */
  readonly collected: ReadonlyMap<number, Uint8Array>;
  /** True when the graph has any parallelizable. */
  readonly any: boolean;
}

/**
 * Computes scopes in topological order (iteratively) and checks the rules: a
 * collect has a parallelizable upstream; every parallelizable has a collect;
 * no node mixes items of two unrelated parallelizables.
 *
 * @throws {GraphBuildError}
 */
export function analyzeBlocks(nodes: readonly ScopeNode[], dependents: readonly Int32Array[]): BlockAnalysis {
  const n = nodes.length;
  const inner = new Int32Array(n).fill(-1);
  const collected = new Map<number, Uint8Array>();
  if (!nodes.some((x) => x.options.mapReduce)) return { inner, collected, any: false };

  const depth = (p: number): number => {
    let d = 0;
    for (let s = p; s !== -1; s = inner[s]!) d++;
    return d;
  };
  const isWithin = (outer: number, scope: number): boolean => {
    for (let s = scope; s !== -1; s = inner[s]!) if (s === outer) return true;
    return outer === -1;
  };
  const hasCollect = new Set<number>();
  for (const id of topologicalOrder(nodes, dependents)) {
    const node = nodes[id]!;
    if (node.kind !== "function") continue;
    const role = node.options.mapReduce?.role;
    // The scope each dependency's value belongs to.
    const scopes = Array.from(node.depIds, (d) => (nodes[d]!.options.mapReduce?.role === "parallelizable" ? d : inner[d]!));
    let deepest = -1;
    for (const s of scopes) if (s !== -1 && (deepest === -1 || depth(s) > depth(deepest))) deepest = s;
    scopes.forEach((s, j) => {
      if (!isWithin(s, deepest)) {
        const other = nodes[node.depIds[j]!]!.name;
        throw new GraphBuildError(
          `Cannot build the graph: node "${node.name}" mixes items of "${nodes[s]!.name}" and "${nodes[deepest]!.name}" (through "${other}"); collect one block before combining it with the other`,
          { node: node.name },
        );
      }
    });
    if (role === "collect") {
      if (deepest === -1) {
        throw new GraphBuildError(`Cannot build the graph: collect node "${node.name}" has no parallelizable upstream; remove collect() or make a dependency parallelizable()`, { node: node.name });
      }
      collected.set(id, Uint8Array.from(scopes, (s) => (s === deepest ? 1 : 0)));
      hasCollect.add(deepest);
      inner[id] = inner[deepest]!;
    } else {
      inner[id] = deepest;
    }
    if (role === "parallelizable" && node.options.worker) {
      throw new GraphBuildError(`Cannot build the graph: parallelizable node "${node.name}" cannot run on a worker (its items are pulled one by one); remove { worker: true } from it and put the work in the nodes that run per item`, { node: node.name });
    }
  }
  for (const node of nodes) {
    if (node.options.mapReduce?.role === "parallelizable" && !hasCollect.has(node.id)) {
      throw new GraphBuildError(`Cannot build the graph: parallelizable node "${node.name}" has no collect node downstream; add a node wrapped in collect() that consumes its items`, { node: node.name });
    }
  }
  return { inner, collected, any: true };
}

/** Kahn's algorithm over dependencies (the graph is known to be acyclic). */
function topologicalOrder(nodes: readonly ScopeNode[], dependents: readonly Int32Array[]): number[] {
  const missing = Int32Array.from(nodes, (x) => x.uniqueDepIds.length);
  const order: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (missing[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const d of dependents[order[k]!]!) {
      missing[d] = missing[d]! - 1;
      if (missing[d] === 0) order.push(d);
    }
  }
  return order;
}
