/**
 * The worker side of a block job: runs one map item's whole block (the nodes
 * between a parallelizable and its collect) with the engine, through a small
 * driver over exactly the block's exports (so its nodes are plain nodes, fed
 * by the item and the imported values as inputs), and reports every node's
 * outcome and the gathered values. The driver is made by the composition
 * root (`weft worker`), which alone knows the Builder; drivers are kept per
 * block shape and config, one per job in flight, since each collects the
 * outcomes of the run it is doing.
 *
 * @module
 */
import type { Hook } from "../lib/hooks.ts";
import type { BlockNodeOutcome, BlockOutcome } from "../lib/ports/executor.ts";

/** A module as the block's driver takes it: the block's exports only. */
export interface BlockModule {
  readonly name: string;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly url: string;
}

/** A driver over a block's modules, as the composition root builds it. */
export interface BlockDriver {
  execute(outputs: readonly string[], inputs: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Builds a {@link BlockDriver} whose runs report their nodes to `hook`. */
export type BlockDriverFactory = (modules: readonly BlockModule[], config: Readonly<Record<string, unknown>>, hook: Hook) => Promise<BlockDriver>;

interface Pooled {
  readonly driver: BlockDriver;
  /** The outcomes of the run in flight on it. */
  outcomes: BlockNodeOutcome[];
}

/** Drivers of block shapes, reused across jobs. */
export class BlockRunner {
  readonly #factory: BlockDriverFactory;
  readonly #idle = new Map<string, Pooled[]>();
  readonly #all: Pooled[] = [];

  constructor(factory: BlockDriverFactory) {
    this.#factory = factory;
  }

  /**
   * Runs the block of `shape` (a key naming its modules, nodes and config) once, on `inputs`.
   * Never rejects for a node's error: it is in the outcome.
   */
  async run(
    shape: string, make: () => { modules: readonly BlockModule[]; config: Readonly<Record<string, unknown>> },
    outputs: readonly string[], inputs: Readonly<Record<string, unknown>>, signal: AbortSignal,
  ): Promise<BlockOutcome> {
    const pooled = this.#idle.get(shape)?.pop() ?? (await this.#make(make));
    pooled.outcomes = [];
    try {
      const values = await pooled.driver.execute(outputs, inputs, signal);
      return { nodes: pooled.outcomes, values };
    } catch (e) {
      // The node's own failure is in the outcomes (afterNode saw it); anything else is the block's.
      if (pooled.outcomes.some((o) => !o.ok)) return { nodes: pooled.outcomes };
      throw e;
    } finally {
      let idle = this.#idle.get(shape);
      if (idle === undefined) this.#idle.set(shape, (idle = []));
      idle.push(pooled);
    }
  }

  async #make(make: () => { modules: readonly BlockModule[]; config: Readonly<Record<string, unknown>> }): Promise<Pooled> {
    const { modules, config } = make();
    let self: Pooled | undefined;
    const hook: Hook = {
      name: "weft worker block outcomes",
      afterNode: (e) => void self?.outcomes.push(e.success ? { node: e.node, ok: true, duration: e.duration } : { node: e.node, ok: false, duration: e.duration, error: e.error }),
    };
    const driver = await this.#factory(modules, config, hook);
    self = { driver, outcomes: [] };
    this.#all.push(self);
    return self;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#all.map((p) => p.driver.close()));
  }
}
