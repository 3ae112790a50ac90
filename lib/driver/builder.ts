/**
 * The Builder: collects modules, config and settings, checking each argument
 * as it comes, then builds the graph and a Driver. What `build()` opens for the
 * settings lives beside it: build-cache.ts, build-tracking.ts and
 * build-executor.ts; the settings' types in builder-options.ts; how
 * `withModules` reads its arguments in module-args.ts.
 *
 * @module
 */
import { Driver } from "./driver.ts";
import { GraphBuildError } from "../errors.ts";
import { openBuildCache } from "./build-cache.ts";
import { startBuildExecutor } from "./build-executor.ts";
import { buildRequestOf, openBuildTracking } from "./build-tracking.ts";
import type { BuilderDefaults, CacheOptions, TrackingOptions, WorkersOptions } from "./builder-options.ts";
import { toModuleSource, type ModuleArg } from "./module-args.ts";
import { buildGraph, type Graph, type ModuleSource } from "../graph/graph.ts";
import { setOwn } from "../own-property.ts";
import { checkPoolLimits, poolsByNode, type PoolLimits } from "../engine/resource-pools.ts";
import type { Executor } from "../ports/executor.ts";
import { callerModuleUrl } from "../model/caller-module.ts";
import type { Cache, ModuleFile } from "../ports/cache.ts";
import type { RunOrigin, RunStore } from "../ports/run-store.ts";
import type { WatchSource } from "./watch.ts";
import type { RunTracker } from "../history/run-tracker.ts";
import { checkTelemetryOptions, openTelemetry, type Telemetry, type TelemetryOptions } from "../history/telemetry.ts";
import { HOOK_METHODS, systemClock, type Clock, type Hook } from "../hooks.ts";
import { callHooks, HookPromises } from "../hook-calls.ts";
import { ADAPTER_METHODS, validateBuild, type GraphAdapter } from "../graph-adapter.ts";
import type { WarningHandler } from "../model/warning.ts";
import type { EdgeErrors, NodeFunctionsOfAll, NodeTypes, PerItemNodes } from "../model/types.ts";
import { objectResult } from "../results/object-result.ts";
import { checkResultBuilder, type KindOfArg, type ResultBuilder, type ResultBuilderArg, type ResultKind } from "../results/result-builder.ts";
import { checkMaterializers, splitItems, type MaterializeItem } from "../materialize/materialize.ts";
import { materializerModule } from "../materialize/materializer-nodes.ts";

type Values = Readonly<Record<string, unknown>>;

/** What a first build opened, shared by the rebuilds of `driver.watch`. */
interface Opened {
  readonly cache: Cache | undefined;
  readonly tracking: { readonly store: RunStore; readonly origin: RunOrigin } | undefined;
  readonly executor: Executor | undefined;
  readonly telemetry?: Telemetry | undefined;
}

/** The one file `node()` recorded for the nodes of module `name`, if they agree on one. */
function recordedUrl(graph: Graph, name: string): string | undefined {
  const urls = new Set(graph.nodes.filter((n) => n.module === name && n.moduleUrl !== undefined).map((n) => n.moduleUrl));
  return urls.size === 1 ? [...urls][0] : undefined;
}

/** The message `build()` shows (as its `this` type) when a destructured edge is ill-typed. */
export interface IllTypedEdges<E> {
  readonly "weft: a node's parameter type does not accept what its producer returns": E;
}

/**
 * Builds a {@link Driver} from modules of node functions.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import * as flow from "../flow.ts";
 * const dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).build();
 * ```
 */
export class Builder<F = {}, C = {}, B = undefined> {
  #modules: ModuleSource[] = [];
  /** Where each module's source is, by module name (code versions read it). */
  #files = new Map<string, ModuleFile>();
  #config: Record<string, unknown> = {};
  #hooks: Hook[] = [];
  #adapters: GraphAdapter[] = [];
  #concurrency: number | undefined;
  #allowOverrides = false;
  #clock: Clock = systemClock;
  #workers: WorkersOptions | undefined;
  #pools: PoolLimits | undefined;
  #executor: Executor | undefined;
  #resultBuilder: ResultBuilder | undefined;
  readonly #defaults: BuilderDefaults | undefined;

  /** `defaults` come from the composition root; `new Builder()` from "weft" has them. */
  constructor(defaults?: BuilderDefaults) {
    this.#defaults = defaults;
  }
  #warn: WarningHandler | undefined;
  #cache: CacheOptions | undefined;
  #tracking: TrackingOptions | undefined;
  #telemetry: TelemetryOptions | undefined;
  #materializers: MaterializeItem[] = [];

  /**
   * Adds modules: every exported function whose name does not start with `_` becomes a node.
   * Pass `{ name, exports }` to give a module a name for messages and the `module` tag.
   */
  withModules<const M extends readonly ModuleArg[]>(...modules: M): Builder<F & NodeFunctionsOfAll<M>, C, B> {
    const callerUrl = callerModuleUrl();
    for (const m of modules) {
      if (Array.isArray(m)) {
        throw new TypeError("withModules() expects modules, got an array; spread it: withModules(...modules)");
      }
      if (typeof m !== "object" || m === null) {
        throw new TypeError(`withModules() expects module objects (import * as flow from "../flow.ts"), got ${m === null ? "null" : typeof m}`);
      }
      const { source, url } = toModuleSource(m, this.#modules.length + 1);
      this.#modules.push(source);
      this.#files.set(source.name, { exports: source.exports, ...(url === undefined ? {} : { url }), ...(callerUrl === undefined ? {} : { callerUrl }) });
    }
    return this as unknown as Builder<F & NodeFunctionsOfAll<M>, C, B>;
  }

  /** Adds config values: they serve as inputs, and shadow a function node of the same name. */
  withConfig<const C2 extends Values>(config: C2): Builder<F, Omit<C, keyof C2> & C2, B> {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new TypeError("withConfig() expects an object of name -> value");
    }
    for (const key of Object.keys(config)) setOwn(this.#config, key, config[key]); // Object.assign would set a prototype for "__proto__"
    return this as unknown as Builder<F, Omit<C, keyof C2> & C2, B>;
  }

  /** Adds lifecycle hooks, called in the order given. */
  withHooks(...hooks: Hook[]): this {
    for (const h of hooks) {
      if (typeof h !== "object" || h === null) throw new TypeError("withHooks() expects hook objects");
      const name = (h as { name?: unknown }).name;
      if (name !== undefined && typeof name !== "string") throw new TypeError(`withHooks() hook "name" must be a string, got ${name === null ? "null" : typeof name}`);
      for (const key of HOOK_METHODS) {
        const v = (h as Record<string, unknown>)[key];
        if (v !== undefined && typeof v !== "function") throw new TypeError(`withHooks() hook method "${key}" must be a function, got ${v === null ? "null" : typeof v}`);
      }
      this.#hooks.push(h);
    }
    return this;
  }

  /**
   * Adds graph adapters, outermost first: each one's `aroundNode` wraps the
   * execution of every node (the cache is asked first: a hit is not executed),
   * and its validators check each node, edge and the graph at build, and the inputs
   * of each run before any node starts; every rejection is reported at once.
   *
   * @example
   * ```ts
   * const retryOnce: GraphAdapter = {
   *   aroundNode: async ({ call }) => {
   *     try { return await call(); } catch { return await call(); }
   *   },
   * };
   * const dr = await new Builder().withModules(flow).withAdapters(retryOnce).build();
   * ```
   */
  withAdapters(...adapters: GraphAdapter[]): this {
    for (const a of adapters) {
      if (typeof a !== "object" || a === null) throw new TypeError(`withAdapters() expects adapter objects (with aroundNode, validateInput, validateNode or validateGraph), got ${a === null ? "null" : typeof a}`);
      const name = (a as { name?: unknown }).name;
      if (name !== undefined && typeof name !== "string") throw new TypeError(`withAdapters() adapter "name" must be a string, got ${name === null ? "null" : typeof name}`);
      for (const key of ADAPTER_METHODS) {
        const v = (a as unknown as Record<string, unknown>)[key];
        if (v !== undefined && typeof v !== "function") throw new TypeError(`withAdapters() adapter method "${key}" must be a function, got ${v === null ? "null" : typeof v}`);
      }
      this.#adapters.push(a);
    }
    return this;
  }

  /**
   * Bounds how many nodes run at once in-process (unbounded by default, as in
   * Hamilton). Worker nodes are bounded by their executor alone (`withWorkers`
   * size, an executor's `capacity`): one limiter per path.
   */
  withConcurrency(limit: number): this {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`withConcurrency() expects a positive integer, got ${String(limit)}`);
    }
    this.#concurrency = limit;
    return this;
  }

  /**
   * Per-tag resource pools: nodes tagged `{ pool: name }` run at most `limit`
   * at once across all runs of the driver (an API's rate of concurrent calls,
   * a database's connections). A node may name several pools.
   *
   * @example
   * ```ts
   * export const summary = node(async (text: string) => callModel(text), { tags: { pool: "openai" } });
   * const dr = await new Builder().withModules(flow).withPools({ openai: 2 }).build();
   * ```
   */
  withPools(limits: PoolLimits): this {
    this.#pools = { ...this.#pools, ...checkPoolLimits(limits) };
    return this;
  }

  /**
   * Runs worker nodes (`node(fn, { worker: true })`) on a pool of `size` worker
   * threads (default: the available cores). Without this call a pool of the
   * default size starts when the graph has worker nodes.
   */
  withWorkers(options: WorkersOptions = {}): this {
    if (options.size !== undefined && (!Number.isInteger(options.size) || options.size < 1)) {
      throw new RangeError(`withWorkers() option "size" must be a positive integer, got ${String(options.size)}`);
    }
    this.#workers = options;
    return this;
  }

  /** Runs worker nodes on `executor` instead of the Worker pool (e.g. in-process, or distributed). */
  withExecutor(executor: Executor): this {
    if (typeof executor !== "object" || executor === null || typeof executor.submit !== "function") {
      throw new TypeError("withExecutor() expects an Executor (an object with init, submit and dispose)");
    }
    if (this.#executor !== undefined) {
      throw new Error("Cannot call withExecutor() twice on one Builder: a driver has one executor for its worker nodes; pass the one you want once");
    }
    this.#executor = executor;
    return this;
  }

  /** Lets a later module's node replace an earlier module's node of the same name, instead of failing. */
  allowModuleOverrides(): this {
    this.#allowOverrides = true;
    return this;
  }

  /**
   * Caches node results, fingerprinted by code and inputs, in SQLite (`.weft/weft.db` by default): a
   * re-run reuses every node whose code and inputs did not change. `recompute`, `disable` and `ignore`
   * set those behaviours for all nodes (`true`) or the named ones, over each node's own `cache` option.
   * `memoryBytes` bounds the results of recent runs kept in memory (default 64 MiB, 0 for none), which
   * serve repeated runs of one driver without reading SQLite.
   *
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withCache({ recompute: ["rawRows"] }).build();
   * const lean = await new Builder().withModules(flow).withCache({ memoryBytes: 16 * 1024 * 1024 }).build();
   * ```
   */
  withCache(options: CacheOptions = {}): this {
    if (typeof options !== "object" || options === null) throw new TypeError("withCache() expects an options object");
    if (this.#cache !== undefined) {
      throw new Error("Cannot call withCache() twice on one Builder: pass every cache option in one call, such as withCache({ path, recompute: [\"raw\"] })");
    }
    if (options.path !== undefined && (typeof options.path !== "string" || options.path === "")) {
      throw new TypeError("withCache() option \"path\" must be a non-empty string");
    }
    const bytes = options.memoryBytes;
    if (bytes !== undefined && (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0)) {
      if (typeof bytes !== "number") throw new TypeError("withCache() option \"memoryBytes\" must be a number of bytes");
      throw new RangeError(`withCache() option "memoryBytes" must be a whole number of bytes, 0 or more: got ${bytes}`);
    }
    for (const key of ["recompute", "disable", "ignore"] as const) {
      const v = options[key];
      if (v !== undefined && v !== true && !(Array.isArray(v) && v.every((n) => typeof n === "string"))) {
        throw new TypeError(`withCache() option "${key}" must be true or an array of node names`);
      }
    }
    this.#cache = options;
    return this;
  }

  /**
   * Records every run (status, inputs, each node's timings, where it ran, cache
   * hit or miss and why, errors, result previews) in the cache's SQLite file,
   * with or without the cache; `weft ui` shows the history.
   *
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withCache().withTracking().build();
   * ```
   */
  withTracking(options: TrackingOptions = {}): this {
    if (typeof options !== "object" || options === null) throw new TypeError("withTracking() expects an options object");
    if (options.path !== undefined && (typeof options.path !== "string" || options.path === "")) {
      throw new TypeError("withTracking() option \"path\" must be a non-empty string");
    }
    for (const key of ["previewLength", "flushMs"] as const) {
      const v = options[key];
      if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new RangeError(`withTracking() option "${key}" must be a number of at least 0, got ${String(v)}`);
    }
    this.#tracking = options;
    return this;
  }

  /**
   * Exports every run to OpenTelemetry: one span per run and one per node execution (per map/reduce item),
   * children of their run's span, with the node, item, executor, cache status and reason as attributes and the
   * error as the span's status, sent over OTLP/HTTP (JSON) to a collector by Effect's exporter, batched;
   * `driver.close()` sends what is left.
   *
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withTelemetry({ url: "http://localhost:4318", serviceName: "pricing" }).build();
   * ```
   */
  withTelemetry(options: TelemetryOptions): this {
    checkTelemetryOptions(options);
    if (this.#telemetry !== undefined) throw new Error("Cannot call withTelemetry() twice on one Builder: a driver exports to one collector; pass its options once");
    this.#telemetry = options;
    return this;
  }

  /**
   * Sends warnings (an output failing a schema in "warn" mode, for instance)
   * to `handler` instead of `console.warn`.
   */
  withWarnings(handler: WarningHandler): this {
    if (typeof handler !== "function") throw new TypeError("withWarnings() expects a function that receives each warning");
    this.#warn = handler;
    return this;
  }

  /**
   * Makes `execute`'s result from the outputs with `builder` (Hamilton's result builders): a
   * function `(outputs, meta) => result` or an object `{ build(outputs, meta) }`, sync or async;
   * `execute` returns (resolves to) what it returns, typed so. `execute(outputs, { resultBuilder })`
   * overrides it for one call; `driver.watch` and `driver.materialize` keep the outputs by name.
   *
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withResultBuilder(tableResult).build();
   * const table = await dr.execute(["day", "spend"]); // an Apache Arrow Table
   * ```
   */
  withResultBuilder<R = never, K extends ResultKind = never>(
    builder: ResultBuilderArg<Readonly<Record<string, unknown>>, R, K>,
  ): Builder<F, C, KindOfArg<R, K, undefined>> {
    checkResultBuilder(builder, "withResultBuilder() argument");
    this.#resultBuilder = builder as ResultBuilder;
    return this as unknown as Builder<F, C, KindOfArg<R, K, undefined>>;
  }

  /**
   * Adds materializers as nodes (Hamilton's `with_materializers`): each is a node named by its id, depending on its
   * `dependencies`, whose value is the metadata its `save` returns; `execute([id])` writes. Never cached. A loader
   * `from.*({ path, target })` defines the node `target` (with `<target>.metadata`), as if exported under that name.
   *
   * @throws {TypeError} for a materializer of the wrong shape, an id given twice, or a loader without a target
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withMaterializers(to.json({ dependencies: ["report"], path: "out/report.json" })).build();
   * await dr.execute(["out/report.json"] as never[]); // { "out/report.json": { path, format, rows, bytes } }
   * ```
   */
  withMaterializers(...materializers: MaterializeItem[]): this {
    if (materializers.some((m) => Array.isArray(m))) {
      throw new TypeError("withMaterializers() expects materializers, got an array; spread it: withMaterializers(...materializers)");
    }
    const all = splitItems([...this.#materializers, ...materializers], "withMaterializers");
    checkMaterializers(all.materializers, "withMaterializers");
    this.#materializers.push(...materializers);
    return this;
  }

  /** Replaces the clock used for hook timestamps (tests). */
  withClock(clock: Clock): this {
    this.#clock = clock;
    return this;
  }

  /**
   * Builds the graph and returns a Driver.
   *
   * @throws {GraphBuildError} {@link CycleError}
   */
  async build(
    this: [EdgeErrors<F, NodeTypes<F, C>>] extends [never] ? Builder<F, C, B> : IllTypedEdges<EdgeErrors<F, NodeTypes<F, C>>>,
  ): Promise<Driver<NodeTypes<F, C>, B, Exclude<PerItemNodes<F>, keyof C>>> {
    const self = this as unknown as Builder<F, C, B>;
    // A snapshot: what the builder is given after build() changes neither this driver nor its rebuilds by driver.watch.
    return (await assemble(self.#settings(), [...self.#modules], new Map(self.#files), undefined, [])).driver as unknown as Driver<NodeTypes<F, C>, B, Exclude<PerItemNodes<F>, keyof C>>;
  }

  /**
   * A new Builder with every setting of this one (modules, config, hooks, adapters, limits, workers, pools, executor,
   * cache, tracking, telemetry, result builder, materializers, warnings, clock): changes to either afterwards leave
   * the other as it was. An executor given to `withExecutor` is the same object in both (it is not a setting but a
   * resource), and so are hook and adapter objects.
   *
   * @example
   * ```ts
   * const base = new Builder().withModules(flow).withConfig({ region: "us" });
   * const eu = await base.copy().withConfig({ region: "eu" }).build();
   * const us = await base.build();
   * ```
   */
  copy(): Builder<F, C, B> {
    const copy = new Builder<F, C, B>(this.#defaults);
    // From build()'s own snapshot, one setter per setting: a setting added to BuildSettings and not copied here
    // is a compile error.
    const restore: { readonly [K in keyof BuildSettings]-?: (v: BuildSettings[K]) => void } = {
      config: (v) => void (copy.#config = v),
      hooks: (v) => void (copy.#hooks = [...v]),
      adapters: (v) => void (copy.#adapters = [...v]),
      concurrency: (v) => void (copy.#concurrency = v),
      allowOverrides: (v) => void (copy.#allowOverrides = v),
      clock: (v) => void (copy.#clock = v),
      workers: (v) => void (copy.#workers = v),
      pools: (v) => void (copy.#pools = v),
      executor: (v) => void (copy.#executor = v),
      defaults: () => {}, // given to the constructor
      warn: (v) => void (copy.#warn = v),
      cache: (v) => void (copy.#cache = v),
      tracking: (v) => void (copy.#tracking = v),
      telemetry: (v) => void (copy.#telemetry = v),
      resultBuilder: (v) => void (copy.#resultBuilder = v),
      materializers: (v) => void (copy.#materializers = [...v]),
    };
    const s = this.#settings();
    for (const key of Object.keys(restore) as (keyof BuildSettings)[]) (restore[key] as (v: unknown) => void)(s[key]);
    copy.#modules = [...this.#modules];
    copy.#files = new Map(this.#files);
    return copy;
  }

  /** What `build()` hands to `assemble`, copied so that later changes to this builder do not reach it. */
  #settings(): BuildSettings {
    return {
      config: { ...this.#config }, hooks: [...this.#hooks], adapters: [...this.#adapters], concurrency: this.#concurrency,
      allowOverrides: this.#allowOverrides, clock: this.#clock, workers: this.#workers, pools: this.#pools, executor: this.#executor,
      defaults: this.#defaults, warn: this.#warn, cache: this.#cache, tracking: this.#tracking, telemetry: this.#telemetry,
      resultBuilder: this.#resultBuilder, materializers: [...this.#materializers],
    };
  }
}

/** The Builder's settings as `build()` found them. */
interface BuildSettings {
  readonly config: Record<string, unknown>;
  readonly hooks: readonly Hook[];
  readonly adapters: readonly GraphAdapter[];
  readonly concurrency: number | undefined;
  readonly allowOverrides: boolean;
  readonly clock: Clock;
  readonly workers: WorkersOptions | undefined;
  readonly pools: PoolLimits | undefined;
  readonly executor: Executor | undefined;
  readonly defaults: BuilderDefaults | undefined;
  readonly warn: WarningHandler | undefined;
  readonly cache: CacheOptions | undefined;
  readonly tracking: TrackingOptions | undefined;
  readonly telemetry: TelemetryOptions | undefined;
  readonly resultBuilder: ResultBuilder | undefined;
  readonly materializers: readonly MaterializeItem[];
}

/**
 * A Driver of `modules`. `reuse`: what the first build opened (cache, run
 * history, executor), which a rebuild of `driver.watch` shares, with `hooks`
 * added before the tracker.
 */
async function assemble(
  s: BuildSettings,
  modules: readonly ModuleSource[],
  files: ReadonlyMap<string, ModuleFile>,
  reuse: Opened | undefined,
  hooks: readonly Hook[],
): Promise<{ driver: Driver; executor: Executor | undefined }> {
  const buildHooks = [...s.hooks, ...hooks];
  await awaitHooks(buildHooks, "beforeBuild", undefined);
  const graph = buildGraph(s.materializers.length === 0 ? modules : [...modules, materializerModule(s.materializers)], { config: s.config, allowModuleOverrides: s.allowOverrides, ...(s.warn ? { warn: s.warn } : {}) });
  const built = { graph, modules: modules.map((m) => ({ name: m.name, exports: m.exports })), config: { ...s.config } };
  await validateBuild(s.adapters, built);
  await awaitHooks(buildHooks, "afterBuild", built);
  const { defaults, warn } = s;
  // A rebuild never opens what the first build could not: it goes on uncached or untracked as that one did.
  const cacheOptions = reuse === undefined ? s.cache : reuse.cache === undefined ? undefined : { ...s.cache, store: reuse.cache };
  const cache = await openBuildCache(graph, { options: cacheOptions, defaults, warn, files });
  let executor: Executor | undefined;
  let tracking: { tracker: RunTracker; store: RunStore; origin: RunOrigin } | undefined;
  let telemetry: Telemetry | undefined;
  try {
    // A rebuild exports through the first build's exporter.
    telemetry = reuse !== undefined ? reuse.telemetry : s.telemetry === undefined ? undefined : await openTelemetry(s.telemetry);
    const trackingOptions = reuse !== undefined && reuse.tracking === undefined ? undefined : s.tracking;
    // What each run records of its request (module files, cache, concurrency), so the web view can plan it again.
    const request = trackingOptions === undefined ? undefined : buildRequestOf(graph, {
      files, cacheOptions: s.cache, cache, concurrency: s.concurrency, allowModuleOverrides: s.allowOverrides,
    });
    tracking = await openBuildTracking(graph, { options: trackingOptions, defaults, warn, cache: s.cache, opened: reuse?.tracking, ...(request === undefined ? {} : { request }) });
    executor = reuse === undefined ? await startBuildExecutor(graph, { defaults, modules, workers: s.workers, executor: s.executor, cache: cache?.store }) : await rebuildExecutor(s, graph, modules, reuse);
  } catch (e) {
    if (reuse === undefined) {
      cache?.store.close();
      tracking?.tracker.close();
      await telemetry?.close();
    }
    throw e;
  }
  const opened: Opened = reuse ?? { cache: cache?.store, tracking: tracking && { store: tracking.store, origin: tracking.origin }, executor, telemetry };
  // Telemetry sees the run as the user's hooks do; the tracker still goes last.
  const extra = telemetry === undefined ? hooks : [...hooks, telemetry.hook];
  const driver = new Driver(graph, {
    config: { ...s.config },
    // The tracker goes last: it sees what every other hook did, and its records are the run's final word.
    hooks: tracking ? [...s.hooks, ...extra, tracking.tracker] : [...s.hooks, ...extra],
    adapters: s.adapters,
    tracking,
    concurrency: s.concurrency,
    pools: s.pools === undefined ? undefined : poolsByNode(graph, s.pools),
    clock: s.clock,
    executor,
    cache,
    resultBuilder: s.resultBuilder,
    ...(reuse === undefined ? { watch: watchSource(s, graph, modules, files, opened) } : {}),
    ...(reuse === undefined && telemetry !== undefined ? { telemetry } : {}),
  });
  return { driver, executor };
}

/** Calls a build hook method of every hook and awaits what they return. */
async function awaitHooks<M extends "beforeBuild" | "afterBuild">(hooks: readonly Hook[], method: M, event: Parameters<NonNullable<Hook[M]>>[0]): Promise<void> {
  const promises = new HookPromises();
  callHooks(hooks, method, event as never, promises);
  await promises.settled();
  if (promises.error !== undefined) throw promises.error;
}

/**
 * The executor of a rebuild: the first build's, unless the graph has worker
 * nodes; then a Worker pool of its own, whose new threads import the reloaded
 * files (a thread keeps what it imported). An executor given to withExecutor
 * cannot be renewed so, and would run the old code.
 *
 * @throws {GraphBuildError} for worker nodes on an executor given to withExecutor
 */
async function rebuildExecutor(s: BuildSettings, graph: Graph, modules: readonly ModuleSource[], reuse: Opened): Promise<Executor | undefined> {
  const worker = graph.nodes.find((n) => n.options.worker);
  if (worker === undefined) return reuse.executor;
  if (s.executor !== undefined) {
    throw new GraphBuildError(
      `Cannot watch worker node "${worker.name}" on the executor given to withExecutor(): its workers keep the modules they imported; watch without withExecutor() (a Worker pool is started for each save), or run the node in-process`,
      { node: worker.name },
    );
  }
  return startBuildExecutor(graph, { defaults: s.defaults, modules, workers: s.workers, executor: undefined });
}

/** How `driver.watch` builds a driver again from reloaded modules. */
function watchSource(s: BuildSettings, graph: Graph, modules: readonly ModuleSource[], files: ReadonlyMap<string, ModuleFile>, opened: Opened): WatchSource {
  return {
    modules: modules.map((m) => ({ name: m.name, url: files.get(m.name)?.url ?? recordedUrl(graph, m.name) })),
    loadPlatform: s.defaults?.loadPlatform,
    rebuild: async (reloaded, hooks) => {
      const fresh = new Map<string, ModuleFile>(reloaded.map((m) => [m.name, { exports: m.exports, url: m.url }]));
      const { driver, executor } = await assemble(s, reloaded.map((m) => ({ name: m.name, exports: m.exports })), fresh, opened, hooks);
      return {
        graph: driver.graph,
        // The watch yields the outputs by name, whatever builder the driver has.
        execute: (outputs, options) => driver.execute(outputs as never[], { ...options, resultBuilder: objectResult }),
        // Only a pool of its own: the cache, the run history and the first build's executor are the first driver's to close.
        dispose: async () => {
          if (executor !== undefined && executor !== opened.executor) await executor.dispose();
        },
      };
    },
  };
}
