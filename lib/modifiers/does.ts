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
import { readParams, SIGNAL_PARAM, type ParamDep } from "../model/params.ts";
import type { NodeFn } from "../model/types.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/**
 * Defines the node `signature` declares (its name, parameters, defaults and
 * options), computed by `impl` called with `{ param: value, ... }`. A parameter
 * left to its default is passed with the default of `signature` (as Hamilton
 * injects the decorated function's defaults); a default must then be a
 * literal (a number, a string, an array or object of literals…), since the
 * body of `signature` is never called. `rename` maps a parameter name to the
 * key `impl` expects. The object has no prototype, so a parameter may be named
 * `constructor` or `toString` like any other (use `Object.hasOwn`, not its methods).
 *
 * @throws {GraphBuildError} at build, for a default of `signature` that is not a literal
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
    if (style === "object") return impl(withDefaults(renamed(args[0] as Record<string, unknown>, keyOf), deps, keyOf));
    const arg = bareRecord();
    deps.forEach((d, i) => args[i] !== undefined && (arg[keyOf(d.name)] = args[i]));
    return impl(withDefaults(arg, deps, keyOf));
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
    const opaque = deps.find((d) => d.defaultSource !== undefined && d.defaultValue === undefined);
    if (opaque !== undefined) {
      throw new GraphBuildError(
        `Cannot build the graph: does() on "${ctx.exportName}" cannot pass the default of parameter "${opaque.name}" (${opaque.defaultSource}) to the implementation, because it is not a literal; write a literal default (a number, a string, an array or object of literals), or leave the parameter without a default and give it in the implementation`,
        { node: spec.name },
      );
    }
    const signalAt = spec.signalIndex;
    const fn = spec.style === "object"
      ? (arg: Record<string, unknown>) => impl(withDefaults(renamed(arg, keyOf), deps, keyOf))
      : (...args: unknown[]) => {
        const arg = bareRecord();
        for (let i = 0; i < deps.length; i++) if (args[i] !== undefined) arg[keyOf(deps[i]!.name)] = args[i];
        if (signalAt >= 0) arg[SIGNAL_PARAM] = args[signalAt];
        return impl(withDefaults(arg, deps, keyOf));
      };
    return specs.map((s) => (s === spec ? mark({ ...spec, fn }, "does") : s));
  }, call);
}

/** `arg` with the signature's default for every parameter it lacks (a fresh copy each call: an impl may change it). */
function withDefaults(arg: Record<string, unknown>, deps: readonly ParamDep[], keyOf: (k: string) => string): Record<string, unknown> {
  for (const d of deps) {
    const key = keyOf(d.name);
    if (d.defaultValue !== undefined && (!Object.hasOwn(arg, key) || arg[key] === undefined)) arg[key] = structuredClone(d.defaultValue.value);
  }
  return arg;
}

function renamed(arg: Record<string, unknown>, keyOf: (k: string) => string): Record<string, unknown> {
  const out = bareRecord();
  for (const [k, v] of Object.entries(arg)) out[keyOf(k)] = v;
  return out;
}
