/**
 * `pipe` and `step` (Hamilton's `@pipe_input` and `@pipe_output`): a chain of
 * transforms applied to one input of a node, or to its output. Every step is
 * a node of its own (`revenue.deduplicate`), so it shows in visualizations and
 * can be requested; a step can be switched on or off by config.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { ParamReadError, readParams, type ParamSpec } from "../model/params.ts";
import { ownValue } from "../own-property.ts";
import type { ExpandContext, NodeSpec } from "../model/node-specs.ts";
import type { DefinesNodes, NodeFn } from "../model/types.ts";
import { bindSpec } from "./_bind.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { checkBindings, describeValue, source, type Binding, type Bindings } from "./bindings.ts";
import { conditionHolds, makeCondition, type Condition } from "./config.ts";

/** One transform of a {@link pipe}; made by {@link step}. Immutable: each method returns a new step. */
export class Step<R = unknown> {
  readonly fn: Function;
  readonly bindings: Bindings;
  /** The step's node is named `<node>.<name>`: the function's name unless set with {@link Step.named}. */
  readonly name: string | undefined;
  readonly condition: Condition | undefined;
  readonly params: ParamSpec;
  /** Type-level only: what the step returns. */
  declare readonly returns?: R;

  constructor(fn: Function, bindings: Bindings, name: string | undefined, condition: Condition | undefined, params: ParamSpec) {
    this.fn = fn;
    this.bindings = bindings;
    this.name = name;
    this.condition = condition;
    this.params = params;
  }

  /** Names the step's node `<node>.<name>`. */
  named(name: string): Step<R> {
    if (typeof name !== "string" || name === "") throw new TypeError(`step().named() expects a non-empty name, got ${describeValue(name)}`);
    return new Step(this.fn, this.bindings, name, this.condition, this.params);
  }

  /** Applies the step only when every config key equals its value. */
  when(pairs: Readonly<Record<string, unknown>>): Step<R> {
    return this.#gated(makeCondition("when", pairs, "step().when()"));
  }

  /** Applies the step only when every config key differs from its value. */
  whenNot(pairs: Readonly<Record<string, unknown>>): Step<R> {
    return this.#gated(makeCondition("whenNot", pairs, "step().whenNot()"));
  }

  /** Applies the step only when every config key is one of its values. */
  whenIn(pairs: Readonly<Record<string, readonly unknown[]>>): Step<R> {
    return this.#gated(makeCondition("whenIn", pairs, "step().whenIn()"));
  }

  #gated(condition: Condition): Step<R> {
    return new Step(this.fn, this.bindings, this.name, condition, this.params);
  }
}

/**
 * A step of a {@link pipe}: `fn` receives the piped value as its first
 * positional parameter; its other parameters are dependencies by name, or
 * bound with `value(...)` / `source(...)`.
 *
 * @example
 * ```ts
 * const scale = (x: number, factor: number) => x * factor;
 * step(scale, { factor: source("fxRate") }).named("inEur").when({ currency: "eur" });
 * ```
 */
export function step<F extends (value: any, ...rest: any[]) => unknown>(fn: F, bindings: Bindings = {}): Step<ReturnType<F>> {
  requireFunction("step()", fn, "first");
  checkBindings("step()", `step "${fn.name || "anonymous"}"`, bindings);
  let params: ParamSpec;
  try {
    params = readParams(fn);
  } catch (e) {
    if (!(e instanceof ParamReadError)) throw e;
    throw new TypeError(`step() cannot read the parameters of "${fn.name || "anonymous"}": ${e.message}`);
  }
  if (params.style !== "positional" || params.deps.length === 0) {
    throw new TypeError(`step() expects a function whose first positional parameter receives the piped value; "${fn.name || "anonymous"}" has ${params.style === "object" ? "a destructured parameter" : "no parameters"}`);
  }
  const first = params.deps[0]!.name;
  for (const key of Object.keys(bindings)) {
    if (key === first) throw new TypeError(`step() binds "${key}", the parameter that receives the piped value; bind another parameter`);
    if (!params.deps.some((d) => d.name === key)) throw new TypeError(`step() binds "${key}", which is not a parameter of "${fn.name || "anonymous"}"`);
  }
  return new Step<ReturnType<F>>(fn, bindings, undefined, undefined, params);
}

/** Options of {@link pipe}. */
export interface PipeOptions {
  /** Steps applied, in order, to one input of the node before it runs. */
  readonly input?: readonly Step[];
  /** The parameter `input` steps apply to: the first parameter by default. */
  readonly on?: string;
  /** Steps applied, in order, to the node's output; the function's own node becomes `<node>.raw`. */
  readonly output?: readonly Step[];
}

type LastReturn<S> = S extends readonly [...unknown[], Step<infer R>] ? R : S extends readonly Step<infer R>[] ? R : never;

/**
 * What `pipe` returns: with output steps, the node's value is the last step's
 * (assuming that step is on); step nodes `<node>.<step>` are requestable, untyped.
 */
export type Piped<F extends NodeFn, O> = F & DefinesNodes<
  & { "": [O] extends [undefined] ? F : () => LastReturn<O> }
  & { [k: `.${string}`]: () => unknown }
>;

/**
 * Applies chains of steps to an input of the node `fn` defines, to its output,
 * or both. Steps whose config condition does not hold are left out of the chain.
 *
 * @example
 * ```ts
 * export const revenue = pipe({
 *   input: [step(dropRefunds)],
 *   output: [step(roundCents), step(toEur, { rate: source("eurRate") }).when({ currency: "eur" })],
 * }, (orders: Order[]) => orders.reduce((s, o) => s + o.amount, 0));
 * ```
 */
export function pipe<F extends NodeFn, const O extends readonly Step[] | undefined = undefined>(
  options: PipeOptions & { readonly output?: O },
  fn: F,
): Piped<F, O> {
  if (typeof options !== "object" || options === null) throw new TypeError(`pipe() expects an options object { input, output } as its first argument, got ${describeValue(options)}`);
  for (const key of ["input", "output"] as const) {
    const steps = options[key];
    if (steps !== undefined && (!Array.isArray(steps) || steps.some((s) => !(s instanceof Step)))) {
      throw new TypeError(`pipe() option "${key}" must be a list of step(...) values`);
    }
  }
  requireFunction("pipe()", fn, "second");
  return defineModifier(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, specs, "pipe()");
    if (primary === undefined) return specs;
    const out: NodeSpec[] = [];
    const taken = new Set(specs.map((s) => s.name));
    let target = primary;
    const input = active(options.input, ctx);
    if (input.length > 0) {
      const on = options.on ?? primary.deps[0]?.name;
      if (on === undefined || !primary.deps.some((d) => d.name === on)) {
        throw new GraphBuildError(`Cannot build the graph: pipe() on "${ctx.exportName}" pipes into parameter "${on ?? "(none)"}", which node "${primary.name}" does not have; set pipe({ on }) to one of its parameters`, { node: primary.name });
      }
      const last = chain(ctx, primary, input, on, out, taken);
      target = mark(bindSpec(primary, primary.name, (d) => (d.name === on ? source(last) : undefined)), "pipe");
    }
    const output = active(options.output, ctx);
    if (output.length > 0) {
      const raw = `${primary.name}.raw`;
      claim(ctx, primary.name, raw, taken);
      out.push(mark({ ...target, name: raw }, "pipe"));
      const last = chain(ctx, primary, output.slice(0, -1), raw, out, taken);
      const final = output[output.length - 1]!;
      // A mutate() of this node appends after the last step, which then takes its own step name.
      const chainName = `${primary.name}.${stepLabel(final, output.length - 1)}`;
      out.push({ ...stepSpec(ctx, primary, final, primary.name, last), chainName });
    } else {
      out.push(target === primary ? mark(primary, "pipe") : target);
    }
    return [...specs.filter((s) => s !== primary), ...out];
  }) as Piped<F, O>;
}

function active(steps: readonly Step[] | undefined, ctx: ExpandContext): readonly Step[] {
  return (steps ?? []).filter((s) => s.condition === undefined || conditionHolds(s.condition, ctx.config));
}

/** Adds one spec per step, each fed by the one before; returns the last name. */
function chain(ctx: ExpandContext, primary: NodeSpec, steps: readonly Step[], from: string, out: NodeSpec[], taken: Set<string>): string {
  let prev = from;
  steps.forEach((s, i) => {
    const name = `${primary.name}.${stepLabel(s, i)}`;
    claim(ctx, primary.name, name, taken);
    out.push(stepSpec(ctx, primary, s, name, prev));
    prev = name;
  });
  return prev;
}

/** What a step's node is called after its node's name and a dot: its own name, its function's, or `step<n>`. */
export function stepLabel(s: Step, index: number): string {
  return s.name ?? (s.fn.name || `step${index + 1}`);
}

/** The spec of step `s` of `primary`'s chain, named `name`, its piped value read from node `prev`. */
export function stepSpec(ctx: ExpandContext, primary: NodeSpec, s: Step, name: string, prev: string): NodeSpec {
  const first = s.params.deps[0]!.name;
  const base: NodeSpec = {
    ...s.params, name, fn: s.fn, source: s.fn, exportName: ctx.exportName,
    options: primary.options.tags ? { tags: primary.options.tags } : {},
    ...(primary.namespace !== undefined ? { namespace: primary.namespace } : {}),
  };
  const bound = bindSpec(base, name, (d) => (d.name === first ? source(prev) : ownValue(s.bindings, d.name) as Binding | undefined), "step()");
  return mark(bound, "step", s.condition ? Object.keys(s.condition.pairs) : undefined);
}

function claim(ctx: ExpandContext, node: string, name: string, taken: Set<string>): void {
  if (taken.has(name)) {
    throw new GraphBuildError(`Cannot build the graph: pipe() on "${ctx.exportName}" defines node "${name}" twice; name one of the steps with step(fn).named("...")`, { node });
  }
  taken.add(name);
}
