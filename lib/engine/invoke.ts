/**
 * Calling one node: its arguments from a frame's slots, the one dispatch that
 * every call goes through (a sync value, a Promise or thenable, an Effect, a
 * worker node sent to the executor), the Effect form for nodes with a
 * timeout, a retry policy or a limit, and the node hook events.
 *
 * Limits, one per path (DESIGN 3.1): `withConcurrency` bounds in-process
 * nodes; a worker node waits only for its executor's own limit (the Worker
 * pool's size, BullMQ's `capacity`, InProcessExecutor's `capacity`), never
 * for both. Per-tag resource pools apply to any node that names them.
 *
 * @module
 */
import { Cause, Effect, Exit, Schedule, type Semaphore } from "effect";
import { TimeoutError } from "../errors.ts";
import type { NodeTask } from "./compile.ts";
import type { GraphNode } from "../graph/graph.ts";
import type { ItemRef } from "../errors.ts";
import type { Clock, Hook, NodeEndEvent, NodeStartEvent } from "../hooks.ts";
import { callHooks, type HookPromises } from "../hook-calls.ts";
import type { RetryPolicy } from "../model/node-options.ts";
import { setOwn } from "../own-property.ts";
import { SIGNAL_PARAM } from "../model/params.ts";
import type { Executor } from "../ports/executor.ts";
import type { NodeOutcome } from "../ports/node-interceptor.ts";
import { transferableBuffers } from "../structured-clone.ts";

/** What calling a node needs from its run. */
export interface CallContext {
  readonly runId: string;
  readonly clock: Clock;
  /** Builder config: worker nodes need it to rebuild config-dependent nodes. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Where worker nodes run. */
  readonly executor: Executor | undefined;
  /** Promises returned by this run's node and task hooks, awaited when the run ends. */
  readonly promises?: HookPromises | undefined;
}

/** Receives how a call ended: `ok` with the value, or not with the error. */
export type Settle = (ok: boolean, value: unknown) => void;

/** Receives where a worker node ran, from an executor that runs it elsewhere (ExecutorTask.ranOn). */
export type RanOn = (host: string) => void;

/**
 * The one dispatch of a node call: calls the node in this thread, or sends a
 * worker node to the executor, and reports the end to `settle`: at once for
 * a value or a throw, when it settles for a Promise or thenable. An Effect
 * result is returned instead, not run: the caller runs it as a fiber.
 */
export function dispatch(
  ctx: CallContext, node: GraphNode, args: unknown, transfer: readonly ArrayBuffer[], signal: AbortSignal, settle: Settle,
  ranOn?: RanOn,
): Effect.Effect<unknown, unknown> | undefined {
  let result: unknown;
  try {
    result = node.options.worker === true ? submit(ctx, node, args, transfer, signal, ranOn) : call(node, args);
  } catch (e) {
    settle(false, e);
    return undefined;
  }
  if (result !== null && (typeof result === "object" || typeof result === "function")) {
    if (Effect.isEffect(result)) return result as Effect.Effect<unknown, unknown>;
    if (typeof (result as PromiseLike<unknown>).then === "function") {
      // Both handlers always attached: a promise that rejects after the run ended is never unhandled.
      (result as PromiseLike<unknown>).then(
        (value) => settle(true, value),
        (error) => settle(false, error),
      );
      return undefined;
    }
  }
  settle(true, result);
  return undefined;
}

/** Runs an Effect to completion and reports its outcome; never fails itself. */
export function settle(effect: Effect.Effect<unknown, unknown>, done: Settle): Effect.Effect<void> {
  return Effect.exit(effect).pipe(
    Effect.map((exit) => {
      if (Exit.isSuccess(exit)) done(true, exit.value);
      else done(false, causeToError(exit.cause));
    }),
  );
}

/** The error a failed Effect's cause stands for (an interruption becomes an Error that says so). */
export function causeToError(cause: Cause.Cause<unknown>): unknown {
  if (Cause.hasFails(cause) || Cause.hasDies(cause)) return Cause.squash(cause);
  return new Error("The node's effect was interrupted");
}

/** The limits a call waits for: the run's in-process limit (none for worker nodes) and the node's resource pools. */
export interface CallLimits {
  readonly semaphore: Semaphore.Semaphore | undefined;
  readonly pools: readonly Semaphore.Semaphore[] | undefined;
}

/**
 * A node call as an Effect, for nodes with a timeout, a retry policy or a
 * limit: each attempt goes through {@link dispatch} with a fresh AbortSignal
 * that fires on interruption (a timeout, a failure elsewhere).
 */
export function governedCall(
  ctx: CallContext, node: GraphNode, args: unknown, transfer: readonly ArrayBuffer[], limits: CallLimits, ranOn?: RanOn,
): Effect.Effect<unknown, unknown> {
  const worker = node.options.worker === true;
  let effect: Effect.Effect<unknown, unknown> = Effect.callback<unknown, unknown>((resume, signal) => {
    if (!worker) setSignal(node, args, signal);
    const result = dispatch(ctx, node, args, transfer, signal, (ok, value) => resume(ok ? Effect.succeed(value) : Effect.fail(value)), ranOn);
    if (result !== undefined) resume(result);
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
  const pools = limits.pools ?? [];
  for (let i = pools.length - 1; i >= 0; i--) effect = pools[i]!.withPermits(1)(effect);
  if (limits.semaphore !== undefined) effect = limits.semaphore.withPermits(1)(effect);
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
function submit(ctx: CallContext, node: GraphNode, args: unknown, transfer: readonly ArrayBuffer[], signal: AbortSignal, ranOn: RanOn | undefined): Promise<unknown> {
  const locator = { moduleUrl: node.moduleUrl!, exportName: node.exportName, nodeName: node.name, config: ctx.config };
  return ctx.executor!.submit(ranOn === undefined
    ? { locator, fn: node.fn!, style: node.style, args, transfer, signal }
    : { locator, fn: node.fn!, style: node.style, args, transfer, signal, ranOn });
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

/** Calls the node's function in this thread, with its arguments spread for the positional form. */
function call(node: GraphNode, args: unknown): unknown {
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
  callHooks(hooks, "beforeNode", event, ctx.promises);
  return event;
}

/** Calls `afterNode` hooks with the outcome. */
export function afterNode(
  hooks: readonly Hook[], ctx: CallContext, start: NodeStartEvent, success: boolean, outcome: unknown, cache?: NodeOutcome, host?: string,
): void {
  const duration = ctx.clock.now() - start.start;
  const timed = cache === undefined ? { ...start, duration, success } : { ...start, duration, success, cache };
  const base = host === undefined ? timed : { ...timed, host };
  const event: NodeEndEvent = success ? { ...base, result: outcome } : { ...base, error: outcome };
  callHooks(hooks, "afterNode", event, ctx.promises);
}

/** A call's arguments by parameter name (the signal and parameters left to their default left out). */
export function namedInputs(node: GraphNode, args: unknown): Record<string, unknown> {
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

