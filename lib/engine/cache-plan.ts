/**
 * What a run would do with the cache, found without running it: the frames
 * of a {@link Plan} walked in dependency order as the engine would start
 * their tasks, each node's key made as the run makes it (node-keys.ts) from
 * the data versions known before the run — given values, and the stored
 * versions of hits — and probed, reading no result. Below a miss a value is
 * {@link PENDING}: the node may still hit if the miss recomputes to the same
 * value (early cut-off), so it is "pending", not "miss". A map/reduce block
 * whose items are known (given, or a hit whose result is read) is walked item
 * by item, as the run records it (`counted[3]`); otherwise once for all its
 * items, every node pending (`counted[*]`). Nothing is called and nothing is written.
 *
 * @module
 */
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { CacheBehavior } from "../model/node-options.ts";
import type { ItemRef } from "../errors.ts";
import type { Cache, NodeCodeVersion } from "../ports/cache.ts";
import type { BlockTask, CompiledFrame, NodeTask } from "./compile.ts";
import { RECOMPUTE_REASON } from "./cache-interceptor.ts";
import { IGNORED, NodeKeys, PENDING, type SlotReader, UNCACHEABLE } from "./node-keys.ts";
import type { Plan } from "./planner.ts";

/** What a run would do with one node (or one item of a map/reduce node). */
export type PlanStatus = "hit" | "miss" | "pending" | "uncacheable" | "disabled" | "recompute";

/** One node call the run would make, dependencies first. */
export interface PlannedCall {
  /** As the cache records it: the node's name, with item indexes inside map/reduce blocks (`counted[3]`). */
  readonly node: string;
  readonly status: PlanStatus;
  /** Why (every status but "hit"), in the words of `explain`. */
  readonly reason?: string;
  /** The stored data version a hit reuses. */
  readonly dataVersion?: string;
  /** Indexes (in the list) of the calls whose values this one reads. */
  readonly after: readonly number[];
  /** The graph node. */
  readonly graphNode: GraphNode;
}

/** What the walk needs besides the plan. */
export interface CachePlanContext {
  /** `undefined` when the driver has no cache: every node is computed. */
  readonly cache: Cache | undefined;
  readonly behaviors: readonly CacheBehavior[];
  readonly codeVersions: readonly (NodeCodeVersion | undefined)[];
  readonly config: Readonly<Record<string, unknown>>;
}

/** A slot whose value is not in hand: a hit's result is read when a block needs it. */
const NOT_READ: unique symbol = Symbol("not read");
/** A slot whose value cannot be known before the run. */
const UNKNOWN: unique symbol = Symbol("unknown");

/** The item index of a walk that stands for every item of a block whose items are not known. */
const ALL_ITEMS = -1;

/** Why a node of a block whose items are not known yet is pending. */
function itemsUnknown(block: string): string {
  return `runs once per item of "${block}", whose items are not known before the run`;
}

/** The calls a run of `plan` would make, with what the cache would do for each. */
export function planCacheUse(plan: Plan, ctx: CachePlanContext): PlannedCall[] {
  const walk = new Walk(plan.graph, ctx);
  const values: unknown[] = plan.values.slice();
  const slots = plan.frame.slotCount;
  for (let s = 0; s < slots; s++) if (plan.given[s] !== 1) values[s] = UNKNOWN;
  const run = () => walk.frame(plan.frame, values, new Array(slots), Array.from({ length: slots }, () => []), []);
  if (ctx.cache === undefined) run();
  else ctx.cache.reading(run);
  return walk.calls;
}

class Walk {
  readonly calls: PlannedCall[] = [];
  readonly #keys: NodeKeys | undefined;
  /** The block whose items are not known, while its nodes are walked once for all items. */
  #unknownItems: string | undefined;
  /** The data version of `undefined`: an optional parameter given a hit's `undefined` takes its default. */
  readonly #undefinedVersion: string | undefined;

  constructor(readonly graph: Graph, readonly ctx: CachePlanContext) {
    this.#keys = ctx.cache === undefined ? undefined : new NodeKeys(ctx.cache, ctx.config, ctx.codeVersions);
    this.#undefinedVersion = this.#keys?.versionOfValue(undefined);
  }

  /**
   * Walks one frame: tasks in the order the engine could start them.
   * `values[s]` is the value, {@link NOT_READ} (a hit) or {@link UNKNOWN};
   * `versions[s]` the data version once known; `producers[s]` the calls that fill `s`.
   */
  frame(frame: CompiledFrame, values: unknown[], versions: (string | undefined)[], producers: number[][], path: readonly ItemRef[]): void {
    const pending = frame.pending.slice();
    const queue = Array.from(frame.ready);
    const reader = this.#reader(values, versions);
    for (let i = 0; i < queue.length; i++) {
      const task = frame.tasks[queue[i]!]!;
      const filled = task.kind === "node" ? [this.#node(task, values, versions, producers, reader, path)] : this.#block(task, values, versions, producers, reader, path);
      for (const s of filled) {
        for (let w = frame.waitingStart[s]!; w < frame.waitingStart[s + 1]!; w++) {
          const t = frame.waitingTasks[w]!;
          if ((pending[t] = pending[t]! - 1) === 0) queue.push(t);
        }
      }
    }
  }

  #reader(values: unknown[], versions: (string | undefined)[]): SlotReader {
    return {
      versionOf: (slot) => {
        let v = versions[slot];
        if (v === undefined) {
          const value = values[slot];
          versions[slot] = v = value === UNKNOWN ? PENDING : this.#keys!.versionOfValue(value);
        }
        return v;
      },
      isUndefined: (slot) => (values[slot] === NOT_READ ? versions[slot] === this.#undefinedVersion : values[slot] === undefined),
    };
  }

  #push(call: PlannedCall): number {
    this.calls.push(call);
    return this.calls.length - 1;
  }

  /** Plans one node call; returns the slot it fills. */
  #node(task: NodeTask, values: unknown[], versions: (string | undefined)[], producers: number[][], reader: SlotReader, path: readonly ItemRef[]): number {
    const { node, argSlots, readSlots, out } = task;
    const after = [...new Set(Array.from(readSlots, (s) => producers[s]!).flat())];
    const record = node.name + path.map((i) => (i.index === ALL_ITEMS ? "[*]" : `[${i.index}]`)).join("");
    const base = { node: record, after, graphNode: node };
    const set = (status: PlanStatus, version: string, reason?: string, dataVersion?: string) => {
      versions[out] = version;
      values[out] = dataVersion === undefined ? UNKNOWN : NOT_READ;
      producers[out] = [this.#push({ ...base, status, ...(reason === undefined ? {} : { reason }), ...(dataVersion === undefined ? {} : { dataVersion }) })];
      return out;
    };
    const keys = this.#keys;
    if (keys === undefined) return set("uncacheable", UNCACHEABLE, "the driver has no cache (withCache() was not called)");
    const behavior = this.ctx.behaviors[node.id]!;
    if (behavior === "ignore") return set("uncacheable", IGNORED, "its cache behaviour is \"ignore\"");
    if (behavior === "disable") return set("disabled", UNCACHEABLE, "its cache behaviour is \"disable\"");
    const key = keys.partsOf(node, argSlots, record, reader);
    if (key.kind === "uncacheable") return set("uncacheable", UNCACHEABLE, key.reason);
    if (behavior === "recompute") return set("recompute", PENDING, RECOMPUTE_REASON);
    if (this.#unknownItems !== undefined) return set("pending", PENDING, itemsUnknown(this.#unknownItems));
    if (key.kind === "pending") return set("pending", PENDING, `a hit if input "${key.input}" comes out the same`);
    const found = this.ctx.cache!.probe(key.parts);
    return found.hit ? set("hit", found.dataVersion, undefined, found.dataVersion) : set("miss", PENDING, found.reason);
  }

  /** Plans a map/reduce block: item by item when its items are known, else once for all; returns the slots it fills. */
  #block(task: BlockTask, values: unknown[], versions: (string | undefined)[], producers: number[][], reader: SlotReader, path: readonly ItemRef[]): Int32Array {
    const child = task.child;
    const enter = (item: unknown, index: number) => {
      const cv: unknown[] = new Array(child.slotCount).fill(UNKNOWN);
      const cver: (string | undefined)[] = new Array(child.slotCount);
      const cprod: number[][] = Array.from({ length: child.slotCount }, () => []);
      for (let k = 0; k < child.imports.length; k += 2) {
        const here = child.imports[k]!;
        const there = child.imports[k + 1]!;
        cv[here] = values[there];
        cver[here] = versions[there];
        cprod[here] = producers[there]!;
      }
      cv[child.itemSlot] = item;
      cprod[child.itemSlot] = producers[task.itemsSlot]!;
      this.frame(child, cv, cver, cprod, [...path, { node: task.node.name, index }]);
      return { cv, cver, cprod };
    };
    const items = this.#items(task, values, versions, reader);
    if (items === undefined) {
      // One walk for all items, every node pending: its calls stand for each item's (`counted[*]`).
      const outer = this.#unknownItems;
      this.#unknownItems ??= task.node.name;
      const { cprod } = enter(UNKNOWN, ALL_ITEMS);
      this.#unknownItems = outer;
      task.outs.forEach((slot, j) => {
        versions[slot] = task.stream[j] === 1 ? UNCACHEABLE : PENDING;
        values[slot] = UNKNOWN;
        producers[slot] = cprod[task.gather[j]!]!;
      });
      return task.outs;
    }
    const gathered = Array.from(task.gather, () => ({ values: [] as unknown[], known: true, from: [] as number[] }));
    items.forEach((item, index) => {
      const { cv, cver, cprod } = enter(item, index);
      task.gather.forEach((slot, j) => {
        const g = gathered[j]!;
        g.from.push(...cprod[slot]!);
        if (!g.known) return;
        const value = this.#valueOf(cv[slot], cver[slot]);
        if (value === UNKNOWN) g.known = false;
        else g.values.push(value);
      });
    });
    task.outs.forEach((slot, j) => {
      const g = gathered[j]!;
      producers[slot] = g.from;
      // A streamed collect gets an async iterable, which has no data version: the run does not cache its reader.
      if (task.stream[j] === 1) {
        versions[slot] = UNCACHEABLE;
        values[slot] = UNKNOWN;
      } else if (g.known) {
        values[slot] = g.values;
        versions[slot] = undefined; // fingerprinted as the run does: the gathered array
      } else {
        versions[slot] = PENDING;
        values[slot] = UNKNOWN;
      }
    });
    return task.outs;
  }

  /** A block's items when they are known before the run: a given value, or a hit whose result reads back. */
  #items(task: BlockTask, values: unknown[], versions: (string | undefined)[], reader: SlotReader): unknown[] | undefined {
    if (this.#keys === undefined) return undefined;
    reader.versionOf(task.itemsSlot);
    const value = this.#valueOf(values[task.itemsSlot], versions[task.itemsSlot]);
    if (value === UNKNOWN || value === null || typeof value !== "object" || typeof (value as Iterable<unknown>)[Symbol.iterator] !== "function") return undefined;
    return Array.from(value as Iterable<unknown>);
  }

  /** A slot's value, reading a hit's result from the cache; {@link UNKNOWN} when it cannot be had. */
  #valueOf(value: unknown, version: string | undefined): unknown {
    if (value !== NOT_READ) return value;
    if (version === undefined || version.startsWith("\u0000")) return UNKNOWN;
    const read = this.ctx.cache!.result(version);
    return read === undefined ? UNKNOWN : read.value;
  }
}
