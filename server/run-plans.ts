/**
 * "What would run now" for a recorded run: its request planned again against
 * the code on disk. What can be told from the record alone (no request kept,
 * values that do not replay, a cache gone with its process, a module without
 * a file) is answered here at once; the rest goes to plan-task.ts on a worker
 * thread of its own (task-worker.ts), one plan at a time, and requests for a
 * run already being planned share that plan.
 *
 * @module
 */
import type { RunDetail, RunRequest, RequestValues } from "../lib/ports/run-store.ts";
import type { PlanJob, PlanOutcome } from "./plan-task.ts";

/** Runs a plan job somewhere (the plan worker). */
export type PlanJobRunner = (job: PlanJob) => Promise<PlanOutcome>;

/** Why `run` cannot be planned again from its record, or the replayable request. */
export function replayableRequest(run: RunDetail): { readonly request: RunRequest & { readonly values: RequestValues } } | { readonly problem: string } {
  const request = run.request;
  if (request === undefined) return { problem: "Cannot plan this run: it was recorded before weft kept what a plan needs; run the flow again with withTracking() to plan its runs" };
  if ("notReplayable" in request) return { problem: `Cannot plan this run: its request is not replayable: ${request.notReplayable}` };
  if (request.cache.kind === "memory") return { problem: "Cannot plan this run: its driver cached in memory (withCache({ memory: true })), a cache that ended with its process" };
  if (request.cache.kind === "store") return { problem: "Cannot plan this run: its driver cached in a store of its own (withCache({ store })), which the web view does not open" };
  const unknown = request.modules.find((m) => m.url === undefined);
  if (unknown !== undefined) {
    return { problem: `Cannot plan this run: its module "${unknown.name}" was given without a file; pass { name, exports, url: import.meta.url } to withModules() so that runs record it` };
  }
  // Only files on this machine: a recorded http: or data: URL is never imported (Deno would fetch it).
  const remote = request.modules.find((m) => !m.url!.startsWith("file:"));
  if (remote !== undefined) return { problem: `Cannot plan this run: its module "${remote.name}" is not a file on this machine (${remote.url})` };
  return { request };
}

/**
 * Plans recorded runs on demand.
 *
 * @example
 * ```ts
 * const plans = new RunPlans(".weft/weft.db", (job) => planWorker.run(job) as Promise<PlanOutcome>);
 * const outcome = await plans.planOf(history.getRun(id)!); // { plan, warnings } or { problem }
 * ```
 */
export class RunPlans {
  readonly #db: string;
  readonly #runner: PlanJobRunner;
  readonly #inFlight = new Map<string, Promise<PlanOutcome>>();
  #stamp = 0;

  constructor(db: string, runner: PlanJobRunner) {
    this.#db = db;
    this.#runner = runner;
  }

  /** The run's request planned against the code on disk now; never rejects. */
  planOf(run: RunDetail): Promise<PlanOutcome> {
    const known = this.#inFlight.get(run.id);
    if (known !== undefined) return known;
    const replay = replayableRequest(run);
    if ("problem" in replay) return Promise.resolve(replay);
    const job: PlanJob = { db: this.#db, outputs: run.outputs, request: replay.request, stamp: `${Date.now().toString(36)}-${++this.#stamp}` };
    const outcome = this.#runner(job).then(
      (o) => o,
      (e: unknown) => ({ problem: `Cannot plan this run: ${(e as Error)?.message ?? String(e)}` }),
    ).finally(() => this.#inFlight.delete(run.id));
    this.#inFlight.set(run.id, outcome);
    return outcome;
  }
}
