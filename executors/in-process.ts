/**
 * InProcessExecutor: runs tasks in this thread, at most `capacity` at once.
 * Useful to run worker nodes in-process (debugging, tests, platforms without
 * workers) behind the same port as the Worker pool.
 *
 * @module
 */
import { Effect } from "effect";
import pLimit from "p-limit";
import { bareRecord } from "../lib/own-property.ts";
import type { Executor, ExecutorTask } from "../lib/ports/executor.ts";

/** Options of {@link InProcessExecutor}. */
export interface InProcessOptions {
  /** Tasks running at once; unbounded by default. */
  readonly capacity?: number;
}

/**
 * Runs tasks in-process, bounded.
 *
 * @example
 * ```ts
 * const dr = await new Builder().withModules(flow).withExecutor(new InProcessExecutor({ capacity: 2 })).build();
 * ```
 */
export class InProcessExecutor implements Executor {
  readonly name = "in-process";
  readonly #limit: ReturnType<typeof pLimit>;
  #disposed = false;

  constructor(options: InProcessOptions = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity >= 1)) throw new RangeError(`InProcessExecutor option "capacity" must be at least 1, got ${String(options.capacity)}`);
    this.#limit = pLimit(capacity);
  }

  async init(): Promise<void> {}

  submit(task: ExecutorTask): Promise<unknown> {
    if (this.#disposed) return Promise.reject(new Error("The executor was disposed; build a new driver"));
    return this.#limit(async () => {
      if (task.signal.aborted) throw task.signal.reason;
      const fn = task.fn as (...args: unknown[]) => unknown;
      // Arguments decoded from a job come with a prototype: a destructured default must not see Object.prototype.
      const result = task.style === "object" ? fn(bare(task.args)) : fn(...(task.args as unknown[]));
      return Effect.isEffect(result) ? Effect.runPromise(result as Effect.Effect<unknown, unknown>) : result;
    });
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#limit.clearQueue();
  }
}

function bare(args: unknown): unknown {
  return Object.getPrototypeOf(args) === null ? args : Object.assign(bareRecord(), args);
}
