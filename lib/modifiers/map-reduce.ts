/**
 * Map/reduce: `parallelizable` marks a node whose result is a collection of
 * items; every node between it and a `collect` node runs once per item; a
 * `collect` node receives the per-item values as an array in item order (or,
 * with `{ stream: true }`, as an async iterable in item order).
 *
 * @module
 */
import { node } from "../model/node.ts";
import type { NodeOptions } from "../model/node-options.ts";

/** Options of {@link parallelizable}. */
export interface ParallelizableOptions extends Omit<NodeOptions, "mapReduce"> {
  /** Items in flight at once (default 64): items are pulled from the iterable only as earlier ones finish. */
  readonly concurrency?: number;
  /**
   * `"fail"` (default): the first failing item fails the run and cancels the rest.
   * `"collect"`: keep going; collect nodes receive an {@link ItemResult} per item.
   */
  readonly onItemError?: "fail" | "collect";
}

/** Options of {@link collect}. */
export interface CollectOptions extends Omit<NodeOptions, "mapReduce"> {
  /**
   * Hand collected parameters over as async iterables, in item order, while
   * items still run: memory stays flat however many items there are.
   */
  readonly stream?: boolean;
}

/** One item's outcome, given to collect nodes of a block with `onItemError: "collect"`. */
export type ItemResult<T> =
  | { readonly ok: true; readonly index: number; readonly value: T }
  | { readonly ok: false; readonly index: number; readonly error: unknown };

declare const ITEMS: unique symbol;
declare const COLLECTS: unique symbol;

/** Type brand (no runtime property): the function's dependents receive one item of what it returns. */
export type Parallelizable<F> = F & { readonly [ITEMS]: "items" };
/** Type brand (no runtime property): the function's parameters from a block receive arrays (or async iterables). */
export type Collecting<F> = F & { readonly [COLLECTS]: "collects" };

/** The item type of what a parallelizable returns. */
export type ItemOf<R> = Awaited<R> extends AsyncIterable<infer T> ? T : Awaited<R> extends Iterable<infer T> ? T : never;

/** Helpers for lib/types.ts. */
export type IsParallelizable<F> = F extends { readonly [ITEMS]: "items" } ? true : false;
export type IsCollecting<F> = F extends { readonly [COLLECTS]: "collects" } ? true : false;

const DEFAULT_CONCURRENCY = 64;

/**
 * Marks a node that returns an array, an iterable or an async iterable of items.
 *
 * @example
 * ```ts
 * export const files = parallelizable((dir: string) => readdirSync(dir));
 * export const words = (files: string) => countWords(readFileSync(files, "utf8")); // once per file
 * export const total = collect((words: number[]) => words.reduce((a, b) => a + b, 0));
 * ```
 */
export function parallelizable<F extends (...args: any[]) => unknown>(fn: F, options: ParallelizableOptions = {}): Parallelizable<F> {
  const { concurrency = DEFAULT_CONCURRENCY, onItemError = "fail", ...rest } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`parallelizable() option "concurrency" must be a positive integer, got ${String(concurrency)}`);
  }
  if (onItemError !== "fail" && onItemError !== "collect") {
    throw new TypeError(`parallelizable() option "onItemError" must be "fail" or "collect", got ${String(onItemError)}`);
  }
  return node(fn, { ...rest, mapReduce: { role: "parallelizable", concurrency, onItemError } }) as Parallelizable<F>;
}

/**
 * Marks a node that gathers the per-item values of a block: each parameter
 * whose producer runs per item receives those values as an array, in item order.
 */
export function collect<F extends (...args: any[]) => unknown>(fn: F, options: CollectOptions = {}): Collecting<F> {
  const { stream = false, ...rest } = options;
  return node(fn, { ...rest, mapReduce: { role: "collect", stream } }) as Collecting<F>;
}
