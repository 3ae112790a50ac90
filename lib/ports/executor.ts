/**
 * The Executor port: where worker nodes (and, for executors that support
 * them, map/reduce items) run. Implementations live in executors/: in-process,
 * the Worker pool, the distributed one.
 *
 * @module
 */
import type { Cache } from "./cache.ts";

/** Where a node's code lives, so that another thread or process can load it. */
export interface NodeLocator {
  /** URL of the module that exports the node (file: URL). */
  readonly moduleUrl: string;
  /** The export that defines the node. */
  readonly exportName: string;
  /** The node's name (an export may define several nodes through modifiers). */
  readonly nodeName: string;
  /** Builder config, needed to rebuild nodes whose shape depends on it. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One node call to run somewhere. */
export interface ExecutorTask {
  readonly locator: NodeLocator;
  /** The function itself, for executors that run in this thread. */
  readonly fn: Function;
  /** "positional": `args` is an array; "object": `args` is the one object argument. */
  readonly style: "positional" | "object";
  readonly args: unknown;
  /** Buffers inside `args` that the caller no longer needs: they may be transferred, not copied. */
  readonly transfer: readonly ArrayBuffer[];
  /** Fires when the run no longer wants the result (failure elsewhere, cancellation, timeout). */
  readonly signal: AbortSignal;
  /**
   * Where the task ran, for executors that run it in another process or on another machine: called with
   * that worker's name (`host:pid` for `weft worker`) before the task settles. Absent when nobody asks
   * (no hook listens); executors that run tasks in this process never call it.
   */
  readonly ranOn?: (host: string) => void;
  /**
   * The cache key of the call, when the run caches it: equal keys are equal
   * work, so an executor may run them once for every caller (BullMQ: one job).
   */
  readonly key?: string;
}

/** One map item's block (the nodes between a parallelizable and its collect), to run whole elsewhere. */
export interface ExecutorBlock {
  /** The parallelizable whose item this is: its name carries the item in `inputs`. */
  readonly expand: string;
  /** The block's nodes, where each comes from (the executor rebuilds them from the same modules and config). */
  readonly nodes: readonly Omit<NodeLocator, "config">[];
  readonly config: Readonly<Record<string, unknown>>;
  /** What the block reads, by name: the item (under `expand`) and the values it imports from outside the block. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The nodes whose values come back: those the collect gathers, or every node of the block when the driver caches. */
  readonly outputs: readonly string[];
  /** Fires when the run no longer wants the item. */
  readonly signal: AbortSignal;
}

/** How one node of a block ended. */
export interface BlockNodeOutcome {
  readonly node: string;
  readonly ok: boolean;
  /** Milliseconds the node took. */
  readonly duration: number;
  /** The node's own error, when it failed. */
  readonly error?: unknown;
  /** Where it ran, when not in this process (`host:pid` for `weft worker`). */
  readonly host?: string;
}

/** What running a block gave: every node's outcome, and the gathered values when all went well. */
export interface BlockOutcome {
  /** The nodes that ran, in the order they ended (a node after a failure may not have run). */
  readonly nodes: readonly BlockNodeOutcome[];
  /** The values of `ExecutorBlock.outputs` by name; absent when a node failed. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** What the driver gives its executor at `init`, from its own settings. */
export interface ExecutorContext {
  /**
   * The driver's cache, when it has one: executors that move values to other
   * machines store large ones in its result store and pass their data version.
   */
  readonly cache?: Cache;
}

/**
 * Where tasks run. An executor bounds how many tasks it runs at once by its
 * own means (a pool's size, a queue's capacity): that limit alone governs
 * worker nodes, the engine's `withConcurrency` does not apply to them.
 */
export interface Executor {
  /** Shown in errors and run history ("in-process", "worker", ...). */
  readonly name: string;
  /**
   * Starts resources (workers, connections). Called once per driver, by
   * build(), with the URLs of the modules worker nodes come from, so that
   * executors running code elsewhere can load them up front, and with what
   * the driver has that an executor may use (its cache).
   */
  init(modules?: readonly string[], context?: ExecutorContext): Promise<void>;
  /** Runs a task; rejects with the node's error (its `kind` kept) or an executor failure. */
  submit(task: ExecutorTask): Promise<unknown>;
  /**
   * Runs a map item's whole block in one go, when the executor can (the
   * distributed one: one job per item, or per batch of small items, instead
   * of one per node). Only the gathered values come back. Rejects only for a
   * failure of the executor; a node's own error is in the outcome.
   */
  submitBlock?(block: ExecutorBlock): Promise<BlockOutcome>;
  /** Stops resources. Safe to call twice. */
  dispose(): Promise<void>;
}
