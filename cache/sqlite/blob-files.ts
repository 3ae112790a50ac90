/**
 * The blob files of large results: one file per data version under
 * `blobs/<first two hex digits>/<data version>`, next to the database.
 *
 * A file is written under a temporary name and renamed into place, so a
 * process killed mid-write leaves a stray temporary file (removed by
 * {@link BlobFiles.sweep}), never a half-written blob under a real name.
 * No fsync: a killed process loses nothing the kernel has, and a file that a
 * power cut damaged fails the read-back check and is recomputed.
 *
 * @module
 */
import type { FileSystem } from "../../lib/ports/file-system.ts";

const TMP = ".tmp-";

/** Reads, writes and sweeps the blob files under one directory. */
export class BlobFiles {
  readonly #fs: FileSystem;
  /** Absolute (or cwd-relative) path of the blobs directory. */
  readonly dir: string;

  constructor(fs: FileSystem, dir: string) {
    this.#fs = fs;
    this.dir = dir;
  }

  /** Where the blob of `dataVersion` lives, relative to {@link BlobFiles.dir}. */
  relativePath(dataVersion: string): string {
    return `${dataVersion.slice(0, 2)}/${dataVersion}`;
  }

  /** The full path of a relative blob path. */
  pathOf(relative: string): string {
    return `${this.dir}/${relative}`;
  }

  /** Writes a blob atomically and returns its relative path. */
  write(dataVersion: string, parts: readonly Uint8Array[]): string {
    const relative = this.relativePath(dataVersion);
    const final = this.pathOf(relative);
    this.#fs.mkdir(final.slice(0, final.lastIndexOf("/")));
    const tmp = `${final}${TMP}${crypto.randomUUID()}`;
    try {
      this.#fs.writeFile(tmp, parts);
      this.#fs.rename(tmp, final);
    } catch (e) {
      this.#fs.remove(tmp);
      throw e;
    }
    return relative;
  }

  /** Bytes of a blob from `offset`, at most `length`; `undefined` when the file is gone. */
  read(relative: string, offset?: number, length?: number): Uint8Array | undefined {
    return this.#fs.readFile(this.pathOf(relative), offset, length);
  }

  /** How many bytes a blob file has; `undefined` when it is gone. */
  size(relative: string): number | undefined {
    return this.#fs.stat(this.pathOf(relative))?.size;
  }

  remove(relative: string): void {
    this.#fs.remove(this.pathOf(relative));
  }

  /**
   * Removes files that `keep` rejects and stray temporary files, both only
   * when older than `graceMs` (a younger one may belong to a writer that has
   * not committed yet). Returns how many went.
   */
  sweep(keep: (relative: string) => boolean, graceMs: number, now: number): number {
    let removed = 0;
    for (const sub of this.#fs.list(this.dir)) {
      const subdir = `${this.dir}/${sub}`;
      if (!this.#fs.stat(subdir)?.isDirectory) continue;
      for (const name of this.#fs.list(subdir)) {
        const relative = `${sub}/${name}`;
        if (!name.includes(TMP) && keep(relative)) continue;
        const info = this.#fs.stat(this.pathOf(relative));
        if (info === undefined || info.isDirectory || now - info.mtimeMs < graceMs) continue;
        this.#fs.remove(this.pathOf(relative));
        removed++;
      }
    }
    return removed;
  }
}
