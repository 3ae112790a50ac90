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

/**
 * Splits `runs`, newest first, into those to remove and those the limits
 * select that are still in flight (kept). A "running" run whose process is
 * gone reads as interrupted and may go.
 *
 * @example
 * ```ts
 * const { doomed, inFlight } = selectPruned(runs, { keepRuns: 100 }, () => true, Date.now());
 * ```
 */
export function selectPruned(
  runs: readonly PruneCandidate[],
  options: PruneOptions,
  alive: Liveness,
  now: number,
): { doomed: string[]; inFlight: string[] } {
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
