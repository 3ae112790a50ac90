/**
 * The errors weft raises. Every one extends {@link WeftError} and carries a
 * stable `kind` string (and an Effect-style `_tag`), because an error that
 * crosses a Worker boundary loses its prototype: test with {@link isWeftError}
 * rather than `instanceof` alone. Each subclass is made by {@link weftError}
 * from its tag, its kind and one function from its constructor's arguments to
 * its message, cause and typed fields. (Effect's `Data.TaggedError` takes one
 * object of fields and is an Effect itself; these keep their positional
 * constructors and stay plain Errors.)
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
  | "materialization"
  | "missing-package"
  | "module-load"
  | "input-validation"
  | "hook";

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

/** What a subclass's constructor arguments make: its message, the options `Error` takes (`cause`), and its typed fields. */
interface ErrorParts<F> {
  readonly message: string;
  readonly options?: { readonly cause?: unknown };
  readonly fields: F;
}

/** A WeftError subclass: constructed from `A`, with the fields `F` and the tag `T` as its `name` and `_tag`. */
type WeftErrorClass<T extends string, A extends readonly unknown[], F> = new (...args: A) => WeftError &
  Readonly<F> & { readonly _tag: T; readonly name: T };

/**
 * The base of one WeftError subclass. The subclass is declared as
 * `class X extends XBase {}` over a constant of explicit type, so that its
 * public type needs no inference (JSR's rule for published types).
 */
function weftError<T extends string, A extends readonly unknown[], F extends object>(
  tag: T,
  kind: WeftErrorKind,
  parts: (...args: A) => ErrorParts<F>,
): WeftErrorClass<T, A, F> {
  return class extends WeftError {
    constructor(...args: A) {
      const { message, options, fields } = parts(...args);
      super(kind, message, options);
      this.name = tag;
      (this as { _tag: string })._tag = tag;
      // Defined, not assigned: Bun's Errors have own non-enumerable `line` and `column`, which an assignment would keep hidden.
      for (const [key, value] of Object.entries(fields)) Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true });
    }
  } as unknown as WeftErrorClass<T, A, F>;
}

const GraphBuildErrorBase: WeftErrorClass<"GraphBuildError", [message: string, options?: { node?: string; cause?: unknown }], {
  /** The node the problem is about, when there is one. */
  node: string | undefined;
}> = weftError("GraphBuildError", "graph-build", (message, options) => ({ message, options, fields: { node: options?.node } }));
/** The graph cannot be built from the given modules (bad parameters, duplicate nodes, bad options). */
export class GraphBuildError extends GraphBuildErrorBase {}

const CycleErrorBase: WeftErrorClass<"CycleError", [path: readonly string[]], { path: readonly string[] }> = weftError("CycleError", "cycle", (path) => ({
  message: `Cannot build the graph: dependency cycle ${path.map((n) => `"${n}"`).join(" -> ")}; break the cycle by renaming a parameter or removing a dependency`,
  fields: { path },
}));
/** The dependencies form a cycle; `path` lists it, first node repeated at the end. */
export class CycleError extends CycleErrorBase {}

/** One missing input and the nodes that need it. */
export interface MissingInput {
  readonly input: string;
  readonly neededBy: readonly string[];
  /** Set when a modifier named the input (e.g. `source("x") in parameterize()`): a likely typo. */
  readonly via?: string;
}

const MissingInputErrorBase: WeftErrorClass<"MissingInputError", [missing: readonly MissingInput[]], { missing: readonly MissingInput[] }> = weftError(
  "MissingInputError",
  "missing-input",
  (missing) => {
    const list = missing
      .map((m) => `"${m.input}" (needed by ${m.neededBy.map((n) => `"${n}"`).join(", ")}${m.via ? `, named by ${m.via}` : ""})`)
      .join(", ");
    const one = missing.length === 1;
    return {
      message: `Cannot execute: ${one ? "input" : "inputs"} ${list} ${one ? "is" : "are"} missing; pass ${one ? "it" : "them"} in inputs or define ${one ? "a node" : "nodes"} of that name`,
      fields: { missing },
    };
  },
);
/** Inputs the requested outputs need were not given; every one is listed. */
export class MissingInputError extends MissingInputErrorBase {}

const UnknownNodeErrorBase: WeftErrorClass<"UnknownNodeError", [name: string, suggestion: string | undefined, context?: string], {
  node: string;
  suggestion: string | undefined;
}> = weftError("UnknownNodeError", "unknown-node", (name, suggestion, context = "Cannot execute") => ({
  message: `${context}: "${name}" is not a node or input of the graph${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
  fields: { node: name, suggestion },
}));
/** A requested name is neither a node nor an input of the graph. */
export class UnknownNodeError extends UnknownNodeErrorBase {}

const InputConflictErrorBase: WeftErrorClass<"InputConflictError", [input: string, message: string], { input: string }> = weftError(
  "InputConflictError",
  "input-conflict",
  (input, message) => ({ message, fields: { input } }),
);
/** The same name was given twice in ways that contradict (config and inputs, input and function). */
export class InputConflictError extends InputConflictErrorBase {}

/** One input a graph adapter's `validateInput` rejected. */
export interface InputProblem {
  readonly input: string;
  /** The adapter's `name`, or its place in `withAdapters(...)` ("#1" for the first). */
  readonly adapter: string;
  readonly message: string;
}

const InputValidationErrorBase: WeftErrorClass<"InputValidationError", [problems: readonly InputProblem[]], {
  problems: readonly InputProblem[];
}> = weftError("InputValidationError", "input-validation", (problems) => ({
  message: `Cannot execute: ${problems.map((p) => `input "${p.input}" rejected by adapter ${p.adapter}: ${p.message}`).join("; ")}; pass ${problems.length === 1 ? "a value" : "values"} the adapter accepts`,
  fields: { problems },
}));
/** Graph adapters' `validateInput` rejected inputs before any node ran; `problems` lists every rejection. */
export class InputValidationError extends InputValidationErrorBase {}

const HookErrorBase: WeftErrorClass<"HookError", [hook: string, method: string, cause: unknown], { hook: string; method: string }> = weftError(
  "HookError",
  "hook",
  (hook, method, cause) => ({ message: `Hook ${hook} failed in ${method}: ${describe(cause)}`, options: { cause }, fields: { hook, method } }),
);
/**
 * A lifecycle hook threw (or its promise rejected). `hook` is its `name` (quoted), or its place in
 * `withHooks(...)` ("#1" for the first); `method` the hook method; `cause` what it threw.
 */
export class HookError extends HookErrorBase {}

/** Which item of which parallelizable a failing node ran for. */
export interface ItemRef {
  readonly node: string;
  readonly index: number;
}

const NodeExecutionErrorBase: WeftErrorClass<"NodeExecutionError", [node: string, path: readonly string[], cause: unknown, items?: readonly ItemRef[]], {
  node: string;
  path: readonly string[];
  items: readonly ItemRef[];
}> = weftError("NodeExecutionError", "node-execution", (node, path, cause, items = []) => {
  const forItems = items.map((i) => ` for item ${i.index} of "${i.node}"`).join(",");
  const neededBy = path.length > 1 ? ` (needed by ${path.slice(0, -1).reverse().map((n) => `"${n}"`).join(" <- ")})` : "";
  return { message: `Node "${node}" failed${forItems}${neededBy}: ${describe(cause)}`, options: { cause }, fields: { node, path, items } };
});
/**
 * A node failed. `path` runs from a requested output down to the node;
 * `cause` is what it threw; `items` says which map/reduce items it ran for
 * (outermost first; empty outside blocks).
 */
export class NodeExecutionError extends NodeExecutionErrorBase {}

const SerializationErrorBase: WeftErrorClass<"SerializationError", [node: string, path: string, detail: string, options?: { cause?: unknown }], {
  node: string;
  path: string;
}> = weftError("SerializationError", "serialization", (node, path, detail, options) => ({
  message: `Cannot serialize the value of "${node}" at ${path || "the top level"}: ${detail}`,
  options,
  fields: { node, path },
}));
/** A value cannot cross to a worker or into the cache. */
export class SerializationError extends SerializationErrorBase {}

const CacheErrorBase: WeftErrorClass<"CacheError", [message: string, options?: { cause?: unknown }], Record<never, never>> = weftError(
  "CacheError",
  "cache",
  (message, options) => ({ message, options, fields: {} }),
);
/** The cache store cannot be opened, read or written. */
export class CacheError extends CacheErrorBase {}

const TimeoutErrorBase: WeftErrorClass<"TimeoutError", [node: string, ms: number, fix?: string], { node: string; ms: number }> = weftError(
  "TimeoutError",
  "timeout",
  // `fix` ends the message: where the limit comes from and how to lift it.
  (node, ms, fix = "raise its timeout in node(fn, { timeout }) or make it faster") => ({
    message: `Node "${node}" timed out after ${ms} ms; ${fix}`,
    fields: { node, ms },
  }),
);
/** A node ran longer than its `timeout`. */
export class TimeoutError extends TimeoutErrorBase {}

const WorkerErrorBase: WeftErrorClass<"WorkerError", [node: string, message: string, options?: { cause?: unknown }], { node: string }> = weftError(
  "WorkerError",
  "worker",
  (node, message, options) => ({ message, options, fields: { node } }),
);
/** A worker could not run a node: its module failed to import, or the worker died (crash, exit, out of memory). */
export class WorkerError extends WorkerErrorBase {}

const MapReduceErrorBase: WeftErrorClass<"MapReduceError", [node: string, message: string], { node: string }> = weftError(
  "MapReduceError",
  "map-reduce",
  (node, message) => ({ message, fields: { node } }),
);
/** A map/reduce block was misused at run time: a `parallelizable` that returned something not iterable. */
export class MapReduceError extends MapReduceErrorBase {}

/** One failed check of a schema: where in the value, and what was wrong. */
export interface SchemaIssue {
  /** Path inside the value, e.g. `regions[0].amount`; "" for the value itself. */
  readonly path: string;
  readonly message: string;
}

const SchemaValidationErrorBase: WeftErrorClass<"SchemaValidationError", [node: string, issues: readonly SchemaIssue[]], {
  node: string;
  issues: readonly SchemaIssue[];
}> = weftError("SchemaValidationError", "schema", (node, issues) => {
  const list = issues.map((i) => `${i.path === "" ? "the value" : `"${i.path}"`}: ${i.message}`).join("; ");
  return { message: `The output of "${node}" does not match its schema at ${list}; fix the node or its schema`, fields: { node, issues } };
});
/** A node's output does not match its `schema` (the `cause` of a `NodeExecutionError`). */
export class SchemaValidationError extends SchemaValidationErrorBase {}

const MaterializationErrorBase: WeftErrorClass<"MaterializationError", [id: string, cause: unknown], { id: string }> = weftError(
  "MaterializationError",
  "materialization",
  (id, cause) => ({ message: `Cannot materialize "${id}": ${describe(cause)}`, options: { cause }, fields: { id } }),
);
/** A materializer failed to write; `id` names it, `cause` says why. */
export class MaterializationError extends MaterializationErrorBase {}

const MissingPackageErrorBase: WeftErrorClass<
  "MissingPackageError",
  [whatFor: string, missing: string, options?: { install?: readonly string[]; otherwise?: string; cause?: unknown }],
  { missing: string; install: readonly string[] }
> = weftError("MissingPackageError", "missing-package", (whatFor, missing, options) => {
  const install = options?.install ?? [missing];
  const otherwise = options?.otherwise === undefined ? "" : `, or ${options.otherwise}`;
  return {
    message: `Cannot ${whatFor}: "${missing}" is not installed; run "npm install ${install.join(" ")}"${otherwise}`,
    options: options?.cause === undefined ? {} : { cause: options.cause },
    fields: { missing, install },
  };
});
/**
 * An optional peer dependency is not installed: `missing` names it, `install`
 * lists what the message says to install (bullmq and ioredis go together).
 */
export class MissingPackageError extends MissingPackageErrorBase {}

const ModuleLoadErrorBase: WeftErrorClass<
  "ModuleLoadError",
  [file: string, detail: string, options?: { line?: number; column?: number; cause?: unknown }],
  { file: string; line: number | undefined; column: number | undefined }
> = weftError("ModuleLoadError", "module-load", (file, detail, options) => {
  const at = options?.line === undefined ? "" : `:${options.line}${options.column === undefined ? "" : `:${options.column}`}`;
  return {
    message: `Cannot load the module "${file}${at}": ${detail}`,
    options: options?.cause === undefined ? {} : { cause: options.cause },
    fields: { file, line: options?.line, column: options?.column },
  };
});
/**
 * A module file cannot be loaded (a syntax error, a throw at its top level):
 * `file` is its path, `line` and `column` (1-based) where, when known.
 * `driver.watch` reports it and waits for the next save.
 */
export class ModuleLoadError extends ModuleLoadErrorBase {}

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
