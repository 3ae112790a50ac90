/**
 * `tag`: metadata on a node, or on every node a modifier defines (Hamilton's
 * `@tag`). Tags are queried with `listAvailableVariables({ tags })`.
 *
 * @module
 */
import { node } from "../model/node.ts";
import type { Tags } from "../model/node-options.ts";
import type { NodeFn } from "../model/types.ts";
import { GraphBuildError } from "../errors.ts";
import { ownValue } from "../own-property.ts";
import { defineModifier, innerSpecs, mark, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/**
 * Adds tags to the node `fn` defines, or to every node when `fn` is itself a
 * modifier (`tag({ team: "growth" }, parameterize(...))` tags each produced
 * node). Values are strings or lists of strings; later tags win per key.
 *
 * @example
 * ```ts
 * export const spend = tag({ owner: "marketing", pii: "no" }, (rows: Row[]) => rows.length);
 * ```
 */
export function tag<F extends NodeFn>(tags: Tags, fn: F): F {
  checkTags("tag()", tags, "");
  requireFunction("tag()", fn, "second");
  return node(fn, { tags });
}

function checkTags(modifier: string, tags: unknown, where: string): asserts tags is Tags {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new TypeError(`${modifier} expects an object of tag name -> string or string list${where || " as its first argument"}, got ${describeValue(tags)}`);
  }
  for (const [key, v] of Object.entries(tags)) {
    if (typeof v !== "string" && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) {
      throw new TypeError(`${modifier} expects tag "${key}"${where} to be a string or a list of strings, got ${describeValue(v)}`);
    }
  }
}

/**
 * Adds tags to chosen nodes of those `fn` defines (Hamilton's `@tag_outputs`): `{ nodeName: tags }`, for a
 * modifier that defines several (`extractFields`, `parameterize`, `pipe`...). Naming a node `fn` does not
 * define is a build error listing the ones it does.
 *
 * @example
 * ```ts
 * export const stats = tagOutputs({ mean: { public: "yes" } }, extractFields(["mean", "max"], (xs: number[]) => ({
 *   mean: xs.reduce((a, b) => a + b, 0) / xs.length,
 *   max: Math.max(...xs),
 * })));
 * ```
 */
export function tagOutputs<F extends NodeFn>(tagsByNode: Readonly<Record<string, Tags>>, fn: F): F {
  if (typeof tagsByNode !== "object" || tagsByNode === null || Array.isArray(tagsByNode) || Object.keys(tagsByNode).length === 0) {
    throw new TypeError(`tagOutputs() expects a non-empty object of node name -> tags as its first argument, got ${describeValue(tagsByNode)}`);
  }
  for (const [name, tags] of Object.entries(tagsByNode)) checkTags("tagOutputs()", tags, ` for node "${name}"`);
  requireFunction("tagOutputs()", fn, "second");
  const names = Object.keys(tagsByNode);
  return defineModifier<F>(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    // A config condition left the nodes out: nothing to tag.
    if (specs.length === 0) return specs;
    const missing = names.filter((n) => !specs.some((s) => s.name === n));
    if (missing.length > 0) {
      throw new GraphBuildError(
        `Cannot build the graph: tagOutputs() on "${ctx.exportName}" tags ${missing.map((n) => `"${n}"`).join(", ")}, which it does not define; it defines ${specs.map((s) => `"${s.name}"`).join(", ")}`,
        { node: missing[0]! },
      );
    }
    return specs.map((s) => {
      const tags = ownValue(tagsByNode, s.name) as Tags | undefined;
      if (tags === undefined || !Object.hasOwn(tagsByNode, s.name)) return s;
      return mark({ ...s, options: { ...s.options, tags: { ...s.options.tags, ...tags } } }, "tagOutputs");
    });
  });
}
