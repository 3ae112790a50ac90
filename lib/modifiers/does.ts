/**
 * `does` (Hamilton's `@does`): a node whose dependencies come from one
 * function's signature and whose value comes from another, shared
 * implementation. The implementation receives the arguments as one object,
 * keyed by parameter name (the `**kwargs` of Hamilton), optionally renamed.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { bareRecord, ownValue } from "../own-property.ts";
import { readParams, SIGNAL_PARAM } from "../model/params.ts";
import type { NodeFn } from "../model/types.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/**
 * Defines the node `signature` declares (its name, parameters, defaults and
 * options), computed by `impl` called with `{ param: value, ... }`. `rename`
 * maps a parameter name to the key `impl` expects. The body of `signature` is
 * never called. The object has no prototype, so a parameter may be named
 * `constructor` or `toString` like any other (use `Object.hasOwn`, not its methods).
 *
 * @example
 * ```ts
 * const sumAll = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
 * export const totalSpend = does(sumAll, (searchSpend: number, socialSpend: number) => 0);
 * export const margin = does(ratio, (profit: number, revenue: number) => 0, { profit: "part", revenue: "whole" });
 * ```
 */
export function does<I extends (args: any) => unknown, S extends NodeFn>(
  impl: I,
  signature: S,
  rename: Readonly<Record<string, string>> = {},
): (...args: Parameters<S>) => ReturnType<I> {
  requireFunction("does()", impl, "first");
  requireFunction("does()", signature, "second");
  if (typeof rename !== "object" || rename === null || Object.values(rename).some((v) => typeof v !== "string" || v === "")) {
    throw new TypeError(`does() expects its third argument to map parameter names to the names the implementation expects, got ${describeValue(rename)}`);
  }
  const keyOf = (param: string) => (ownValue(rename, param) as string | undefined) ?? param;
  // Calling the result directly behaves like the node: impl gets the arguments by name.
  const call = (...args: unknown[]) => {
    const { style, deps } = readParams(signature);
    if (style === "object") return impl(renamed(args[0] as Record<string, unknown>, keyOf));
    const arg = bareRecord();
    deps.forEach((d, i) => args[i] !== undefined && (arg[keyOf(d.name)] = args[i]));
    return impl(arg);
  };
  return defineModifier(signature, (ctx) => {
    const specs = innerSpecs(ctx, signature);
    const spec = primarySpec(ctx, specs, "does()");
    if (spec === undefined) return specs;
    for (const param of Object.keys(rename)) {
      if (!spec.deps.some((d) => d.name === param)) {
        throw new GraphBuildError(`Cannot build the graph: does() on "${ctx.exportName}" renames "${param}", which is not a parameter of node "${spec.name}"`, { node: spec.name });
      }
    }
    const deps = spec.deps;
    const signalAt = spec.signalIndex;
    const fn = spec.style === "object"
      ? (arg: Record<string, unknown>) => impl(renamed(arg, keyOf))
      : (...args: unknown[]) => {
        const arg = bareRecord();
        for (let i = 0; i < deps.length; i++) if (args[i] !== undefined) arg[keyOf(deps[i]!.name)] = args[i];
        if (signalAt >= 0) arg[SIGNAL_PARAM] = args[signalAt];
        return impl(arg);
      };
    return specs.map((s) => (s === spec ? mark({ ...spec, fn }, "does") : s));
  }, call);
}

function renamed(arg: Record<string, unknown>, keyOf: (k: string) => string): Record<string, unknown> {
  const out = bareRecord();
  for (const [k, v] of Object.entries(arg)) out[keyOf(k)] = v;
  return out;
}
