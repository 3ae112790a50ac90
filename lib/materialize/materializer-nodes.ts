/**
 * `Builder.withMaterializers(...)`: each materializer becomes a node named by its id, which depends on the
 * materializer's dependencies and whose value is what `save` returns (Hamilton's `with_materializers`), so
 * `execute([id])` writes and `driver.plan()`, drawings and hooks see it like any node. Never cached: a save is a
 * side effect.
 *
 * @module
 */
import type { ModuleSource } from "../graph/graph.ts";
import { withMeta, type NodeSpec } from "../model/node-specs.ts";
import type { Materializer } from "./to.ts";
import { splitItems, type MaterializeItem } from "./materialize.ts";
import { targetedLoad } from "./from.ts";

/** The module name materializer nodes carry (their `module` tag). */
export const MATERIALIZERS_MODULE = "withMaterializers()";

/**
 * A module of one node per materializer, and the nodes of each loader `from.*({ target })`: the target (its data),
 * `<target>.metadata` and `<target>.raw`, as if the loader were exported under the target's name.
 */
export function materializerModule(items: readonly MaterializeItem[]): ModuleSource {
  const exports: Record<string, unknown> = {};
  for (const item of items) {
    const load = targetedLoad(item);
    if (load !== undefined) exports[load.target] = item;
  }
  const { materializers } = splitItems(items);
  materializers.forEach((m: Materializer, i) => {
    const deps = [...m.dependencies];
    const save = (...values: unknown[]) => m.save(Object.fromEntries(deps.map((d, j) => [d, values[j]])));
    const spec = (exportName: string): NodeSpec => ({
      name: m.id, fn: save, source: save, exportName, style: "positional", signalIndex: -1,
      deps: deps.map((d) => ({ name: d, optional: false })),
      // A manual version: its code is the materializer's, not a module's; "disable": a write is never skipped.
      options: { cache: "disable", version: "materializer", tags: { materializer: m.id } },
      modifiers: ["withMaterializers"],
    });
    exports[`materializer${i + 1}`] = withMeta(save, { fn: save, options: {}, expand: (ctx) => [spec(ctx.exportName)] });
  });
  return { name: MATERIALIZERS_MODULE, exports };
}
