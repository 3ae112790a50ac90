/**
 * The cache as the engine uses it, per run: before a node is called, its key
 * (code version, the data versions of what it receives, the config that shaped
 * it) is looked up; after a miss the result is handed to the run, which stores
 * it in batches. Data versions travel with values, slot by slot, so a node's
 * key is built from what its producers already know; given values (inputs,
 * config, overrides, items) are fingerprinted once, when first needed. A
 * parameter left to a literal default (`k = 5`, read at build by params.ts)
 * contributes the data version of that value, so it shares the key of a call
 * that passes `k: 5`; any other default contributes {@link DEFAULT_INPUT}.
 * The engine sees it through the NodeInterceptor port (lib/ports/node-interceptor.ts).
 *
 * @module
 */
import type { Frame } from "./frame.ts";
import { CacheError } from "../errors.ts";
import type { NodeTask } from "./compile.ts";
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { CacheBehavior } from "../model/node-options.ts";
import type { KeyParts } from "../ports/metadata-store.ts";
import type { Cache, CacheRun, NodeCodeVersion, NodeLookup } from "../ports/cache.ts";
import { IGNORED, NodeKeys, type SlotReader, UNCACHEABLE } from "./node-keys.ts";
import type { NodeInterceptor, NodeOutcome } from "../ports/node-interceptor.ts";

export { IGNORED, UNCACHEABLE };

/** What the cache says about one node call. */
export type CacheDecision =
  | { readonly kind: "hit"; readonly value: unknown; readonly dataVersion: string }
  | { readonly kind: "miss"; readonly parts: KeyParts; readonly lookup: NodeLookup & { hit: false }; readonly reason: string; readonly key: string }
  | { readonly kind: "skip"; readonly version: typeof UNCACHEABLE | typeof IGNORED; readonly reason: string };

const HIT: NodeOutcome = Object.freeze({ status: "hit" });

/** Cache behaviour per graph node, the Builder's choice winning over the node's own. */
export function resolveBehaviors(graph: Graph, builder: BuilderCacheBehaviors): CacheBehavior[] {
  const pick = (list: true | readonly string[] | undefined, name: string) => list === true || (list !== undefined && list.includes(name));
  return graph.nodes.map((n) => {
    if (pick(builder.disable, n.name)) return "disable";
    if (pick(builder.recompute, n.name)) return "recompute";
    if (pick(builder.ignore, n.name)) return "ignore";
    return n.options.cache ?? "default";
  });
}

/** The behaviours a Builder sets for all nodes (`true`) or named ones. */
export interface BuilderCacheBehaviors {
  readonly recompute?: true | readonly string[];
  readonly disable?: true | readonly string[];
  readonly ignore?: true | readonly string[];
}

/** One run's use of the cache: hits skip the call, misses are stored. */
export class CacheInterceptor implements NodeInterceptor<CacheDecision> {
  readonly #keys: NodeKeys;
  #broken = false;
  /** The frame of the call being looked up, read through {@link CacheInterceptor.#slots} (one object per run, not per call). */
  #frame: Frame | undefined;
  readonly #slots: SlotReader = {
    versionOf: (slot) => this.versionOf(this.#frame!, slot),
    isUndefined: (slot) => this.#frame!.values[slot] === undefined,
  };

  constructor(
    readonly cache: Cache,
    readonly run: CacheRun,
    readonly graph: Graph,
    readonly behaviors: readonly CacheBehavior[],
    readonly config: Readonly<Record<string, unknown>>,
    /** Code version of each node by id, computed once at build (`undefined`: a manual version, or not a function). */
    readonly codeVersions: readonly (NodeCodeVersion | undefined)[],
  ) {
    this.#keys = new NodeKeys(cache, config, codeVersions);
  }

  /** The data version of a slot's value, fingerprinting given values on first use. */
  versionOf(frame: Frame, slot: number): string {
    const versions = this.#versionsOf(frame);
    let v = versions[slot];
    if (v === undefined) versions[slot] = v = this.#keys.versionOfValue(frame.values[slot]);
    return v;
  }

  /**
   * A frame's data versions, made when the cache first meets the frame: an
   * item's frame starts with the versions of the values it imports from its
   * parent (final by then: a block starts once the slots it reads are filled).
   */
  #versionsOf(frame: Frame): (string | undefined)[] {
    let versions = frame.versions;
    if (versions === undefined) {
      versions = frame.versions = new Array(frame.plan.slotCount);
      const parent = frame.block?.parent;
      if (parent !== undefined) {
        const from = this.#versionsOf(parent);
        const imports = frame.plan.imports;
        for (let k = 0; k < imports.length; k += 2) versions[imports[k]!] = from[imports[k + 1]!];
      }
    }
    return versions;
  }

  /** Looks a node call up, or says why it is not cached. */
  before(frame: Frame, task: NodeTask, computed?: { readonly value: unknown }): CacheDecision {
    const { node, argSlots } = task;
    const record = recordName(node, frame);
    const behavior = this.behaviors[node.id]!;
    if (behavior === "ignore") return { kind: "skip", version: IGNORED, reason: "its cache behaviour is \"ignore\"" };
    if (behavior === "disable" || this.#broken) {
      const reason = this.#broken ? "the cache failed earlier in this run" : "its cache behaviour is \"disable\"";
      this.run.uncacheable(record, reason, { warn: false });
      return { kind: "skip", version: UNCACHEABLE, reason };
    }
    this.#frame = frame;
    const key = this.#keys.partsOf(node, argSlots, record, this.#slots);
    // A run knows every value it reads: "pending" is a plan's answer only.
    if (key.kind !== "parts") return this.#uncacheable(record, key.kind === "uncacheable" ? key.reason : `input "${key.input}" has no data version`, key.kind === "uncacheable" && key.warn);
    const parts = key.parts;
    let found: NodeLookup;
    try {
      found = this.cache.lookup(parts);
    } catch (e) {
      // A database damaged mid-run shows up at the first query that reaches it: finish uncached.
      if (!(e instanceof CacheError)) throw e;
      this.#broken = true;
      return this.#uncacheable(record, e.message, true);
    }
    if (found.hit && behavior !== "recompute") {
      // Computed elsewhere to another value (a node that is not deterministic): what read it there is not
      // cached, since its key would name the stored value.
      if (computed !== undefined && this.#keys.versionOfValue(computed.value) !== found.dataVersion) {
        return this.#uncacheable(record, NOT_THE_CACHED_VALUE, false);
      }
      this.run.hit(record, found);
      return { kind: "hit", value: found.value, dataVersion: found.dataVersion };
    }
    const lookup = found.hit ? { hit: false as const, key: found.key, reason: RECOMPUTE_REASON } : found;
    return { kind: "miss", parts, lookup, reason: lookup.reason, key: lookup.key };
  }

  /** Records the data version of the node's value in the frame; on a miss, stores the value. */
  after(decision: CacheDecision, frame: Frame, task: NodeTask, value: unknown): NodeOutcome {
    const versions = this.#versionsOf(frame);
    if (decision.kind === "hit") {
      versions[task.out] = decision.dataVersion;
      return HIT;
    }
    if (decision.kind === "miss") {
      const dv = this.run.miss(decision.parts, decision.lookup, value);
      versions[task.out] = dv ?? UNCACHEABLE;
      return dv === undefined ? { status: "uncacheable", reason: "its result cannot be fingerprinted" } : { status: "miss", reason: decision.reason };
    }
    versions[task.out] = decision.version;
    return { status: "uncacheable", reason: decision.reason };
  }

  /**
   * Whether every node of the item's `frame` would hit: its tasks walked in dependency order, each key made
   * from the data versions the frame knows and those of the hits before it (as driver.plan does), probed.
   * Nothing is read or recorded; the frame's own versions are left as they were.
   */
  allHit(frame: Frame): boolean {
    if (this.#broken) return false;
    const plan = frame.plan;
    const known = this.#versionsOf(frame);
    const versions = known.slice();
    const computed = new Uint8Array(plan.slotCount);
    const undefinedVersion = this.#keys.versionOfValue(undefined);
    const slots: SlotReader = {
      versionOf: (slot) => {
        let v = versions[slot];
        if (v === undefined) known[slot] = versions[slot] = v = this.#keys.versionOfValue(frame.values[slot]);
        return v;
      },
      isUndefined: (slot) => (computed[slot] === 1 ? versions[slot] === undefinedVersion : frame.values[slot] === undefined),
    };
    const pending = plan.pending.slice();
    const queue = Array.from(plan.ready);
    return this.cache.reading(() => {
      for (let i = 0; i < queue.length; i++) {
        const task = plan.tasks[queue[i]!]!;
        if (task.kind !== "node" || this.behaviors[task.node.id] !== "default") return false;
        const key = this.#keys.partsOf(task.node, task.argSlots, recordName(task.node, frame), slots);
        if (key.kind !== "parts") return false;
        let found;
        try {
          found = this.cache.probe(key.parts);
        } catch (e) {
          if (e instanceof CacheError) return false;
          throw e;
        }
        if (!found.hit) return false;
        versions[task.out] = found.dataVersion;
        computed[task.out] = 1;
        for (let w = plan.waitingStart[task.out]!; w < plan.waitingStart[task.out + 1]!; w++) {
          const t = plan.waitingTasks[w]!;
          if ((pending[t] = pending[t]! - 1) === 0) queue.push(t);
        }
      }
      return queue.length === plan.tasks.length;
    });
  }

  /** A slot holds a keep-going run's sentinel: whatever it fingerprints as, readers are not cached. */
  failed(frame: Frame, slot: number): void {
    this.#versionsOf(frame)[slot] = UNCACHEABLE;
  }

  /** Writes what is pending; called when the run ends, however it ended. */
  finish(): void {
    this.run.finish();
  }

  #uncacheable(record: string, reason: string, warn: boolean): CacheDecision {
    this.run.uncacheable(record, reason, { warn });
    return { kind: "skip", version: UNCACHEABLE, reason };
  }
}

/** Why a node that a block job computed to another value than its cached one is not cached in that run. */
export const NOT_THE_CACHED_VALUE = "the executor computed it to another value than the cached one (is the node deterministic?)";

/** Why a node whose result is cached runs again: its behaviour is "recompute". */
export const RECOMPUTE_REASON = "recomputed on request (cache behaviour \"recompute\")";

/** The name a node call is recorded under: the node, and for map/reduce items its item indexes (`words[3]`). */
export function recordName(node: GraphNode, frame: Frame): string {
  if (frame.block === undefined) return node.name;
  return node.name + frame.itemPath().map((i) => `[${i.index}]`).join("");
}
