/**
 * `node(fn, options)`: attaches weft metadata to a node function without
 * changing how it is called or typed.
 *
 * @module
 */
import type { Schedule, Schema, StandardSchema } from "effect";
import { callerModuleUrl } from "./caller-module.ts";
import type { MapReduceRole } from "../modifiers/map-reduce.ts";
import type { ExpandContext, NodeSpec } from "./node-specs.ts";

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

/** Options of {@link node}. All are metadata; none changes what the function computes. */
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
  /** Documentation of the node, for introspection (otherwise read from a `/** *\/` comment opening the function body). */
  readonly doc?: string;
}

/** Where weft keeps a node's metadata on the function `node()` returns. */
export const NODE_META: unique symbol = Symbol.for("weft.node");

/** Metadata carried by a function that went through {@link node} or a modifier. */
export interface NodeMeta {
  /** The user's function, called by the engine directly. */
  readonly fn: Function;
  readonly options: NodeOptions;
  /** URL of the module that called `node()`, captured for worker nodes (a worker imports it). */
  readonly moduleUrl?: string;
  /**
   * Set by graph-shaping modifiers: the node specs this export contributes
   * (see `nodeSpecsOf` in spec.ts). Must be a pure function of its context.
   */
  readonly expand?: (ctx: ExpandContext) => readonly NodeSpec[];
}

/**
 * Marks `fn` as a node with options. Returns a function that calls `fn`, so
 * the node stays callable (and unit-testable) as before, with the same type.
 *
 * @example
 * ```ts
 * import { node } from "weft";
 * export const page = node(async (url: string) => (await fetch(url)).text(), { timeout: 5_000, retry: 2 });
 * export const sum = node((...xs: number[]) => xs.reduce((a, b) => a + b, 0), { deps: ["a", "b"] });
 * ```
 */
export function node<F extends (...args: any[]) => unknown>(fn: F, options: NodeOptions = {}): F {
  if (typeof fn !== "function") {
    throw new TypeError(`node() expects a function as its first argument, got ${typeof fn}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`node() expects an options object as its second argument, got ${options === null ? "null" : typeof options}`);
  }
  checkOptions(options);
  const inner = nodeMeta(fn);
  let meta: NodeMeta;
  if (inner?.expand) {
    // A modifier's nodes: the options apply to every node it defines.
    if (options.deps !== undefined) {
      throw new TypeError(`node() option "deps" cannot apply to the nodes a modifier defines; pass deps to node() on the function inside the modifier`);
    }
    const expand = inner.expand;
    const url = options.worker ? callerModuleUrl() : undefined;
    meta = {
      fn: inner.fn,
      options: mergeOptions(inner.options, options),
      expand: (ctx) => expand(ctx).map((s) => ({ ...s, options: mergeOptions(s.options, options), ...(url && !s.moduleUrl ? { moduleUrl: url } : {}) })),
    };
  } else {
    meta = inner ? { ...inner, options: mergeOptions(inner.options, options) } : { fn, options };
    // Only worker nodes pay for a stack walk: their module must be importable by a worker.
    if (meta.options.worker && meta.moduleUrl === undefined) {
      const url = callerModuleUrl();
      if (url !== undefined) meta = { ...meta, moduleUrl: url };
    }
  }
  return withMeta(fn, meta) as F;
}

/** `outer` over `inner`; tags are merged key by key. */
export function mergeOptions(inner: NodeOptions, outer: NodeOptions): NodeOptions {
  if (outer.tags === undefined) return { ...inner, ...outer };
  return { ...inner, ...outer, tags: { ...inner.tags, ...outer.tags } };
}

/**
 * A function that calls `meta.fn` and carries `meta`: how `node()` and every
 * modifier mark what they return. It keeps `like`'s name, so the result still
 * reads as the user's function.
 */
export function withMeta(like: Function, meta: NodeMeta): Function {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    return meta.fn.apply(this, args);
  };
  Object.defineProperty(wrapped, "name", { value: like.name });
  Object.defineProperty(wrapped, NODE_META, { value: meta });
  return wrapped;
}

/** The metadata `node()` attached to `value`, if any. */
export function nodeMeta(value: unknown): NodeMeta | undefined {
  return typeof value === "function" ? (value as { [NODE_META]?: NodeMeta })[NODE_META] : undefined;
}

const CACHE_BEHAVIORS: readonly string[] = ["default", "recompute", "disable", "ignore"];

function checkOptions(o: NodeOptions): void {
  if (o.deps !== undefined && (!Array.isArray(o.deps) || o.deps.some((d) => typeof d !== "string" || d === ""))) {
    throw new TypeError("node() option \"deps\" must be an array of non-empty strings");
  }
  if (o.timeout !== undefined && (typeof o.timeout !== "number" || !(o.timeout > 0))) {
    throw new RangeError(`node() option "timeout" must be a positive number of milliseconds, got ${String(o.timeout)}`);
  }
  if (typeof o.retry === "number" && !(Number.isInteger(o.retry) && o.retry >= 0)) {
    throw new RangeError(`node() option "retry" must be a non-negative integer, got ${o.retry}`);
  }
  if (o.cache !== undefined && !CACHE_BEHAVIORS.includes(o.cache)) {
    throw new TypeError(`node() option "cache" must be one of ${CACHE_BEHAVIORS.map((b) => `"${b}"`).join(", ")}, got "${String(o.cache)}"`);
  }
  if (o.tags !== undefined && (typeof o.tags !== "object" || o.tags === null)) {
    throw new TypeError("node() option \"tags\" must be an object of string or string-array values");
  }
  if (o.schema !== undefined && !isSchemaLike(o.schema)) {
    throw new TypeError("node() option \"schema\" must be an Effect Schema or a Standard Schema validator (an object with a \"~standard\" property)");
  }
  if (o.onSchemaError !== undefined && o.onSchemaError !== "fail" && o.onSchemaError !== "warn") {
    throw new TypeError(`node() option "onSchemaError" must be "fail" or "warn", got "${String(o.onSchemaError)}"`);
  }
  if (o.doc !== undefined && typeof o.doc !== "string") {
    throw new TypeError("node() option \"doc\" must be a string");
  }
}

function isSchemaLike(s: unknown): boolean {
  return (typeof s === "object" || typeof s === "function") && s !== null && ("~standard" in s || "ast" in s);
}
