/**
 * Post-processing of a node's result that works the same on every kind of
 * node: a sync result is handled inline, a Promise after it resolves, an
 * Effect inside the Effect. What checks or reshapes an output (the output
 * schema, the extractFields and loaders modifiers) wraps a spec's `fn` with
 * it, so the engine, which only ever sees a function, needs no change.
 *
 * @module
 */
import { Effect } from "effect";

/** `fn` followed by `after` on its result, whatever form the result takes; `after` may throw or return a Promise. */
export function afterResult(fn: Function, after: (value: unknown) => unknown): Function {
  return function (this: unknown, ...args: unknown[]): unknown {
    const result = fn.apply(this, args);
    if (result !== null && (typeof result === "object" || typeof result === "function")) {
      if (Effect.isEffect(result)) {
        return Effect.flatMap(result as Effect.Effect<unknown, unknown>, (value) =>
          Effect.flatMap(
            Effect.try({ try: () => after(value), catch: (e) => e }),
            (out) => (isThenable(out) ? Effect.tryPromise({ try: () => out, catch: (e) => e }) : Effect.succeed(out)),
          ));
      }
      if (isThenable(result)) return result.then(after);
    }
    return after(result);
  };
}

/** True for Promises and other thenables. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function";
}
