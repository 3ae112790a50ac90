/**
 * The run history `build()` opens for `withTracking(options)`: the store,
 * and the hook that records every run into it.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import type { Graph } from "../graph/graph.ts";
import type { WarningHandler } from "../model/warning.ts";
import { RunTracker, type BuildRequest } from "../history/run-tracker.ts";
import type { ModuleFile } from "../ports/cache.ts";
import type { RunCacheSetting, RunModule, RunOrigin, RunStore } from "../ports/run-store.ts";
import type { BuildCache } from "./build-cache.ts";
import { viewOfRun } from "../visualize/view.ts";
import type { BuilderDefaults, CacheOptions, TrackingOptions } from "./builder-options.ts";

/** What {@link openBuildTracking} reads besides the graph. */
export interface BuildTrackingSettings {
  /** What `withTracking` asked for; `undefined` when it was not called. */
  readonly options: TrackingOptions | undefined;
  readonly defaults: BuilderDefaults | undefined;
  readonly warn: WarningHandler | undefined;
  /** What `withCache` asked for: the history goes to the cache's file by default. */
  readonly cache: CacheOptions | undefined;
  /** A store opened already (a rebuild of `driver.watch` records into the first build's). */
  readonly opened?: { readonly store: RunStore; readonly origin: RunOrigin } | undefined;
  /** What each run records of its request besides its values (for a plan of it, in the web view). */
  readonly request?: BuildRequest;
}

/**
 * Opens the run history asked for and makes the hook that records into it;
 * `undefined` when none is asked for, or when the default store cannot be used
 * (after one warning: runs go on untracked).
 *
 * @throws {GraphBuildError} when no run store can be made
 */
export async function openBuildTracking(graph: Graph, ctx: BuildTrackingSettings): Promise<{ tracker: RunTracker; store: RunStore; origin: RunOrigin } | undefined> {
  const options = ctx.options;
  if (options === undefined) return undefined;
  const warn = ctx.warn;
  const message = (m: string) => (warn ? warn({ kind: "tracking", node: "", message: m }) : console.warn(m));
  let opened: { readonly store: RunStore; readonly origin: RunOrigin } | undefined = ctx.opened;
  if (opened === undefined && options.store !== undefined) {
    opened = { store: options.store, origin: ctx.defaults?.origin?.() ?? { pid: 0, host: "" } };
  } else if (opened === undefined) {
    if (ctx.defaults?.openTracking === undefined) {
      throw new GraphBuildError("Cannot build the graph: withTracking() needs a run store; pass { store } or use the Builder exported by \"weft\"");
    }
    const path = options.path ?? (ctx.cache?.memory || ctx.cache?.store ? undefined : ctx.cache?.path);
    opened = await ctx.defaults.openTracking({ ...options, ...(path === undefined ? {} : { path }) }, await ctx.defaults.loadPlatform(), message);
    if (opened === undefined) return undefined;
  }
  const graphs = new WeakMap<readonly string[], string>();
  const tracker = new RunTracker(opened.store, {
    origin: opened.origin,
    warn: message,
    modules: moduleNames(graph, ctx.request?.modules),
    ...(ctx.request === undefined ? {} : { request: ctx.request }),
    ...(options.previewLength === undefined ? {} : { previewLength: options.previewLength }),
    ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    // One drawing per plan: the planner hands every run of one request shape the same node list.
    graphOf: (e) => {
      let json = graphs.get(e.nodes);
      if (json === undefined) graphs.set(e.nodes, (json = JSON.stringify(viewOfRun(graph, e))));
      return json;
    },
  });
  return { tracker, store: opened.store, origin: opened.origin };
}

/**
 * The flow's name as the run history shows it: each module's name, and for a module `withModules` named
 * "module 1" (a namespace passed as is), its file's name: the one the request records (given, or where its
 * code versions were read from), else the one a node() of it recorded.
 */
export function moduleNames(graph: Graph, files?: readonly RunModule[]): string[] {
  return [...graph.modules.keys()].map((name) => {
    if (!/^module \d+$/.test(name)) return name;
    const url = files?.find((m) => m.name === name)?.url ?? graph.nodes.find((n) => n.module === name && n.moduleUrl !== undefined)?.moduleUrl;
    const file = url === undefined ? undefined : decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
    return file ? file.replace(/\.[cm]?[jt]sx?$/, "") : name;
  });
}

/** What {@link buildRequestOf} reads: the Builder's settings and what `build()` opened. */
export interface BuildRequestSettings {
  readonly files: ReadonlyMap<string, ModuleFile>;
  /** What `withCache` asked for, and the cache opened (`undefined`: none, or it could not be opened). */
  readonly cacheOptions: CacheOptions | undefined;
  readonly cache: BuildCache | undefined;
  readonly concurrency: number | undefined;
  readonly allowModuleOverrides: boolean;
}

/**
 * What each run of this driver records of its request, besides its values: the module files (given with
 * the module, else the file its code versions were read from, else the one `node()` recorded), the cache
 * (a file, or one a plan cannot open), the concurrency.
 */
export function buildRequestOf(graph: Graph, settings: BuildRequestSettings): BuildRequest {
  const modules: RunModule[] = [...graph.modules.keys()].map((name) => {
    let url = settings.files.get(name)?.url;
    for (const n of graph.nodes) {
      if (url !== undefined) break;
      if (n.module !== name) continue;
      const v = settings.cache?.codeVersions[n.id];
      url = (v?.ok ? v.file : undefined) ?? n.moduleUrl;
    }
    return url === undefined ? { name } : { name, url };
  });
  const o = settings.cacheOptions;
  let cache: RunCacheSetting;
  if (o === undefined || settings.cache === undefined) cache = { kind: "none" };
  else if (o.store !== undefined) cache = { kind: "store" };
  else if (o.memory) cache = { kind: "memory" };
  else {
    const behaviours: { -readonly [K in "recompute" | "disable" | "ignore"]?: true | readonly string[] } = {};
    for (const key of ["recompute", "disable", "ignore"] as const) if (o[key] !== undefined) behaviours[key] = o[key] === true ? true : [...o[key]!];
    cache = { kind: "file", ...behaviours };
  }
  return {
    modules, cache,
    ...(settings.concurrency === undefined ? {} : { concurrency: settings.concurrency }),
    ...(settings.allowModuleOverrides ? { allowModuleOverrides: true } : {}),
  };
}
