/**
 * A map item's block run whole by the executor (`Executor.submitBlock`): one
 * job per item (or per batch of small items) instead of one per worker node,
 * with only the values the collect gathers coming back. The driver still
 * sees every node of the item: the outcomes come back per node, for hooks
 * and run history, and a node's failure fails it as a local run would.
 *
 * With the cache on, an item whose every node would hit (the cache's probes,
 * `NodeInterceptor.allHit`) runs here, all hits; any other item's block goes
 * whole and brings back every node's value ({@link RemoteBlock.all}): the
 * run replays its nodes through the cache (run.ts), which looks each up and
 * stores each miss as a local run would, from the same data versions. An
 * item whose values cannot all come back (a serialization error) runs here
 * then, node by node.
 *
 * A block goes whole only when nothing in the driver must see its inner
 * calls: no graph adapter (it wraps every call), a fail-fast run, no nested block or
 * streaming collect, a block of the top frame with at least one worker node,
 * and nodes whose exports define no map/reduce node (the executor rebuilds
 * exactly the block's nodes from them). Otherwise its items run here as
 * always, worker nodes one task each.
 *
 * @module
 */
import type { BlockTask, NodeTask } from "./compile.ts";
import type { Graph } from "../graph/graph.ts";
import type { ExecutorBlock } from "../ports/executor.ts";

/** How a block's items become {@link ExecutorBlock}s. */
export interface RemoteBlock {
  readonly nodes: ExecutorBlock["nodes"];
  readonly outputs: readonly string[];
  /** Every node of the block, by name: what comes back when the driver's cache stores each node's value. */
  readonly all: readonly string[];
  /** Per input: its name and the item frame's slot holding it. */
  readonly inputs: readonly { readonly name: string; readonly slot: number }[];
  /** Per gathered child slot (in `BlockTask.gather` order): the node whose value it is. */
  readonly gathered: readonly string[];
}

const NONE = Symbol("local");
const memo = new WeakMap<BlockTask, RemoteBlock | typeof NONE>();

/** The remote form of a top-frame block, or `undefined` when its items must run here (see the module doc). */
export function remoteBlockOf(task: BlockTask, graph: Graph): RemoteBlock | undefined {
  let found = memo.get(task);
  if (found === undefined) memo.set(task, (found = build(task, graph) ?? NONE));
  return found === NONE ? undefined : found;
}

function build(task: BlockTask, graph: Graph): RemoteBlock | undefined {
  const child = task.child;
  if (task.stream.some((s) => s === 1)) return undefined;
  const tasks = child.tasks;
  if (tasks.some((t) => t.kind !== "node")) return undefined;
  const nodes = (tasks as readonly NodeTask[]).map((t) => t.node);
  if (!nodes.some((n) => n.options.worker === true)) return undefined;
  for (const n of nodes) {
    if (n.kind !== "function" || n.moduleUrl === undefined) return undefined;
    const shared = graph.nodes.some((o) => o.module === n.module && o.exportName === n.exportName && o.options.mapReduce !== undefined);
    if (shared) return undefined;
  }
  const inputs: { name: string; slot: number }[] = [{ name: task.node.name, slot: child.itemSlot }];
  const exportsOfBlock = new Set(nodes.map((n) => `${n.module}\0${n.exportName}`));
  for (let k = 0; k < child.imports.length; k += 2) {
    const imported = graph.nodes[child.imports[k + 1]!]!;
    // A value from outside the block made by one of the block's exports: the executor's driver would compute it, not take it.
    if (imported.kind === "function" && exportsOfBlock.has(`${imported.module}\0${imported.exportName}`)) return undefined;
    inputs.push({ name: imported.name, slot: child.imports[k]! });
  }
  const bySlot = new Map((tasks as readonly NodeTask[]).map((t) => [t.out, t.node.name]));
  const gathered = Array.from(task.gather, (slot) => bySlot.get(slot));
  if (gathered.some((g) => g === undefined)) return undefined;
  return {
    nodes: nodes.map((n) => ({ moduleUrl: n.moduleUrl!, exportName: n.exportName, nodeName: n.name })),
    outputs: [...new Set(gathered as string[])],
    all: nodes.map((n) => n.name),
    inputs,
    gathered: gathered as string[],
  };
}
