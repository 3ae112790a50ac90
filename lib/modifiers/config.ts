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

/**
 * Configuration-driven alternatives. Each wraps a node function (or another
 * modifier) and keeps its nodes only when the Builder's config matches:
 *
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
 * ```
 */
export const config: {
  readonly when: <F extends NodeFn>(pairs: Readonly<Record<string, unknown>>, fn: F) => F;
  readonly whenNot: <F extends NodeFn>(pairs: Readonly<Record<string, unknown>>, fn: F) => F;
  readonly whenIn: <F extends NodeFn>(pairs: Readonly<Record<string, readonly unknown[]>>, fn: F) => F;
  readonly whenNotIn: <F extends NodeFn>(pairs: Readonly<Record<string, readonly unknown[]>>, fn: F) => F;
} = Object.freeze({ when: gate("when"), whenNot: gate("whenNot"), whenIn: gate("whenIn"), whenNotIn: gate("whenNotIn") });
