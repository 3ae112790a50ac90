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
import { nodeCodeVersioner } from "./cache/node-code-version.ts";
import { openCache } from "./cache/open-cache.ts";
import { openRunStore } from "./history/open-run-store.ts";
import { BullmqExecutor } from "./executors/bullmq-executor.ts";
import type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
import { WorkerPoolExecutor } from "./executors/worker-pool.ts";
import { Builder as CoreBuilder } from "./lib/driver/builder.ts";
import { livenessFor } from "./lib/history/liveness.ts";
import { loadDirectoryStore, loadPlatform, runtimeName } from "./runtime/current.ts";
import { currentProcess, pidIsAlive } from "./runtime/shared/processes.ts";

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
    super({
      loadPlatform,
      workerPool: (factory, options) => new WorkerPoolExecutor(factory, options),
      openCache: async (options, platform, warn) => openCache(options, await platform.cacheDrivers(), warn),
      openTracking: async (options, platform, warn) => {
        const origin = currentProcess();
        const store = openRunStore(options, await platform.cacheDrivers(), { alive: livenessFor(origin, pidIsAlive), warn });
        return store === undefined ? undefined : { store, origin };
      },
    });
  }
}

/** The cache's code versions, for jobs (the runtime's hasher is loaded on first use). */
const codeVersions = nodeCodeVersioner(async () => (await loadPlatform()).cacheDrivers());

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
  return new BullmqExecutor(options, { codeVersion: codeVersions, openDirectory: loadDirectoryStore, runtime: runtimeName() });
}

export { BullmqExecutor } from "./executors/bullmq-executor.ts";
export type { BullmqExecutorOptions } from "./executors/bullmq-options.ts";
export { registerCodec } from "./cache/codec-registry.ts";
export type { ValueCodec } from "./cache/codec-registry.ts";
export type { DriverCache } from "./lib/driver/driver.ts";
export type { CacheExplanation, GcOptions, GcReport, Cache } from "./lib/ports/cache.ts";
export type { PoolLimits } from "./lib/engine/resource-pools.ts";
export type { BuilderDefaults, CacheOptions, IllTypedEdges, ModuleArg, TrackingOptions, WorkersOptions } from "./lib/driver/builder.ts";
export { MemoryRunStore } from "./history/memory-run-store.ts";
export { RUN_STATUSES } from "./lib/ports/run-store.ts";
export type {
  ErrorRecord,
  Liveness,
  NodeRecord,
  NodeRunStatus,
  RunBatch,
  RunDetail,
  RunHistory,
  RunPage,
  RunQuery,
  RunRecorder,
  RunStatus,
  RunStore,
  RunSummary,
} from "./lib/ports/run-store.ts";
export { RunTracker } from "./lib/history/run-tracker.ts";
export type { RunTrackerOptions } from "./lib/history/run-tracker.ts";
export { previewOf } from "./lib/history/preview.ts";
export { InProcessExecutor } from "./executors/in-process.ts";
export type { InProcessOptions } from "./executors/in-process.ts";
export { WorkerPoolExecutor } from "./executors/worker-pool.ts";
export type { WorkerPoolOptions } from "./executors/worker-pool.ts";
export type { Executor, ExecutorTask, NodeLocator } from "./lib/ports/executor.ts";
export type { LargeValueStore } from "./lib/ports/large-value-store.ts";
export type { Platform, PlatformLoader } from "./lib/ports/platform.ts";
export type { WorkerFactory, WorkerHandle } from "./lib/ports/worker-factory.ts";
export { Driver, matchesTags } from "./lib/driver/driver.ts";
export type { DriverSettings, ExecuteError, ExecuteOptions, TagFilter, Variable, VisualizeOptions } from "./lib/driver/driver.ts";
export {
  CacheError,
  CycleError,
  GraphBuildError,
  InputConflictError,
  isWeftError,
  MaterializationError,
  MissingInputError,
  NodeExecutionError,
  SchemaValidationError,
  SerializationError,
  MapReduceError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
  WorkerError,
} from "./lib/errors.ts";
export type { ItemRef, MissingInput, SchemaIssue, WeftErrorKind } from "./lib/errors.ts";
export type { Graph, GraphNode, NodeKind } from "./lib/graph/graph.ts";
export { systemClock } from "./lib/hooks.ts";
export type { Clock, GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "./lib/hooks.ts";
export { collect, parallelizable } from "./lib/modifiers/map-reduce.ts";
export type { Collecting, CollectOptions, ItemResult, MapReduceRole, Parallelizable, ParallelizableOptions } from "./lib/modifiers/map-reduce.ts";
export { documentationOf } from "./lib/introspect/documentation.ts";
export type { ExecutionDescription, ExecutionNode } from "./lib/introspect/export-execution.ts";
export { MemoryTextFiles } from "./lib/materialize/text-files.ts";
export type { TextFiles } from "./lib/materialize/text-files.ts";
export { csv as csvFormat, json as jsonFormat, ndjson as ndjsonFormat } from "./lib/materialize/formats.ts";
export type { CsvOptions, Encoded, Format } from "./lib/materialize/formats.ts";
export { loaders } from "./lib/materialize/from.ts";
export type { CsvRow, FileLoadOptions, Loaders } from "./lib/materialize/from.ts";
export type { MaterializeOptions, MaterializeResult } from "./lib/materialize/materialize.ts";
export { savers } from "./lib/materialize/to.ts";
export type { FileMetadata, FileSaveOptions, Materializer, Savers } from "./lib/materialize/to.ts";
export { group, source, value } from "./lib/modifiers/bindings.ts";
export type { Binding, Bindings, GroupBinding, SourceBinding, ValueBinding } from "./lib/modifiers/bindings.ts";
export { config } from "./lib/modifiers/config.ts";
export { does } from "./lib/modifiers/does.ts";
export { extractFields, unpackFields } from "./lib/modifiers/extract-fields.ts";
export type { ExtractOptions, WithFields, WithUnpacked } from "./lib/modifiers/extract-fields.ts";
export { dataloader, datasaver } from "./lib/modifiers/loaders.ts";
export type { DataLoader } from "./lib/modifiers/loaders.ts";
export { inject, parameterize } from "./lib/modifiers/parameterize.ts";
export type { Parameterized } from "./lib/modifiers/parameterize.ts";
export { pipe, step, Step } from "./lib/modifiers/pipe.ts";
export type { PipeOptions, Piped } from "./lib/modifiers/pipe.ts";
export { subdag } from "./lib/modifiers/subdag.ts";
export type { Subdag, SubdagOptions } from "./lib/modifiers/subdag.ts";
export { tag } from "./lib/modifiers/tag.ts";
export { node } from "./lib/model/node.ts";
export type { CacheBehavior, NodeOptions, OutputSchema, RetryPolicy, TagValue, Tags } from "./lib/model/node.ts";
export { SIGNAL_PARAM } from "./lib/model/params.ts";
export type { Warning, WarningHandler } from "./lib/model/node-specs.ts";
export { toDot } from "./lib/visualize/dot.ts";
export { toMermaid } from "./lib/visualize/mermaid.ts";
export { renderSvg } from "./lib/visualize/svg.ts";
export { viewOfGraph, viewOfPlan, viewOfRun } from "./lib/visualize/view.ts";
export type { GraphView, NodeRole, ViewEdge, ViewNode } from "./lib/visualize/view.ts";
export type { VisualFormat } from "./lib/visualize/visualize.ts";
export type {
  DefinesNodes,
  EdgeErrors,
  EdgeTypeMismatch,
  ExecuteResult,
  NamedModule,
  NodeFunctionsOf,
  NodeNameOf,
  NodeTypes,
  NodeValue,
} from "./lib/model/types.ts";

// Composition root: the file loaders and materializers, wired to the file
// system of the runtime (node:fs/promises, which Bun, Deno and Node share;
// imported on first use, so loading weft touches no file).
import { loaders as makeLoaders, type Loaders } from "./lib/materialize/from.ts";
import { savers as makeSavers, type Savers } from "./lib/materialize/to.ts";
import { nodeTextFiles } from "./runtime/shared/text-files.ts";

/**
 * File loaders on the runtime's file system: `from.json`, `from.ndjson`,
 * `from.csv`, `from.file` (your own format). Each makes a data-loader node.
 *
 * @example
 * ```ts
 * export const spendRows = from.csv({ path: source("spendPath"), numbers: true });
 * ```
 */
export const from: Loaders = makeLoaders(nodeTextFiles);

/**
 * File materializers on the runtime's file system, for `driver.materialize`:
 * `to.json`, `to.ndjson`, `to.csv`, `to.file` (your own format).
 *
 * @example
 * ```ts
 * await dr.materialize([to.csv({ dependencies: ["rows"], path: "out/rows.csv" })]);
 * ```
 */
export const to: Savers = makeSavers(nodeTextFiles);
