/**
 * `driver.materialize(...)`: computes what the materializers need in one run,
 * then has each write its values and collects their metadata.
 *
 * @module
 */
import { MaterializationError } from "../errors.ts";
import { describeValue } from "../modifiers/bindings.ts";
import type { Materializer } from "./to.ts";
import { targetedLoad, type TargetedLoad } from "./from.ts";
import type { SourceBinding } from "../modifiers/bindings.ts";
import { MissingInputError } from "../errors.ts";

type Values = Readonly<Record<string, unknown>>;

/** Options of `driver.materialize`. */
export interface MaterializeOptions {
  readonly inputs?: Values;
  readonly overrides?: Values;
  /** More nodes to compute and return, besides what the materializers write. */
  readonly outputs?: readonly string[];
  readonly signal?: AbortSignal;
}

/** What `driver.materialize` returns. */
export interface MaterializeResult {
  /** Each materializer's metadata, by its id. */
  readonly materialized: Readonly<Record<string, unknown>>;
  /** The values of `options.outputs`. */
  readonly outputs: Values;
}

/**
 * Checks materializers (shape, distinct ids) and returns the nodes a run of them computes: their dependencies, then
 * `outputs`. `method` names the caller in messages.
 *
 * @throws {TypeError} for a materializer of the wrong shape, two with one id, or nothing to do
 */
export function materializationOutputs(
  materializers: readonly Materializer[], outputs: readonly string[] | undefined, method: string, loads = 0,
): string[] {
  if (!Array.isArray(materializers)) throw new TypeError(`${method}() expects a list of materializers (to.json(...), ...), got ${describeValue(materializers)}`);
  checkMaterializers(materializers, method);
  const extra = outputs ?? [];
  if (materializers.length === 0 && extra.length === 0 && loads === 0) {
    throw new TypeError(`${method}() got nothing to do: no materializers and no outputs; pass materializers such as to.json({ dependencies: ["report"], path: "out/report.json" })`);
  }
  return [...new Set([...materializers.flatMap((m) => m.dependencies), ...extra])];
}

/**
 * Checks each materializer's shape and that their ids are distinct.
 *
 * @throws {TypeError} naming `method`
 */
export function checkMaterializers(materializers: readonly unknown[], method: string): void {
  const ids = new Set<string>();
  for (const m of materializers as Materializer[]) {
    if (typeof m !== "object" || m === null || typeof m.id !== "string" || !Array.isArray(m.dependencies) || typeof m.save !== "function") {
      throw new TypeError(`${method}() expects materializers with id, dependencies and save(), got ${describeValue(m)}`);
    }
    if (ids.has(m.id)) throw new TypeError(`${method}() got two materializers with id "${m.id}"; give one another id`);
    ids.add(m.id);
  }
}

/** Something `materialize` takes: a materializer, or a loader `from.*({ path, target })` whose data `target` is. */
export type MaterializeItem = Materializer | ((...args: never[]) => unknown);

/** How `materialize` places loaded data: true when `name` is a function node (an override), else an input. */
export type IsFunctionNode = (name: string) => boolean;

/**
 * Runs the materializers' dependencies (and `options.outputs`) with `execute`, then saves. Loaders with a target
 * read first; their data is the target's value in the run (an override of a node, or an input).
 *
 * @throws {MaterializationError} when a loader fails to read or a materializer to write (what `execute` rejects with otherwise)
 */
export async function materialize(
  execute: (outputs: readonly string[], options: Omit<MaterializeOptions, "outputs">) => Promise<Values>,
  items: readonly MaterializeItem[],
  options: MaterializeOptions = {},
  isFunctionNode: IsFunctionNode = () => false,
): Promise<MaterializeResult> {
  const { loads, materializers } = splitItems(items);
  const wanted = materializationOutputs(materializers, options.outputs, "materialize", loads.length);
  const extra = options.outputs ?? [];
  const { outputs: _, ...run } = options;
  const loaded = await Promise.all(loads.map(async (l) => {
    const path = typeof l.path === "string" ? l.path : pathInput(l, l.path, options.inputs ?? {});
    try {
      return [l, await l.read(path)] as const;
    } catch (e) {
      throw new MaterializationError(l.id, e);
    }
  }));
  let inputs = options.inputs ?? {};
  let overrides = options.overrides ?? {};
  for (const [l, [data]] of loaded) {
    if (isFunctionNode(l.target)) overrides = { ...overrides, [l.target]: data };
    else inputs = { ...inputs, [l.target]: data };
  }
  const values = wanted.length === 0 ? {} : await execute(wanted, { ...run, inputs, overrides });
  const saved = await Promise.all(materializers.map(async (m) => {
    try {
      return [m.id, await m.save(Object.fromEntries(m.dependencies.map((d: string) => [d, values[d]])))] as const;
    } catch (e) {
      throw new MaterializationError(m.id, e);
    }
  }));
  const metadata = [...loaded.map(([l, [, meta]]) => [l.id, meta] as const), ...saved];
  return { materialized: Object.fromEntries(metadata), outputs: Object.fromEntries(extra.map((o) => [o, values[o]])) };
}

/**
 * The loaders (`from.*({ target })`) and the materializers among `items`.
 *
 * @throws {TypeError} for a loader without a target, or two loaders of one target
 */
export function splitItems(items: readonly MaterializeItem[], method = "materialize"): { loads: TargetedLoad[]; materializers: Materializer[] } {
  if (!Array.isArray(items)) throw new TypeError(`${method}() expects a list of materializers (to.json(...), ...), got ${describeValue(items)}`);
  const loads: TargetedLoad[] = [];
  const materializers: Materializer[] = [];
  for (const item of items) {
    if (typeof item !== "function") {
      materializers.push(item as Materializer);
      continue;
    }
    const load = targetedLoad(item);
    if (load === undefined) {
      throw new TypeError(`${method}() takes loaders made with a target, such as from.json({ path: "in.json", target: "rows" }); this function has none`);
    }
    if (loads.some((l) => l.target === load.target)) throw new TypeError(`${method}() got two loaders for "${load.target}"; load it once`);
    loads.push(load);
  }
  for (const l of loads) {
    if (materializers.some((m) => typeof m === "object" && m !== null && m.id === l.id)) {
      throw new TypeError(`${method}() got a loader and a materializer with id "${l.id}"; give the loader another id with from.*({ id })`);
    }
  }
  return { loads, materializers };
}

function pathInput(load: TargetedLoad, path: SourceBinding, inputs: Values): string {
  const name = path.name;
  if (!Object.hasOwn(inputs, name)) {
    throw new MissingInputError([{ input: name, neededBy: [load.id] }]);
  }
  const v = inputs[name];
  if (typeof v !== "string") throw new TypeError(`materialize() loader "${load.id}" reads its path from input "${name}", which must be a string, got ${describeValue(v)}`);
  return v;
}
