/**
 * Configuration-driven alternatives (Hamilton's `@config.when`): a function
 * defines its nodes only when the Builder's config matches. Alternatives of
 * one node share its name through the `name__suffix` export convention:
 * `revenue__us` and `revenue__eu` both define `revenue`. With no matching
 * alternative the node is absent, and becomes an external input if something
 * depends on it.
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import { nodeNameOf } from "../model/node-specs.ts";
import { ownValue } from "../own-property.ts";
import type { NodeFn } from "../model/types.ts";
import { defineModifier, innerSpecs, mark, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/** How a condition compares config values. */
export type ConditionKind = "when" | "whenNot" | "whenIn" | "whenNotIn";

/** A config condition: its kind and its key -> value (or key -> values) pairs. */
export interface Condition {
  readonly kind: ConditionKind;
  readonly pairs: Readonly<Record<string, unknown>>;
}

/** True when `config` satisfies `condition` (every key must hold). */
export function conditionHolds(condition: Condition, config: Readonly<Record<string, unknown>>): boolean {
  for (const [key, want] of Object.entries(condition.pairs)) {
    const have = ownValue(config, key);
    const ok = condition.kind === "when" ? have === want
      : condition.kind === "whenNot" ? have !== want
      : condition.kind === "whenIn" ? (want as readonly unknown[]).includes(have)
      : !(want as readonly unknown[]).includes(have);
    if (!ok) return false;
  }
  return true;
}

/**
 * Checks a condition's pairs.
 *
 * @throws {TypeError} naming the modifier
 */
export function makeCondition(kind: ConditionKind, pairs: unknown, modifier = `config.${kind}()`): Condition {
  if (typeof pairs !== "object" || pairs === null || Array.isArray(pairs) || Object.keys(pairs).length === 0) {
    throw new TypeError(`${modifier} expects a non-empty object of config key -> ${kind.endsWith("In") ? "list of values" : "value"}, got ${describeValue(pairs)}`);
  }
  if (kind === "whenIn" || kind === "whenNotIn") {
    for (const [key, list] of Object.entries(pairs)) {
      if (!Array.isArray(list)) throw new TypeError(`${modifier} expects a list of values for config key "${key}", got ${describeValue(list)}`);
    }
  }
  return { kind, pairs: { ...pairs } as Record<string, unknown> };
}

function gate(kind: ConditionKind) {
  const modifier = `config.${kind}()`;
  return <F extends NodeFn>(pairs: Readonly<Record<string, unknown>>, fn: F): F => {
    const condition = makeCondition(kind, pairs, modifier);
    requireFunction(modifier, fn, "second");
    const keys = Object.keys(condition.pairs);
    return defineModifier<F>(fn, (ctx) =>
      conditionHolds(condition, ctx.config) ? innerSpecs(ctx, fn).map((s) => mark(s, `config.${kind}`, keys)) : []);
  };
}

/** A condition on the whole config (Hamilton's `@config(resolves)`): true keeps the wrapped function's nodes. */
export type ConfigPredicate = (config: Readonly<Record<string, unknown>>) => boolean;

/**
 * `config(predicate, fn)`: keeps `fn`'s nodes when `predicate(config)` is true. The config keys the predicate
 * reads are recorded on the nodes (as `config.when` records its keys): they are part of the nodes' cache keys and
 * drawn as such.
 */
function byPredicate<F extends NodeFn>(predicate: ConfigPredicate, fn: F): F {
  if (typeof predicate !== "function") {
    throw new TypeError(`config() expects a predicate (config) => boolean as its first argument, or use config.when({ key: value }, fn); got ${describeValue(predicate)}`);
  }
  requireFunction("config()", fn, "second");
  return defineModifier<F>(fn, (ctx) => {
    const read = new Set<string>();
    let holds: unknown;
    try {
      holds = predicate(readTracked(ctx.config, read));
    } catch (e) {
      throw new GraphBuildError(`Cannot build the graph: the config() predicate of "${ctx.exportName}" threw: ${(e as Error)?.message ?? String(e)}; make it a plain function of the config`, { node: nodeNameOf(ctx.exportName), cause: e });
    }
    if (typeof holds !== "boolean") {
      throw new GraphBuildError(`Cannot build the graph: the config() predicate of "${ctx.exportName}" returned ${describeValue(holds)}; it must return true or false`, { node: nodeNameOf(ctx.exportName) });
    }
    return holds ? innerSpecs(ctx, fn).map((s) => mark(s, "config", [...read])) : [];
  });
}

/** A read-only view of `config` that records the keys read (own keys only, as everywhere in weft). */
function readTracked(config: Readonly<Record<string, unknown>>, read: Set<string>): Readonly<Record<string, unknown>> {
  return new Proxy(Object.freeze(Object.assign(Object.create(null) as Record<string, unknown>, config)), {
    get: (target, key) => {
      if (typeof key !== "string") return undefined;
      read.add(key);
      return ownValue(target, key);
    },
    has: (target, key) => {
      if (typeof key === "string") read.add(key);
      return Object.hasOwn(target, key);
    },
    ownKeys: (target) => {
      for (const k of Object.keys(target)) read.add(k);
      return Reflect.ownKeys(target);
    },
  });
}

/**
 * Configuration-driven alternatives. Each wraps a node function (or another
 * modifier) and keeps its nodes only when the Builder's config matches:
 *
 * - `config(predicate)`: `predicate(config)` is true (the keys it reads are recorded, for cache keys);
 * - `config.when({ key: value })`: every key equals its value;
 * - `config.whenNot({ key: value })`: every key differs from its value (a missing key differs);
 * - `config.whenIn({ key: [values] })`: every key is one of its values;
 * - `config.whenNotIn({ key: [values] })`: no key is one of its values.
 *
 * Two alternatives that match the same config are a `GraphBuildError`.
 *
 * @example
 * ```ts
 * export const revenue__us = config.when({ region: "us" }, (spend: number) => spend * 3.1);
 * export const revenue__eu = config.whenIn({ region: ["eu", "uk"] }, async (spend: number) => spend * 2.7);
 * export const revenue__other = config((c) => c.region !== "us" && c.region !== "eu" && c.region !== "uk", () => 0);
 * ```
 */
export const config: {
  <F extends NodeFn>(predicate: ConfigPredicate, fn: F): F;
  readonly when: <F extends NodeFn>(pairs: Readonly<Record<string, unknown>>, fn: F) => F;
  readonly whenNot: <F extends NodeFn>(pairs: Readonly<Record<string, unknown>>, fn: F) => F;
  readonly whenIn: <F extends NodeFn>(pairs: Readonly<Record<string, readonly unknown[]>>, fn: F) => F;
  readonly whenNotIn: <F extends NodeFn>(pairs: Readonly<Record<string, readonly unknown[]>>, fn: F) => F;
} = Object.freeze(Object.assign(
  function config<F extends NodeFn>(predicate: ConfigPredicate, fn: F): F {
    return byPredicate(predicate, fn);
  },
  { when: gate("when"), whenNot: gate("whenNot"), whenIn: gate("whenIn"), whenNotIn: gate("whenNotIn") },
));
