/**
 * The options of `node(fn, options)`: metadata a node carries, read by the
 * graph, the engine, the cache and the modifiers. Types only, so that every
 * part of lib/ can name them without importing `node()` itself.
 *
 * @module
 */
import type { Schedule, Schema, StandardSchema } from "effect";

/** Tag values, as in Hamilton: a string or a list of strings. */
export type TagValue = string | readonly string[];

/** Node tags: free-form metadata used for filtering and grouping. */
export type Tags = Readonly<Record<string, TagValue>>;

/** How a node takes part in the cache (see the cache docs). */
export type CacheBehavior = "default" | "recompute" | "disable" | "ignore";

/** Retry policy of a node: a number of retries, retries with exponential backoff, or any Effect schedule. */
export type RetryPolicy =
  | number
  | { readonly times: number; readonly delay?: number; readonly factor?: number }
  | Schedule.Schedule<unknown, unknown>;

/** A runtime check of a node's output: an Effect Schema, or any Standard Schema validator (zod, valibot, arktype, ...). */
export type OutputSchema = StandardSchema.StandardSchemaV1<any, any> | Schema.ConstraintDecoder<unknown>;

/** How a node takes part in map/reduce (set by `parallelizable()` and `collect()`). */
export type MapReduceRole =
  | { readonly role: "parallelizable"; readonly concurrency: number; readonly onItemError: "fail" | "collect" }
  | { readonly role: "collect"; readonly stream: boolean };

/** Options of `node()`. All are metadata; none changes what the function computes. */
export interface NodeOptions {
  /** Dependencies, in positional-parameter order: the explicit form for functions whose parameters cannot be read. */
  readonly deps?: readonly string[];
  /** Run this node on a Worker thread. */
  readonly worker?: boolean;
  /** Free-form metadata. */
  readonly tags?: Tags;
  /** Cache behaviour of this node. */
  readonly cache?: CacheBehavior;
  /** Manual code version: replaces the hash of the function's source in cache keys. */
  readonly version?: string;
  /** Fail the node with a `TimeoutError` after this many milliseconds; its AbortSignal fires. */
  readonly timeout?: number;
  /** Retry a failing node: a retry count, `{ times, delay, factor }` (exponential backoff, ms) or an Effect `Schedule`. */
  readonly retry?: RetryPolicy;
  /** Set by `parallelizable()` and `collect()`. */
  readonly mapReduce?: MapReduceRole;
  /**
   * Checks the node's output at run time. A failure fails the node with a
   * `SchemaValidationError` naming the failing paths (wrapped in a
   * `NodeExecutionError`), or is reported as a warning when `onSchemaError` is "warn".
   */
  readonly schema?: OutputSchema;
  /** What an output that fails `schema` does: fail the node (default) or emit a warning and go on. */
  readonly onSchemaError?: "fail" | "warn";
  /**
   * In a keep-going run (`execute(outputs, { onError: "continue" })`), run this node even when an input failed
   * or was skipped, with the run's sentinel as that argument (Hamilton's `accept_error_sentinels`). Such a call
   * is never cached.
   */
  readonly acceptErrorSentinels?: boolean;
  /** Documentation of the node, for introspection (otherwise read from a `/** *\/` comment opening the function body). */
  readonly doc?: string;
}
