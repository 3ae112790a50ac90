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
 * This file is the export list of the main entry. What not every user needs
 * has a subpath of its own: `weft/bullmq` (the distributed executor),
 * `weft/visualize` (DOT, Mermaid and SVG drawings), `weft/server` (the web
 * view), `weft/arrow` (the Apache Arrow table result builder). The defaults (runtime adapters, cache, run history) are plugged in by
 * the composition root, compose.ts.
 *
 * @module
 */
export { Builder, from, to } from "./compose.ts";
export { registerCodec } from "./cache/codec-registry.ts";
export type { ValueCodec } from "./cache/codec-registry.ts";
export type { DriverCache } from "./lib/driver/driver.ts";
export type { CacheExplanation, GcOptions, GcReport, Cache } from "./lib/ports/cache.ts";
export type { PoolLimits } from "./lib/engine/resource-pools.ts";
export type { IllTypedEdges } from "./lib/driver/builder.ts";
export type { BuilderDefaults, CacheOptions, TrackingOptions, WorkersOptions } from "./lib/driver/builder-options.ts";
export type { ModuleArg } from "./lib/driver/module-args.ts";
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
export type { BlockNodeOutcome, BlockOutcome, Executor, ExecutorBlock, ExecutorContext, ExecutorTask, NodeLocator } from "./lib/ports/executor.ts";
export type { Platform, PlatformLoader } from "./lib/ports/platform.ts";
export type { FileWatch, ModuleFiles, ModuleReloader, SyntaxProblem } from "./lib/ports/module-reloader.ts";
export type { WorkerFactory, WorkerHandle } from "./lib/ports/worker-factory.ts";
export { Driver, matchesTags } from "./lib/driver/driver.ts";
export type {
  DriverSettings, ExecuteError, ExecuteOptions, KeepGoingOptions, KeepGoingResult, TagFilter, Variable, VisualizeOptions,
} from "./lib/driver/driver.ts";
export type { SkippedNode } from "./lib/engine/keep-going.ts";
export { formatPlan } from "./lib/driver/plan.ts";
export type { TelemetryOptions } from "./lib/history/telemetry.ts";
export type { DriverPlan, PlanEstimate, PlannedNode, PlanStatus } from "./lib/driver/plan.ts";
export type { DriverWatch, WatchedNode, WatchOptions, WatchRun } from "./lib/driver/watch.ts";
export { withResultKind } from "./lib/results/result-builder.ts";
export type { BuiltResult, ConstantResultKind, KindedResultBuilder, KindOfArg, ResultBuilder, ResultBuilderArg, ResultBuilderFn, ResultKind, ResultMeta, ResultOptions } from "./lib/results/result-builder.ts";
export { objectResult } from "./lib/results/object-result.ts";
export type { ObjectResultKind } from "./lib/results/object-result.ts";
export { rowsResult } from "./lib/results/rows-result.ts";
export type { CellOf, RowOf, RowsResultKind } from "./lib/results/rows-result.ts";
export {
  CacheError,
  CycleError,
  GraphBuildError,
  HookError,
  InputConflictError,
  InputValidationError,
  isWeftError,
  MaterializationError,
  MissingInputError,
  MissingPackageError,
  ModuleLoadError,
  NodeExecutionError,
  SchemaValidationError,
  SerializationError,
  MapReduceError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
  WorkerError,
} from "./lib/errors.ts";
export type { InputProblem, ItemRef, MissingInput, SchemaIssue, WeftErrorKind } from "./lib/errors.ts";
export type { Graph, GraphNode, NodeKind } from "./lib/graph/graph.ts";
export { systemClock } from "./lib/hooks.ts";
export type {
  BuildEndEvent,
  Clock,
  ExpandEvent,
  GraphEndEvent,
  GraphStartEvent,
  Hook,
  HookResult,
  NodeEndEvent,
  NodeStartEvent,
  TaskEndEvent,
  TaskPurpose,
  TaskStartEvent,
} from "./lib/hooks.ts";
export type { AroundNodeEvent, EdgeCheck, GraphAdapter, GraphCheck, InputCheck, Verdict } from "./lib/graph-adapter.ts";
export { collect, parallelizable } from "./lib/modifiers/map-reduce.ts";
export type { Collecting, CollectOptions, ItemResult, Parallelizable, ParallelizableOptions } from "./lib/modifiers/map-reduce.ts";
export { documentationOf } from "./lib/introspect/documentation.ts";
export type { ExecutionDescription, ExecutionNode } from "./lib/introspect/export-execution.ts";
export { MemoryTextFiles } from "./lib/materialize/text-files.ts";
export type { TextFiles } from "./lib/materialize/text-files.ts";
export { csv as csvFormat, json as jsonFormat, ndjson as ndjsonFormat } from "./lib/materialize/formats.ts";
export type { CsvOptions, Encoded, Format } from "./lib/materialize/formats.ts";
export type { CsvRow, FileLoadOptions, Loaders } from "./lib/materialize/from.ts";
export type { MaterializeItem, MaterializeOptions, MaterializeResult } from "./lib/materialize/materialize.ts";
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
export { applyTo, AppliedTo, mutate } from "./lib/modifiers/mutate.ts";
export type { Mutator } from "./lib/modifiers/mutate.ts";
export type { PipeOptions, Piped } from "./lib/modifiers/pipe.ts";
export { configuration, subdag } from "./lib/modifiers/subdag.ts";
export type { ConfigurationRef, Subdag, SubdagOptions } from "./lib/modifiers/subdag.ts";
export { tag, tagOutputs } from "./lib/modifiers/tag.ts";
export { node } from "./lib/model/node.ts";
export type { CacheBehavior, MapReduceRole, NodeOptions, OutputSchema, RetryPolicy, TagValue, Tags } from "./lib/model/node-options.ts";
export { SIGNAL_PARAM } from "./lib/model/params.ts";
export type { Warning, WarningHandler } from "./lib/model/warning.ts";
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
