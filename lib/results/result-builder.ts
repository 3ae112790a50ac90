/**
 * Result builders (Hamilton's `ResultMixin.build_result`): what `execute`
 * returns is made from the computed outputs by a builder, a function
 * `(outputs, meta) => result` or an object `{ build(outputs, meta) }`, sync or
 * async. Its return type becomes `execute`'s; a builder whose result type
 * depends on the outputs (the rows builder) says how with a {@link ResultKind}.
 *
 * @module
 */
import type { Variable } from "../introspect/variables.ts";

/** What a builder gets beside the outputs. */
export interface ResultMeta {
  /** The run's id (the one hooks and the run history see). */
  readonly runId: string;
  /** The requested outputs, in the order asked for (the keys of `outputs` are in this order too). */
  readonly outputs: readonly string[];
  /** Each requested output as `listAvailableVariables()` describes it (tags, documentation, module, …). */
  readonly nodes: Readonly<Record<string, Variable>>;
}

/** A builder as a function. `O` is the type of the outputs it accepts. */
export type ResultBuilderFn<O = any, R = unknown> = (outputs: O, meta: ResultMeta) => R | PromiseLike<R>;

/** A result builder: a function `(outputs, meta) => result`, or an object with `build(outputs, meta)`. */
export type ResultBuilder<O = any, R = unknown> = ResultBuilderFn<O, R> | { build(outputs: O, meta: ResultMeta): R | PromiseLike<R> };

/**
 * Type-level description of a builder whose result type depends on the
 * outputs: `result` is read with `outputs` set to the requested outputs'
 * types (`interface RowsKind extends ResultKind { result: Row<this["outputs"]>[] }`).
 */
export interface ResultKind {
  readonly outputs: unknown;
  readonly result: unknown;
}

/** Type-level key of {@link KindedResultBuilder}: nothing carries it at run time. */
export declare const RESULT_KIND: unique symbol;

/** A builder for any outputs, typed by a {@link ResultKind}. */
export type KindedResultBuilder<K extends ResultKind> = ResultBuilderFn<Readonly<Record<string, unknown>>> & { readonly [RESULT_KIND]: K };

/** The kind of a builder whose result type is `R` whatever the outputs. */
export interface ConstantResultKind<R> extends ResultKind {
  readonly result: R;
}

/** What a builder argument may be: any builder of the outputs `O` (result `R`), or a kinded one. */
export type ResultBuilderArg<O, R, K extends ResultKind> = ResultBuilder<O, R> | { readonly [RESULT_KIND]: K };

/** The kind a builder argument stands for: `K` when it is kinded, else its result `R`; `Else` when there is none. */
export type KindOfArg<R, K extends ResultKind, Else> = [K] extends [never] ? ([R] extends [never] ? Else : ConstantResultKind<R>) : K;

/**
 * What `execute` returns for outputs of type `O` with a builder of kind `K`:
 * `O` itself when there is none (`undefined`), else the kind's result.
 */
export type BuiltResult<K, O> = [K] extends [undefined] ? O : (K & { readonly outputs: O }) extends { readonly result: infer R } ? R : never;

/** The `resultBuilder` option of `execute`, for outputs `O`. */
export interface ResultOptions<O, R = never, K extends ResultKind = never> {
  /**
   * Makes the result from the outputs (over the Builder's `withResultBuilder`): a function
   * `(outputs, meta) => result` or `{ build(outputs, meta) }`, sync or async; `execute` returns
   * (resolves to) what it returns. See `objectResult`, `rowsResult`, `tableResult`.
   */
  readonly resultBuilder?: ResultBuilderArg<O, R, K>;
}

/**
 * Checks that `builder` is a function or an object with a `build` method.
 *
 * @throws {TypeError} naming `where` and what came instead
 */
export function checkResultBuilder(builder: unknown, where: string): void {
  if (typeof builder === "function") return;
  if (typeof builder === "object" && builder !== null && typeof (builder as { build?: unknown }).build === "function") return;
  const got = builder === null ? "null" : typeof builder === "object" ? "an object without a build method" : typeof builder;
  throw new TypeError(`${where} must be a function (outputs, meta) => result, or an object with a build(outputs, meta) method: got ${got}`);
}

/** Calls `builder` as a function or through its `build` method. */
export function callResultBuilder(builder: ResultBuilder, outputs: Readonly<Record<string, unknown>>, meta: ResultMeta): unknown {
  return typeof builder === "function" ? builder(outputs, meta) : builder.build(outputs, meta);
}

/**
 * Types `build` by a {@link ResultKind}: for a builder whose result type
 * depends on the requested outputs (the kind's `result` reads `this["outputs"]`).
 *
 * @example
 * ```ts
 * interface CountsKind extends ResultKind { readonly result: { [K in keyof this["outputs"]]: number } }
 * const counts = withResultKind<CountsKind>((outputs) => Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, (v as unknown[]).length])));
 * ```
 */
export function withResultKind<K extends ResultKind>(build: ResultBuilderFn<Readonly<Record<string, unknown>>>): KindedResultBuilder<K> {
  return build as KindedResultBuilder<K>;
}
