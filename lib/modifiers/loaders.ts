/**
 * `dataloader` and `datasaver` (Hamilton's decorators of the same names):
 * nodes that read data from, or write it to, the outside world, and say what
 * they did. A loader returns `[data, metadata]`: the node holds the data and
 * `<node>.metadata` the metadata. A saver returns its metadata. Both are
 * tagged `weft.role` ("loader" / "saver") and styled as such in visualizations.
 *
 * @module
 */
import { mergeOptions } from "../model/node.ts";
import type { NodeSpec } from "../model/node-specs.ts";
import type { DefinesNodes, NodeFn, NodeValue } from "../model/types.ts";
import { afterResult } from "../model/after-result.ts";
import { defineModifier, innerSpecs, mark, primarySpec, requireFunction } from "./_modifier.ts";
import { describeValue } from "./bindings.ts";

/** What `dataloader` returns: the node holds the data, `<node>.metadata` the metadata. */
export type DataLoader<F extends NodeFn> = F & DefinesNodes<{
  "": () => NodeValue<ReturnType<F>> extends readonly [infer D, unknown] ? D : unknown;
  ".metadata": () => NodeValue<ReturnType<F>> extends readonly [unknown, infer M] ? M : unknown;
}>;

/**
 * Marks `fn` as a data loader: it returns `[data, metadata]` (sync, async or
 * Effect). Defines `<node>.raw` (the pair), `<node>` (the data) and
 * `<node>.metadata`.
 *
 * @example
 * ```ts
 * export const spendRows = dataloader(async (spendPath: string) => {
 *   const rows = await readRows(spendPath);
 *   return [rows, { path: spendPath, rows: rows.length }] as const;
 * });
 * ```
 */
export function dataloader<F extends NodeFn>(fn: F): DataLoader<F> {
  requireFunction("dataloader()", fn, "first");
  return defineModifier(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, specs, "dataloader()");
    if (primary === undefined) return specs;
    const name = primary.name;
    const check = (v: unknown) => {
      if (!Array.isArray(v) || v.length !== 2) {
        throw new TypeError(`dataloader() on "${name}" expects the function to return [data, metadata], got ${describeValue(v)}`);
      }
      return v;
    };
    const options = mergeOptions(primary.options, { tags: { "weft.role": "loader" } });
    const raw = mark({ ...primary, name: `${name}.raw`, fn: afterResult(primary.fn, check), options }, "dataloader");
    const part = (partName: string, index: number): NodeSpec => ({
      ...raw, name: partName, fn: (pair: readonly unknown[]) => pair[index], options: { tags: options.tags! },
      style: "positional", deps: [{ name: raw.name, optional: false }], signalIndex: -1,
    });
    return [...specs.filter((s) => s !== primary), raw, part(name, 0), part(`${name}.metadata`, 1)];
  });
}

/**
 * Marks `fn` as a data saver: it writes its inputs somewhere and returns
 * metadata about what it wrote (an object, e.g. `{ path, rows, bytes }`).
 *
 * @example
 * ```ts
 * export const savedReport = datasaver(async (report: Row[], outDir: string) => {
 *   const path = `${outDir}/report.json`;
 *   await writeJson(path, report);
 *   return { path, rows: report.length };
 * });
 * ```
 */
export function datasaver<F extends NodeFn>(fn: F): F {
  requireFunction("datasaver()", fn, "first");
  return defineModifier(fn, (ctx) => {
    const specs = innerSpecs(ctx, fn);
    const primary = primarySpec(ctx, specs, "datasaver()");
    if (primary === undefined) return specs;
    const check = (v: unknown) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new TypeError(`datasaver() on "${primary.name}" expects the function to return a metadata object, got ${describeValue(v)}`);
      }
      return v;
    };
    const options = mergeOptions(primary.options, { tags: { "weft.role": "saver" } });
    return specs.map((s) => (s === primary ? mark({ ...s, fn: afterResult(s.fn, check), options }, "datasaver") : s));
  });
}
