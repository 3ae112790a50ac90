/**
 * Nodes as introspection reports them (`listAvailableVariables`, the walks
 * up and down the graph), and Hamilton's tag filter.
 *
 * @module
 */
import type { GraphNode } from "../graph/graph.ts";
import type { Tags } from "../model/node-options.ts";
import { documentationOf } from "./documentation.ts";

/** A node (or input, or config value) as introspection reports it. */
export interface Variable {
  readonly name: string;
  readonly kind: "function" | "input" | "config";
  readonly tags: Tags;
  /** Defining module, for function nodes. */
  readonly module: string;
  /** Required dependencies. */
  readonly requiredDependencies: readonly string[];
  /** Optional dependencies (with a default value) and the default's source text. */
  readonly optionalDependencies: readonly { readonly name: string; readonly default: string | undefined }[];
  /** The function that computes the node, for function nodes. */
  readonly originatingFunction: Function | undefined;
  /** The export that defines the node ("" for inputs and config). */
  readonly exportName: string;
  /** From `node(fn, { doc })`, or a `/** *\/` comment opening the function body; "" when there is none. */
  readonly documentation: string;
  /** The modifiers that shaped the node, innermost first (`"parameterize"`, `"config.when"`, ...). */
  readonly modifiers: readonly string[];
  /** Config keys that decided whether (or how) the node exists. */
  readonly configKeys: readonly string[];
}

/** Tag filter: exact value, any of a list, or `null` for "has the tag". Several keys are ANDed. */
export type TagFilter = Readonly<Record<string, string | readonly string[] | null>>;

/** A graph node as a {@link Variable}. */
export function toVariable(n: GraphNode): Variable {
  return {
    name: n.name,
    kind: n.kind,
    tags: n.tags,
    module: n.module,
    requiredDependencies: n.deps.filter((d) => !d.optional).map((d) => d.name),
    optionalDependencies: n.deps.filter((d) => d.optional).map((d) => ({ name: d.name, default: d.defaultSource })),
    originatingFunction: n.source,
    exportName: n.exportName,
    documentation: n.options.doc ?? (n.source ? documentationOf(n.source) : ""),
    modifiers: n.modifiers,
    configKeys: n.configKeys,
  };
}

/** Hamilton's tag filter: exact value, any of a list, `null` for "has the tag"; keys ANDed. */
export function matchesTags(tags: Tags, filter: TagFilter): boolean {
  for (const [key, want] of Object.entries(filter)) {
    if (!Object.hasOwn(tags, key)) return false;
    if (want === null) continue;
    const have = tags[key]!;
    const haveList: readonly string[] = typeof have === "string" ? [have] : have;
    const wantList: readonly string[] = typeof want === "string" ? [want] : want;
    if (!wantList.some((w) => haveList.includes(w))) return false;
  }
  return true;
}

