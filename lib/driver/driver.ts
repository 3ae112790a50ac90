/**
 * The Driver: runs requested outputs of a built graph, and answers questions
 * about it.
 *
 * @module
 */
import { Cause, Effect, Exit, type Semaphore } from "effect";
import type { InputConflictError, InputValidationError, MissingInputError, NodeExecutionError, UnknownNodeError } from "../errors.ts";
import { MissingInputError as MissingInput, UnknownNodeError as UnknownNode } from "../errors.ts";
import { runPlan } from "../engine/run.ts";
import type { Graph, GraphNode } from "../graph/graph.ts";
import type { Clock, Hook } from "../hooks.ts";
import { HookPromises } from "../hook-calls.ts";
import { withGraphHooks } from "./run-lifecycle.ts";
import { inputChecks, validateInputs, type GraphAdapter } from "../graph-adapter.ts";
import { CacheInterceptor } from "../engine/cache-interceptor.ts";
import type { CacheBehavior } from "../model/node-options.ts";
import type { Executor } from "../ports/executor.ts";
import type { CacheExplanation, GcOptions, GcReport, Cache, NodeCodeVersion } from "../ports/cache.ts";
import type { RunHistory, RunPruner } from "../ports/run-store.ts";
import { Planner, suggest, type Plan } from "../engine/planner.ts";
import { planCacheUse } from "../engine/cache-plan.ts";
import { planOf, type DriverPlan } from "./plan.ts";
import type { ExecuteResult } from "../model/types.ts";
import type { KeepGoing, SkippedNode } from "../engine/keep-going.ts";
import { callResultBuilder, checkResultBuilder, type BuiltResult, type KindOfArg, type ResultBuilder, type ResultKind, type ResultMeta, type ResultOptions } from "../results/result-builder.ts";
import { objectResult } from "../results/object-result.ts";
import { diffRuns, type DiffOptions, type RunDiff } from "../history/run-diff.ts";
import { checkOptionsObject, checkOutputs, checkTagFilter, checkValues } from "./check-args.ts";
import { DriverWatch, type WatchOptions, type WatchSource } from "./watch.ts";
import { matchesTags, toVariable, type TagFilter, type Variable } from "../introspect/variables.ts";

export { matchesTags };
export type { TagFilter, Variable };
import { describeExecution, type ExecutionDescription } from "../introspect/export-execution.ts";
import {
  materializationOutputs, materialize, splitItems, type MaterializeItem, type MaterializeOptions, type MaterializeResult,
} from "../materialize/materialize.ts";
import { setOwn } from "../own-property.ts";
import type { Materializer } from "../materialize/to.ts";
import { viewOfGraph, viewOfPlan } from "../visualize/view.ts";
import { visualize, type VisualFormat } from "../visualize/visualize.ts";

type Values = Readonly<Record<string, unknown>>;

/** Options of {@link Driver.execute}. */
export interface ExecuteOptions<N = Record<string, unknown>, I extends Values = Values> {
  /** Values of the graph's external inputs. */
  readonly inputs?: I;
  /** Values that replace nodes: those nodes, and everything only they need, are not computed. */
  readonly overrides?: { readonly [K in keyof N]?: N[K] } & Values;
  /** Cancels the run: running nodes' AbortSignals fire and `execute` rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * What a node failure does: fail the run at once, cancelling the rest ("fail", the default), or fail only what
   * depends on it ("continue": `execute` resolves with a {@link KeepGoingResult}; see docs/guide/driver.md).
   */
  readonly onError?: "fail" | "continue";
  /** With `onError: "continue"`: the value a failed or skipped node holds (default `undefined`). */
  readonly sentinel?: unknown;
}

/** Options of a keep-going {@link Driver.execute}: `onError: "continue"`, with an optional sentinel of type `S`. */
export interface KeepGoingOptions<N = Record<string, unknown>, I extends Values = Values, S = undefined> extends ExecuteOptions<N, I> {
  readonly onError: "continue";
  readonly sentinel?: S;
}

/** Outputs `R` by name, each possibly the sentinel `S` of a keep-going run. */
export type WithSentinel<R, S> = { [K in keyof R]: R[K] | S };

/**
 * What `execute(outputs, { onError: "continue" })` resolves with: every requested output, the sentinel for those
 * that failed or were skipped; the failures (each a `NodeExecutionError` with its node, path and items); and the
 * nodes skipped because an input failed. `ok` is true when nothing failed.
 */
export interface KeepGoingResult<R> {
  readonly ok: boolean;
  /** The outputs by name (or what the result builder made of them), the sentinel for those not computed. */
  readonly results: R;
  readonly failures: readonly NodeExecutionError[];
  readonly skipped: readonly SkippedNode[];
}

/** Errors `executeEffect` can fail with. */
export type ExecuteError = UnknownNodeError | MissingInputError | InputConflictError | InputValidationError | NodeExecutionError;

/** Options of {@link Driver.visualizeExecution} and {@link Driver.displayAllFunctions}. */
export interface VisualizeOptions {
  /** "dot" (default), "mermaid", or "svg" (rendered from the DOT by Graphviz). */
  readonly format?: VisualFormat;
  /** A title drawn above the graph (DOT and SVG). */
  readonly title?: string;
}

/** Settings a Builder hands to the Driver. */
export interface DriverSettings {
  readonly config: Values;
  readonly hooks: readonly Hook[];
  /** Graph adapters, outermost first (see `withAdapters`). */
  readonly adapters?: readonly GraphAdapter[] | undefined;
  readonly concurrency: number | undefined;
  /** Semaphores of the resource pools each node is in, by node id (see `withPools`). */
  readonly pools?: readonly (readonly Semaphore.Semaphore[] | undefined)[] | undefined;
  readonly clock: Clock;
  /** Where worker nodes run; undefined when the graph has none. */
  readonly executor: Executor | undefined;
  /** The cache and each node's behaviour, when caching is on. */
  readonly cache: { readonly store: Cache; readonly behaviors: readonly CacheBehavior[]; readonly codeVersions: readonly (NodeCodeVersion | undefined)[] } | undefined;
  /** The run history, when tracking is on: its store, and the hook (among `hooks`) that records into it. */
  readonly tracking?: { readonly store: RunHistory & RunPruner; readonly tracker: { flush(): void; close(): void } } | undefined;
  /** The OpenTelemetry exporter, when `withTelemetry()` was used: closed (its batch sent) with the driver. */
  readonly telemetry?: { close(): Promise<void> } | undefined;
  /** How the Builder builds this driver again from reloaded modules, for {@link Driver.watch}. */
  readonly watch?: WatchSource;
  /** What `execute` makes its result with, from `withResultBuilder`; the outputs object when undefined. */
  readonly resultBuilder?: ResultBuilder | undefined;
}

/** `driver.history`: the run history this driver records into, and what it tells about runs. */
export interface DriverHistory extends RunHistory, RunPruner {
  /**
   * What changed from run `a` to run `b`: given values, code, each node's value, status and duration, and for
   * each output (run b's by default) the frontier of nodes where its change starts: `code changed` (why) or
   * `non-deterministic`. Data versions come from the cache's records of the runs (same file).
   *
   * @throws {RangeError} when a run is not in the history
   */
  diff(a: string, b: string, options?: DiffOptions): RunDiff;
}

/** The store, with `diff` over it and the cache: every other method is the store's own. */
function historyOf(store: RunHistory & RunPruner, cache: Cache | undefined): DriverHistory {
  const diff = (a: string, b: string, options?: DiffOptions) => diffRuns(store, cache, a, b, options);
  return new Proxy(store, {
    get: (target, key) => {
      if (key === "diff") return diff;
      const v = Reflect.get(target, key, target) as unknown;
      // Bound to the store: its methods read its private fields.
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as DriverHistory;
}

/** `driver.cache`: what the cache knows about this driver's runs. */
export interface DriverCache {
  /** The id of this driver's most recent run with the cache (or the store's, before the first). */
  readonly lastRunId: string | undefined;
  /** Why `node` hit or missed in a run (the last one by default). */
  explain(node: string, runId?: string): CacheExplanation;
  /** Data versions of the nodes of a run (the last one by default), by node name. */
  dataVersions(runId?: string): Record<string, string>;
  /** Forgets the cached results of `nodes`, or of every node. */
  clear(nodes?: readonly string[]): void;
  /** Removes results by size and age, and blob files nothing refers to. */
  gc(options?: GcOptions): GcReport;
}

/**
 * Runs a built graph. Made by `Builder.build()`.
 *
 * @example
 * ```ts
 * const dr = await new Builder().withModules(flow).build();
 * const { total } = await dr.execute(["total"], { inputs: { n: 3 } });
 * ```
 */
export class Driver<N extends Record<string, unknown> = Record<string, unknown>, B = undefined, P extends string = never> {
  readonly #graph: Graph;
  readonly #settings: DriverSettings;
  readonly #planner: Planner;
  #lastRunId: string | undefined;
  #closed = false;
  #history: DriverHistory | undefined;

  constructor(graph: Graph, settings: DriverSettings) {
    this.#graph = graph;
    this.#settings = settings;
    this.#planner = new Planner(graph);
  }

  /** The graph this driver runs. */
  get graph(): Graph {
    return this.#graph;
  }

  /**
   * Computes `outputs`, running only the nodes they need, each at most once, and returns them by
   * name, or what the result builder (`options.resultBuilder`, else the Builder's) makes of them.
   * Rejects with a `WeftError` (see {@link ExecuteError}), or with what a result builder threw; a
   * cancelled run rejects with `signal.reason`. With `onError: "continue"`, a failed node fails only what
   * depends on it and `execute` resolves with a {@link KeepGoingResult}.
   *
   * @example
   * ```ts
   * const { ok, results, failures } = await dr.execute(["report", "summary"], { onError: "continue", sentinel: null });
   * ```
   */
  // The plain form first: when a call matches none (a wrong output name), its result type is the plain one.
  execute<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
  >(
    outputs: readonly O[],
    options?: ExecuteOptions<N, I> & ResultOptions<ExecuteResult<N, I, O>, R, K> & { readonly onError?: "fail" },
  ): Promise<BuiltResult<KindOfArg<R, K, B>, ExecuteResult<N, I, O>>>;
  execute<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
    S = undefined,
  >(
    outputs: readonly O[],
    options: KeepGoingOptions<N, I, S> & ResultOptions<WithSentinel<ExecuteResult<N, I, O>, S>, R, K>,
  ): Promise<KeepGoingResult<BuiltResult<KindOfArg<R, K, B>, WithSentinel<ExecuteResult<N, I, O>, S>>>>;
  execute<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
  >(
    outputs: readonly O[],
    options?: ExecuteOptions<N, I> & ResultOptions<ExecuteResult<N, I, O>, R, K>,
  ): Promise<unknown>;
  execute(
    outputs: readonly string[],
    // The implementation accepts what every overload above does.
    options: ExecuteOptions<N, any> & ResultOptions<any, any, any> = {},
  ): Promise<unknown> {
    let effect: Effect.Effect<unknown, ExecuteError>;
    try {
      effect = this.executeEffect(outputs, options);
    } catch (e) {
      return Promise.reject(e);
    }
    const signal = options.signal;
    return Effect.runPromiseExit(effect).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value;
      if (signal?.aborted && !Cause.hasFails(exit.cause)) throw signal.reason;
      throw Cause.squash(exit.cause);
    });
  }

  /**
   * {@link Driver.execute} as an Effect with typed errors. Interrupting it (or
   * aborting `options.signal`) cancels the run. A result builder that throws
   * (or rejects) is a defect of the Effect, as a throwing hook is.
   */
  executeEffect<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
  >(
    outputs: readonly O[],
    options?: ExecuteOptions<N, I> & ResultOptions<ExecuteResult<N, I, O>, R, K> & { readonly onError?: "fail" },
  ): Effect.Effect<BuiltResult<KindOfArg<R, K, B>, ExecuteResult<N, I, O>>, ExecuteError>;
  executeEffect<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
    S = undefined,
  >(
    outputs: readonly O[],
    options: KeepGoingOptions<N, I, S> & ResultOptions<WithSentinel<ExecuteResult<N, I, O>, S>, R, K>,
  ): Effect.Effect<KeepGoingResult<BuiltResult<KindOfArg<R, K, B>, WithSentinel<ExecuteResult<N, I, O>, S>>>, ExecuteError>;
  executeEffect<
    const O extends Exclude<keyof N & string, P> | (keyof I & string),
    I extends Values = {},
    R = never,
    K extends ResultKind = never,
  >(
    outputs: readonly O[],
    options?: ExecuteOptions<N, I> & ResultOptions<ExecuteResult<N, I, O>, R, K>,
  ): Effect.Effect<unknown, ExecuteError>;
  executeEffect(
    outputs: readonly string[],
    // The implementation accepts what every overload above does.
    options: ExecuteOptions<N, any> & ResultOptions<any, any, any> = {},
  ): Effect.Effect<unknown, ExecuteError> {
    checkOutputs(outputs, "executeEffect");
    checkOptionsObject(options, "execute");
    if (options.resultBuilder !== undefined) checkResultBuilder(options.resultBuilder, "execute() option \"resultBuilder\"");
    const builder = (options.resultBuilder ?? this.#settings.resultBuilder) as ResultBuilder | undefined;
    const inputs = checkValues(options.inputs, "inputs");
    const overrides = checkValues(options.overrides, "overrides");
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TypeError("execute() option \"signal\" must be an AbortSignal");
    }
    if (options.onError !== undefined && options.onError !== "fail" && options.onError !== "continue") {
      throw new TypeError(`execute() option "onError" must be "fail" or "continue", got ${JSON.stringify(options.onError)}`);
    }
    if (options.sentinel !== undefined && options.onError !== "continue") {
      throw new TypeError("execute() option \"sentinel\" needs onError: \"continue\"; without it a failure fails the run");
    }
    const signal = options.signal;
    const keepGoing = options.onError === "continue";
    const run = Effect.suspend(() => {
      let plan: Plan;
      try {
        plan = this.#planner.plan({ outputs, inputs, overrides });
      } catch (e) {
        return Effect.fail(e as ExecuteError);
      }
      const runId = crypto.randomUUID();
      const state: KeepGoing | undefined = keepGoing ? { sentinel: options.sentinel, failures: [], skipped: [] } : undefined;
      const results = this.#run(plan, inputs, overrides, signal, runId, state);
      const built = builder === undefined || builder === objectResult ? results : Effect.flatMap(results, (values) => this.#build(builder, values, plan, runId));
      // A keep-going run: what the builder made of the values it could compute (sentinels for the rest), and the failures.
      const done = state === undefined ? built : Effect.map(built, (r) => ({ ok: state.failures.length === 0, results: r, failures: state.failures, skipped: state.skipped }));
      return done as Effect.Effect<never, ExecuteError>;
    });
    if (signal === undefined) return run;
    // Checked when the effect runs: a signal aborted already must not start any node.
    return Effect.suspend(() => (signal.aborted ? Effect.interrupt : Effect.raceFirst(run, interruptOn(signal))));
  }

  /** The builder's result from the outputs: sync, or awaited when it returns a promise (a throw or rejection is a defect). */
  #build(builder: ResultBuilder, values: Record<string, unknown>, plan: Plan, runId: string): Effect.Effect<unknown> {
    return Effect.suspend(() => {
      const nodes: Record<string, Variable> = Object.create(null);
      for (const name of plan.outputs) {
        const n = this.#graph.get(name);
        if (n !== undefined) nodes[name] = toVariable(n);
      }
      const meta: ResultMeta = { runId, outputs: plan.outputs, nodes };
      const r = callResultBuilder(builder, values, meta);
      return isPromiseLike(r) ? Effect.promise(() => Promise.resolve(r)) : Effect.succeed(r);
    });
  }

  #run(
    plan: Plan, inputs: Values, overrides: Values, signal: AbortSignal | undefined, runId: string, keepGoing: KeepGoing | undefined,
  ): Effect.Effect<Record<string, unknown>, NodeExecutionError | InputValidationError> {
    const { hooks, clock, concurrency, config, executor, cache, pools, adapters = [] } = this.#settings;
    const around = adapters.filter((a) => a.aroundNode !== undefined);
    // Node and task hooks' promises: awaited when the run ends, before afterGraph.
    const promises = hooks.length === 0 ? undefined : new HookPromises();
    const base = { runId, hooks, clock, concurrency, pools, config, executor, controller: new AbortController(), promises, adapters: around, keepGoing };
    let engine: Effect.Effect<Record<string, unknown>, NodeExecutionError | InputValidationError> = cache === undefined
      ? runPlan(plan, { ...base, interceptor: undefined })
      : Effect.suspend(() => {
        const interceptor = new CacheInterceptor(cache.store, cache.store.beginRun(runId), this.#graph, cache.behaviors, config, cache.codeVersions);
        this.#lastRunId = runId;
        // Whatever the outcome, what finished is written: a crashed or failed run resumes from it.
        return runPlan(plan, { ...base, interceptor }).pipe(Effect.ensuring(Effect.sync(() => interceptor.finish())));
      });
    if (adapters.some((a) => a.validateInput !== undefined)) {
      const checks = inputChecks(this.#graph, plan.inPlan, inputs);
      // Every rejection at once, before any node starts.
      const run = engine;
      if (checks.length > 0) engine = Effect.promise(() => validateInputs(adapters, checks)).pipe(Effect.flatMap((e) => (e === undefined ? run : Effect.fail(e))));
    }
    if (hooks.length === 0) return engine;
    return withGraphHooks(engine, {
      hooks, clock, promises: promises!, signal,
      start: { runId, outputs: plan.outputs, nodes: plan.nodeNames, inputs, overrides, config },
    });
  }

  /**
   * Runs `outputs`, then again after each save of the flow's module files or
   * of the project files they import relatively: an async iterable of the
   * finished runs, each with its nodes `from cache` or `computed (reason)`.
   * Saves in quick succession make one run; a save during a run cancels it and
   * starts again; a file that does not load is yielded as an error (file and
   * line), and the watch waits for the next save. `return()` (a `break` out of
   * `for await`) or `options.signal` ends it. Needs every module's file:
   * `withModules({ name, exports, url: import.meta.url })`.
   *
   * @example
   * ```ts
   * for await (const run of dr.watch(["report"], { inputs: { day: "2026-11-22" } })) {
   *   for (const n of run.nodes) console.log(n.node, n.status === "computed" ? `computed (${n.reason})` : n.status);
   *   if (run.ok) console.log(run.results.report);
   * }
   * ```
   */
  watch<const O extends Exclude<keyof N & string, P>>(outputs: readonly O[], options: WatchOptions = {}): DriverWatch {
    // A wrong output name or a missing input fails here, not in every run.
    this.validateExecution(outputs, options);
    if (this.#settings.watch === undefined) throw new TypeError("watch() needs a driver made by Builder.build()");
    return new DriverWatch(this.#settings.watch, outputs, options);
  }

  /**
   * Checks that `outputs` can be computed with the given inputs, without running anything.
   *
   * @throws {UnknownNodeError} {@link MissingInputError} {@link InputConflictError}
   */
  validateExecution(outputs: readonly string[], options: { inputs?: Values; overrides?: Values } = {}): void {
    checkOutputs(outputs, "validateExecution");
    checkOptionsObject(options, "validateExecution");
    this.#planner.plan({
      outputs,
      inputs: checkValues(options.inputs, "inputs"),
      overrides: checkValues(options.overrides, "overrides"),
    });
  }

  /**
   * What `execute(outputs, options)` would do, without doing it: for every node call the run would make
   * (one per item in map/reduce blocks), whether the cache would serve it (`hit`), compute it and why
   * (`miss`, with explain's reason), or cannot tell before the run (`pending`: below a miss, a hit if its
   * inputs come out the same), or will compute it regardless (`uncacheable`, `disabled`, `recompute`); and
   * an estimate from the run history (each node's median duration, scheduled with the driver's
   * concurrency). No node is called and nothing is written; the cache is read in one read transaction.
   *
   * @throws {UnknownNodeError} {@link MissingInputError} {@link InputConflictError} as `execute` would reject
   * @example
   * ```ts
   * const plan = dr.plan(["report"], { inputs: { day: "2026-11-22" } });
   * plan.nodes.filter((n) => n.status !== "hit").map((n) => `${n.node}: ${n.reason}`);
   * // ['report: code of "report" changed (flow.ts:21)']
   * console.log(formatPlan(plan)); // the same as a table, with the estimate
   * ```
   */
  plan<const O extends Exclude<keyof N & string, P> | (keyof I & string), I extends Values = {}>(
    outputs: readonly O[],
    options: Omit<ExecuteOptions<N, I>, "signal"> = {},
  ): DriverPlan {
    const plan = this.#plan(outputs, options, "plan");
    const { cache, config, concurrency, tracking } = this.#settings;
    const calls = planCacheUse(plan, {
      cache: cache?.store,
      behaviors: cache?.behaviors ?? [],
      codeVersions: cache?.codeVersions ?? [],
      config,
    });
    return planOf(plan.outputs, calls, { history: tracking?.store, concurrency });
  }

  /** Every node, input and config value of the graph, optionally filtered by tags. */
  listAvailableVariables(options: { tags?: TagFilter } = {}): Variable[] {
    checkOptionsObject(options, "listAvailableVariables");
    const filter = options.tags;
    checkTagFilter(filter);
    return this.#graph.nodes.filter((n) => !filter || matchesTags(n.tags, filter)).map(toVariable);
  }

  /** The named nodes and everything they depend on, transitively. */
  whatIsUpstreamOf(...names: string[]): Variable[] {
    return this.#walk(names, "whatIsUpstreamOf", (n) => n.uniqueDepIds);
  }

  /** The named nodes and everything that depends on them, transitively. */
  whatIsDownstreamOf(...names: string[]): Variable[] {
    return this.#walk(names, "whatIsDownstreamOf", (n) => this.#graph.dependents[n.id]!);
  }

  #walk(names: readonly string[], method: string, next: (n: GraphNode) => Int32Array): Variable[] {
    checkOutputs(names, method);
    const seen = new Set<number>();
    const stack: number[] = [];
    for (const name of names) {
      const node = this.#graph.get(name);
      if (!node) throw new UnknownNode(name, suggest(name, this.#graph), `Cannot answer ${method}()`);
      stack.push(node.id);
    }
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const d of next(this.#graph.nodes[id]!)) stack.push(d);
    }
    return [...seen].sort((a, b) => a - b).map((id) => toVariable(this.#graph.nodes[id]!));
  }

  /**
   * The nodes on some path from `upstream` to `downstream`, both included
   * (empty when `downstream` does not depend on `upstream`).
   *
   * @throws {UnknownNodeError} for a name the graph does not know
   */
  whatIsThePathBetween(upstream: string, downstream: string): Variable[] {
    const below = new Set(this.whatIsDownstreamOf(upstream).map((v) => v.name));
    return this.whatIsUpstreamOf(downstream).filter((v) => below.has(v.name));
  }

  /**
   * A JSON-ready description of what `execute(outputs, options)` would run,
   * dependencies first. Throws what `execute` would reject with before running.
   */
  exportExecution(outputs: readonly string[], options: { inputs?: Values; overrides?: Values } = {}): ExecutionDescription {
    return describeExecution(this.#plan(outputs, options, "exportExecution"));
  }

  /**
   * Draws what `execute(outputs, options)` would run: requested outputs,
   * given inputs, overrides, config values, worker and config-driven nodes
   * styled apart, with a legend. SVG is laid out by Graphviz (WebAssembly).
   *
   * @example
   * ```ts
   * const svg = await dr.visualizeExecution(["report"], { inputs: { day: "2026-11-22" }, format: "svg" });
   * ```
   */
  visualizeExecution(
    outputs: readonly string[],
    options: { inputs?: Values; overrides?: Values } & VisualizeOptions = {},
  ): Promise<string> {
    try {
      return visualize(viewOfPlan(this.#plan(outputs, options, "visualizeExecution")), options.format, titleOf(options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Draws the whole graph (every node, input and config value). */
  displayAllFunctions(options: VisualizeOptions = {}): Promise<string> {
    return visualize(viewOfGraph(this.#graph), options.format, titleOf(options));
  }

  /**
   * Computes what the materializers need in one run, has each write its
   * values, and returns their metadata by id (plus `options.outputs`).
   *
   * @example
   * ```ts
   * const { materialized } = await dr.materialize([to.csv({ dependencies: ["rows"], path: "out/rows.csv" })]);
   * ```
   */
  materialize(materializers: readonly MaterializeItem[], options: MaterializeOptions = {}): Promise<MaterializeResult> {
    // Materializers read the outputs by name, whatever builder the driver has.
    return materialize(
      (outputs, run) => this.execute(outputs as never[], { ...(run as ExecuteOptions<N>), resultBuilder: objectResult, onError: "fail" }),
      materializers, options, (name) => this.#graph.get(name)?.kind === "function",
    );
  }

  /**
   * Checks that `materialize(materializers, options)` could run, without running or writing anything: the
   * materializers' shapes and ids, and that their dependencies and `options.outputs` can be computed with the given
   * inputs (Hamilton's `validate_materialization`).
   *
   * @throws {TypeError} for a bad materializer; {@link UnknownNodeError} {@link MissingInputError} {@link InputConflictError}
   * @example
   * ```ts
   * dr.validateMaterialization([to.csv({ dependencies: ["rows"], path: "out/rows.csv" })], { inputs: { day: "2026-11-22" } });
   * ```
   */
  validateMaterialization(materializers: readonly MaterializeItem[], options: Omit<MaterializeOptions, "signal"> = {}): void {
    checkOptionsObject(options, "validateMaterialization");
    const { loads, materializers: savers } = splitItems(materializers, "validateMaterialization");
    const wanted = materializationOutputs(savers, options.outputs, "validateMaterialization", loads.length);
    // A loader's target is given to the run (its data is read then): planned as given, nothing read now.
    const inputs: Record<string, unknown> = { ...checkValues(options.inputs, "inputs") };
    const overrides: Record<string, unknown> = { ...checkValues(options.overrides, "overrides") };
    for (const l of loads) {
      if (typeof l.path !== "string" && !Object.hasOwn(inputs, l.path.name)) throw new MissingInput([{ input: l.path.name, neededBy: [l.id] }]);
      setOwn(this.#graph.get(l.target)?.kind === "function" ? overrides : inputs, l.target, undefined);
    }
    if (wanted.length > 0) this.#plan(wanted, { inputs, overrides }, "validateMaterialization");
  }

  #plan(outputs: readonly string[], options: { inputs?: Values; overrides?: Values }, method: string): Plan {
    checkOutputs(outputs, method);
    checkOptionsObject(options, method);
    return this.#planner.plan({
      outputs,
      inputs: checkValues(options.inputs, "inputs"),
      overrides: checkValues(options.overrides, "overrides"),
    });
  }

  /** The cache of this driver's runs, when `withCache()` was used. */
  get cache(): DriverCache | undefined {
    const store = this.#settings.cache?.store;
    if (store === undefined) return undefined;
    const driver = this;
    return {
      get lastRunId() {
        return driver.#lastRunId ?? store.lastRunId();
      },
      explain: (node, runId) => store.explain(node, runId ?? driver.#lastRunId),
      dataVersions: (runId) => store.dataVersions(runId ?? driver.#lastRunId),
      clear: (nodes) => store.clear(nodes),
      gc: (options) => store.gc(options),
    };
  }

  /**
   * The run history this driver records into, when `withTracking()` was used:
   * runs newest first, each run's node executions; `prune` removes old runs
   * (never one still running) with the cache's per-run records of them.
   *
   * @example
   * ```ts
   * await dr.execute(["total"]);
   * dr.history?.listRuns().runs[0]?.status; // "succeeded"
   * dr.history?.prune({ keepRuns: 100, olderThanMs: 30 * 86_400_000 }).runs.length; // runs removed
   * ```
   */
  get history(): DriverHistory | undefined {
    const tracking = this.#settings.tracking;
    if (tracking === undefined) return undefined;
    return (this.#history ??= historyOf(tracking.store, this.#settings.cache?.store));
  }

  /** Stops the driver's workers and closes its cache and run history. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#settings.executor?.dispose();
    this.#settings.cache?.store.close();
    this.#settings.tracking?.tracker.close();
    await this.#settings.telemetry?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Interrupts when `signal` aborts (at once if it already has), so that racing it cancels a run. */
function interruptOn(signal: AbortSignal): Effect.Effect<never> {
  return Effect.callback<never>((resume) => {
    const onAbort = () => resume(Effect.interrupt);
    signal.addEventListener("abort", onAbort, { once: true });
    return Effect.sync(() => signal.removeEventListener("abort", onAbort));
  });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function titleOf(options: VisualizeOptions): { title?: string } {
  return options.title === undefined ? {} : { title: options.title };
}
