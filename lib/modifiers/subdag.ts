/**
 * `subdag` (Hamilton's `@subdag`): reuses the nodes of other modules under a
 * namespace, with their own config and inputs. Every node `x` of the modules
 * becomes `<namespace>.x`; the wrapped function receives the subdag's outputs
 * through its parameters and defines the node named after its export. Two
 * subdags of the same modules coexist under different namespaces.
 *
 * @module
 */
import { InputConflictError } from "../errors.ts";
import { GraphBuildError } from "../errors.ts";
import { nodeNameOf, rawSpecsOf, type NodeSpec } from "../model/node-specs.ts";
import type { DefinesNodes, NodeFn } from "../model/types.ts";
import { bindSpec } from "./_bind.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { bindingKind, checkBindings, describeValue, isBinding, source, value, type Binding, type Bindings, type ValueBinding } from "./bindings.ts";
import { ownValue, setOwn } from "../own-property.ts";

/** Options of {@link subdag}. */
export interface SubdagOptions {
  /** The modules to reuse: module namespaces, plain objects of functions, or `{ name, exports }`. */
  readonly modules: readonly object[];
  /** Inputs of the subdag, by the name its nodes use: `source("outerNode")` or `value(x)`. */
  readonly inputs?: Bindings;
  /**
   * Config of the subdag, over the Builder's config; its values also serve as the subdag's inputs. A value may be
   * `configuration("outerKey")` (the outer config's value of that key) or `value(x)` (the same as `x`).
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Prefix of the subdag's node names; the export's node name by default. */
  readonly namespace?: string;
}

const CONFIGURATION: unique symbol = Symbol.for("weft.configuration");

/** A subdag config value read from the outer config at build; made by {@link configuration}. */
export interface ConfigurationRef {
  readonly [CONFIGURATION]: true;
  /** The key of the outer config (the Builder's, or the enclosing subdag's). */
  readonly key: string;
}

/**
 * A subdag config value bound from the outer config (Hamilton's `configuration`): `subdag({ config: { region:
 * configuration("usRegion") } }, fn)` gives the subdag's nodes `region` = the outer config's `usRegion`. A key the
 * outer config lacks is a build error.
 *
 * @example
 * ```ts
 * export const usProfit = subdag({ modules: [region], config: { region: configuration("usRegion") } }, (profit: number) => profit);
 * ```
 */
export function configuration(key: string): ConfigurationRef {
  if (typeof key !== "string" || key === "") throw new TypeError(`configuration() expects a config key, got ${describeValue(key)}`);
  return Object.freeze({ [CONFIGURATION]: true as const, key });
}

function isConfigurationRef(x: unknown): x is ConfigurationRef {
  return typeof x === "object" && x !== null && CONFIGURATION in x;
}

/** What `subdag` returns: the function, typed with the namespaced nodes (whose types are not tracked). */
export type Subdag<F extends NodeFn, NS extends string> =
  & F
  & DefinesNodes<{ "": F } & (string extends NS ? { [k: `.${string}`]: () => unknown } : { [k in `${NS}.${string}`]: () => unknown })>;

/**
 * Reuses `options.modules` under a namespace and defines the node `fn` computes
 * from the subdag's outputs (its parameters name nodes of the subdag; other
 * names resolve in the outer graph).
 *
 * @example
 * ```ts
 * import * as region from "./region.ts";
 * export const usProfit = subdag({ modules: [region], config: { region: "us" }, inputs: { spend: source("usSpend") } },
 *   (profit: number) => profit);          // nodes usProfit.revenue, usProfit.profit, ..., and usProfit
 * ```
 */
export function subdag<F extends NodeFn, const NS extends string = string>(
  options: SubdagOptions & { readonly namespace?: NS },
  fn: F,
): Subdag<F, NS> {
  if (typeof options !== "object" || options === null) throw new TypeError(`subdag() expects an options object { modules, inputs, config, namespace } as its first argument, got ${describeValue(options)}`);
  if (!Array.isArray(options.modules) || options.modules.length === 0 || options.modules.some((m) => typeof m !== "object" || m === null)) {
    throw new TypeError(`subdag() option "modules" must be a non-empty list of modules, got ${describeValue(options.modules)}`);
  }
  const inputs = options.inputs === undefined ? {} : checkBindings("subdag()", "option \"inputs\"", options.inputs);
  const subConfig = options.config ?? {};
  if (typeof subConfig !== "object" || subConfig === null || Array.isArray(subConfig)) throw new TypeError(`subdag() option "config" must be an object, got ${describeValue(subConfig)}`);
  for (const [key, v] of Object.entries(subConfig)) {
    if (isBinding(v) && bindingKind(v) !== "value") {
      throw new TypeError(`subdag() option "config" binds "${key}" to ${bindingKind(v)}(...); a config value is fixed when the graph is built: give the value itself, value(x), or configuration("outerKey")`);
    }
  }
  const both = Object.keys(inputs).filter((k) => Object.hasOwn(subConfig, k));
  if (both.length > 0) {
    throw new InputConflictError(both[0]!, `Cannot define the subdag: ${both.map((k) => `"${k}"`).join(", ")} ${both.length === 1 ? "is" : "are"} given both in its config and in its inputs; pass ${both.length === 1 ? "it" : "each"} in one place only`);
  }
  if (options.namespace !== undefined && (typeof options.namespace !== "string" || options.namespace === "")) {
    throw new TypeError(`subdag() option "namespace" must be a non-empty string, got ${describeValue(options.namespace)}`);
  }
  requireFunction("subdag()", fn, "second");
  const modules = options.modules.map(toModule);
  return defineModifier(fn, (ctx) => {
    const ns = options.namespace ?? nodeNameOf(ctx.exportName);
    const resolved = resolveConfig(subConfig, ctx.config, ctx.exportName);
    const config = { ...ctx.config, ...resolved };
    const inner = new Map<string, NodeSpec>();
    for (const m of modules) {
      for (const exportName of Object.keys(m.exports)) {
        for (const spec of rawSpecsOf(exportName, m.exports[exportName], { ...ctx, module: m.name, config, exports: m.exports })) {
          if (Object.hasOwn(subConfig, spec.name)) continue; // config shadows a function, as in the outer graph
          const previous = inner.get(spec.name);
          if (previous) {
            throw new GraphBuildError(`Cannot build the graph: subdag() on "${ctx.exportName}" gets node "${spec.name}" twice from its modules (exports "${previous.exportName}" and "${spec.exportName}"); rename one`, { node: `${ns}.${spec.name}` });
          }
          inner.set(spec.name, spec);
        }
      }
    }
    const used = new Set<string>();
    const resolve = (name: string): Binding | undefined => {
      if (inner.has(name)) return source(`${ns}.${name}`);
      if (Object.hasOwn(inputs, name)) return used.add(name), inputs[name];
      if (Object.hasOwn(resolved, name)) return value(resolved[name]);
      return undefined;
    };
    const out: NodeSpec[] = [];
    for (const spec of inner.values()) {
      const bound = bindSpec({ ...spec, exportName: ctx.exportName }, `${ns}.${spec.name}`, (d) => resolve(d.name), "subdag()");
      const placed = mark({ ...bound, namespace: spec.namespace === undefined ? ns : `${ns}.${spec.namespace}` }, "subdag");
      out.push(placed.configKeys === undefined ? placed : { ...placed, configKeys: outerKeys(placed.configKeys, subConfig) });
    }
    const unused = Object.keys(inputs).filter((k) => !used.has(k));
    if (unused.length > 0) {
      throw new GraphBuildError(`Cannot build the graph: subdag() on "${ctx.exportName}" binds input "${unused[0]}", which no node of its modules uses; remove it or check its name`, { node: ns });
    }
    const outer = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, outer, "subdag()");
    if (primary === undefined) return [];
    const combined = mark(bindSpec(primary, primary.name, (d) => (inner.has(d.name) ? source(`${ns}.${d.name}`) : undefined)), "subdag");
    return [...outer.map((s) => (s === primary ? combined : s)), ...out];
  }) as Subdag<F, NS>;
}

function toModule(m: object, i: number): { readonly name: string; readonly exports: Readonly<Record<string, unknown>> } {
  const named = m as { name?: unknown; exports?: unknown };
  if (Object.keys(m).length === 2 && typeof named.name === "string" && typeof named.exports === "object" && named.exports !== null) {
    return { name: named.name, exports: named.exports as Record<string, unknown> };
  }
  return { name: `subdag module ${i + 1}`, exports: m as Record<string, unknown> };
}

/** The subdag's own config values: `configuration("k")` read from the outer config, `value(x)` unwrapped. */
function resolveConfig(
  subConfig: Readonly<Record<string, unknown>>, outer: Readonly<Record<string, unknown>>, exportName: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(subConfig)) {
    if (isConfigurationRef(v)) {
      if (!Object.hasOwn(outer, v.key)) {
        throw new GraphBuildError(`Cannot build the graph: subdag() on "${exportName}" sets config "${key}" from configuration("${v.key}"), which the outer config does not have; add "${v.key}" with withConfig({ ${JSON.stringify(v.key)}: ... })`, { node: nodeNameOf(exportName) });
      }
      setOwn(out, key, ownValue(outer, v.key));
    } else setOwn(out, key, isBinding(v) ? (v as ValueBinding).value : v);
  }
  return out;
}

/** Config keys of a subdag node in terms of the outer config: a key bound by `configuration("k")` is `k` outside. */
function outerKeys(keys: readonly string[], subConfig: Readonly<Record<string, unknown>>): readonly string[] {
  return [...new Set(keys.map((k) => {
    const v = Object.hasOwn(subConfig, k) ? subConfig[k] : undefined;
    return isConfigurationRef(v) ? v.key : k;
  }))];
}
