/**
 * `parameterize`: one function defines several nodes, each with its own bound
 * parameters (Hamilton's `@parameterize`); the template itself is not a node.
 * `inject` binds parameters of the one node a function defines (Hamilton's
 * `@inject`), which is where `group()` is most at home.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { ownValue } from "../own-property.ts";
import { nodeNameOf, type ExpandContext, type NodeSpec } from "../model/node-specs.ts";
import type { DefinesNodes, NodeFn } from "../model/types.ts";
import { bindSpec, checkParamsExist } from "./_bind.ts";
import { defineModifier, innerSpecs, mark, requireFunction } from "./_modifier.ts";
import { checkBindings, describeValue, type Binding, type Bindings } from "./bindings.ts";

/** What `parameterize` returns: the template, typed with the nodes it defines. */
export type Parameterized<F extends NodeFn, Names extends string> = F & DefinesNodes<{ [K in Names]: () => ReturnType<F> }>;

/**
 * Defines one node per entry of `entries`, each calling `fn` with its own
 * parameters bound by `value(...)`, `source(...)` or `group(...)`; unbound
 * parameters stay dependencies by their own name. The template is not a node.
 *
 * @example
 * ```ts
 * export const spendOf = parameterize({
 *   searchSpend: { channel: value("search") },
 *   socialSpend: { channel: value("social"), rows: source("socialRows") },
 * }, (rows: Row[], channel: string) => rows.filter((r) => r.channel === channel));
 * ```
 */
export function parameterize<const E extends Readonly<Record<string, Bindings>>, F extends NodeFn>(
  entries: E,
  fn: F,
): Parameterized<F, keyof E & string> {
  if (typeof entries !== "object" || entries === null || Array.isArray(entries) || Object.keys(entries).length === 0) {
    throw new TypeError(`parameterize() expects a non-empty object of node name -> parameter bindings as its first argument, got ${describeValue(entries)}`);
  }
  for (const [name, bindings] of Object.entries(entries)) {
    if (name === "") throw new TypeError("parameterize() expects non-empty node names");
    checkBindings("parameterize()", `node "${name}"`, bindings);
  }
  requireFunction("parameterize()", fn, "second");
  return defineModifier(fn, (ctx) => {
    const template = templateOf(ctx, innerSpecs(ctx, fn), "parameterize()");
    if (template === undefined) return [];
    return Object.entries(entries).map(([name, bindings]) => {
      checkParamsExist(template, bindings, "parameterize()", name);
      return mark(bindSpec(template, name, (d) => ownValue(bindings, d.name) as Binding | undefined, "parameterize()"), "parameterize");
    });
  });
}

/**
 * Binds parameters of the node `fn` defines, keeping its name: a fixed value,
 * another node under a different name, or a `group(...)` of several.
 *
 * @example
 * ```ts
 * export const totalSpend = inject({ spends: group(source("searchSpend"), source("socialSpend")) },
 *   (spends: number[]) => spends.reduce((a, b) => a + b, 0));
 * ```
 */
export function inject<F extends NodeFn>(bindings: Bindings, fn: F): F {
  checkBindings("inject()", "its first argument", bindings);
  requireFunction("inject()", fn, "second");
  return defineModifier(fn, (ctx) => {
    const template = templateOf(ctx, innerSpecs(ctx, fn), "inject()");
    if (template === undefined) return [];
    checkParamsExist(template, bindings, "inject()", template.name);
    return [mark(bindSpec(template, template.name, (d) => ownValue(bindings, d.name) as Binding | undefined, "inject()"), "inject")];
  });
}

/** The single spec a template defines (none when a config condition removed it). */
function templateOf(ctx: ExpandContext, specs: readonly NodeSpec[], modifier: string): NodeSpec | undefined {
  if (specs.length <= 1) return specs[0];
  throw new GraphBuildError(
    `Cannot build the graph: ${modifier} on "${ctx.exportName}" wraps a function that defines several nodes (${specs.map((s) => `"${s.name}"`).join(", ")}); apply ${modifier} directly to the function, inside the other modifier`,
    { node: nodeNameOf(ctx.exportName) },
  );
}
