/**
 * The errors weft raises. Every one extends {@link WeftError} and carries a
 * stable `kind` string (and an Effect-style `_tag`), because an error that
 * crosses a Worker boundary loses its prototype: test with {@link isWeftError}
 * rather than `instanceof` alone.
 *
 * @module
 */

/** The stable `kind` of every weft error. */
export type WeftErrorKind =
  | "graph-build"
  | "cycle"
  | "missing-input"
  | "unknown-node"
  | "input-conflict"
  | "node-execution"
  | "serialization"
  | "cache"
  | "timeout"
  | "worker"
  | "map-reduce"
  | "schema"
  | "materialization";

/** Base class of every error weft raises on purpose. */
export class WeftError extends Error {
  readonly kind: WeftErrorKind;
  /** Same as the class name, so Effect users can `Effect.catchTag` on it. */
  readonly _tag: string;

  constructor(kind: WeftErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = "WeftError";
    this._tag = "WeftError";
  }
}

/** The graph cannot be built from the given modules (bad parameters, duplicate nodes, bad options). */
export class GraphBuildError extends WeftError {
  override readonly _tag = "GraphBuildError" as const;
  override readonly name = "GraphBuildError";
  /** The node the problem is about, when there is one. */
  readonly node: string | undefined;
  constructor(message: string, options?: { node?: string; cause?: unknown }) {
    super("graph-build", message, options);
    this.node = options?.node;
  }
}

/** The dependencies form a cycle; `path` lists it, first node repeated at the end. */
export class CycleError extends WeftError {
  override readonly _tag = "CycleError" as const;
  override readonly name = "CycleError";
  readonly path: readonly string[];
  constructor(path: readonly string[]) {
    super("cycle", `Cannot build the graph: dependency cycle ${path.map((n) => `"${n}"`).join(" -> ")}; break the cycle by renaming a parameter or removing a dependency`);
    this.path = path;
  }
}

/** One missing input and the nodes that need it. */
export interface MissingInput {
  readonly input: string;
  readonly neededBy: readonly string[];
  /** Set when a modifier named the input (e.g. `source("x") in parameterize()`): a likely typo. */
  readonly via?: string;
}

/** Inputs the requested outputs need were not given; every one is listed. */
export class MissingInputError extends WeftError {
  override readonly _tag = "MissingInputError" as const;
  override readonly name = "MissingInputError";
  readonly missing: readonly MissingInput[];
  constructor(missing: readonly MissingInput[]) {
    const list = missing
      .map((m) => `"${m.input}" (needed by ${m.neededBy.map((n) => `"${n}"`).join(", ")}${m.via ? `, named by ${m.via}` : ""})`)
      .join(", ");
    const noun = missing.length === 1 ? "input" : "inputs";
    super("missing-input", `Cannot execute: ${noun} ${list} ${missing.length === 1 ? "is" : "are"} missing; pass ${missing.length === 1 ? "it" : "them"} in inputs or define ${missing.length === 1 ? "a node" : "nodes"} of that name`);
    this.missing = missing;
  }
}

/** A requested name is neither a node nor an input of the graph. */
export class UnknownNodeError extends WeftError {
  override readonly _tag = "UnknownNodeError" as const;
  override readonly name = "UnknownNodeError";
  readonly node: string;
  readonly suggestion: string | undefined;
  constructor(name: string, suggestion: string | undefined, context = "Cannot execute") {
    super("unknown-node", `${context}: "${name}" is not a node or input of the graph${suggestion ? `; did you mean "${suggestion}"?` : ""}`);
    this.node = name;
    this.suggestion = suggestion;
  }
}

/** The same name was given twice in ways that contradict (config and inputs, input and function). */
export class InputConflictError extends WeftError {
  override readonly _tag = "InputConflictError" as const;
  override readonly name = "InputConflictError";
  readonly input: string;
  constructor(input: string, message: string) {
    super("input-conflict", message);
    this.input = input;
  }
}

/** Which item of which parallelizable a failing node ran for. */
export interface ItemRef {
  readonly node: string;
  readonly index: number;
}

/**
 * A node failed. `path` runs from a requested output down to the node;
 * `cause` is what it threw; `items` says which map/reduce items it ran for
 * (outermost first; empty outside blocks).
 */
export class NodeExecutionError extends WeftError {
  override readonly _tag = "NodeExecutionError" as const;
  override readonly name = "NodeExecutionError";
  readonly node: string;
  readonly path: readonly string[];
  readonly items: readonly ItemRef[];
  constructor(node: string, path: readonly string[], cause: unknown, items: readonly ItemRef[] = []) {
    const forItems = items.map((i) => ` for item ${i.index} of "${i.node}"`).join(",");
    const neededBy = path.length > 1 ? ` (needed by ${path.slice(0, -1).reverse().map((n) => `"${n}"`).join(" <- ")})` : "";
    super("node-execution", `Node "${node}" failed${forItems}${neededBy}: ${describe(cause)}`, { cause });
    this.node = node;
    this.path = path;
    this.items = items;
  }
}

/** A value cannot cross to a worker or into the cache. */
export class SerializationError extends WeftError {
  override readonly _tag = "SerializationError" as const;
  override readonly name = "SerializationError";
  readonly node: string;
  readonly path: string;
  constructor(node: string, path: string, detail: string, options?: { cause?: unknown }) {
    super("serialization", `Cannot serialize the value of "${node}" at ${path || "the top level"}: ${detail}`, options);
    this.node = node;
    this.path = path;
  }
}

/** The cache store cannot be opened, read or written. */
export class CacheError extends WeftError {
  override readonly _tag = "CacheError" as const;
  override readonly name = "CacheError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("cache", message, options);
  }
}

/** A node ran longer than its `timeout`. */
export class TimeoutError extends WeftError {
  override readonly _tag = "TimeoutError" as const;
  override readonly name = "TimeoutError";
  readonly node: string;
  readonly ms: number;
  /** `fix` ends the message: where the limit comes from and how to lift it. */
  constructor(node: string, ms: number, fix = "raise its timeout in node(fn, { timeout }) or make it faster") {
    super("timeout", `Node "${node}" timed out after ${ms} ms; ${fix}`);
    this.node = node;
    this.ms = ms;
  }
}

/** A worker could not run a node: its module failed to import, or the worker died (crash, exit, out of memory). */
export class WorkerError extends WeftError {
  override readonly _tag = "WorkerError" as const;
  override readonly name = "WorkerError";
  readonly node: string;
  constructor(node: string, message: string, options?: { cause?: unknown }) {
    super("worker", message, options);
    this.node = node;
  }
}

/** A map/reduce block was misused at run time: a `parallelizable` that returned something not iterable. */
export class MapReduceError extends WeftError {
  override readonly _tag = "MapReduceError" as const;
  override readonly name = "MapReduceError";
  readonly node: string;
  constructor(node: string, message: string) {
    super("map-reduce", message);
    this.node = node;
  }
}

/** One failed check of a schema: where in the value, and what was wrong. */
export interface SchemaIssue {
  /** Path inside the value, e.g. `regions[0].amount`; "" for the value itself. */
  readonly path: string;
  readonly message: string;
}

/** A node's output does not match its `schema` (the `cause` of a `NodeExecutionError`). */
export class SchemaValidationError extends WeftError {
  override readonly _tag = "SchemaValidationError" as const;
  override readonly name = "SchemaValidationError";
  readonly node: string;
  readonly issues: readonly SchemaIssue[];
  constructor(node: string, issues: readonly SchemaIssue[]) {
    const list = issues.map((i) => `${i.path === "" ? "the value" : `"${i.path}"`}: ${i.message}`).join("; ");
    super("schema", `The output of "${node}" does not match its schema at ${list}; fix the node or its schema`);
    this.node = node;
    this.issues = issues;
  }
}

/** A materializer failed to write; `id` names it, `cause` says why. */
export class MaterializationError extends WeftError {
  override readonly _tag = "MaterializationError" as const;
  override readonly name = "MaterializationError";
  readonly id: string;
  constructor(id: string, cause: unknown) {
    super("materialization", `Cannot materialize "${id}": ${describe(cause)}`, { cause });
    this.id = id;
  }
}

/**
 * True when `error` is a weft error (of the given kind), also for errors that
 * crossed a Worker boundary and lost their prototype.
 *
 * @example
 * ```ts
 * try { await dr.execute(["total"]); }
 * catch (e) { if (isWeftError(e, "missing-input")) console.log(e.missing); }
 * ```
 */
export function isWeftError<K extends WeftErrorKind>(
  error: unknown,
  kind?: K,
): error is WeftError & { kind: K } {
  if (typeof error !== "object" || error === null) return false;
  const k = (error as { kind?: unknown }).kind;
  if (typeof k !== "string" || !(error instanceof WeftError || "_tag" in error)) return false;
  return kind === undefined || k === kind;
}

/** A short description of any thrown value, for messages. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  if (typeof value === "string") return value;
  try {
    return `non-Error value ${JSON.stringify(value) ?? String(value)}`;
  } catch {
    return `non-Error value ${String(value)}`;
  }
}
