/**
 * The FileSystem port over `node:fs`, which Bun and Node implement natively:
 * the cache's file access on both (Deno has runtime/deno/file-system.ts).
 *
 * @module
 */
/// <reference types="node" />
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import type { FileSystem } from "../../lib/ports/file-system.ts";

const missing = (e: unknown) => (e as { code?: string }).code === "ENOENT";

/** Synchronous files through `node:fs`. */
export const nodeFileSystem: FileSystem = {
  readFile(path, offset = 0, length) {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
    try {
      const available = Math.max(0, fstatSync(fd).size - offset);
      const n = length === undefined ? available : Math.min(length, available);
      // A buffer of its own (not from Buffer's pool): typed arrays are viewed over it at offset 0.
      const out = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
      let at = 0;
      while (at < n) {
        const got = readSync(fd, out, at, n - at, offset + at);
        if (got === 0) break;
        at += got;
      }
      return at === n ? out : out.slice(0, at);
    } finally {
      closeSync(fd);
    }
  },
  writeFile(path, parts) {
    const fd = openSync(path, "w");
    try {
      for (const part of parts) {
        for (let at = 0; at < part.byteLength;) at += writeSync(fd, part, at, part.byteLength - at);
      }
    } finally {
      closeSync(fd);
    }
  },
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { force: true }),
  mkdir: (path) => void mkdirSync(path, { recursive: true }),
  list(dir) {
    try {
      return readdirSync(dir);
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
  },
  stat(path) {
    try {
      const s = statSync(path);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  },
};
