/**
 * Node specs: what one export of a module contributes to the graph, before
 * the graph is wired. A plain function contributes one spec named after its
 * export; a modifier (see `NodeMeta.expand`) may contribute several, none, or
 * specs with other names. Workers rebuild a node on their side by calling
 * {@link nodeSpecsOf} on the same export with the same config, so expansion
 * must be a pure function of (export name, value, module name, config).
 *
 * @module
 */
import { GraphBuildError } from "./errors.ts";
import { nodeMeta, type NodeOptions } from "./node.ts";
import { ParamReadError, readParams, type ParamSpec } from "./params.ts";

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
}

/** What an expansion sees. */
export interface ExpandContext {
  readonly exportName: string;
  readonly module: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * The node specs an export contributes: none for private names (`_x`),
 * non-functions and classes; the modifier's expansion when there is one;
 * otherwise one spec named after the export.
 *
 * @throws {GraphBuildError} when the function's parameters cannot be read
 */
export function nodeSpecsOf(exportName: string, value: unknown, ctx: Omit<ExpandContext, "exportName">): readonly NodeSpec[] {
  if (exportName.startsWith("_") || !isNodeFunction(value)) return [];
  const meta = nodeMeta(value);
  if (meta?.expand) return meta.expand({ ...ctx, exportName });
  const fn = meta?.fn ?? value;
  const options = meta?.options ?? {};
  const spec = { name: exportName, fn, options, exportName, source: fn, ...readNodeParams(exportName, fn, options) };
  return [meta?.moduleUrl === undefined ? spec : { ...spec, moduleUrl: meta.moduleUrl }];
}

/** Functions are nodes; classes are not (their `typeof` is also "function"). */
function isNodeFunction(value: unknown): value is Function {
  if (typeof value !== "function") return false;
  if (nodeMeta(value)) return true;
  return !Function.prototype.toString.call(value).startsWith("class");
}

/**
 * Reads a node's parameters, or takes them from `options.deps`.
 *
 * @throws {GraphBuildError} naming the node and showing the explicit form
 */
export function readNodeParams(name: string, fn: Function, options: NodeOptions): ParamSpec {
  if (options.deps) {
    return { style: "positional", deps: options.deps.map((d) => ({ name: d, optional: false })), signalIndex: -1 };
  }
  try {
    return readParams(fn);
  } catch (e) {
    if (!(e instanceof ParamReadError)) throw e;
    throw new GraphBuildError(
      `Cannot read the parameters of node "${name}": ${e.message}; declare them explicitly with node(fn, { deps: ["a", "b"] })`,
      { node: name, cause: e },
    );
  }
}
