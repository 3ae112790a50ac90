/**
 * The cache `build()` opens for `withCache(options)`: the store, each node's
 * cache behaviour, and the code version of every function node, read once at
 * build rather than on each call.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import type { Graph } from "../graph/graph.ts";
import type { CacheBehavior } from "../model/node-options.ts";
import type { WarningHandler } from "../model/warning.ts";
import { resolveBehaviors } from "../engine/cache-interceptor.ts";
import type { Cache, CodeLocation, ModuleFile, NodeCodeVersion } from "../ports/cache.ts";
import type { BuilderDefaults, CacheOptions } from "./builder-options.ts";

/** The cache of a built Driver. */
export interface BuildCache {
  readonly store: Cache;
  /** Each node's behaviour, by node id. */
  readonly behaviors: CacheBehavior[];
  /** Code versions of the function nodes without a manual version, by node id. */
  readonly codeVersions: (NodeCodeVersion | undefined)[];
}

/** What {@link openBuildCache} reads besides the graph. */
export interface BuildCacheSettings {
  /** What `withCache` asked for; `undefined` when it was not called. */
  readonly options: CacheOptions | undefined;
  readonly defaults: BuilderDefaults | undefined;
  readonly warn: WarningHandler | undefined;
  /** Where each module's source is, by module name (code versions read it). */
  readonly files: ReadonlyMap<string, ModuleFile>;
}

/**
 * Opens the cache asked for; `undefined` when none is asked for, or when the
 * default cache cannot be used (after one warning: runs go on uncached).
 *
 * @throws {GraphBuildError} when a name given to recompute, disable or ignore is not a function node, or no cache can be made
 */
export async function openBuildCache(graph: Graph, ctx: BuildCacheSettings): Promise<BuildCache | undefined> {
  const options = ctx.options;
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
    if (ctx.defaults === undefined) {
      throw new GraphBuildError("Cannot build the graph: withCache() needs a cache; pass { store } or use the Builder exported by \"weft\"");
    }
    const warn = ctx.warn;
    const message = (m: string) => (warn ? warn({ kind: "cache", node: "", message: m }) : console.warn(m));
    store = await ctx.defaults.openCache(options, await ctx.defaults.loadPlatform(), message);
    if (store === undefined) return undefined;
  }
  return { store, behaviors: resolveBehaviors(graph, options), codeVersions: await codeVersions(graph, store, ctx.files) };
}

/** Code versions of the function nodes without a manual version, by node id: read once here, not per call. */
async function codeVersions(graph: Graph, store: Cache, files: ReadonlyMap<string, ModuleFile>): Promise<(NodeCodeVersion | undefined)[]> {
  const wanted = graph.nodes.filter((n) => n.kind === "function" && n.options.version === undefined && n.source !== undefined);
  const locations: CodeLocation[] = wanted.map((n) => ({
    node: n.name,
    exportName: n.exportName,
    source: n.source!,
    ...(n.moduleUrl === undefined ? {} : { moduleUrl: n.moduleUrl }),
    module: files.get(n.module) ?? { exports: graph.modules.get(n.module) ?? {} },
  }));
  const versions = await store.codeVersions(locations);
  const byId: (NodeCodeVersion | undefined)[] = new Array(graph.nodes.length).fill(undefined);
  wanted.forEach((n, i) => (byId[n.id] = versions[i]));
  return byId;
}
