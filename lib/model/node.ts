/**
 * `node(fn, options)`: attaches weft metadata to a node function without
 * changing how it is called or typed. Its option types live in
 * node-options.ts, where the graph and the engine read them without `node()`.
 *
 * @module
 */
import { Schedule } from "effect";
import { callerModuleUrl } from "./caller-module.ts";
import type { NodeOptions } from "./node-options.ts";
import { nodeMeta, withMeta, type NodeMeta } from "./node-specs.ts";
import { layeredSchema } from "./output-schema.ts";

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

/** `outer` over `inner`; tags are merged key by key, and an outer schema adds to an inner one. */
export function mergeOptions(inner: NodeOptions, outer: NodeOptions): NodeOptions {
  const schema = layeredSchema(inner, outer);
  const merged = outer.tags === undefined ? { ...inner, ...outer } : { ...inner, ...outer, tags: { ...inner.tags, ...outer.tags } };
  return schema === undefined ? merged : { ...merged, schema };
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
  if (o.retry !== undefined && typeof o.retry !== "number" && !Schedule.isSchedule(o.retry)) {
    const r = o.retry as { times?: unknown; delay?: unknown; factor?: unknown } | null;
    if (typeof r !== "object" || r === null) {
      throw new TypeError(`node() option "retry" must be a number of retries, { times, delay, factor } or an Effect Schedule, got ${r === null ? "null" : typeof r === "string" ? JSON.stringify(r) : typeof r}`);
    }
    if (!Number.isInteger(r.times) || (r.times as number) < 0) throw new RangeError(`node() option "retry" needs "times", a non-negative integer, got ${String(r.times)}`);
    for (const k of ["delay", "factor"] as const) {
      if (r[k] !== undefined && (typeof r[k] !== "number" || !((r[k] as number) >= 0))) throw new RangeError(`node() option "retry.${k}" must be a number of at least 0, got ${String(r[k])}`);
    }
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
  if (o.acceptErrorSentinels !== undefined && typeof o.acceptErrorSentinels !== "boolean") {
    throw new TypeError(`node() option "acceptErrorSentinels" must be true or false, got ${typeof o.acceptErrorSentinels}`);
  }
  if (o.doc !== undefined && typeof o.doc !== "string") {
    throw new TypeError("node() option \"doc\" must be a string");
  }
}

function isSchemaLike(s: unknown): boolean {
  return (typeof s === "object" || typeof s === "function") && s !== null && ("~standard" in s || "ast" in s);
}
