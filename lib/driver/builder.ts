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
import { openBuildCache } from "./build-cache.ts";
import { startBuildExecutor } from "./build-executor.ts";
import { buildRequestOf, openBuildTracking } from "./build-tracking.ts";
import type { BuilderDefaults, CacheOptions, TrackingOptions, WorkersOptions } from "./builder-options.ts";
import { toModuleSource, type ModuleArg } from "./module-args.ts";
import { buildGraph, type ModuleSource } from "../graph/graph.ts";
import { setOwn } from "../own-property.ts";
import { checkPoolLimits, poolsByNode, type PoolLimits } from "../engine/resource-pools.ts";
import type { Executor } from "../ports/executor.ts";
import { callerModuleUrl } from "../model/caller-module.ts";
import type { ModuleFile } from "../ports/cache.ts";
import type { RunStore } from "../ports/run-store.ts";
import type { RunTracker } from "../history/run-tracker.ts";
import { systemClock, type Clock, type Hook } from "../hooks.ts";
import type { WarningHandler } from "../model/warning.ts";
import type { EdgeErrors, NodeFunctionsOfAll, NodeTypes } from "../model/types.ts";

type Values = Readonly<Record<string, unknown>>;

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
export class Builder<F = {}, C = {}> {
  #modules: ModuleSource[] = [];
  /** Where each module's source is, by module name (code versions read it). */
  #files = new Map<string, ModuleFile>();
  #config: Record<string, unknown> = {};
  #hooks: Hook[] = [];
  #concurrency: number | undefined;
  #allowOverrides = false;
  #clock: Clock = systemClock;
  #workers: WorkersOptions | undefined;
  #pools: PoolLimits | undefined;
  #executor: Executor | undefined;
  readonly #defaults: BuilderDefaults | undefined;

  /** `defaults` come from the composition root; `new Builder()` from "weft" has them. */
  constructor(defaults?: BuilderDefaults) {
    this.#defaults = defaults;
  }
  #warn: WarningHandler | undefined;
  #cache: CacheOptions | undefined;
  #tracking: TrackingOptions | undefined;

  /**
   * Adds modules: every exported function whose name does not start with `_` becomes a node.
   * Pass `{ name, exports }` to give a module a name for messages and the `module` tag.
   */
  withModules<const M extends readonly ModuleArg[]>(...modules: M): Builder<F & NodeFunctionsOfAll<M>, C> {
    const callerUrl = callerModuleUrl();
    for (const m of modules) {
      if (typeof m !== "object" || m === null) {
        throw new TypeError(`withModules() expects module objects (import * as flow from "../flow.ts"), got ${m === null ? "null" : typeof m}`);
      }
      const { source, url } = toModuleSource(m, this.#modules.length + 1);
      this.#modules.push(source);
      this.#files.set(source.name, { exports: source.exports, ...(url === undefined ? {} : { url }), ...(callerUrl === undefined ? {} : { callerUrl }) });
    }
    return this as unknown as Builder<F & NodeFunctionsOfAll<M>, C>;
  }

  /** Adds config values: they serve as inputs, and shadow a function node of the same name. */
  withConfig<const C2 extends Values>(config: C2): Builder<F, Omit<C, keyof C2> & C2> {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw new TypeError("withConfig() expects an object of name -> value");
    }
    for (const key of Object.keys(config)) setOwn(this.#config, key, config[key]); // Object.assign would set a prototype for "__proto__"
    return this as unknown as Builder<F, Omit<C, keyof C2> & C2>;
  }

  /** Adds lifecycle hooks, called in the order given. */
  withHooks(...hooks: Hook[]): this {
    for (const h of hooks) {
      if (typeof h !== "object" || h === null) throw new TypeError("withHooks() expects hook objects");
      this.#hooks.push(h);
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
   *
   * @example
   * ```ts
   * const dr = await new Builder().withModules(flow).withCache({ recompute: ["rawRows"] }).build();
   * ```
   */
  withCache(options: CacheOptions = {}): this {
    if (typeof options !== "object" || options === null) throw new TypeError("withCache() expects an options object");
    if (options.path !== undefined && (typeof options.path !== "string" || options.path === "")) {
      throw new TypeError("withCache() option \"path\" must be a non-empty string");
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
   * Sends warnings (an output failing a schema in "warn" mode, for instance)
   * to `handler` instead of `console.warn`.
   */
  withWarnings(handler: WarningHandler): this {
    if (typeof handler !== "function") throw new TypeError("withWarnings() expects a function that receives each warning");
    this.#warn = handler;
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
    this: [EdgeErrors<F, NodeTypes<F, C>>] extends [never] ? Builder<F, C> : IllTypedEdges<EdgeErrors<F, NodeTypes<F, C>>>,
  ): Promise<Driver<NodeTypes<F, C>>> {
    const self = this as unknown as Builder<F, C>;
    const graph = buildGraph(self.#modules, {
      config: self.#config,
      allowModuleOverrides: self.#allowOverrides,
      ...(self.#warn ? { warn: self.#warn } : {}),
    });
    const defaults = self.#defaults;
    const warn = self.#warn;
    const cache = await openBuildCache(graph, { options: self.#cache, defaults, warn, files: self.#files });
    let executor: Executor | undefined;
    let tracking: { tracker: RunTracker; store: RunStore } | undefined;
    try {
      const request = self.#tracking === undefined ? undefined : buildRequestOf(graph, {
        files: self.#files, cacheOptions: self.#cache, cache, concurrency: self.#concurrency, allowModuleOverrides: self.#allowOverrides,
      });
      tracking = await openBuildTracking(graph, { options: self.#tracking, defaults, warn, cache: self.#cache, ...(request === undefined ? {} : { request }) });
      executor = await startBuildExecutor(graph, { defaults, modules: self.#modules, workers: self.#workers, executor: self.#executor });
    } catch (e) {
      cache?.store.close();
      tracking?.tracker.close();
      throw e;
    }
    return new Driver(graph, {
      config: { ...self.#config },
      // The tracker goes last: it sees what every other hook did, and its records are the run's final word.
      hooks: tracking ? [...self.#hooks, tracking.tracker] : [...self.#hooks],
      tracking,
      concurrency: self.#concurrency,
      pools: self.#pools === undefined ? undefined : poolsByNode(graph, self.#pools),
      clock: self.#clock,
      executor,
      cache,
    });
  }
}
