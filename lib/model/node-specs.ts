/**
 * Node specs, the modifier seam: the metadata `node()` and every modifier
 * attach to a function ({@link NodeMeta}), and what one export of a module
 * contributes to the graph, before the graph is wired. A plain function
 * contributes one spec named after its export (the part before `__`, so
 * `revenue__us` defines `revenue`); a
 * modifier (see `NodeMeta.expand`) may contribute several, none, or specs with
 * other names. Workers rebuild a node on their side by calling
 * {@link nodeSpecsOf} on the same export with the same config, so expansion
 * must be a pure function of (export name, value, module name, config).
 *
 * @module
 */
import { GraphBuildError } from "../errors.ts";
import type { NodeOptions } from "./node-options.ts";
import { checkedBySchema } from "./output-schema.ts";
import { ParamReadError, readParamSource, type ParamSpec } from "./params.ts";
import type { WarningHandler } from "./warning.ts";

/** Where weft keeps a node's metadata on the function `node()` returns. */
export const NODE_META: unique symbol = Symbol.for("weft.node");

/** Metadata carried by a function that went through `node()` or a modifier. */
export interface NodeMeta {
  /** The user's function, called by the engine directly. */
  readonly fn: Function;
  readonly options: NodeOptions;
  /** URL of the module that called `node()`, captured for worker nodes (a worker imports it). */
  readonly moduleUrl?: string;
  /**
   * Set by graph-shaping modifiers: the node specs this export contributes
   * (see {@link nodeSpecsOf}). Must be a pure function of its context.
   */
  readonly expand?: (ctx: ExpandContext) => readonly NodeSpec[];
  /** Checks made at build even when the export is private (`_name`): `mutate` checks its targets. */
  readonly check?: (ctx: ExpandContext) => void;
}

/**
 * A function that calls `meta.fn` and carries `meta`: how `node()` and every
 * modifier mark what they return. It keeps `like`'s name, so the result still
 * reads as the user's function.
 */
export function withMeta(like: Function, meta: NodeMeta): Function {
  const wrapped = function (this: unknown, ...args: unknown[]) {
    return meta.fn.apply(this, args);
  };
  Object.defineProperty(wrapped, "name", { value: like.name });
  Object.defineProperty(wrapped, NODE_META, { value: meta });
  return wrapped;
}

/** The metadata `node()` attached to `value`, if any. */
export function nodeMeta(value: unknown): NodeMeta | undefined {
  return typeof value === "function" ? (value as { [NODE_META]?: NodeMeta })[NODE_META] : undefined;
}

/** One node as an export defines it. */
export interface NodeSpec extends ParamSpec {
  readonly name: string;
  /** What the engine calls, with the arguments `style` and `deps` describe. */
  readonly fn: Function;
  readonly options: NodeOptions;
  /** The export that defines the node (workers import it by this name). */
  readonly exportName: string;
  /** The user's function the node comes from: for introspection, docs and code versions. */
  readonly source: Function;
  /** URL of the defining module, when known (always for worker nodes made with `node()`). */
  readonly moduleUrl?: string;
  /** The modifiers that shaped the node, innermost first (`"parameterize"`, `"config.when"`, ...). */
  readonly modifiers?: readonly string[];
  /** Config keys that decided whether (or how) the node exists. */
  readonly configKeys?: readonly string[];
  /** The subdag namespace the node lives in, if any. */
  readonly namespace?: string;
  /**
   * The last step of an output chain (`pipe({ output })`, `mutate`): the name this spec takes when another step
   * is appended after it (`revenue.round`); a spec without one becomes `<name>.raw`.
   */
  readonly chainName?: string;
}

/**
 * A change one export makes to the nodes another export defines (`mutate`): applied, in the order the changes
 * were made, when the target expands, if the target's module exports `owner` too (the module that defines a
 * target decides what changes it, as in Hamilton).
 */
export interface RemoteChange {
  /** The value the changing export holds (what `mutate()` returned). */
  readonly owner: Function;
  readonly apply: (ctx: ExpandContext, specs: readonly NodeSpec[]) => readonly NodeSpec[];
}

// By target: the exported value the changes apply to. Filled as modules load (a worker loading the module fills
// its own), so expansion stays a function of the module's code and the config.
const REMOTE_CHANGES = new WeakMap<Function, RemoteChange[]>();

/** Registers `change` for the nodes `target` defines. */
export function addRemoteChange(target: Function, change: RemoteChange): void {
  const list = REMOTE_CHANGES.get(target);
  if (list) list.push(change);
  else REMOTE_CHANGES.set(target, [change]);
}

function withRemoteChanges(value: Function, specs: readonly NodeSpec[], ctx: ExpandContext): readonly NodeSpec[] {
  const changes = REMOTE_CHANGES.get(value);
  if (changes === undefined) return specs;
  const exported = ctx.exports === undefined ? undefined : new Set(Object.values(ctx.exports));
  for (const c of changes) if (exported === undefined || exported.has(c.owner)) specs = c.apply(ctx, specs);
  return specs;
}

/** What an expansion sees. */
export interface ExpandContext {
  readonly exportName: string;
  readonly module: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Where warnings go; `console.warn` when not given. */
  readonly warn?: WarningHandler;
  /** Every export of the module being expanded, when known: changes other exports make apply only from these. */
  readonly exports?: Readonly<Record<string, unknown>>;
}

/**
 * The node specs an export contributes: none for private names (`_x`),
 * non-functions and classes; the modifier's expansion when there is one;
 * otherwise one spec named after the export. Output schemas are applied here,
 * once, so a worker that rebuilds the spec checks the output the same way.
 *
 * @throws {GraphBuildError} when the function's parameters cannot be read, or a modifier cannot apply
 */
export function nodeSpecsOf(exportName: string, value: unknown, ctx: Omit<ExpandContext, "exportName">): readonly NodeSpec[] {
  const specs = rawSpecsOf(exportName, value, ctx);
  return hasSchema(specs)
    ? specs.map((s) => (s.options.schema === undefined ? s : { ...s, fn: checkedBySchema(s.name, s.fn, s.options, ctx.warn) }))
    : specs;
}

function hasSchema(specs: readonly NodeSpec[]): boolean {
  for (let i = 0; i < specs.length; i++) if (specs[i]!.options.schema !== undefined) return true;
  return false;
}

/** {@link nodeSpecsOf} without the schema step: what `subdag` reads a module with. */
export function rawSpecsOf(exportName: string, value: unknown, ctx: Omit<ExpandContext, "exportName">): readonly NodeSpec[] {
  if (typeof value !== "function") return [];
  const meta = nodeMeta(value);
  if (exportName.startsWith("_")) {
    // A private export defines no node, but a mutator among them still checks its targets.
    meta?.check?.({ ...ctx, exportName });
    return [];
  }
  if (meta !== undefined) return withRemoteChanges(value, expandExport({ ...ctx, exportName }, value), { ...ctx, exportName });
  // A plain function: its source is read once, both to tell a class (not a node) and to read its parameters.
  const raw = Function.prototype.toString.call(value);
  if (raw.startsWith("class")) return [];
  return withRemoteChanges(value, [plainSpec(exportName, value, {}, raw)], { ...ctx, exportName });
}

/**
 * The specs of `value` as if it were exported under `ctx.exportName`, without
 * the final schema step: what a modifier calls on the function it wraps.
 */
export function expandExport(ctx: ExpandContext, value: Function): readonly NodeSpec[] {
  const meta = nodeMeta(value);
  if (meta?.expand) return meta.expand(ctx);
  if (meta === undefined) return [plainSpec(ctx.exportName, value, {}, undefined)];
  const spec = plainSpec(ctx.exportName, meta.fn, meta.options, undefined);
  return [meta.moduleUrl === undefined ? spec : { ...spec, moduleUrl: meta.moduleUrl }];
}

/** The one spec of a function without an expansion; `raw` is its source when already read. */
function plainSpec(exportName: string, fn: Function, options: NodeOptions, raw: string | undefined): NodeSpec {
  const name = nodeNameOf(exportName);
  const params = options.deps ? explicitParams(options.deps) : sourceParams(name, raw ?? Function.prototype.toString.call(fn));
  return { name, fn, options, exportName, source: fn, style: params.style, deps: params.deps, signalIndex: params.signalIndex };
}

/** The node an export defines by default: its name up to `__` (`revenue__us` -> `revenue`). */
export function nodeNameOf(exportName: string): string {
  if (exportName.length > 2 && exportName.endsWith("__") && !exportName.startsWith("_")) {
    const stem = exportName.replace(/_+$/, "");
    throw new GraphBuildError(`Cannot build the graph: export "${exportName}" ends in "__" with no suffix after it; the name__suffix convention names alternatives of one node, such as "${stem}__us"; add a suffix or rename the export`);
  }
  const cut = exportName.indexOf("__", 1);
  return cut > 0 ? exportName.slice(0, cut) : exportName;
}

/** A node's parameters as `node(fn, { deps })` declares them. */
function explicitParams(deps: readonly string[]): ParamSpec {
  return { style: "positional", deps: deps.map((d) => ({ name: d, optional: false })), signalIndex: -1 };
}

/**
 * A node's parameters read from its source text.
 *
 * @throws {GraphBuildError} naming the node and showing the explicit form
 */
function sourceParams(name: string, raw: string): ParamSpec {
  try {
    return readParamSource(raw);
  } catch (e) {
    if (!(e instanceof ParamReadError)) throw e;
    throw new GraphBuildError(
      `Cannot read the parameters of node "${name}": ${e.message}; declare them explicitly with node(fn, { deps: ["a", "b"] })`,
      { node: name, cause: e },
    );
  }
}
