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
 * Runs the materializers' dependencies (and `options.outputs`) with `execute`, then saves.
 *
 * @throws {MaterializationError} when a materializer fails to write (what `execute` rejects with otherwise)
 */
export async function materialize(
  execute: (outputs: readonly string[], options: Omit<MaterializeOptions, "outputs">) => Promise<Values>,
  materializers: readonly Materializer[],
  options: MaterializeOptions = {},
): Promise<MaterializeResult> {
  if (!Array.isArray(materializers)) throw new TypeError(`materialize() expects a list of materializers (to.json(...), ...), got ${describeValue(materializers)}`);
  const ids = new Set<string>();
  for (const m of materializers) {
    if (typeof m !== "object" || m === null || typeof m.id !== "string" || !Array.isArray(m.dependencies) || typeof m.save !== "function") {
      throw new TypeError(`materialize() expects materializers with id, dependencies and save(), got ${describeValue(m)}`);
    }
    if (ids.has(m.id)) throw new TypeError(`materialize() got two materializers with id "${m.id}"; give one another id`);
    ids.add(m.id);
  }
  const extra = options.outputs ?? [];
  if (materializers.length === 0 && extra.length === 0) {
    throw new TypeError("materialize() got nothing to do: no materializers and no outputs; pass materializers such as to.json({ dependencies: [\"report\"], path: \"out/report.json\" })");
  }
  const wanted = [...new Set([...materializers.flatMap((m) => m.dependencies), ...extra])];
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
