/**
 * Fresh imports on Deno. Deno has no module hooks, and a query makes a new
 * instance of the file imported but not of the files it imports. So each
 * generation writes copies of the project files beside their originals
 * (`.flow.weft-<pid>-3.ts` next to `flow.ts`, so that packages and `import.meta.url`
 * paths resolve as from the original), with their relative imports of project
 * files pointed at the copies, and imports the copies. A generation's copies
 * are removed when the next one has loaded, and by `dispose()`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ModuleReloader } from "../../lib/ports/module-reloader.ts";
import { fileOf } from "../../cache/code/source-code-versions.ts";
import { parseModule, resolveRelative, scanModuleFiles } from "../shared/module-files.ts";
import { watchFiles } from "../shared/file-watcher.ts";

/** Generations count across the process: every copy's name is unique, whatever the watch. */
let generation = 0;

function copyOf(path: string, n: number): string {
  const name = basename(path);
  const dot = name.search(/\.[cm]?[jt]sx?$/);
  const stem = dot === -1 ? name : name.slice(0, dot);
  // The process id keeps two watching processes in one folder off each other's copies.
  return join(dirname(path), `.${stem}.weft-${process.pid}-${n}${dot === -1 ? "" : name.slice(dot)}`);
}

function remove(paths: readonly string[]): void {
  for (const p of paths) rmSync(p, { force: true });
}

/** `error` with the copies' paths in its message and stack replaced by their originals'. */
function withOriginals(error: unknown, files: readonly string[], n: number): unknown {
  if (!(error instanceof Error)) return error;
  const swap = (text: string) => files.reduce((t, f) => t.replaceAll(copyOf(f, n), f), text);
  error.message = swap(error.message);
  if (error.stack !== undefined) error.stack = swap(error.stack);
  return error;
}

/** Deno's fresh imports: a reloader of its own per watch, which removes only its own copies. */
export function denoModuleReloader(): ModuleReloader {
  let written: string[] = [];
  return {
    scan: scanModuleFiles,
    async importFresh(urls, files) {
      const n = ++generation;
      const project = new Set(files);
      const copies: string[] = [];
      try {
        for (const file of files) {
          const text = readFileSync(file, "utf8");
          const { specifiers } = await parseModule(file, text);
          let out = "";
          let at = 0;
          for (const s of [...specifiers].sort((a, b) => a.start - b.start)) {
            const target = resolveRelative(s.value, pathToFileURL(file).href);
            if (target === undefined || !project.has(fileURLToPath(target))) continue;
            out += text.slice(at, s.start) + JSON.stringify(pathToFileURL(copyOf(fileURLToPath(target), n)).href);
            at = s.end;
          }
          const copy = copyOf(file, n);
          writeFileSync(copy, out + text.slice(at));
          copies.push(copy);
        }
        const loaded: Record<string, unknown>[] = [];
        for (const url of urls) {
          const path = fileURLToPath(fileOf(url));
          loaded.push(await import(pathToFileURL(project.has(path) ? copyOf(path, n) : path).href));
        }
        remove(written);
        written = copies;
        return loaded;
      } catch (e) {
        remove(copies);
        throw withOriginals(e, files, n);
      }
    },
    watch: watchFiles,
    dispose() {
      remove(written);
      written = [];
    },
  };
}
