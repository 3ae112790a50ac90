/**
 * What a modifier binds a parameter to: a fixed value, another node (or
 * input), or a group of those passed as one array or object. Used by
 * `parameterize`, `inject`, `step` and `subdag` (Hamilton's value, source and
 * group).
 *
 * @module
 */

const BINDING: unique symbol = Symbol.for("weft.binding");

/** A parameter bound to a fixed value. */
export interface ValueBinding<T = unknown> {
  readonly [BINDING]: "value";
  readonly value: T;
}

/** A parameter bound to the node or input named `name`. */
export interface SourceBinding {
  readonly [BINDING]: "source";
  readonly name: string;
}

/** A parameter that receives several values or sources at once, as an array or an object. */
export interface GroupBinding {
  readonly [BINDING]: "group";
  readonly items: readonly (ValueBinding | SourceBinding)[];
  /** Keys of the object form; undefined for the array form. */
  readonly keys: readonly string[] | undefined;
}

/** Anything a parameter can be bound to. */
export type Binding = ValueBinding | SourceBinding | GroupBinding;

/** Parameter name -> binding. */
export type Bindings = Readonly<Record<string, Binding>>;

/**
 * Binds a parameter to a fixed value.
 *
 * @example
 * ```ts
 * parameterize({ searchSpend: { channel: value("search") } }, (rows: Row[], channel: string) => ...);
 * ```
 */
export function value<const T>(v: T): ValueBinding<T> {
  return { [BINDING]: "value", value: v };
}

/**
 * Binds a parameter to the node (or input) named `name`.
 *
 * @example
 * ```ts
 * parameterize({ usRevenue: { spend: source("usSpend") } }, (spend: number) => spend * 3);
 * ```
 */
export function source(name: string): SourceBinding {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`source() expects the name of a node or input, got ${typeof name === "string" ? "an empty string" : typeof name}`);
  }
  return { [BINDING]: "source", name };
}

/**
 * Passes several sources or values to one parameter: as an array
 * (`group(source("a"), source("b"))`) or as an object (`group({ a: source("a") })`).
 *
 * @example
 * ```ts
 * inject({ spends: group(source("searchSpend"), source("socialSpend")) }, (spends: number[]) => sum(spends));
 * ```
 */
export function group(...items: (ValueBinding | SourceBinding)[]): GroupBinding;
export function group(items: Readonly<Record<string, ValueBinding | SourceBinding>>): GroupBinding;
export function group(...args: unknown[]): GroupBinding {
  const record = args.length === 1 && !isBinding(args[0]) && typeof args[0] === "object" && args[0] !== null;
  const entries: [string, unknown][] = record ? Object.entries(args[0] as object) : args.map((a, i) => [String(i), a]);
  for (const [key, item] of entries) {
    if (!isBinding(item) || item[BINDING] === "group") {
      throw new TypeError(`group() expects value() or source() bindings, got ${describeValue(item)} at ${record ? `key "${key}"` : `position ${key}`}`);
    }
  }
  return {
    [BINDING]: "group",
    items: entries.map(([, b]) => b as ValueBinding | SourceBinding),
    keys: record ? entries.map(([k]) => k) : undefined,
  };
}

/** True for what value(), source() and group() return. */
export function isBinding(x: unknown): x is Binding {
  return typeof x === "object" && x !== null && BINDING in x;
}

/** The kind of a binding. */
export function bindingKind(b: Binding): "value" | "source" | "group" {
  return b[BINDING];
}

/**
 * Checks that `bindings` is an object of bindings.
 *
 * @throws {TypeError} naming the modifier and the offending key
 */
export function checkBindings(modifier: string, where: string, bindings: unknown): Bindings {
  if (typeof bindings !== "object" || bindings === null || Array.isArray(bindings)) {
    throw new TypeError(`${modifier} expects ${where} to be an object of parameter name -> value(...), source(...) or group(...), got ${describeValue(bindings)}`);
  }
  for (const [param, b] of Object.entries(bindings)) {
    if (!isBinding(b)) {
      throw new TypeError(`${modifier} binds parameter "${param}" of ${where} to ${describeValue(b)}; wrap it with value(...) or source("nodeName")`);
    }
  }
  return bindings as Bindings;
}

/** A short description of a value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "function") return "a function";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}
