/**
 * A run between its graph hooks: `beforeGraph` (awaited before any node
 * starts), then the engine, then the promises the run's node and task hooks
 * returned, then `afterGraph` (awaited before the run's Effect ends). A hook
 * failure fails a run that succeeded; it never replaces a run's own error.
 *
 * @module
 */
import { Cause, Effect, Exit } from "effect";
import { callHooks, HookPromises } from "../hook-calls.ts";
import type { GraphEndEvent, GraphStartEvent, Hook } from "../hooks.ts";

/** What the graph hooks of one run need. */
export interface RunLifecycle {
  readonly hooks: readonly Hook[];
  readonly clock: { now(): number };
  /** The event `beforeGraph` gets, but its `start`. */
  readonly start: Omit<GraphStartEvent, "start">;
  /** The promises of the run's node and task hooks (the engine adds to it). */
  readonly promises: HookPromises;
  /** The caller's signal: a cancelled run's `afterGraph` gets its reason as `error`. */
  readonly signal: AbortSignal | undefined;
}

/** `engine` with the graph hooks of `run` around it. */
export function withGraphHooks<A extends Record<string, unknown>, E>(engine: Effect.Effect<A, E>, run: RunLifecycle): Effect.Effect<A, E> {
  const { hooks, clock, promises, signal } = run;
  const { runId, outputs } = run.start;
  return Effect.suspend(() => {
    const start = clock.now();
    const before = new HookPromises();
    callHooks(hooks, "beforeGraph", { ...run.start, start }, before);
    const started = before.empty ? engine : Effect.promise(() => before.settled()).pipe(
      Effect.flatMap(() => (before.error === undefined ? engine : Effect.die(before.error))),
    );
    // afterGraph's own failure, reported when the run itself succeeded.
    let afterError: unknown;
    return started.pipe(
      // Exit handlers are uninterruptible: a cancelled run still waits for its hooks.
      Effect.onExit(() => Effect.promise(() => promises.settled())),
      Effect.flatMap((results) => (promises.error === undefined ? Effect.succeed(results) : Effect.die(promises.error))),
      Effect.onExit((exit) =>
        Effect.promise(async () => {
          const duration = clock.now() - start;
          // Interrupted with no failure: cancelled, and the signal's reason says why (as execute rejects with it).
          const cancelled = Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause);
          const end: GraphEndEvent = Exit.isSuccess(exit)
            ? { runId, outputs, success: true, cancelled, results: exit.value, start, duration }
            : {
              runId, outputs, success: false, cancelled, start, duration,
              error: cancelled && signal?.aborted ? signal.reason : Cause.squash(exit.cause),
            };
          const after = new HookPromises();
          try {
            callHooks(hooks, "afterGraph", end, after);
          } catch (e) {
            afterError = e;
          }
          await after.settled();
          afterError ??= after.error;
        })
      ),
      Effect.flatMap((results) => (afterError === undefined ? Effect.succeed(results) : Effect.die(afterError))),
    );
  });
}
