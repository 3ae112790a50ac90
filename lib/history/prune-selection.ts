/**
 * Which runs a prune removes, the same for every run store: a run goes when it
 * is outside the newest `keepRuns` (by start) or started more than
 * `olderThanMs` before `now`, unless it is still running.
 *
 * @module
 */
import type { Liveness, PruneOptions, RunOrigin } from "../ports/run-store.ts";

/** A run as the selection needs it. */
export interface PruneCandidate extends RunOrigin {
  readonly id: string;
  /** The written status ("running" for a run in flight and for one whose process died). */
  readonly status: string;
  readonly start: number;
  readonly heartbeat: number;
}

/** The limits of a prune, with what decides liveness and age. */
export interface PruneSelection extends PruneOptions {
  /** Whether a "running" run's process is still alive. */
  readonly alive: Liveness;
  /** The time ages are measured from (epoch ms). */
  readonly now: number;
}

/**
 * Splits `runs`, newest first, into those to remove and those the limits
 * select that are still in flight (kept). A "running" run whose process is
 * gone reads as interrupted and may go.
 *
 * @example
 * ```ts
 * const { doomed, inFlight } = selectPruned(runs, { keepRuns: 100, alive: () => true, now: Date.now() });
 * ```
 */
export function selectPruned(runs: readonly PruneCandidate[], options: PruneSelection): { doomed: string[]; inFlight: string[] } {
  const { alive, now } = options;
  const doomed: string[] = [];
  const inFlight: string[] = [];
  runs.forEach((run, i) => {
    const beyondCount = options.keepRuns !== undefined && i >= options.keepRuns;
    const tooOld = options.olderThanMs !== undefined && now - run.start > options.olderThanMs;
    if (!beyondCount && !tooOld) return;
    if (run.status === "running" && alive(run)) inFlight.push(run.id);
    else doomed.push(run.id);
  });
  return { doomed, inFlight };
}
