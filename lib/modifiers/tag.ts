/**
 * `tag`: metadata on a node, or on every node a modifier defines (Hamilton's
 * `@tag`). Tags are queried with `listAvailableVariables({ tags })`.
 *
 * @module
 */
import { node } from "../model/node.ts";
import type { Tags } from "../model/node-options.ts";
import type { NodeFn } from "../model/types.ts";
import { requireFunction } from "./_modifier.ts";
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
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new TypeError(`tag() expects an object of tag name -> string or string list as its first argument, got ${describeValue(tags)}`);
  }
  for (const [key, v] of Object.entries(tags)) {
    if (typeof v !== "string" && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) {
      throw new TypeError(`tag() expects tag "${key}" to be a string or a list of strings, got ${describeValue(v)}`);
    }
  }
  requireFunction("tag()", fn, "second");
  return node(fn, { tags });
}
