/**
 * Fresh imports on Node: module hooks (reload-hooks.ts, registered on first
 * use) give every project file the generation query of the module importing
 * it, so `import("flow.ts?weft-gen=N")` is a new instance of the flow and of
 * each project file it reaches. Node cannot unload a module: every generation
 * stays in memory until the process ends.
 *
 * @module
 */
import { register } from "node:module";
import type { ModuleReloader } from "../../lib/ports/module-reloader.ts";
import { fileOf } from "../../cache/code/source-code-versions.ts";
import { scanModuleFiles } from "../shared/module-files.ts";
import { watchFiles } from "../shared/file-watcher.ts";

let registered = false;
let generation = 0;

/** Node's fresh imports. */
export const nodeModuleReloader: ModuleReloader = {
  scan: scanModuleFiles,
  async importFresh(urls) {
    if (!registered) {
      registered = true;
      register(new URL(import.meta.url.endsWith(".ts") ? "./reload-hooks.ts" : "./reload-hooks.js", import.meta.url));
    }
    generation++;
    const out: Record<string, unknown>[] = [];
    for (const url of urls) out.push(await import(`${fileOf(url)}?weft-gen=${generation}`));
    return out;
  },
  watch: watchFiles,
  dispose() {},
};
