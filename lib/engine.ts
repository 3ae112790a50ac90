/**
 * The engine: runs a {@link Plan} as one Effect. A node starts as soon as its
 * dependencies are done. Sync nodes run inline in the scheduling loop (no fiber
 * per node: per-node overhead stays near a function call); a Promise result is
 * awaited without blocking the loop; Effect results, and nodes with a timeout,
 * a retry policy or a concurrency limit, run as fibers in the run's scope, so
 * that a failure or a cancellation interrupts them all at once.
 *
 * @module
 */
import { Cause, Effect, Exit, Schedule, Semaphore } from "effect";
import { NodeExecutionError, TimeoutError } from "./errors.ts";
import type { GraphNode } from "./graph.ts";
import type { Clock, Hook } from "./hooks.ts";
import type { RetryPolicy } from "./node.ts";
import { SIGNAL_PARAM } from "./params.ts";
import type { Plan } from "./plan.ts";
import type { Executor } from "./ports/executor.ts";
import { transferableBuffers } from "./structured.ts";

/** What a run needs besides its plan. */
export interface RunContext {
  readonly runId: string;
  readonly hooks: readonly Hook[];
  readonly clock: Clock;
  /** In-process limit on nodes running at once; undefined means unbounded. */
  readonly concurrency: number | undefined;
  /** Fires when the run fails fast or is cancelled; nodes reach it through `abortSignal`. */
  readonly controller: AbortController;
  /** Builder config: worker nodes need it to rebuild config-dependent nodes. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Where worker nodes run. */
  readonly executor: Executor | undefined;
}

/** Called when an asynchronous node settles. */
type Settle = (id: number, ok: boolean, value: unknown, start: number, args: unknown) => void;

/** Runs `plan`, succeeding with the requested outputs by name. */
export function runPlan(plan: Plan, ctx: RunContext): Effect.Effect<Record<string, unknown>, NodeExecutionError> {
  return Effect.scoped(
    Effect.gen(function* () {
      const scope = yield* Effect.scope;
      const semaphore = ctx.concurrency === undefined ? undefined : Semaphore.makeUnsafe(ctx.concurrency);
      const { graph, values, pending, inPlan, provided } = plan;
      const nodes = graph.nodes;
      const dependents = graph.dependents;
      const hooks = ctx.hooks.length > 0 ? ctx.hooks : undefined;
      const signal = ctx.controller.signal;

      const ready: number[] = [];
      for (const id of plan.toRun) if (pending[id] === 0) ready.push(id);
      let remaining = plan.toRun.length;
      // A node's failure (id >= 0) or a hook's exception (id -1), seen by a completion callback.
      let failure: { readonly id: number; readonly cause: unknown } | undefined;
      // Set when the run is over, however it ended: late completions then change nothing.
      let ended = false;
      yield* Effect.addFinalizer(() => Effect.sync(() => (ended = true)));

      const finish = (id: number, value: unknown): void => {
        values[id] = value;
        remaining--;
        const ds = dependents[id]!;
        for (let k = 0; k < ds.length; k++) {
          const f = ds[k]!;
          if (inPlan[f] === 1 && provided[f] === 0 && (pending[f] = pending[f]! - 1) === 0) ready.push(f);
        }
      };

      // The loop sleeps here while asynchronous nodes run. Completions are
      // applied in their own callbacks; the loop is woken only when one of
      // them makes work ready, ends the run or fails it, so a wide fan-out of
      // async nodes costs one resume, not one per node.
      let wake: ((effect: Effect.Effect<void>) => void) | undefined;
      const idle = Effect.callback<void>((resume) => {
        if (ready.length > 0 || remaining === 0 || failure !== undefined) resume(Effect.void);
        else wake = resume;
      });
      const settled: Settle = (id, ok, value, start, args) => {
        if (ended || failure !== undefined) return;
        try {
          if (hooks) afterNode(hooks, ctx, nodes[id]!, args, start, ok, value);
          if (ok) finish(id, value);
          else failure = { id, cause: value };
        } catch (e) {
          failure = { id: -1, cause: e };
        }
        if (wake !== undefined && (failure !== undefined || ready.length > 0 || remaining === 0)) {
          const w = wake;
          wake = undefined;
          w(Effect.void);
        }
      };
      const fail = (id: number, cause: unknown): Effect.Effect<never, NodeExecutionError> => {
        const error = new NodeExecutionError(nodes[id]!.name, pathToOutput(plan, id), cause);
        ctx.controller.abort(error);
        return Effect.fail(error);
      };

      while (remaining > 0) {
        while (ready.length > 0) {
          const id = ready.pop()!;
          const node = nodes[id]!;
          const worker = node.options.worker === true;
          const args = buildArgs(node, values, inPlan, worker ? undefined : signal);
          release(node, plan);
          // A worker may take over buffers no other node reads; a retried node must keep its inputs intact.
          const transfer = worker && node.options.retry === undefined ? lastReaderBuffers(node, args, plan) : NO_BUFFERS;
          const start = hooks ? beforeNode(hooks, ctx, node, args) : 0;
          if (semaphore !== undefined || node.options.timeout !== undefined || node.options.retry !== undefined) {
            yield* Effect.forkIn(settle(fiberNode(node, args, semaphore, ctx, transfer), id, start, args, settled), scope);
            continue;
          }
          let result: unknown;
          try {
            result = worker ? submit(ctx, node, args, transfer, signal) : call(node, args);
          } catch (e) {
            if (hooks) afterNode(hooks, ctx, node, args, start, false, e);
            return yield* fail(id, e);
          }
          if (result !== null && (typeof result === "object" || typeof result === "function")) {
            if (Effect.isEffect(result)) {
              yield* Effect.forkIn(settle(result as Effect.Effect<unknown, unknown>, id, start, args, settled), scope);
              continue;
            }
            if (typeof (result as PromiseLike<unknown>).then === "function") {
              // Both handlers always attached: a promise that rejects after the run ended is never unhandled.
              (result as PromiseLike<unknown>).then(
                (value) => settled(id, true, value, start, args),
                (error) => settled(id, false, error, start, args),
              );
              continue;
            }
          }
          if (hooks) afterNode(hooks, ctx, node, args, start, true, result);
          finish(id, result);
        }
        if (remaining === 0) break;
        yield* idle;
        if (failure !== undefined) {
          if (failure.id >= 0) return yield* fail(failure.id, failure.cause);
          return yield* Effect.die(failure.cause);
        }
      }

      const results: Record<string, unknown> = {};
      for (const name of plan.outputs) {
        const node = graph.byName.get(name);
        results[name] = node ? values[node.id] : plan.extra.get(name);
      }
      return results;
    }),
  ).pipe(
    Effect.onInterrupt(() => Effect.sync(() => ctx.controller.abort(new DOMException("The run was cancelled", "AbortError")))),
  );
}

/** Runs an Effect to completion and posts its outcome; never fails itself. */
function settle(
  effect: Effect.Effect<unknown, unknown>,
  id: number,
  start: number,
  args: unknown,
  settled: Settle,
): Effect.Effect<void> {
  return Effect.exit(effect).pipe(
    Effect.map((exit) => {
      if (Exit.isSuccess(exit)) settled(id, true, exit.value, start, args);
      else settled(id, false, causeToError(exit.cause), start, args);
    }),
  );
}

function causeToError(cause: Cause.Cause<unknown>): unknown {
  if (Cause.hasFails(cause) || Cause.hasDies(cause)) return Cause.squash(cause);
  return new Error("The node's effect was interrupted");
}

/** A node as an Effect: each attempt calls the function with a fresh AbortSignal that fires on interruption. */
function fiberNode(
  node: GraphNode, args: unknown, semaphore: Semaphore.Semaphore | undefined, ctx: RunContext, transfer: readonly ArrayBuffer[],
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

/** Arguments for a call: an array (positional form) or an object (destructured form); no signal for worker nodes. */
function buildArgs(node: GraphNode, values: unknown[], inPlan: Uint8Array, signal: AbortSignal | undefined): unknown {
  const depIds = node.depIds;
  if (node.style === "positional") {
    if (depIds.length === 0 && (node.signalIndex < 0 || signal === undefined)) return NO_ARGS;
    const args = new Array(node.signalIndex >= 0 ? depIds.length + 1 : depIds.length);
    for (let j = 0; j < depIds.length; j++) {
      const d = depIds[j]!;
      // An optional parameter with no value gets undefined, so its default applies.
      args[j] = inPlan[d] === 1 ? values[d] : undefined;
    }
    if (node.signalIndex >= 0 && signal !== undefined) args[node.signalIndex] = signal;
    return args;
  }
  const args: Record<string, unknown> = {};
  const deps = node.deps;
  for (let j = 0; j < depIds.length; j++) {
    const d = depIds[j]!;
    if (inPlan[d] === 1) args[deps[j]!.name] = values[d];
  }
  if (node.signalIndex >= 0 && signal !== undefined) args[SIGNAL_PARAM] = signal;
  return args;
}

const NO_BUFFERS: readonly ArrayBuffer[] = Object.freeze([]);

/** Sends a worker node to the executor. */
function submit(ctx: RunContext, node: GraphNode, args: unknown, transfer: readonly ArrayBuffer[], signal: AbortSignal): Promise<unknown> {
  const locator = { moduleUrl: node.moduleUrl!, exportName: node.exportName, nodeName: node.name, config: ctx.config };
  return ctx.executor!.submit({ locator, fn: node.fn!, style: node.style, args, transfer, signal });
}

/**
 * Buffers in the arguments whose value no other pending node (nor the caller)
 * will read. Only values computed in this run qualify: inputs, overrides and
 * config belong to the caller, who may still use them.
 */
function lastReaderBuffers(node: GraphNode, args: unknown, plan: Plan): readonly ArrayBuffer[] {
  const { refs, inPlan, provided, graph } = plan;
  let out: ArrayBuffer[] | undefined;
  for (let j = 0; j < node.depIds.length; j++) {
    const d = node.depIds[j]!;
    if (inPlan[d] !== 1 || refs[d] !== 0 || provided[d] === 1 || graph.nodes[d]!.kind !== "function") continue;
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

/** Drops values that no pending node still needs (reference counts). */
function release(node: GraphNode, plan: Plan): void {
  const uniq = node.uniqueDepIds;
  const { refs, values, inPlan } = plan;
  for (let j = 0; j < uniq.length; j++) {
    const d = uniq[j]!;
    if (inPlan[d] === 1 && (refs[d] = refs[d]! - 1) === 0) values[d] = undefined;
  }
}

function beforeNode(hooks: readonly Hook[], ctx: RunContext, node: GraphNode, args: unknown): number {
  const start = ctx.clock.now();
  const event = { runId: ctx.runId, node: node.name, tags: node.tags, inputs: namedInputs(node, args), start };
  for (const h of hooks) h.beforeNode?.(event);
  return start;
}

function afterNode(
  hooks: readonly Hook[], ctx: RunContext, node: GraphNode, args: unknown, start: number, success: boolean, outcome: unknown,
): void {
  const duration = ctx.clock.now() - start;
  const base = { runId: ctx.runId, node: node.name, tags: node.tags, inputs: namedInputs(node, args), start, duration, success };
  const event = success ? { ...base, result: outcome } : { ...base, error: outcome };
  for (const h of hooks) h.afterNode?.(event);
}

function namedInputs(node: GraphNode, args: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node.style === "object") {
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) if (k !== SIGNAL_PARAM) out[k] = v;
  } else {
    node.deps.forEach((d, j) => {
      const v = (args as unknown[])[j];
      if (v !== undefined) out[d.name] = v;
    });
  }
  return out;
}

/** The path from a requested output down to node `id`, found by a breadth-first walk over dependents. */
export function pathToOutput(plan: Plan, id: number): string[] {
  const { graph, inPlan } = plan;
  const outputs = new Set(plan.outputs);
  const parent = new Map<number, number>([[id, -1]]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    const cur = queue[i]!;
    if (outputs.has(graph.nodes[cur]!.name)) {
      const path: string[] = [];
      for (let p = cur; p !== -1; p = parent.get(p)!) path.push(graph.nodes[p]!.name);
      return path;
    }
    for (const d of graph.dependents[cur]!) {
      if (inPlan[d] === 1 && !parent.has(d)) {
        parent.set(d, cur);
        queue.push(d);
      }
    }
  }
  return [graph.nodes[id]!.name];
}
