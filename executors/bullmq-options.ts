/**
 * Options of the BullMQ executor, their defaults and their checks.
 *
 * @module
 */
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import { DEFAULT_QUEUE } from "./bullmq-protocol.ts";
import { MAX_INLINE_BYTES } from "./bullmq-values.ts";
import { DEFAULT_BLOCK_BATCH } from "./bullmq-blocks.ts";

/** Options of `bullmqExecutor()`. Only `connection` is required. */
export interface BullmqExecutorOptions {
  /** Redis URL, e.g. `"redis://127.0.0.1:6379"` (`rediss://` for TLS, `redis://:password@host:port/db`). */
  readonly connection: string;
  /** Queue name; workers must be started with the same `--queue`. Default `"weft"`. */
  readonly queue?: string;
  /** Jobs this driver keeps queued or running at once. Default 256. */
  readonly capacity?: number;
  /**
   * Encoded values (inputs, config, results) above this many bytes go through
   * the cache's result store, by data version, when the driver has a cache
   * (`withCache()`) and the workers open it (`weft worker --cache`). Default
   * 65,536; at most `MAX_INLINE_BYTES` (1 MiB), the most a value ever takes inline.
   */
  readonly inlineLimit?: number;
  /**
   * Map items per job at most, when items of a block that start together are
   * batched (a map item's whole block is one job, see the distributed guide). Default 16.
   */
  readonly blockBatch?: number;
  /**
   * Attempts per job when the infrastructure fails: a job timeout, a worker thread that crashed.
   * A node's own error is not retried here (use `node(fn, { retry })`). Default 3.
   */
  readonly attempts?: number;
  /** Delay before the first retry in ms, doubled for each next one. Default 1,000. */
  readonly backoff?: number;
  /** How long one attempt of a job may run on a worker, in ms. Default: no limit. */
  readonly timeout?: number;
  /** How long to wait for Redis at `init()` and before a job while reconnecting, in ms. Default 5,000. */
  readonly connectTimeout?: number;
  /**
   * How long a job waits for a live worker that runs the node at the driver's code version
   * (a rolling deploy starting new workers) before the node fails with a WorkerError, in ms.
   * Default 30,000; `Infinity` waits for ever.
   */
  readonly routeTimeout?: number;
  /** Failed jobs kept in Redis per queue, for inspection (each for an hour at most). Default 1,000. */
  readonly keepFailed?: number;
  /** Approximate length at which each queue's event stream is trimmed. Default 10,000. */
  readonly maxEvents?: number;
}

/** What the composition root plugs in. */
export interface BullmqExecutorDefaults {
  /** The node code versions jobs carry; `weft worker` must use the same (the composition root gives the cache's). */
  readonly codeVersion: CodeVersioner;
  /** The runtime the driver runs on, sent with each job (see `JobData.runtime`). */
  readonly runtime?: string;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<BullmqExecutorOptions, "timeout">> & Pick<BullmqExecutorOptions, "timeout">;

/** Options of earlier versions, and what replaced them. */
const REMOVED: Readonly<Record<string, string>> = {
  sharedDirectory: "large values now travel through the cache's result store: turn on withCache() on the driver and start weft worker with --cache naming the same cache",
  store: "large values now travel through the cache's result store: turn on withCache() on the driver (withCache({ store }) takes a cache of your own) and start weft worker with --cache naming the same cache",
};

/**
 * Checks options and fills in defaults.
 *
 * @throws {TypeError} for a missing connection or a bad queue name; {@link RangeError} for numbers out of range
 */
export function resolveOptions(options: BullmqExecutorOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null || typeof options.connection !== "string" || options.connection === "") {
    throw new TypeError('bullmqExecutor() expects { connection: "redis://host:port" }');
  }
  for (const name of Object.keys(REMOVED)) {
    if (Object.hasOwn(options, name)) throw new TypeError(`bullmqExecutor() option "${name}" was removed: ${REMOVED[name]}`);
  }
  const queue = options.queue ?? DEFAULT_QUEUE;
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) {
    throw new TypeError(`bullmqExecutor() option "queue" must be a non-empty name without ":", got ${JSON.stringify(queue)}`);
  }
  const resolved = {
    ...options,
    queue,
    capacity: options.capacity ?? 256,
    inlineLimit: options.inlineLimit ?? 65_536,
    blockBatch: options.blockBatch ?? DEFAULT_BLOCK_BATCH,
    attempts: options.attempts ?? 3,
    backoff: options.backoff ?? 1_000,
    connectTimeout: options.connectTimeout ?? 5_000,
    routeTimeout: options.routeTimeout ?? 30_000,
    keepFailed: options.keepFailed ?? 1_000,
    maxEvents: options.maxEvents ?? 10_000,
  };
  if (resolved.capacity !== Infinity) atLeast("capacity", resolved.capacity, 1, true);
  atLeast("inlineLimit", resolved.inlineLimit, 0, true);
  if (resolved.inlineLimit > MAX_INLINE_BYTES) {
    throw new RangeError(`bullmqExecutor() option "inlineLimit" must be at most ${MAX_INLINE_BYTES} (1 MiB), got ${resolved.inlineLimit}; larger values travel through the cache`);
  }
  atLeast("attempts", resolved.attempts, 1, true);
  atLeast("blockBatch", resolved.blockBatch, 1, true);
  atLeast("backoff", resolved.backoff, 0, false);
  atLeast("connectTimeout", resolved.connectTimeout, 1, false);
  if (resolved.routeTimeout !== Infinity) atLeast("routeTimeout", resolved.routeTimeout, 0, false);
  atLeast("keepFailed", resolved.keepFailed, 0, true);
  // Shorter, and a driver reading events a moment late could find its job's completion trimmed away.
  atLeast("maxEvents", resolved.maxEvents, 1_000, true);
  if (options.timeout !== undefined) atLeast("timeout", options.timeout, 1, false);
  return resolved;
}

function atLeast(name: string, value: number, min: number, integer: boolean): void {
  const ok = typeof value === "number" && value >= min && (integer ? Number.isInteger(value) : Number.isFinite(value));
  if (!ok) throw new RangeError(`bullmqExecutor() option "${name}" must be ${integer ? "an integer" : "a number"} of at least ${min}, got ${String(value)}`);
}
