/**
 * The NodeInterceptor port: what the engine asks before and after each node
 * call of a run. Before: a hit, whose value stands in for the call (the node
 * is not called), or a decision to compute. After a node ends with a value
 * (a hit included): how the interceptor treated it, for `afterNode` hooks. The
 * cache is the implementation (lib/engine/cache-interceptor.ts); the engine
 * knows only this port. A failed node is not reported: it stores nothing.
 *
 * @module
 */
import type { NodeTask } from "../engine/compile.ts";
import type { Frame } from "../engine/frame.ts";

/** The value stands in for the call: the node is not called. */
export interface InterceptedHit {
  readonly kind: "hit";
  readonly value: unknown;
}

/** The node must be called; the decision is handed back to {@link NodeInterceptor.after}. */
export interface InterceptedCall {
  readonly kind: "miss" | "skip";
  /**
   * The key of the work (the cache key), when known: a worker node's task
   * carries it, so that an executor can share one computation between callers
   * that ask for the same work (see `ExecutorTask.key`).
   */
  readonly key?: string;
}

/** What {@link NodeInterceptor.before} decided. */
export type Interception = InterceptedHit | InterceptedCall;

/** How the interceptor treated a call, reported to `afterNode` hooks as `cache`. */
export interface NodeOutcome {
  readonly status: "hit" | "miss" | "uncacheable";
  readonly reason?: string;
}

/** The reason reported with a failed node's outcome when the cache was asked: a failure stores nothing. */
export const NOT_STORED_FAILED = "not stored (failed)";

/** One run's interceptor: called for every node task of every frame. */
export interface NodeInterceptor<D extends Interception = Interception> {
  /**
   * Before the call of `task` in `frame`, while the frame still holds the arguments. `computed`: the call was
   * already made elsewhere (a block job), with this value; a hit that stored another value is no hit then (what
   * read the value elsewhere read this one), and the interceptor says why.
   */
  before(frame: Frame, task: NodeTask, computed?: { readonly value: unknown }): D;
  /** After the call (or the hit) produced `value` for `task`'s slot. */
  after(decision: D, frame: Frame, task: NodeTask, value: unknown): NodeOutcome;
  /**
   * Keep-going runs: `slot` of `frame` holds the run's sentinel in place of a value (its node failed or was
   * skipped). A node that reads it (one that accepts error sentinels) must not be cached.
   */
  failed?(frame: Frame, slot: number): void;
  /**
   * Whether every node task of `frame` (an item's frame, its tasks in dependency order) would be a hit, found
   * with the cache's probes (no result read, nothing recorded): the engine then runs the item here rather than
   * send its block to the executor (remote-block.ts). Absent: the interceptor cannot tell, and blocks stay here.
   */
  allHit?(frame: Frame): boolean;
}
