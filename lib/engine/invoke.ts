/**
 * Calling one node: its arguments from a frame's slots, the call itself (in
 * this thread or through the executor), the Effect form used for timeouts,
 * retries and concurrency limits, and the node hook events.
 *
 * @module
 */
import { Cause, Effect, Exit, Schedule, type Semaphore } from "effect";
import { TimeoutError } from "../errors.ts";
import type { NodeTask } from "./compile.ts";
import type { GraphNode } from "../graph/graph.ts";
import type { ItemRef } from "../errors.ts";
import type { CacheOutcome } from "./cache-interceptor.ts";
import type { Clock, Hook, NodeEndEvent, NodeStartEvent } from "../hooks.ts";
import type { RetryPolicy } from "../model/node.ts";
import { setOwn } from "../own-property.ts";
import { SIGNAL_PARAM } from "../model/params.ts";
import type { Executor } from "../ports/executor.ts";
import { transferableBuffers } from "../structured-clone.ts";

/** What calling a node needs from its run. */
export interface CallContext {
  readonly runId: string;
  readonly clock: Clock;
  /** Builder config: worker nodes need it to rebuild config-dependent nodes. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Where worker nodes run. */
  readonly executor: Executor | undefined;
}

/** Runs an Effect to completion and reports its outcome; never fails itself. */
export function settle(effect: Effect.Effect<unknown, unknown>, done: (ok: boolean, value: unknown) => void): Effect.Effect<void> {
  return Effect.exit(effect).pipe(
    Effect.map((exit) => {
      if (Exit.isSuccess(exit)) done(true, exit.value);
      else done(false, causeToError(exit.cause));
    }),
  );
}

function causeToError(cause: Cause.Cause<unknown>): unknown {
  if (Cause.hasFails(cause) || Cause.hasDies(cause)) return Cause.squash(cause);
  return new Error("The node's effect was interrupted");
}

/** A node as an Effect: each attempt calls the function with a fresh AbortSignal that fires on interruption. */
export function fiberNode(
  node: GraphNode, args: unknown, semaphore: Semaphore.Semaphore | undefined, ctx: CallContext, transfer: readonly ArrayBuffer[],
  pools: readonly Semaphore.Semaphore[] = [],
): Effect.Effect<unknown, unknown> {
  const worker = node.options.worker === true;
  let effect: Effect.Effect<unknown, unknown> = Effect.callback<unknown, unknown>((resume, signal) => {
    if (!worker) setSignal(node, args, signal);
    let result: unknown;
    try {
      result = worker ? submit(ctx, node, args, transfer, signal) : call(node, args);
    } catch (e) {
      resume(Effect.fail(e));
      return;
    }
    if (Effect.isEffect(result)) resume(result as Effect.Effect<unknown, unknown>);
    else if (result !== null && typeof result === "object" && typeof (result as PromiseLike<unknown>).then === "function") {
      (result as PromiseLike<unknown>).then(
        (v) => resume(Effect.succeed(v)),
        (e) => resume(Effect.fail(e)),
      );
    } else resume(Effect.succeed(result));
  });
  const { timeout, retry } = node.options;
  if (timeout !== undefined) {
    effect = Effect.timeoutOrElse(effect, {
      duration: timeout,
      orElse: () => Effect.fail(new TimeoutError(node.name, timeout)),
    });
  }
  if (retry !== undefined) effect = Effect.retry(effect, retryOptions(retry));
  // The run's own limit is taken first, then the pools in name order (see resource-pools.ts): no two nodes wait on each other.
  for (let i = pools.length - 1; i >= 0; i--) effect = pools[i]!.withPermits(1)(effect);
  if (semaphore !== undefined) effect = semaphore.withPermits(1)(effect);
  return effect;
}

function retryOptions(policy: RetryPolicy): { times?: number; schedule?: Schedule.Schedule<unknown, unknown> } {
  if (typeof policy === "number") return { times: policy };
  if (Schedule.isSchedule(policy)) return { schedule: policy as Schedule.Schedule<unknown, unknown> };
  const { times, delay, factor } = policy;
  return delay === undefined ? { times } : { times, schedule: Schedule.exponential(delay, factor ?? 2) as Schedule.Schedule<unknown, unknown> };
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * Arguments for a call, read from a frame's slots: an array (positional form)
 * or an object (destructured form). Slot -1 leaves the parameter to its
 * default. Worker nodes get no signal here: the worker supplies its own.
 */
export function buildArgs(task: NodeTask, values: readonly unknown[], signal: AbortSignal | undefined): unknown {
  const { node, argSlots } = task;
  if (node.style === "positional") {
    if (argSlots.length === 0 && (node.signalIndex < 0 || signal === undefined)) return NO_ARGS;
    const args = new Array(node.signalIndex >= 0 ? argSlots.length + 1 : argSlots.length);
    for (let j = 0; j < argSlots.length; j++) {
      const s = argSlots[j]!;
      args[j] = s === -1 ? undefined : values[s];
    }
    if (node.signalIndex >= 0 && signal !== undefined) args[node.signalIndex] = signal;
    return args;
  }
  // Every parameter is an own property, `undefined` for one left to its default: an optional
  // `{ constructor = 1 }` must get its default, not `Object` from the prototype. (A null-prototype
  // object would do too, but costs 10-20x more per call on V8.)
  const args: Record<string, unknown> = {};
  const deps = node.deps;
  for (let j = 0; j < argSlots.length; j++) {
    const s = argSlots[j]!;
    const name = deps[j]!.name;
    if (name === "__proto__") setOwn(args, name, s === -1 ? undefined : values[s]);
    else args[name] = s === -1 ? undefined : values[s];
  }
  if (node.signalIndex >= 0 && signal !== undefined) args[SIGNAL_PARAM] = signal;
  return args;
}

export const NO_BUFFERS: readonly ArrayBuffer[] = Object.freeze([]);

/** Sends a worker node to the executor. */
export function submit(ctx: CallContext, node: GraphNode, args: unknown, transfer: readonly ArrayBuffer[], signal: AbortSignal): Promise<unknown> {
  const locator = { moduleUrl: node.moduleUrl!, exportName: node.exportName, nodeName: node.name, config: ctx.config };
  return ctx.executor!.submit({ locator, fn: node.fn!, style: node.style, args, transfer, signal });
}

/**
 * Buffers in the arguments whose value no other pending node (nor the caller)
 * will read. Only values computed in this run qualify: inputs, overrides and
 * config belong to the caller, who may still use them.
 */
export function lastReaderBuffers(task: NodeTask, args: unknown, refs: Int32Array, computed: (slot: number) => boolean): readonly ArrayBuffer[] {
  const { node, argSlots } = task;
  let out: ArrayBuffer[] | undefined;
  for (let j = 0; j < argSlots.length; j++) {
    const s = argSlots[j]!;
    if (s === -1 || refs[s] !== 0 || !computed(s)) continue;
    const value = node.style === "object" ? (args as Record<string, unknown>)[node.deps[j]!.name] : (args as unknown[])[j];
    const buffers = transferableBuffers(value);
    if (buffers.length > 0) (out ??= []).push(...buffers);
  }
  return out === undefined ? NO_BUFFERS : [...new Set(out)];
}

function setSignal(node: GraphNode, args: unknown, signal: AbortSignal): void {
  if (node.signalIndex < 0) return;
  if (node.style === "positional") (args as unknown[])[node.signalIndex] = signal;
  else (args as Record<string, unknown>)[SIGNAL_PARAM] = signal;
}

export function call(node: GraphNode, args: unknown): unknown {
  const fn = node.fn as (...a: unknown[]) => unknown;
  if (node.style === "object") return fn(args);
  const a = args as unknown[];
  switch (a.length) {
    case 0: return fn();
    case 1: return fn(a[0]);
    case 2: return fn(a[0], a[1]);
    case 3: return fn(a[0], a[1], a[2]);
    default: return fn(...a);
  }
}

/** Calls `beforeNode` hooks; returns the event, which `afterNode` completes. */
export function beforeNode(
  hooks: readonly Hook[], ctx: CallContext, node: GraphNode, args: unknown, items: readonly ItemRef[],
): NodeStartEvent {
  const event: NodeStartEvent = {
    runId: ctx.runId, node: node.name, tags: node.tags, inputs: namedInputs(node, args), start: ctx.clock.now(),
    executor: node.options.worker ? ctx.executor?.name ?? "worker" : "in-process", items,
  };
  for (const h of hooks) h.beforeNode?.(event);
  return event;
}

/** Calls `afterNode` hooks with the outcome. */
export function afterNode(
  hooks: readonly Hook[], ctx: CallContext, start: NodeStartEvent, success: boolean, outcome: unknown, cache?: CacheOutcome,
): void {
  const duration = ctx.clock.now() - start.start;
  const base = cache === undefined ? { ...start, duration, success } : { ...start, duration, success, cache };
  const event: NodeEndEvent = success ? { ...base, result: outcome } : { ...base, error: outcome };
  for (const h of hooks) h.afterNode?.(event);
}

function namedInputs(node: GraphNode, args: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.style === "object") {
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) if (k !== SIGNAL_PARAM && v !== undefined) setOwn(out, k, v);
  } else {
    node.deps.forEach((d, j) => {
      const v = (args as unknown[])[j];
      if (v !== undefined) setOwn(out, d.name, v);
    });
  }
  return out;
}

