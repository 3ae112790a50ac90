/**
 * Rebinding a spec's parameters: the one mechanism behind parameterize,
 * inject, step, subdag and pipe. Each parameter keeps its dependency, or is
 * bound to a fixed value, to another node (source), or to a group of those.
 * The result is a positional spec whose function rebuilds the call the
 * wrapped function expects (positional or destructured, AbortSignal included).
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { bareRecord, setOwn } from "../own-property.ts";
import type { ParamDep } from "../model/params.ts";
import type { NodeSpec } from "../model/node-specs.ts";
import { bindingKind, type Binding, type Bindings, type SourceBinding, type ValueBinding } from "./bindings.ts";

/** Where a parameter's argument comes from: an index into the new deps, or a constant. */
type Slot = { readonly dep: number } | { readonly value: unknown };
type ParamPlan = Slot | { readonly items: readonly Slot[]; readonly keys: readonly string[] | undefined };

/**
 * `spec` with each parameter bound by `bindingFor` (undefined keeps the
 * dependency as it is), renamed to `name`. `modifier` names the binder in
 * messages about a source that names nothing.
 */
export function bindSpec(spec: NodeSpec, name: string, bindingFor: (param: ParamDep) => Binding | undefined, modifier?: string): NodeSpec {
  const deps: ParamDep[] = [];
  const slot = (b: ValueBinding | SourceBinding): Slot => {
    if (bindingKind(b) === "value") return { value: (b as ValueBinding).value };
    const source = (b as SourceBinding).name;
    deps.push(modifier === undefined ? { name: source, optional: false } : { name: source, optional: false, via: `source("${source}") in ${modifier}` });
    return { dep: deps.length - 1 };
  };
  const plans: ParamPlan[] = spec.deps.map((d) => {
    const b = bindingFor(d);
    if (b === undefined) {
      deps.push(d);
      return { dep: deps.length - 1 };
    }
    if (bindingKind(b) === "group") {
      const g = b as Extract<Binding, { items: unknown }>;
      return { items: g.items.map(slot), keys: g.keys };
    }
    return slot(b as ValueBinding | SourceBinding);
  });
  const inner = spec.fn;
  const params = spec.deps;
  const wantsSignal = spec.signalIndex >= 0;
  const signalAt = deps.length;
  const resolve = (p: ParamPlan, args: readonly unknown[]): unknown => {
    if ("dep" in p) return args[p.dep];
    if ("value" in p) return p.value;
    const values = p.items.map((s) => ("dep" in s ? args[s.dep] : s.value));
    if (p.keys === undefined) return values;
    const out: Record<string, unknown> = {};
    p.keys.forEach((k, i) => setOwn(out, k, values[i]));
    return out;
  };
  const fn = spec.style === "object"
    ? (...args: unknown[]) => {
      const arg = bareRecord(); // as in buildArgs: a default left unbound must not see Object.prototype
      for (let i = 0; i < plans.length; i++) {
        const v = resolve(plans[i]!, args);
        if (v !== undefined) arg[params[i]!.name] = v;
      }
      if (wantsSignal) arg.abortSignal = args[signalAt];
      return inner(arg);
    }
    : (...args: unknown[]) => {
      const call = new Array<unknown>(plans.length + (wantsSignal ? 1 : 0));
      for (let i = 0; i < plans.length; i++) call[i] = resolve(plans[i]!, args);
      if (wantsSignal) call[plans.length] = args[signalAt];
      return inner(...call);
    };
  return { ...spec, name, fn, style: "positional", deps, signalIndex: wantsSignal ? signalAt : -1 };
}

/**
 * Checks that every key of `bindings` names a parameter of `spec`.
 *
 * @throws {GraphBuildError} naming the modifier, the node and the parameter
 */
export function checkParamsExist(spec: NodeSpec, bindings: Bindings, modifier: string, node: string): void {
  const names = spec.deps.map((d) => d.name);
  for (const param of Object.keys(bindings)) {
    if (!names.includes(param)) {
      throw new GraphBuildError(
        `Cannot build the graph: ${modifier} on "${spec.exportName}" binds "${param}" for node "${node}", which is not a parameter of the function; its parameters are ${names.map((n) => `"${n}"`).join(", ") || "none"}`,
        { node },
      );
    }
  }
}
