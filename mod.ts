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
export { registerCodec } from "./cache/codec-registry.ts";
export type { ValueCodec } from "./cache/codec-registry.ts";
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
  SerializationError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
} from "./lib/errors.ts";
export type { MissingInput, WeftErrorKind } from "./lib/errors.ts";
export type { Graph, GraphNode, NodeKind } from "./lib/graph.ts";
export { systemClock } from "./lib/hooks.ts";
export type { Clock, GraphEndEvent, GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "./lib/hooks.ts";
export { node } from "./lib/node.ts";
export type { CacheBehavior, NodeOptions, RetryPolicy, TagValue, Tags } from "./lib/node.ts";
export { SIGNAL_PARAM } from "./lib/params.ts";
export type { EdgeErrors, EdgeTypeMismatch, ExecuteResult, NamedModule, NodeTypes, NodeValue } from "./lib/types.ts";
