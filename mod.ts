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
 * @module
 */
export { Builder } from "./lib/builder.ts";
export type { IllTypedEdges, ModuleArg } from "./lib/builder.ts";
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
  SchemaValidationError,
  SerializationError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
} from "./lib/errors.ts";
export type { MissingInput, SchemaIssue, WeftErrorKind } from "./lib/errors.ts";
export type { Graph, GraphNode, NodeKind } from "./lib/graph.ts";
export { systemClock } from "./lib/hooks.ts";
export type { Clock, GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "./lib/hooks.ts";
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
export { node } from "./lib/node.ts";
export type { CacheBehavior, NodeOptions, OutputSchema, RetryPolicy, TagValue, Tags } from "./lib/node.ts";
export { SIGNAL_PARAM } from "./lib/params.ts";
export type { Warning, WarningHandler } from "./lib/spec.ts";
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
} from "./lib/types.ts";
