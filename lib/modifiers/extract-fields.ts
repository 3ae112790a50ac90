/**
 * `extractFields` and `unpackFields`: a node that returns an object (or a
 * tuple) also defines one node per declared field (Hamilton's
 * `@extract_fields` and `@unpack_fields`). The whole value stays a node too.
 *
 * @module
 */
import type { NodeSpec } from "../model/node-specs.ts";
import { hasField } from "../own-property.ts";
import type { DefinesNodes, NodeFn, NodeValue } from "../model/types.ts";
import { afterResult } from "../model/after-result.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/** Options of {@link extractFields} and {@link unpackFields}. */
export interface ExtractOptions {
  /** The value of a declared field the result lacks; without it a missing field fails the node. */
  readonly fill?: unknown;
}

type FieldOf<V, P extends PropertyKey> = V extends { readonly [Q in P]?: infer T } ? T : unknown;

/** What `extractFields` returns: the function, typed with its field nodes. */
export type WithFields<F extends NodeFn, K extends string> =
  & F
  & DefinesNodes<{ "": F } & { [P in K]: () => FieldOf<NodeValue<ReturnType<F>>, P> }>;

/** What `unpackFields` returns: the function, typed with one node per tuple position. */
export type WithUnpacked<F extends NodeFn, K extends readonly string[]> =
  & F
  & DefinesNodes<{ "": F } & { [I in keyof K & `${number}` as K[I] & string]: () => ElementOf<NodeValue<ReturnType<F>>, I> }>;

type ElementOf<V, I> = V extends readonly unknown[] ? (I extends keyof V ? V[I] : V[number]) : unknown;

/**
 * Defines one node per field of the object `fn` returns, named after the
 * field, plus the node for the whole object. A missing field fails the node
 * unless `fill` is given; a result that is not an object fails it too.
 *
 * @example
 * ```ts
 * export const stats = extractFields(["mean", "max"], (spend: number[]) => ({
 *   mean: spend.reduce((a, b) => a + b, 0) / spend.length,
 *   max: Math.max(...spend),
 * }));
 * // nodes: stats, mean, max
 * ```
 */
export function extractFields<const K extends readonly string[], F extends NodeFn>(
  fields: K,
  fn: F,
  options: ExtractOptions = {},
): WithFields<F, K[number]> {
  checkFields("extractFields()", fields);
  requireFunction("extractFields()", fn, "second");
  const hasFill = "fill" in options;
  return defineModifier(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, specs, "extractFields()");
    if (primary === undefined) return specs;
    const check = (v: unknown): unknown => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new TypeError(`extractFields() on "${primary.name}" expects the node to return an object, got ${describeValue(v)}${Array.isArray(v) ? "; use unpackFields() for an array" : ""}`);
      }
      if (!hasFill) {
        for (const f of fields) {
          if (!hasField(v, f)) throw new TypeError(`extractFields() on "${primary.name}": field "${f}" is missing from the returned object; return it, or pass { fill } to extractFields()`);
        }
      }
      return v;
    };
    const get = (f: string) => (v: Record<string, unknown>) => (hasField(v, f) ? v[f] : options.fill);
    return withFieldNodes(specs, primary, afterResult(primary.fn, check), fields, get, "extractFields");
  }) as WithFields<F, K[number]>;
}

/**
 * Defines one node per position of the array (or tuple) `fn` returns, named by
 * `names`, plus the node for the whole array.
 *
 * @example
 * ```ts
 * export const range = unpackFields(["low", "high"], (spend: number[]) => [Math.min(...spend), Math.max(...spend)] as const);
 * // nodes: range, low, high
 * ```
 */
export function unpackFields<const K extends readonly string[], F extends NodeFn>(
  names: K,
  fn: F,
  options: ExtractOptions = {},
): WithUnpacked<F, K> {
  checkFields("unpackFields()", names);
  requireFunction("unpackFields()", fn, "second");
  const hasFill = "fill" in options;
  return defineModifier(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, specs, "unpackFields()");
    if (primary === undefined) return specs;
    const check = (v: unknown): unknown => {
      if (!Array.isArray(v)) {
        throw new TypeError(`unpackFields() on "${primary.name}" expects the node to return an array, got ${describeValue(v)}${typeof v === "object" && v !== null ? "; use extractFields() for an object" : ""}`);
      }
      if (!hasFill && v.length < names.length) {
        throw new TypeError(`unpackFields() on "${primary.name}": position ${v.length} ("${names[v.length]}") is missing from the returned array of length ${v.length}; return it, or pass { fill } to unpackFields()`);
      }
      return v;
    };
    const get = (_: string, i: number) => (v: unknown[]) => (i < v.length ? v[i] : options.fill);
    return withFieldNodes(specs, primary, afterResult(primary.fn, check), names, get, "unpackFields");
  }) as WithUnpacked<F, K>;
}

function withFieldNodes<V>(
  specs: readonly NodeSpec[],
  primary: NodeSpec,
  checkedFn: Function,
  fields: readonly string[],
  get: (field: string, index: number) => (value: V) => unknown,
  modifier: string,
): NodeSpec[] {
  const whole = mark({ ...primary, fn: checkedFn }, modifier);
  // Field nodes share the function's tags and documentation (Hamilton gives each field node the doc string).
  const { tags, doc } = primary.options;
  const options = { ...(tags ? { tags } : {}), ...(doc === undefined ? {} : { doc }) };
  const fieldSpecs = fields.map((field, i): NodeSpec => ({
    ...whole,
    name: field,
    fn: get(field, i),
    options,
    style: "positional",
    deps: [{ name: primary.name, optional: false }],
    signalIndex: -1,
  }));
  return [...specs.map((s) => (s === primary ? whole : s)), ...fieldSpecs];
}

function checkFields(modifier: string, fields: unknown): asserts fields is readonly string[] {
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== "string" || f === "")) {
    throw new TypeError(`${modifier} expects a non-empty list of field names as its first argument, got ${describeValue(fields)}`);
  }
  const dup = fields.find((f, i) => fields.indexOf(f) !== i);
  if (dup !== undefined) throw new TypeError(`${modifier} lists field "${dup}" twice`);
}
