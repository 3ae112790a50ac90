/**
 * Per-tag resource pools (DESIGN.md 3.1): nodes tagged `{ pool: "openai" }`
 * share the limit `withPools({ openai: 2 })` sets, across every run of the
 * driver, concurrent runs included. Each pool is an Effect semaphore.
 *
 * @module
 */
import { Semaphore } from "effect";
import { GraphBuildError } from "../errors.ts";
import type { Graph } from "../graph/graph.ts";

/** Pool limits by pool name. */
export type PoolLimits = Readonly<Record<string, number>>;

/**
 * The semaphores each node must hold, by node id (`undefined` for nodes in no
 * pool). A node may name several pools (`{ pool: ["openai", "budget"] }`);
 * they are taken in name order, so two nodes can never wait on each other.
 *
 * @throws {GraphBuildError} for a node whose pool `limits` does not define
 */
export function poolsByNode(graph: Graph, limits: PoolLimits): (readonly Semaphore.Semaphore[] | undefined)[] {
  const semaphores = new Map(Object.entries(limits).map(([name, n]) => [name, Semaphore.makeUnsafe(n)]));
  return graph.nodes.map((node) => {
    const tag = node.tags.pool;
    if (tag === undefined || node.kind !== "function") return undefined;
    const names = [...new Set(typeof tag === "string" ? [tag] : tag)].sort();
    return names.map((name) => {
      const s = semaphores.get(name);
      if (s === undefined) {
        const known = Object.keys(limits).map((k) => `"${k}"`).join(", ") || "none";
        throw new GraphBuildError(`Cannot build the graph: node "${node.name}" is tagged pool "${name}", which withPools() does not define (defined: ${known}); add it to withPools() or fix the tag`, { node: node.name });
      }
      return s;
    });
  });
}

/** Checks pool limits: positive integers. */
export function checkPoolLimits(limits: unknown): PoolLimits {
  if (typeof limits !== "object" || limits === null || Array.isArray(limits)) {
    throw new TypeError("withPools() expects an object of pool name -> limit");
  }
  for (const [name, n] of Object.entries(limits)) {
    if (!Number.isInteger(n) || (n as number) < 1) throw new RangeError(`withPools() limit of pool "${name}" must be a positive integer, got ${String(n)}`);
  }
  return limits as PoolLimits;
}
