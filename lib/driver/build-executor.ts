/**
 * The executor `build()` starts for worker nodes: the one `withExecutor` gave,
 * or a Worker pool when the graph has worker nodes (or `withWorkers` asked for
 * one); and the check that every worker node's module gives a worker back the
 * very same export.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import type { Graph, ModuleSource } from "../graph/graph.ts";
import type { Cache } from "../ports/cache.ts";
import type { Executor } from "../ports/executor.ts";
import type { Platform } from "../ports/platform.ts";
import type { BuilderDefaults, WorkersOptions } from "./builder-options.ts";

/** What the Builder was given for worker nodes. */
export interface BuildExecutorSettings {
  readonly defaults: BuilderDefaults | undefined;
  readonly modules: readonly ModuleSource[];
  readonly workers: WorkersOptions | undefined;
  readonly executor: Executor | undefined;
  /** The driver's cache, which executors that move values between machines pass large ones through. */
  readonly cache?: Cache | undefined;
}

/**
 * The executor for worker nodes, initialised with their modules: the one
 * given, or a Worker pool when the graph needs one; `undefined` when nothing
 * asks for one.
 *
 * @throws {GraphBuildError} when a worker node's module does not give back its export, or no executor can be made
 */
export async function startBuildExecutor(graph: Graph, settings: BuildExecutorSettings): Promise<Executor | undefined> {
  const workerNodes = graph.nodes.filter((n) => n.options.worker);
  if (workerNodes.length === 0 && settings.workers === undefined && settings.executor === undefined) return undefined;
  await checkWorkerModules(graph, settings.modules);
  let executor = settings.executor;
  if (executor === undefined) {
    if (settings.defaults === undefined) {
      throw new GraphBuildError(`Cannot build the graph: worker node "${workerNodes[0]?.name}" needs an executor; pass one with withExecutor(), or use the Builder exported by "weft"`);
    }
    const platform: Platform = await settings.defaults.loadPlatform();
    executor = settings.defaults.workerPool(platform.workers, { size: settings.workers?.size ?? platform.cpuCount() });
  }
  const urls = [...new Set(workerNodes.map((n) => n.moduleUrl!))];
  await (settings.cache === undefined ? executor.init(urls) : executor.init(urls, { cache: settings.cache }));
  return executor;
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
