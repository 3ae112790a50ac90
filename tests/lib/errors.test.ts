import { describe, expect, test } from "bun:test";
import { deserializeError, serializeError } from "../../lib/error-codec.ts";
import {
  CacheError,
  CycleError,
  GraphBuildError,
  InputConflictError,
  isWeftError,
  MapReduceError,
  MaterializationError,
  MissingInputError,
  MissingPackageError,
  ModuleLoadError,
  HookError,
  InputValidationError,
  NodeExecutionError,
  SchemaValidationError,
  SerializationError,
  TimeoutError,
  UnknownNodeError,
  WeftError,
  WorkerError,
  type WeftErrorKind,
} from "../../lib/errors.ts";

const boom = new Error("boom");

/** One of each error, with the name, kind, message and fields it must have. */
const cases: { error: WeftError; name: string; kind: WeftErrorKind; message: string; fields: Record<string, unknown> }[] = [
  {
    error: new GraphBuildError("Cannot build the graph: bad", { node: "a", cause: boom }),
    name: "GraphBuildError", kind: "graph-build", message: "Cannot build the graph: bad", fields: { node: "a" },
  },
  {
    error: new CycleError(["a", "b", "a"]),
    name: "CycleError", kind: "cycle",
    message: 'Cannot build the graph: dependency cycle "a" -> "b" -> "a"; break the cycle by renaming a parameter or removing a dependency',
    fields: { path: ["a", "b", "a"] },
  },
  {
    error: new MissingInputError([{ input: "x", neededBy: ["a", "b"] }, { input: "y", neededBy: ["c"], via: 'source("y")' }]),
    name: "MissingInputError", kind: "missing-input",
    message: 'Cannot execute: inputs "x" (needed by "a", "b"), "y" (needed by "c", named by source("y")) are missing; pass them in inputs or define nodes of that name',
    fields: { missing: [{ input: "x", neededBy: ["a", "b"] }, { input: "y", neededBy: ["c"], via: 'source("y")' }] },
  },
  {
    error: new UnknownNodeError("totl", "total"),
    name: "UnknownNodeError", kind: "unknown-node",
    message: 'Cannot execute: "totl" is not a node or input of the graph; did you mean "total"?',
    fields: { node: "totl", suggestion: "total" },
  },
  {
    error: new InputConflictError("x", 'Cannot execute: "x" is both'),
    name: "InputConflictError", kind: "input-conflict", message: 'Cannot execute: "x" is both', fields: { input: "x" },
  },
  {
    error: new NodeExecutionError("c", ["total", "b", "c"], boom, [{ node: "files", index: 2 }]),
    name: "NodeExecutionError", kind: "node-execution",
    message: 'Node "c" failed for item 2 of "files" (needed by "b" <- "total"): boom',
    fields: { node: "c", path: ["total", "b", "c"], items: [{ node: "files", index: 2 }] },
  },
  {
    error: new SerializationError("a", "x.y", "functions cannot be cloned"),
    name: "SerializationError", kind: "serialization",
    message: 'Cannot serialize the value of "a" at x.y: functions cannot be cloned', fields: { node: "a", path: "x.y" },
  },
  {
    error: new CacheError("Cannot open the cache: locked", { cause: boom }),
    name: "CacheError", kind: "cache", message: "Cannot open the cache: locked", fields: {},
  },
  {
    error: new TimeoutError("slow", 50),
    name: "TimeoutError", kind: "timeout",
    message: 'Node "slow" timed out after 50 ms; raise its timeout in node(fn, { timeout }) or make it faster',
    fields: { node: "slow", ms: 50 },
  },
  {
    error: new WorkerError("w", 'Worker for "w" died', { cause: boom }),
    name: "WorkerError", kind: "worker", message: 'Worker for "w" died', fields: { node: "w" },
  },
  {
    error: new MapReduceError("files", 'Node "files" returned a number'),
    name: "MapReduceError", kind: "map-reduce", message: 'Node "files" returned a number', fields: { node: "files" },
  },
  {
    error: new SchemaValidationError("out", [{ path: "", message: "Expected object" }, { path: "a[0]", message: "Expected number" }]),
    name: "SchemaValidationError", kind: "schema",
    message: 'The output of "out" does not match its schema at the value: Expected object; "a[0]": Expected number; fix the node or its schema',
    fields: { node: "out", issues: [{ path: "", message: "Expected object" }, { path: "a[0]", message: "Expected number" }] },
  },
  {
    error: new MaterializationError("report", boom),
    name: "MaterializationError", kind: "materialization", message: 'Cannot materialize "report": boom', fields: { id: "report" },
  },
  {
    error: new MissingPackageError("start the BullMQ executor", "bullmq", { install: ["bullmq", "ioredis"], cause: boom }),
    name: "MissingPackageError", kind: "missing-package",
    message: 'Cannot start the BullMQ executor: "bullmq" is not installed; run "npm install bullmq ioredis"',
    fields: { missing: "bullmq", install: ["bullmq", "ioredis"] },
  },
  {
    error: new ModuleLoadError("/app/helper.ts", "Unexpected token", { line: 2, column: 13, cause: boom }),
    name: "ModuleLoadError", kind: "module-load",
    message: 'Cannot load the module "/app/helper.ts:2:13": Unexpected token',
    fields: { file: "/app/helper.ts", line: 2, column: 13 },
  },
  {
    error: new InputValidationError([{ input: "x", adapter: '"numbers"', message: "expected a number" }]),
    name: "InputValidationError", kind: "input-validation",
    message: 'Cannot execute: input "x" rejected by adapter "numbers": expected a number; pass a value the adapter accepts',
    fields: { problems: [{ input: "x", adapter: '"numbers"', message: "expected a number" }] },
  },
  {
    error: new HookError('"audit"', "afterNode", boom),
    name: "HookError", kind: "hook", message: 'Hook "audit" failed in afterNode: boom', fields: { hook: '"audit"', method: "afterNode" },
  },
];

describe("WeftError subclasses", () => {
  test("every subclass has its name, _tag, kind, message and fields", () => {
    for (const c of cases) {
      expect({ name: c.error.name, tag: c.error._tag, kind: c.error.kind, message: c.error.message }).toEqual({
        name: c.name, tag: c.name, kind: c.kind, message: c.message,
      });
      expect(c.error.constructor.name).toBe(c.name);
      for (const [k, v] of Object.entries(c.fields)) expect((c.error as unknown as Record<string, unknown>)[k]).toEqual(v);
    }
  });

  test("every subclass is an Error and a WeftError, with a stack", () => {
    for (const { error } of cases) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(WeftError);
      expect(isWeftError(error, error.kind)).toBe(true);
      expect(error.stack).toContain(error.name);
    }
  });

  test("an error keeps the cause it was given, and has none when given none", () => {
    expect(new GraphBuildError("x", { cause: boom }).cause).toBe(boom);
    expect(new NodeExecutionError("c", ["c"], boom).cause).toBe(boom);
    expect(new MaterializationError("r", boom).cause).toBe(boom);
    expect("cause" in new GraphBuildError("x", { node: "a" })).toBe(false);
    expect("cause" in new TimeoutError("t", 1)).toBe(false);
    expect("cause" in new MissingPackageError("draw SVG", "@viz-js/viz")).toBe(false);
  });

  test("MissingPackageError installs the missing package by default and ends with another way out when given one", () => {
    const e = new MissingPackageError("draw SVG", "@viz-js/viz", { otherwise: "draw DOT" });
    expect([e.message, e.install]).toEqual(['Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz", or draw DOT', ["@viz-js/viz"]]);
  });

  test("GraphBuildError has an undefined node when none is named", () => {
    expect(new GraphBuildError("x").node).toBeUndefined();
  });

  test("TimeoutError ends its message with the fix it is given", () => {
    expect(new TimeoutError("t", 5, "raise the run's limit").message).toBe('Node "t" timed out after 5 ms; raise the run\'s limit');
  });

  test("UnknownNodeError takes the context of its message and may have no suggestion", () => {
    expect(new UnknownNodeError("x", undefined, "Cannot explain").message).toBe('Cannot explain: "x" is not a node or input of the graph');
  });

  test("every subclass crosses the error codec with its kind, _tag, name, message and simple fields", () => {
    // The codec keeps fields of plain data and arrays of primitives (lists of objects, such as `issues`, stay behind).
    const simple = (v: unknown) => typeof v !== "object" || (Array.isArray(v) && v.every((x) => typeof x !== "object"));
    for (const c of cases) {
      // Through structuredClone, as across a Worker.
      const back = deserializeError(structuredClone(serializeError(c.error))) as WeftError;
      expect(back).not.toBeInstanceOf(WeftError);
      expect(isWeftError(back, c.error.kind)).toBe(true);
      expect({ name: back.name, tag: back._tag, message: back.message }).toEqual({ name: c.name, tag: c.name, message: c.message });
      for (const [k, v] of Object.entries(c.fields)) if (simple(v)) expect((back as unknown as Record<string, unknown>)[k]).toEqual(v);
    }
  });

  test("an error's cause crosses the error codec too", () => {
    const back = deserializeError(serializeError(new NodeExecutionError("c", ["c"], new TimeoutError("c", 9)))) as Error;
    expect(isWeftError(back.cause, "timeout")).toBe(true);
    expect((back.cause as TimeoutError).ms).toBe(9);
  });
});
