/**
 * Fresh imports on Bun. Bun keeps one instance per file whatever the query
 * (`import("./flow.ts?v=2")` gives back the first one, measured on Bun 1.4),
 * but removing a file from `require.cache`, which on Bun holds ES modules
 * too, makes the next import evaluate it again, and with it every removed
 * file it imports. Only the project's files are removed: packages and weft
 * itself stay loaded.
 *
 * @module
 */
import type { ModuleReloader } from "../../lib/ports/module-reloader.ts";
import { fileOf, isWeft } from "../../cache/code/source-code-versions.ts";
import { scanModuleFiles } from "../shared/module-files.ts";
import { watchFiles } from "../shared/file-watcher.ts";
import { fileUrl } from "../shared/module-files.ts";

/** Bun's fresh imports. */
export const bunModuleReloader: ModuleReloader = {
  scan: scanModuleFiles,
  async importFresh(urls, files) {
    for (const file of files) {
      if (!isWeft(fileUrl(file))) delete require.cache[file];
    }
    const out: Record<string, unknown>[] = [];
    for (const url of urls) out.push(await import(fileOf(url)));
    return out;
  },
  watch: watchFiles,
  dispose() {},
};
