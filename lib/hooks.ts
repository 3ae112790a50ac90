/**
 * Lifecycle hooks: the seam for watching a build and its runs. They are
 * called in Hamilton's order — build start and end; then per run: graph
 * start, each task's start, each node's start and end (ok or failed), the
 * task's end, an expansion's end for each parallelizable, graph end with
 * success or the error. A hook that returns a promise is awaited: the build
 * and graph hooks before the next step, the task, node and expansion hooks
 * before the run ends (they do not hold the node back). With no hooks
 * registered the engine skips all of this work.
 *
 * @module
 */
import type { ItemRef } from "./errors.ts";
import type { Graph } from "./graph/graph.ts";
import type { Tags } from "./model/node-options.ts";

/**
 * What a hook method returns: nothing, or a promise, which the build or run
 * awaits. Typed `void` so that any function fits (an `async` method, an arrow
 * that returns what `push` returns).
 */
export type HookResult = void;

/** Passed to {@link Hook.afterBuild} (Hamilton's `post_graph_construct`). */
export interface BuildEndEvent {
  readonly graph: Graph;
  /** The modules the graph was built from, by name. */
  readonly modules: readonly { readonly name: string; readonly exports: Readonly<Record<string, unknown>> }[];
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * What a task is (Hamilton's `NodeGroupPurpose`): one node (`"single"`), a
 * parallelizable producing its items (`"expand"`), one item's whole block
 * (`"block"`), or a node that collects a block's values (`"gather"`).
 */
export type TaskPurpose = "single" | "expand" | "block" | "gather";

/** Passed to {@link Hook.beforeTask}. */
export interface TaskStartEvent {
  readonly runId: string;
  /**
   * `"<node>"` for a node of its own, `"expand-<node>"` for a parallelizable, `"collect-<node>"` for a
   * collect, `"block-<parallelizable>.<index>"` for a map item (prefixed by the enclosing item's id, then
   * "/", inside nested blocks).
   */
  readonly taskId: string;
  /** For a map item: the id of the task that expanded it (`"expand-<node>"`, or the enclosing item's). */
  readonly spawningTaskId: string | undefined;
  /** The nodes the task runs: one, or every node of an item's block in the order they are planned. */
  readonly nodes: readonly string[];
  readonly purpose: TaskPurpose;
  /** The map/reduce items the task runs for, outermost first (empty outside blocks). */
  readonly items: readonly ItemRef[];
  /** Epoch milliseconds. */
  readonly start: number;
}

/** Passed to {@link Hook.afterTask}. */
export interface TaskEndEvent extends TaskStartEvent {
  readonly success: boolean;
  /** What failed the task (the node's error); undefined when it succeeded. */
  readonly error?: unknown;
  /** Milliseconds. */
  readonly duration: number;
}

/** Passed to {@link Hook.afterExpand} once a parallelizable's items ran out (Hamilton's `post_task_expand`). */
export interface ExpandEvent {
  readonly runId: string;
  /** The parallelizable. */
  readonly node: string;
  /** How many items it produced. */
  readonly items: number;
  /** The task id of each item, in item order. */
  readonly taskIds: readonly string[];
  /** The task that expanded them. */
  readonly taskId: string;
}

/** Passed to {@link Hook.beforeGraph}. */
export interface GraphStartEvent {
  readonly runId: string;
  readonly outputs: readonly string[];
  /** Names of the function nodes this run will compute. */
  readonly nodes: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds. */
  readonly start: number;
}

/** Passed to {@link Hook.afterGraph}. */
export interface GraphEndEvent {
  readonly runId: string;
  readonly outputs: readonly string[];
  readonly success: boolean;
  /**
   * The run was cancelled (the caller's signal aborted, or its Effect was
   * interrupted) rather than failed; `error` is then the signal's reason.
   */
  readonly cancelled: boolean;
  readonly results?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
  readonly start: number;
  /** Milliseconds. */
  readonly duration: number;
}

/** Passed to {@link Hook.beforeNode}. */
export interface NodeStartEvent {
  readonly runId: string;
  readonly node: string;
  readonly tags: Tags;
  /** The values the node receives, by parameter name. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds. */
  readonly start: number;
  /** Where the node runs: "in-process", or the executor's name for worker nodes ("worker", ...). */
  readonly executor: string;
  /** The map/reduce items the node runs for, outermost first (empty outside blocks). */
  readonly items: readonly ItemRef[];
}

/** Passed to {@link Hook.afterNode}. */
export interface NodeEndEvent extends NodeStartEvent {
  readonly success: boolean;
  /** When the cache is on: hit, miss (and why) or uncacheable (and why); a failed node: miss or uncacheable, "not stored (failed)". */
  readonly cache?: { readonly status: "hit" | "miss" | "uncacheable"; readonly reason?: string };
  readonly result?: unknown;
  readonly error?: unknown;
  /** Milliseconds. */
  readonly duration: number;
  /**
   * Where the node ran when its executor ran it in another process or on another machine: the worker's name
   * (`host:pid` for `weft worker`). Absent: it ran in this process (or its worker threads), or was a cache hit.
   */
  readonly host?: string;
}

/**
 * A lifecycle hook. Every method is optional, sync or async (a returned
 * promise is awaited, see the module doc); an exception thrown by a hook, or
 * a rejected promise, fails the build or the run with a `HookError` that names
 * the hook (its `name`, or its place in `withHooks`) and the method.
 *
 * @example
 * ```ts
 * const timings: Hook = {
 *   afterNode: (e) => console.log(`${e.node}: ${e.duration.toFixed(1)} ms`),
 * };
 * const dr = await new Builder().withModules(flow).withHooks(timings).build();
 * ```
 */
export interface Hook {
  /** Named in a `HookError` when a method fails. */
  readonly name?: string;
  /** Before the graph is built (Hamilton's `pre_do_anything`); also before each rebuild of `driver.watch`. */
  beforeBuild?(): HookResult;
  /** After the graph is built and validated (Hamilton's `post_graph_construct`). */
  afterBuild?(event: BuildEndEvent): HookResult;
  beforeGraph?(event: GraphStartEvent): HookResult;
  beforeTask?(event: TaskStartEvent): HookResult;
  beforeNode?(event: NodeStartEvent): HookResult;
  afterNode?(event: NodeEndEvent): HookResult;
  afterTask?(event: TaskEndEvent): HookResult;
  afterExpand?(event: ExpandEvent): HookResult;
  afterGraph?(event: GraphEndEvent): HookResult;
}

/** Every method a {@link Hook} may have: `withHooks` checks each is a function. */
export const HOOK_METHODS: readonly (Exclude<keyof Hook, "name">)[] = [
  "beforeBuild", "afterBuild", "beforeGraph", "beforeTask", "beforeNode", "afterNode", "afterTask", "afterExpand", "afterGraph",
];

/** A clock for hook timestamps; a port so tests can inject one. */
export interface Clock {
  /** Epoch milliseconds, sub-millisecond where the platform allows. */
  now(): number;
}

/** The time origin, read once: a constant of the process, and reading it cost more than `performance.now()` itself. */
const timeOrigin = performance.timeOrigin;

/** The default clock: `performance.timeOrigin + performance.now()` (web standard, every runtime has it). */
export const systemClock: Clock = {
  now: () => timeOrigin + performance.now(),
};
