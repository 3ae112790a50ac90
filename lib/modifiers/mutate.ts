/**
 * `mutate` and `applyTo` (Hamilton's `@mutate` / `apply_to`): a transform of
 * other nodes' outputs, declared beside them in a separate function instead
 * of on them. Each target becomes a chain as `pipe({ output })` makes one:
 * `A.raw` (the target's own function) → `A.<transform>` → … → `A`, the last
 * transform taking the target's name, so everything that depends on `A` sees
 * the transformed value. Transforms of one target apply in the order the
 * `mutate()` calls ran (module order), after any `pipe` output steps. A
 * transform applies only where the module that exports the target exports
 * the `mutate()` too (Hamilton's same-module rule).
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { addRemoteChange, nodeNameOf, withMeta, type ExpandContext, type NodeSpec } from "../model/node-specs.ts";
import { mark, requireFunction } from "./_modifier.ts";
import { checkBindings, describeValue, type Bindings } from "./bindings.ts";
import { conditionHolds, makeCondition, type Condition } from "./config.ts";
import { step, Step, stepLabel, stepSpec } from "./pipe.ts";
import type { DefinesNodes } from "../model/types.ts";

/**
 * What `mutate` returns: the transform, callable as before, defining no node of its own; the chain nodes it adds
 * to its targets (`prices.raw`, `prices.round`) are requestable, untyped.
 */
export type Mutator<F> = F & DefinesNodes<{ [k: `${string}.${string}`]: () => unknown }>;

/**
 * A target of {@link mutate} with bindings of its own, optionally one output of it, a name and a config
 * condition for its transform; made by {@link applyTo}. Immutable: each method returns a new one.
 */
export class AppliedTo {
  constructor(
    readonly target: Function,
    readonly bindings: Bindings | undefined,
    /** The node of the target's export to transform, when not the one named after it (an extracted field). */
    readonly output: string | undefined,
    /** The transform's node is `<target>.<name>`: by default the name the `mutate()` is exported under. */
    readonly name: string | undefined = undefined,
    readonly condition: Condition | undefined = undefined,
  ) {}

  /** Transforms node `name` of the target's export (a field of `extractFields`, say) instead of its main node. */
  onOutput(name: string): AppliedTo {
    if (typeof name !== "string" || name === "") throw new TypeError(`applyTo().onOutput() expects a node name, got ${describeValue(name)}`);
    return new AppliedTo(this.target, this.bindings, name, this.name, this.condition);
  }

  /** Names the transform's node of this target `<target>.<name>`. */
  named(name: string): AppliedTo {
    if (typeof name !== "string" || name === "") throw new TypeError(`applyTo().named() expects a non-empty name, got ${describeValue(name)}`);
    return new AppliedTo(this.target, this.bindings, this.output, name, this.condition);
  }

  /** Transforms this target only when every config key equals its value. */
  when(pairs: Readonly<Record<string, unknown>>): AppliedTo {
    return this.#gated(makeCondition("when", pairs, "applyTo().when()"));
  }

  /** Transforms this target only when every config key differs from its value. */
  whenNot(pairs: Readonly<Record<string, unknown>>): AppliedTo {
    return this.#gated(makeCondition("whenNot", pairs, "applyTo().whenNot()"));
  }

  /** Transforms this target only when every config key is one of its values. */
  whenIn(pairs: Readonly<Record<string, readonly unknown[]>>): AppliedTo {
    return this.#gated(makeCondition("whenIn", pairs, "applyTo().whenIn()"));
  }

  #gated(condition: Condition): AppliedTo {
    return new AppliedTo(this.target, this.bindings, this.output, this.name, condition);
  }
}

/**
 * A target of {@link mutate} whose transform gets these `bindings` (`value(...)`, `source(...)`) for its other
 * parameters, in place of the ones given to `mutate` (Hamilton's `apply_to`).
 *
 * @example
 * ```ts
 * export const _scaled = mutate([applyTo(revenue, { by: value(100) }), applyTo(cost, { by: source("rate") })],
 *   (x: number, by: number) => x * by);
 * ```
 */
export function applyTo(target: Function, bindings?: Bindings): AppliedTo {
  requireFunction("applyTo()", target, "first");
  if (bindings !== undefined) checkBindings("applyTo()", `the target "${target.name || "anonymous"}"`, bindings);
  return new AppliedTo(target, bindings, undefined);
}

/**
 * Transforms the outputs of `targets` with `fn`, from a function of its own:
 * `fn` receives a target's value as its first positional parameter; its other
 * parameters are nodes by name, or bound by `bindings` (or per target with
 * {@link applyTo}). `fn` may be a `step(...)`, to name the transform's nodes
 * or switch it on by config. Sync and async transforms alike. Export the
 * result (a `_name` keeps it out of the node list; it defines no node of its
 * own) from the module that exports the targets. Still callable as `fn`.
 *
 * @throws {TypeError} for targets that are not functions, bad bindings, or a `fn` without a first parameter
 * @example
 * ```ts
 * export const prices = () => [10.5, 20.25];
 * export const costs = async () => [3.75];
 * export const _rounded = mutate([prices, costs], (xs: number[]) => xs.map(Math.round));
 * ```
 */
export function mutate<F extends (value: any, ...rest: any[]) => unknown>(
  targets: readonly (Function | AppliedTo)[],
  fn: F | Step,
  bindings?: Bindings,
): Mutator<F> {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new TypeError(`mutate() expects a non-empty list of target functions (or applyTo(...)) as its first argument, got ${describeValue(targets)}`);
  }
  const applied = targets.map((t, i) => {
    if (t instanceof AppliedTo) return t;
    if (typeof t !== "function") throw new TypeError(`mutate() target ${i + 1} must be a function exported as a node, or applyTo(fn), got ${describeValue(t)}`);
    return new AppliedTo(t, undefined, undefined);
  });
  if (fn instanceof Step && bindings !== undefined) {
    throw new TypeError("mutate() takes bindings either in its step (step(fn, bindings)) or as its third argument, not both");
  }
  const base = fn instanceof Step ? fn : (requireFunction("mutate()", fn, "second"), step(fn, bindings));
  const owner = withMeta(base.fn, {
    fn: base.fn,
    options: {},
    // The transform defines no node of its own; its nodes come with its targets'.
    expand: (ctx) => (check(ctx), []),
    check: (ctx) => check(ctx),
  });
  const check = (ctx: ExpandContext): void => {
    if (ctx.exports === undefined) return;
    const exported = new Set(Object.values(ctx.exports));
    for (const a of applied) {
      if (exported.has(a.target)) continue;
      throw new GraphBuildError(
        `Cannot build the graph: mutate() in "${ctx.exportName}" targets "${a.target.name || "anonymous"}", which module "${ctx.module}" does not export; a mutate() changes nodes of its own module only: move it to the module that exports the target, or export the target from this one`,
        { node: nodeNameOf(ctx.exportName) },
      );
    }
  };
  for (const a of applied) {
    const s = forTarget(base, a);
    addRemoteChange(a.target, { owner, apply: (ctx, specs) => mutateSpecs(ctx, specs, s, a.output, exportNameOf(ctx, owner)) });
  }
  return owner as Mutator<F>;
}

/** The transform as `a` applies it: its bindings, name and condition over the shared ones. */
function forTarget(s: Step, a: AppliedTo): Step {
  if (a.bindings === undefined && a.name === undefined && a.condition === undefined) return s;
  const bound = a.bindings === undefined ? s : step(s.fn as (value: unknown) => unknown, a.bindings);
  return new Step(bound.fn, bound.bindings, a.name ?? s.name, a.condition ?? s.condition, bound.params);
}

/** The target's specs with step `s` appended to the chain of node `output` (the export's own node by default). */
function mutateSpecs(
  ctx: ExpandContext, specs: readonly NodeSpec[], s: Step, output: string | undefined, owner: string | undefined,
): readonly NodeSpec[] {
  if (s.condition !== undefined && !conditionHolds(s.condition, ctx.config)) return specs;
  const name = output ?? nodeNameOf(ctx.exportName);
  const target = specs.find((x) => x.name === name);
  if (target === undefined) {
    // A config condition left the target out: nothing to transform.
    if (output === undefined || specs.length === 0) return specs;
    throw new GraphBuildError(
      `Cannot build the graph: mutate() transforms output "${output}" of "${ctx.exportName}", which defines ${specs.map((x) => `"${x.name}"`).join(", ")}; name one of those in applyTo(...).onOutput()`,
      { node: output },
    );
  }
  // Named as the user named it: the step's name, the export holding the mutate(), the function's name.
  const label = (s.name ?? owner ?? stepLabel(s, 0)).replace(/^_+/, "") || "mutate";
  const stepName = `${name}.${label}`;
  const renamed = target.chainName ?? `${name}.raw`;
  const clash = specs.find((x) => x !== target && (x.name === stepName || x.name === renamed)) ?? (stepName === renamed ? target : undefined);
  if (clash !== undefined) {
    throw new GraphBuildError(
      `Cannot build the graph: mutate() on "${ctx.exportName}" defines node "${clash.name === renamed ? renamed : stepName}" twice; name the transform with mutate(targets, step(fn).named("..."))`,
      { node: name },
    );
  }
  const { chainName: _, ...own } = target;
  const raw = mark({ ...own, name: renamed }, "mutate");
  const last = mark({ ...stepSpec(ctx, target, s, name, renamed), chainName: stepName }, "mutate", configKeysOf(s));
  return [...specs.filter((x) => x !== target), raw, last];
}

function configKeysOf(s: Step): readonly string[] | undefined {
  return s.condition === undefined ? undefined : Object.keys(s.condition.pairs);
}

/** The name the module exports `owner` under, when the module is known. */
function exportNameOf(ctx: ExpandContext, owner: Function): string | undefined {
  if (ctx.exports === undefined) return undefined;
  for (const [name, v] of Object.entries(ctx.exports)) if (v === owner) return name;
  return undefined;
}
