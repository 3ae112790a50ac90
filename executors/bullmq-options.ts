/**
 * Options of the BullMQ executor, their defaults and their checks.
 *
 * @module
 */
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import { DEFAULT_QUEUE } from "./bullmq-protocol.ts";

/** Options of `bullmqExecutor()`. Only `connection` is required. */
export interface BullmqExecutorOptions {
  /** Redis URL, e.g. `"redis://127.0.0.1:6379"` (`rediss://` for TLS, `redis://:password@host:port/db`). */
  readonly connection: string;
  /** Queue name; workers must be started with the same `--queue`. Default `"weft"`. */
  readonly queue?: string;
  /** Jobs this driver keeps queued or running at once. Default 256. */
  readonly capacity?: number;
  /**
   * A directory every driver and worker machine reaches (NFS, a shared volume):
   * values larger than `inlineLimit` travel through it. Give workers the same one with `--store`.
   */
  readonly sharedDirectory?: string;
  /** Any store for large values instead of `sharedDirectory` (e.g. the cache's result store). */
  readonly store?: LargeValueStore;
  /** Encoded values above this many bytes go through the store, when there is one. Default 65,536. */
  readonly inlineLimit?: number;
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
  /** Opens a store on a shared directory (runtime-specific file access). */
  readonly openDirectory?: (directory: string) => Promise<LargeValueStore>;
  /** The runtime the driver runs on, sent with each job (see `JobData.runtime`). */
  readonly runtime?: string;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<BullmqExecutorOptions, "sharedDirectory" | "store" | "timeout">> &
  Pick<BullmqExecutorOptions, "sharedDirectory" | "store" | "timeout">;

/**
 * Checks options and fills in defaults.
 *
 * @throws {TypeError} for a missing connection or a bad queue name; {@link RangeError} for numbers out of range
 */
export function resolveOptions(options: BullmqExecutorOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null || typeof options.connection !== "string" || options.connection === "") {
    throw new TypeError('bullmqExecutor() expects { connection: "redis://host:port" }');
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
    attempts: options.attempts ?? 3,
    backoff: options.backoff ?? 1_000,
    connectTimeout: options.connectTimeout ?? 5_000,
    routeTimeout: options.routeTimeout ?? 30_000,
    keepFailed: options.keepFailed ?? 1_000,
    maxEvents: options.maxEvents ?? 10_000,
  };
  if (resolved.capacity !== Infinity) atLeast("capacity", resolved.capacity, 1, true);
  atLeast("inlineLimit", resolved.inlineLimit, 0, true);
  atLeast("attempts", resolved.attempts, 1, true);
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
