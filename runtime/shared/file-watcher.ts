/**
 * Watches files through `node:fs` `watch`, which Bun, Deno and Node implement
 * (inotify on Linux, FSEvents on macOS). Each file's directory is watched, not
 * the file: an editor that saves by writing a new file and renaming it over the
 * old one replaces the inode a file watch would follow.
 *
 * @module
 */
/// <reference types="node" />
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { FileWatch } from "../../lib/ports/module-reloader.ts";

/**
 * Calls `onChange(file)` when one of `files` (absolute paths) is written,
 * created, renamed or removed.
 *
 * @example
 * ```ts
 * const w = watchFiles(["/app/flow.ts"], (file) => console.log(`${file} changed`));
 * w.close();
 * ```
 */
export function watchFiles(files: readonly string[], onChange: (file: string) => void): FileWatch {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(f);
    let names = byDir.get(dir);
    if (names === undefined) byDir.set(dir, (names = new Set()));
    names.add(basename(f));
  }
  const watchers: FSWatcher[] = [];
  let closed = false;
  for (const [dir, names] of byDir) {
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_event, name) => {
        if (closed || name === null) return;
        const file = String(name);
        if (names.has(file)) onChange(join(dir, file));
      });
    } catch {
      continue; // A directory that went away: its files' imports will fail and say so.
    }
    w.on("error", () => undefined);
    watchers.push(w);
  }
  return {
    close() {
      closed = true;
      for (const w of watchers) w.close();
    },
  };
}
