/**
 * Lifecycle hooks: the one extension seam of a run. They are called in
 * Hamilton's order — graph start, then for each node its start and its end
 * (ok or failed), then graph end with success or the error. With no hooks
 * registered the engine skips all of this work.
 *
 * @module
 */
import type { ItemRef } from "./errors.ts";
import type { Tags } from "./model/node-options.ts";

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
}

/**
 * A lifecycle hook. Every method is optional and synchronous; an exception
 * thrown by a hook fails the run.
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
  beforeGraph?(event: GraphStartEvent): void;
  beforeNode?(event: NodeStartEvent): void;
  afterNode?(event: NodeEndEvent): void;
  afterGraph?(event: GraphEndEvent): void;
}

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
