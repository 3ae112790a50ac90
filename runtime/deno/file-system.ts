/**
 * The FileSystem port on Deno, with Deno's own synchronous file API.
 *
 * @module
 */
import type { FileSystem } from "../../lib/ports/file-system.ts";

const missing = (e: unknown) => e instanceof Deno.errors.NotFound;

/** Synchronous files through `Deno.*`. */
export const denoFileSystem: FileSystem = {
  readFile(path, offset = 0, length) {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true });
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
    try {
      const available = Math.max(0, file.statSync().size - offset);
      const n = length === undefined ? available : Math.min(length, available);
      const out = new Uint8Array(n);
      file.seekSync(offset, Deno.SeekMode.Start);
      let at = 0;
      while (at < n) {
        const got = file.readSync(out.subarray(at));
        if (got === null || got === 0) break;
        at += got;
      }
      return at === n ? out : out.slice(0, at);
    } finally {
      file.close();
    }
  },
  writeFile(path, parts) {
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    try {
      for (const part of parts) {
        for (let at = 0; at < part.byteLength;) at += file.writeSync(part.subarray(at));
      }
    } finally {
      file.close();
    }
  },
  rename: (from, to) => Deno.renameSync(from, to),
  remove(path) {
    try {
      Deno.removeSync(path);
    } catch (e) {
      if (!missing(e)) throw e;
    }
  },
  mkdir: (path) => Deno.mkdirSync(path, { recursive: true }),
  list(dir) {
    try {
      return [...Deno.readDirSync(dir)].map((entry) => entry.name);
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
  },
  stat(path) {
    try {
      const s = Deno.statSync(path);
      return { size: s.size, mtimeMs: s.mtime?.getTime() ?? 0, isDirectory: s.isDirectory };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  },
};
