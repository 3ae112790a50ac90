/**
 * `driver.materialize(...)`: computes what the materializers need in one run,
 * then has each write its values and collects their metadata.
 *
 * @module
 */
import { MaterializationError } from "../errors.ts";
import { describeValue } from "../modifiers/bindings.ts";
import type { Materializer } from "./to.ts";

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
export function materializationOutputs(materializers: readonly Materializer[], outputs: readonly string[] | undefined, method: string): string[] {
  if (!Array.isArray(materializers)) throw new TypeError(`${method}() expects a list of materializers (to.json(...), ...), got ${describeValue(materializers)}`);
  checkMaterializers(materializers, method);
  const extra = outputs ?? [];
  if (materializers.length === 0 && extra.length === 0) {
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

/**
 * Runs the materializers' dependencies (and `options.outputs`) with `execute`, then saves.
 *
 * @throws {MaterializationError} when a materializer fails to write (what `execute` rejects with otherwise)
 */
export async function materialize(
  execute: (outputs: readonly string[], options: Omit<MaterializeOptions, "outputs">) => Promise<Values>,
  materializers: readonly Materializer[],
  options: MaterializeOptions = {},
): Promise<MaterializeResult> {
  const wanted = materializationOutputs(materializers, options.outputs, "materialize");
  const extra = options.outputs ?? [];
  const { outputs: _, ...run } = options;
  const values = await execute(wanted, run);
  const saved = await Promise.all(materializers.map(async (m) => {
    try {
      return [m.id, await m.save(Object.fromEntries(m.dependencies.map((d: string) => [d, values[d]])))] as const;
    } catch (e) {
      throw new MaterializationError(m.id, e);
    }
  }));
  return { materialized: Object.fromEntries(saved), outputs: Object.fromEntries(extra.map((o) => [o, values[o]])) };
}
