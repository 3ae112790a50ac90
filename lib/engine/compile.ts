/**
 * Frame plans: the static shape of what the engine runs. The top frame runs
 * once per call; a block's frame runs once per item of its parallelizable.
 * Each frame has numbered value slots and tasks (a node to call, or a block
 * to iterate); a task becomes ready when the slots it reads are filled.
 * Built once per request shape and reused (see Planner).
 *
 * @module
 */
import { MapReduceError } from "../errors.ts";
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { MapReduceRole } from "../model/node-options.ts";

/** Call a node; its value goes to slot `out`. */
export interface NodeTask {
  readonly kind: "node";
  readonly node: GraphNode;
  readonly out: number;
  /** Slot of each dependency, in parameter order; -1 leaves the parameter to its default. */
  readonly argSlots: Int32Array;
  /** Distinct slots read (for reference counts). */
  readonly readSlots: Int32Array;
}

/** Iterate a parallelizable's items, one child frame per item; gathered values go to `outs`. */
export interface BlockTask {
  readonly kind: "block";
  readonly node: GraphNode;
  readonly role: Extract<MapReduceRole, { role: "parallelizable" }>;
  /** Slot holding the parallelizable's value (the items). */
  readonly itemsSlot: number;
  readonly child: CompiledFrame;
  /** Child slots whose per-item values are gathered, and the slots of this frame that receive them. */
  readonly gather: Int32Array;
  readonly outs: Int32Array;
  /** Per gathered value: hand over an async iterable at block start instead of an array at block end. */
  readonly stream: Uint8Array;
  /** Distinct slots of this frame the block reads (items and imports), held until it ends. */
  readonly readSlots: Int32Array;
}

export type FrameTask = NodeTask | BlockTask;

/** The static shape of a frame. */
export interface CompiledFrame {
  readonly slotCount: number;
  readonly tasks: readonly FrameTask[];
  /** Unfilled slots each task waits for, at the start. */
  readonly pending: Int32Array;
  /** Tasks with nothing to wait for. */
  readonly ready: Int32Array;
  /**
   * The tasks waiting for each slot (one entry per task), as one list:
   * `waitingTasks[waitingStart[s] .. waitingStart[s + 1])` wait for slot `s`.
   * Two arrays, not one per slot: a 100,000-node frame builds in one pass.
   */
  readonly waitingStart: Int32Array;
  readonly waitingTasks: Int32Array;
  /** Pairs (slot here, slot in the parent frame) copied when an item frame starts. */
  readonly imports: Int32Array;
  /** Where the item goes (-1 in the top frame). */
  readonly itemSlot: number;
}

/** What the planner knows when it builds frames. */
export interface FrameInput {
  readonly graph: Graph;
  /** Nodes the call needs (computed or given). */
  readonly inPlan: Uint8Array;
  /** Function nodes whose value is given (overrides). */
  readonly provided: Uint8Array;
}

/**
 * Builds the top frame (its slots are graph ids, then one slot per gathered
 * value) and, inside its block tasks, every block's frame.
 *
 * @throws {MapReduceError} when an override targets a node that runs per item
 */
export function compileTopFrame(input: FrameInput): CompiledFrame {
  const { graph, inPlan, provided } = input;
  const { inner } = graph.blocks;
  const members = new Map<number, number[]>(); // scope -> function nodes to run in it
  for (let id = 0; id < graph.nodes.length; id++) {
    const node = graph.nodes[id]!;
    if (inPlan[id] !== 1 || node.kind !== "function") continue;
    if (provided[id] === 1) {
      if (inner[id] !== -1) {
        throw new MapReduceError(node.name, `Cannot execute: "${node.name}" runs once per item of "${graph.nodes[inner[id]!]!.name}" and cannot be overridden; override "${graph.nodes[inner[id]!]!.name}" (its items) or a node outside the block`);
      }
      continue;
    }
    const list = members.get(inner[id]!);
    if (list) list.push(id);
    else members.set(inner[id]!, [id]);
  }
  return new FrameBuilder(input, members, -1, undefined).build();
}

/** Builds one frame; nested blocks get their own builder (depth = nesting depth, not graph size). */
class FrameBuilder {
  readonly #slots = new Map<number, number>(); // graph id -> slot (top frame: identity)
  readonly #imports: number[] = [];
  #slotCount: number;
  readonly #gatherOut = new Map<string, number>(); // "block:dep" -> slot receiving gathered values
  readonly graph: Graph;
  itemSlot = -1;

  constructor(
    readonly input: FrameInput,
    readonly members: ReadonlyMap<number, readonly number[]>,
    readonly scope: number,
    readonly parent: FrameBuilder | undefined,
  ) {
    this.graph = input.graph;
    this.#slotCount = scope === -1 ? this.graph.nodes.length : 0;
  }

  /** The slot of a graph node's value in this frame, importing it from enclosing frames when needed. */
  slotOf(id: number): number {
    if (this.scope === -1) return id;
    if (id === this.scope) return this.itemSlot;
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#slotCount++;
      this.#slots.set(id, slot);
      if (this.graph.blocks.inner[id] !== this.scope) this.#imports.push(slot, this.parent!.slotOf(id));
    }
    return slot;
  }

  build(): CompiledFrame {
    const { graph } = this;
    const { inner, collected } = graph.blocks;
    if (this.scope !== -1) this.itemSlot = this.#slotCount++;
    const own = this.members.get(this.scope) ?? [];
    for (const id of own) this.slotOf(id);
    const tasks: FrameTask[] = [];
    // Blocks first: a collect's arguments name the slots their gathered values go to.
    const { inPlan } = this.input;
    const parallel = graph.nodes.filter((x) => x.options.mapReduce?.role === "parallelizable" && inPlan[x.id] === 1 && inner[x.id] === this.scope);
    for (const { id: p } of parallel) {
      const child = new FrameBuilder(this.input, this.members, p, this);
      const childPlan = child.build();
      const gather: number[] = [];
      const outs: number[] = [];
      const stream: number[] = [];
      for (const id of this.members.get(inner[p]!) ?? []) {
        const mask = collected.get(id);
        if (!mask) continue;
        const node = graph.nodes[id]!;
        node.depIds.forEach((d, j) => {
          if (mask[j] !== 1 || blockScope(graph, d) !== p) return;
          const key = `${p}:${d}`;
          if (this.#gatherOut.has(key)) return;
          this.#gatherOut.set(key, this.#slotCount);
          gather.push(child.slotOf(d));
          outs.push(this.#slotCount++);
          stream.push(node.options.mapReduce?.role === "collect" && node.options.mapReduce.stream ? 1 : 0);
        });
      }
      const pNode = graph.nodes[p]!;
      const imports = childPlan.imports;
      const reads = new Set<number>([this.slotOf(p)]);
      for (let k = 1; k < imports.length; k += 2) reads.add(imports[k]!);
      const task: BlockTask = {
        kind: "block", node: pNode, role: pNode.options.mapReduce as BlockTask["role"], itemsSlot: this.slotOf(p),
        child: childPlan, gather: Int32Array.from(gather), outs: Int32Array.from(outs), stream: Uint8Array.from(stream),
        readSlots: Int32Array.from(reads),
      };
      tasks.push(task);
    }
    for (const id of own) {
      const node = graph.nodes[id]!;
      const mask = collected.get(id);
      const depIds = node.depIds;
      // In the top frame slots are graph ids: when every dependency is in the plan, the node's own
      // arrays are the slots (shared, never written), and most nodes of a large graph cost no copy.
      let identity = this.scope === -1 && mask === undefined;
      for (let j = 0; identity && j < depIds.length; j++) identity = inPlan[depIds[j]!] === 1;
      if (identity) {
        tasks.push({ kind: "node", node, out: id, argSlots: depIds, readSlots: node.uniqueDepIds });
        continue;
      }
      const argSlots = Int32Array.from(depIds, (d, j) => {
        if (mask?.[j] === 1) return this.#gatherOut.get(`${blockScope(graph, d)}:${d}`) ?? -1;
        // An optional input the call does not give is not in the plan: its default applies.
        return inPlan[d] === 1 ? this.slotOf(d) : -1;
      });
      const readSlots = Int32Array.from(new Set(Array.from(argSlots).filter((s) => s !== -1)));
      tasks.push({ kind: "node", node, out: this.slotOf(id), argSlots, readSlots });
    }
    return this.#finish(tasks);
  }

  #finish(tasks: FrameTask[]): CompiledFrame {
    const slotCount = this.#slotCount;
    const producer = new Int32Array(slotCount).fill(-1);
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      if (t.kind === "node") producer[t.out] = i;
      else for (const o of t.outs) producer[o] = i;
    }
    // Two passes over the reads: count the waiters of each slot, then place them.
    const pending = new Int32Array(tasks.length);
    const waitingStart = new Int32Array(slotCount + 1);
    for (let i = 0; i < tasks.length; i++) {
      const reads = tasks[i]!.readSlots;
      for (let j = 0; j < reads.length; j++) {
        const s = reads[j]!;
        if (producer[s] === -1) continue; // filled before the frame starts
        pending[i] = pending[i]! + 1;
        waitingStart[s + 1] = waitingStart[s + 1]! + 1;
      }
    }
    for (let s = 0; s < slotCount; s++) waitingStart[s + 1] = waitingStart[s + 1]! + waitingStart[s]!;
    const waitingTasks = new Int32Array(waitingStart[slotCount]!);
    const next = waitingStart.slice(0, slotCount);
    for (let i = 0; i < tasks.length; i++) {
      const reads = tasks[i]!.readSlots;
      for (let j = 0; j < reads.length; j++) {
        const s = reads[j]!;
        if (producer[s] === -1) continue;
        const at = next[s]!;
        next[s] = at + 1;
        waitingTasks[at] = i;
      }
    }
    const ready: number[] = [];
    for (let i = 0; i < tasks.length; i++) if (pending[i] === 0) ready.push(i);
    return {
      slotCount, tasks, pending, ready: Int32Array.from(ready), waitingStart, waitingTasks,
      imports: Int32Array.from(this.#imports), itemSlot: this.itemSlot,
    };
  }
}

/** The block a value belongs to: a parallelizable's items belong to its own block. */
function blockScope(graph: Graph, id: number): number {
  return graph.nodes[id]!.options.mapReduce?.role === "parallelizable" ? id : graph.blocks.inner[id]!;
}
