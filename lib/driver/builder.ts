/**
 * The Builder: collects modules, config and settings, then builds a Driver.
 *
 * @module
 */
import { Driver } from "./driver.ts";
import { GraphBuildError } from "../errors.ts";
import { buildGraph, type Graph, type ModuleSource } from "../graph/graph.ts";
import type { CacheBehavior } from "../model/node-options.ts";
import { resolveBehaviors, type BuilderCacheBehaviors } from "../engine/cache-interceptor.ts";
import { setOwn } from "../own-property.ts";
import { checkPoolLimits, poolsByNode, type PoolLimits } from "../engine/resource-pools.ts";
import type { Executor } from "../ports/executor.ts";
import { callerModuleUrl } from "../model/caller-module.ts";
import type { CodeLocation, ModuleFile, Cache, NodeCodeVersion } from "../ports/cache.ts";
import type { Platform, PlatformLoader } from "../ports/platform.ts";
import type { RunOrigin, RunStore } from "../ports/run-store.ts";
import { RunTracker } from "../history/run-tracker.ts";
import { viewOfRun } from "../visualize/view.ts";
import type { WorkerFactory } from "../ports/worker-factory.ts";
import { systemClock, type Clock, type Hook } from "../hooks.ts";
import type { WarningHandler } from "../model/warning.ts";
import type { EdgeErrors, NamedModule, NodeFunctionsOfAll, NodeTypes } from "../model/types.ts";

type Values = Readonly<Record<string, unknown>>;

/**
 * What `withModules` accepts: a module namespace (`import * as flow`), a plain
 * object of functions, or `{ name, exports, url? }` (`url`: the module's file,
 * `import.meta.url`, for code versions when weft cannot find it).
 */
export type ModuleArg = object;

/** Defaults the composition root (mod.ts) plugs into the core Builder. */
export interface BuilderDefaults {
  /** Loads the current runtime's Platform. */
  readonly loadPlatform: PlatformLoader;
  /** Makes the Worker pool used for worker nodes when no executor is given. */
  readonly workerPool: (factory: WorkerFactory, options: { readonly size: number }) => Executor;
  /**
   * Opens the cache `withCache(options)` asks for, or returns `undefined` (after
   * one warning) when it cannot be used and runs should go on uncached.
   */
  readonly openCache: (options: CacheOptions, platform: Platform, warn: (message: string) => void) => Promise<Cache | undefined>;
  /**
   * Opens the run history `withTracking(options)` asks for (`path` already
   * defaulted to the cache's file), with this process's origin; or returns
   * `undefined` (after one warning) when runs should go on untracked.
   */
  readonly openTracking?: (
    options: TrackingOptions,
    platform: Platform,
    warn: (message: string) => void,
  ) => Promise<{ readonly store: RunStore; readonly origin: RunOrigin } | undefined>;
}

/** Options of {@link Builder.withTracking}. */
export interface TrackingOptions {
  /** The SQLite file; default: the cache's file when `withCache({ path })` names one, else `.weft/weft.db`. */
  readonly path?: string;
  /** Keep the history in memory (read it with `driver.history`). */
  readonly memory?: boolean;
  /** A run store of your own (then `path` and `memory` do not apply). */
  readonly store?: RunStore;
  /** Characters of each result preview; default 200. */
  readonly previewLength?: number;
  /** How long node events wait to be written together, in ms; default 100. */
  readonly flushMs?: number;
}

/** Options of {@link Builder.withCache}. */
export interface CacheOptions extends BuilderCacheBehaviors {
  /** The SQLite file; default `.weft/weft.db`. Results too large for a blob go to `blobs/` beside it. */
  readonly path?: string;
  /** Keep everything in memory (nothing on disk): for tests and notebooks that must not write. */
  readonly memory?: boolean;
  /** A cache of your own behind the Cache port (then `path` and `memory` do not apply). */
  readonly store?: Cache;
}

/** Options of {@link Builder.withWorkers}. */
export interface WorkersOptions {
  /** Number of worker threads; default: the available cores. */
  readonly size?: number;
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
    const cache = await self.#openCache(graph);
    let executor: Executor | undefined;
    let tracking: { tracker: RunTracker; store: RunStore } | undefined;
    try {
      tracking = await self.#openTracking(graph);
      executor = await self.#startExecutor(graph);
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

  /** Opens the cache asked for; names given to recompute, disable and ignore must be nodes. */
  async #openCache(graph: Graph): Promise<{ store: Cache; behaviors: CacheBehavior[]; codeVersions: (NodeCodeVersion | undefined)[] } | undefined> {
    const options = this.#cache;
    if (options === undefined) return undefined;
    for (const key of ["recompute", "disable", "ignore"] as const) {
      const names = options[key];
      if (!Array.isArray(names)) continue;
      for (const name of names as readonly string[]) {
        if (graph.get(name)?.kind !== "function") {
          throw new GraphBuildError(`Cannot build the graph: withCache() option "${key}" names "${name}", which is not a node computed by a function; check the name`);
        }
      }
    }
    let store = options.store;
    if (store === undefined) {
      if (this.#defaults === undefined) {
        throw new GraphBuildError("Cannot build the graph: withCache() needs a cache; pass { store } or use the Builder exported by \"weft\"");
      }
      const warn = this.#warn;
      const message = (m: string) => (warn ? warn({ kind: "cache", node: "", message: m }) : console.warn(m));
      store = await this.#defaults.openCache(options, await this.#defaults.loadPlatform(), message);
      if (store === undefined) return undefined;
    }
    return { store, behaviors: resolveBehaviors(graph, options), codeVersions: await this.#codeVersions(graph, store) };
  }

  /** Code versions of the function nodes without a manual version, by node id: read once here, not per call. */
  async #codeVersions(graph: Graph, store: Cache): Promise<(NodeCodeVersion | undefined)[]> {
    const wanted = graph.nodes.filter((n) => n.kind === "function" && n.options.version === undefined && n.source !== undefined);
    const locations: CodeLocation[] = wanted.map((n) => ({
      node: n.name,
      exportName: n.exportName,
      source: n.source!,
      ...(n.moduleUrl === undefined ? {} : { moduleUrl: n.moduleUrl }),
      module: this.#files.get(n.module) ?? { exports: graph.modules.get(n.module) ?? {} },
    }));
    const versions = await store.codeVersions(locations);
    const byId: (NodeCodeVersion | undefined)[] = new Array(graph.nodes.length).fill(undefined);
    wanted.forEach((n, i) => (byId[n.id] = versions[i]));
    return byId;
  }

  /** Opens the run history asked for and makes the hook that records into it. */
  async #openTracking(graph: Graph): Promise<{ tracker: RunTracker; store: RunStore } | undefined> {
    const options = this.#tracking;
    if (options === undefined) return undefined;
    const warn = this.#warn;
    const message = (m: string) => (warn ? warn({ kind: "tracking", node: "", message: m }) : console.warn(m));
    let opened: { readonly store: RunStore; readonly origin: RunOrigin } | undefined;
    if (options.store !== undefined) {
      opened = { store: options.store, origin: { pid: 0, host: "" } };
    } else {
      if (this.#defaults?.openTracking === undefined) {
        throw new GraphBuildError("Cannot build the graph: withTracking() needs a run store; pass { store } or use the Builder exported by \"weft\"");
      }
      const path = options.path ?? (this.#cache?.memory || this.#cache?.store ? undefined : this.#cache?.path);
      opened = await this.#defaults.openTracking({ ...options, ...(path === undefined ? {} : { path }) }, await this.#defaults.loadPlatform(), message);
      if (opened === undefined) return undefined;
    }
    const graphs = new WeakMap<readonly string[], string>();
    const tracker = new RunTracker(opened.store, {
      origin: opened.origin,
      warn: message,
      ...(options.previewLength === undefined ? {} : { previewLength: options.previewLength }),
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
      // One drawing per plan: the planner hands every run of one request shape the same node list.
      graphOf: (e) => {
        let json = graphs.get(e.nodes);
        if (json === undefined) graphs.set(e.nodes, (json = JSON.stringify(viewOfRun(graph, e))));
        return json;
      },
    });
    return { tracker, store: opened.store };
  }

  /** The executor for worker nodes: the one given, or a Worker pool when the graph needs one. */
  async #startExecutor(graph: Graph): Promise<Executor | undefined> {
    const workerNodes = graph.nodes.filter((n) => n.options.worker);
    if (workerNodes.length === 0 && this.#workers === undefined && this.#executor === undefined) return undefined;
    await checkWorkerModules(graph, this.#modules);
    let executor = this.#executor;
    if (executor === undefined) {
      if (this.#defaults === undefined) {
        throw new GraphBuildError(`Cannot build the graph: worker node "${workerNodes[0]?.name}" needs an executor; pass one with withExecutor(), or use the Builder exported by "weft"`);
      }
      const platform: Platform = await this.#defaults.loadPlatform();
      executor = this.#defaults.workerPool(platform.workers, { size: this.#workers?.size ?? platform.cpuCount() });
    }
    await executor.init([...new Set(workerNodes.map((n) => n.moduleUrl!))]);
    return executor;
  }
}

/**
 * Worker nodes must be exports of the module a worker will import: checks
 * that importing the captured URL gives back the very same export.
 */
async function checkWorkerModules(graph: Graph, modules: readonly ModuleSource[]): Promise<void> {
  const byUrl = new Map<string, Promise<Record<string, unknown>>>();
  for (const node of graph.nodes) {
    if (!node.options.worker || node.moduleUrl === undefined) continue;
    const url = node.moduleUrl;
    let loaded = byUrl.get(url);
    if (!loaded) byUrl.set(url, (loaded = import(url)));
    let exports: Record<string, unknown>;
    try {
      exports = await loaded;
    } catch (e) {
      throw new GraphBuildError(`Cannot build the graph: module "${url}" of worker node "${node.name}" cannot be imported: ${(e as Error)?.message ?? String(e)}`, { node: node.name, cause: e });
    }
    const given = modules.find((m) => m.name === node.module)?.exports[node.exportName];
    if (exports[node.exportName] === undefined || exports[node.exportName] !== given) {
      throw new GraphBuildError(
        `Cannot build the graph: worker node "${node.name}" must be exported as "${node.exportName}" by module "${url}", where node() was called; pass that module (import * as flow) to withModules`,
        { node: node.name },
      );
    }
  }
}

function toModuleSource(m: object, index: number): { source: ModuleSource; url?: string } {
  const named = m as Partial<NamedModule>;
  const keys = Object.keys(m);
  const withUrl = keys.length === 3 && keys.includes("url");
  if ((keys.length === 2 || withUrl) && typeof named.name === "string" && typeof named.exports === "object" && named.exports !== null) {
    if (withUrl && (typeof named.url !== "string" || !URL.canParse(named.url))) {
      throw new TypeError(`withModules() option "url" of module "${named.name}" must be the module's file URL (import.meta.url), got ${JSON.stringify(named.url)}`);
    }
    const source = { name: named.name, exports: named.exports as Record<string, unknown> };
    return withUrl ? { source, url: named.url! } : { source };
  }
  return { source: { name: `module ${index}`, exports: m as Record<string, unknown> } };
}
