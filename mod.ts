/**
 * weft: Hamilton-style dataflow for TypeScript. Plain functions are nodes,
 * their parameters name their dependencies, and a driver runs only what the
 * requested outputs need, concurrently, on Effect.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import * as flow from "./flow.ts";
 * const dr = await new Builder().withModules(flow).build();
 * const { total } = await dr.execute(["total"], { inputs: { n: 3 } });
 * ```
 *
 * This file is also the composition root: the Builder it exports is the core
 * Builder with the defaults of the runtime it runs on (the Platform, loaded
 * lazily so that only this runtime's adapter is imported, and the Worker pool).
 *
 * @module
 */
import { BullmqExecutor } from "./executors/bullmq-executor.ts";
import type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
import { WorkerPoolExecutor } from "./executors/worker-pool.ts";
import { Builder as CoreBuilder } from "./lib/builder.ts";
import { loadDirectoryStore, loadPlatform, runtimeName } from "./runtime/current.ts";

/**
 * Builds a Driver from modules of node functions.
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import * as flow from "./flow.ts";
 * const dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).build();
 * ```
 */
export class Builder<F = {}, C = {}> extends CoreBuilder<F, C> {
  constructor() {
    super({ loadPlatform, workerPool: (factory, options) => new WorkerPoolExecutor(factory, options) });
  }
}

/**
 * Runs worker nodes (and so the per-item work of map/reduce) as jobs on a
 * BullMQ queue over Redis, where `weft worker` processes on any machine take
 * them. Values larger than `inlineLimit` travel through `sharedDirectory`.
 *
 * @example
 * ```ts
 * import { Builder, bullmqExecutor } from "weft";
 * import * as flow from "./flow.ts";
 * const executor = bullmqExecutor({ connection: "redis://10.0.0.5:6379", sharedDirectory: "/mnt/weft" });
 * const dr = await new Builder().withModules(flow).withExecutor(executor).build();
 * // on each worker machine: weft worker --modules ./flow.ts --redis redis://10.0.0.5:6379 --store /mnt/weft
 * ```
 */
export function bullmqExecutor(options: BullmqExecutorOptions): BullmqExecutor {
  return new BullmqExecutor(options, { openDirectory: loadDirectoryStore, runtime: runtimeName() });
}

export type { BuilderDefaults, IllTypedEdges, ModuleArg, WorkersOptions } from "./lib/builder.ts";
export { BullmqExecutor } from "./executors/bullmq-executor.ts";
export type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
export { InProcessExecutor } from "./executors/in-process.ts";
export type { InProcessOptions } from "./executors/in-process.ts";
export { WorkerPoolExecutor } from "./executors/worker-pool.ts";
export type { WorkerPoolOptions } from "./executors/worker-pool.ts";
export type { Executor, NodeLocator, NodeTask } from "./lib/ports/executor.ts";
export type { LargeValueStore } from "./lib/ports/large-value-store.ts";
export type { Platform, PlatformLoader } from "./lib/ports/platform.ts";
export type { WorkerFactory, WorkerHandle } from "./lib/ports/worker-factory.ts";
export { Driver, matchesTags } from "./lib/driver.ts";
export type { DriverSettings, ExecuteError, ExecuteOptions, TagFilter, Variable } from "./lib/driver.ts";
export {
  CacheError,
  CycleError,
  GraphBuildError,
  InputConflictError,
  isWeftError,
  MissingInputError,
  NodeExecutionError,
  SerializationError,
  MapReduceError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
  WorkerError,
} from "./lib/errors.ts";
export type { ItemRef, MissingInput, WeftErrorKind } from "./lib/errors.ts";
export type { Graph, GraphNode, NodeKind } from "./lib/graph.ts";
export { systemClock } from "./lib/hooks.ts";
export type { Clock, GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "./lib/hooks.ts";
export { collect, parallelizable } from "./lib/map-reduce.ts";
export type { Collecting, CollectOptions, ItemResult, MapReduceRole, Parallelizable, ParallelizableOptions } from "./lib/map-reduce.ts";
export { node } from "./lib/node.ts";
export type { CacheBehavior, NodeOptions, RetryPolicy, TagValue, Tags } from "./lib/node.ts";
export { SIGNAL_PARAM } from "./lib/params.ts";
export type { EdgeErrors, EdgeTypeMismatch, ExecuteResult, NamedModule, NodeTypes, NodeValue } from "./lib/types.ts";
