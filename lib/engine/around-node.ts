/**
 * A node call wrapped by graph adapters' `aroundNode`, outermost (the first
 * given to `withAdapters`) first. Inside the innermost adapter the call is
 * the one a run without adapters makes: the node's limits, timeout and
 * retries (governedCall), then the one dispatch. The cache is asked before
 * (a hit is not executed, so no adapter sees it) and stores what the
 * outermost adapter returns. With no adapter the run never comes here.
 *
 * @module
 */
import { Effect, Exit } from "effect";
import type { AroundNodeEvent, GraphAdapter } from "../graph-adapter.ts";
import type { ItemRef } from "../errors.ts";
import type { GraphNode } from "../graph/graph.ts";
import { SIGNAL_PARAM } from "../model/params.ts";
import { setOwn } from "../own-property.ts";
import { causeToError, dispatch, governedCall, namedInputs, NO_BUFFERS, type CallContext, type CallLimits, type RanOn, type Settle } from "./invoke.ts";

/**
 * Calls `node` through `adapters` and reports the end to `done`; returns an
 * Effect to run as a fiber when the outermost adapter returned one.
 */
export function aroundCall(
  ctx: CallContext, adapters: readonly GraphAdapter[], node: GraphNode, args: unknown,
  call: { readonly limits: CallLimits | undefined; readonly items: readonly ItemRef[]; readonly signal: AbortSignal; readonly ranOn?: RanOn | undefined },
  done: Settle,
): Effect.Effect<unknown, unknown> | undefined {
  const step = (i: number, a: unknown): unknown => {
    if (i === adapters.length) return innerCall(ctx, node, a, call.limits, call.signal, call.ranOn);
    const event: AroundNodeEvent = {
      runId: ctx.runId, node: node.name, inputs: namedInputs(node, a), tags: node.tags, item: call.items,
      call: (inputs) => step(i + 1, inputs === undefined ? a : withInputs(node, a, inputs)),
    };
    return adapters[i]!.aroundNode!(event);
  };
  let result: unknown;
  try {
    result = step(0, args);
  } catch (e) {
    done(false, e);
    return undefined;
  }
  if (result !== null && (typeof result === "object" || typeof result === "function")) {
    if (Effect.isEffect(result)) return result as Effect.Effect<unknown, unknown>;
    if (typeof (result as PromiseLike<unknown>).then === "function") {
      (result as PromiseLike<unknown>).then((value) => done(true, value), (error) => done(false, error));
      return undefined;
    }
  }
  done(true, result);
  return undefined;
}

/**
 * The call a run without adapters makes, as `call()` hands it to the
 * innermost adapter: the value when it is there at once, else a promise.
 */
function innerCall(ctx: CallContext, node: GraphNode, args: unknown, limits: CallLimits | undefined, signal: AbortSignal, ranOn: RanOn | undefined): unknown {
  if (limits !== undefined) return runToPromise(governedCall(ctx, node, args, NO_BUFFERS, limits, ranOn), signal);
  // Set by the settle callback, which may run before dispatch returns: TypeScript cannot see that.
  let state = "pending" as "pending" | "ok" | "failed" | "async";
  let value: unknown;
  let resolve: ((v: unknown) => void) | undefined;
  let reject: ((e: unknown) => void) | undefined;
  const effect = dispatch(ctx, node, args, NO_BUFFERS, signal, (ok, v) => {
    if (state === "async") (ok ? resolve : reject)!(v);
    else {
      state = ok ? "ok" : "failed";
      value = v;
    }
  }, ranOn);
  if (effect !== undefined) return runToPromise(effect, signal);
  if (state === "ok") return value;
  if (state === "failed") throw value;
  state = "async";
  return new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
}

/** Runs an Effect outside the run's fibers; the run's signal (fail fast, cancel) interrupts it. */
function runToPromise(effect: Effect.Effect<unknown, unknown>, signal: AbortSignal): Promise<unknown> {
  return Effect.runPromiseExit(effect, { signal }).then((exit) => {
    if (Exit.isSuccess(exit)) return exit.value;
    throw causeToError(exit.cause);
  });
}

/** `args` with the named inputs replaced (an adapter's `call(inputs)`), in the node's call style. */
function withInputs(node: GraphNode, args: unknown, inputs: Readonly<Record<string, unknown>>): unknown {
  if (typeof inputs !== "object" || inputs === null) {
    throw new TypeError(`aroundNode's call() expects an object of input name -> value for "${node.name}", got ${inputs === null ? "null" : typeof inputs}`);
  }
  const names = new Set(node.deps.map((d) => d.name));
  for (const key of Object.keys(inputs)) {
    if (!names.has(key)) {
      throw new TypeError(`aroundNode's call() got input "${key}", which node "${node.name}" does not take; pass only its parameters: ${[...names].map((n) => `"${n}"`).join(", ") || "none"}`);
    }
  }
  if (node.style === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) setOwn(out, k, v);
    for (const [k, v] of Object.entries(inputs)) if (k !== SIGNAL_PARAM) setOwn(out, k, v);
    return out;
  }
  const out = [...(args as unknown[])];
  node.deps.forEach((d, j) => {
    if (Object.hasOwn(inputs, d.name)) out[j] = inputs[d.name];
  });
  return out;
}
