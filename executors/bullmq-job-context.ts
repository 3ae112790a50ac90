/**
 * What every job of one worker shares, the error result of a job, and
 * whether a job's driver is gone.
 *
 * @module
 */
import type { Job } from "bullmq";
import { serializeError } from "../lib/error-codec.ts";
import type { Cache } from "../lib/ports/cache.ts";
import type { Executor } from "../lib/ports/executor.ts";
import type { BlockRunner } from "./block-runner.ts";
import type { JobResult } from "./bullmq-protocol.ts";
import { isSharedJobId } from "./bullmq-shared-jobs.ts";
import type { LocalModules } from "./local-modules.ts";
import { inlineWire, type Wire } from "./wire-codec.ts";

/** What every job of one worker shares. */
export interface JobContext {
  readonly modules: LocalModules;
  readonly local: Executor;
  /** The cache this worker opened (`--cache`): large values go through its result store. */
  readonly cache: Cache | undefined;
  /** The worker's name, for messages. */
  readonly name: string;
  /** The runtime this worker runs on ("bun" for `weft worker`), when known. */
  readonly runtime: string | undefined;
  /**
   * Jobs cancelled before this worker started them (BullMQ only cancels jobs it tracks), by id, with the
   * timestamp of the cancelled job when its id is shared (a later job of the same work has another).
   */
  readonly cancelled: ReadonlyMap<string, number | undefined>;
  /** Runs map items' whole blocks (block jobs), when this worker can. */
  readonly blocks?: BlockRunner | undefined;
  /** Decoded configs by their wire, so a run's config is decoded once. */
  readonly configs: Map<string, Promise<Readonly<Record<string, unknown>>>>;
  /** Whether a driver's heartbeat is current (its jobs are removed once it is not). */
  readonly driverAlive: (driver: string) => Promise<boolean>;
}

/**
 * True when no one would read the job's outcome: its driver's heartbeat
 * expired (the reaper removes the rest of that driver's jobs). A shared job
 * (`k<protocol>-<key>`) is never skipped: other drivers may wait for it, and the
 * reaper removes it only once none does.
 */
export async function driverGone(job: Job<{ readonly driver: string }>, ctx: JobContext): Promise<boolean> {
  if (isSharedJobId(job.id ?? "")) return false;
  return !(await ctx.driverAlive(job.data.driver));
}

/** A job result carrying `error` as data (always inline: errors are small). */
export async function errorResult(error: unknown): Promise<JobResult> {
  const wire: Wire = await inlineWire(serializeError(error));
  return { error: wire };
}
