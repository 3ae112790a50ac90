/**
 * What every modifier shares: argument checks, the function it returns (which
 * still calls the user's function, so nodes stay unit-testable), provenance
 * on the specs it produces, and finding the node it shapes.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { expandExport, nodeMeta, nodeNameOf, withMeta, type ExpandContext, type NodeSpec } from "../model/node-specs.ts";
import { describeValue } from "./bindings.ts";

/**
 * Checks that a modifier was given a function.
 *
 * @throws {TypeError} naming the modifier
 */
export function requireFunction(modifier: string, fn: unknown, position: "first" | "second" | "third"): asserts fn is Function {
  if (typeof fn !== "function") {
    throw new TypeError(`${modifier} expects a function as its ${position} argument, got ${describeValue(fn)}`);
  }
}

/**
 * The function a modifier returns: carries `expand`, and calls the user's
 * function (or `call`, for a modifier that changes what a call does).
 */
export function defineModifier<F>(inner: Function, expand: (ctx: ExpandContext) => readonly NodeSpec[], call?: Function): F {
  const fn = call ?? nodeMeta(inner)?.fn ?? inner;
  return withMeta(inner, { fn, options: {}, expand }) as F;
}

/** The specs of the function a modifier wraps (itself possibly a modifier). */
export function innerSpecs(ctx: ExpandContext, inner: Function): readonly NodeSpec[] {
  return expandExport(ctx, inner);
}

/** `spec` marked as shaped by `modifier`, with the config keys that decided it. */
export function mark(spec: NodeSpec, modifier: string, configKeys?: readonly string[]): NodeSpec {
  const modifiers = [...(spec.modifiers ?? []), modifier];
  if (configKeys === undefined || configKeys.length === 0) return { ...spec, modifiers };
  return { ...spec, modifiers, configKeys: [...new Set([...(spec.configKeys ?? []), ...configKeys])] };
}

/**
 * The one spec a shaping modifier works on: the node named after the export
 * (`undefined` when a config condition left it out). Other specs pass through.
 *
 * @throws {GraphBuildError} when the wrapped function defines no such node
 */
export function primarySpec(ctx: ExpandContext, specs: readonly NodeSpec[], modifier: string): NodeSpec | undefined {
  if (specs.length === 0) return undefined;
  const name = nodeNameOf(ctx.exportName);
  const primary = specs.find((s) => s.name === name);
  if (primary) return primary;
  throw new GraphBuildError(
    `Cannot build the graph: ${modifier} on "${ctx.exportName}" needs a node "${name}" to shape, but the function it wraps defines ${specs.map((s) => `"${s.name}"`).join(", ")}; apply ${modifier} inside the other modifier instead`,
    { node: name },
  );
}
