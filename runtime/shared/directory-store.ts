/**
 * A {@link LargeValueStore} on a directory: each value is a file named after
 * the SHA-256 of its bytes, so a directory that several machines mount (NFS,
 * SMB, a shared volume) lets them exchange large values. Written with
 * `node:fs/promises`, which Bun and Deno implement too, so every runtime uses
 * this one file.
 *
 * Files are written to a temporary name and renamed into place, so a reader
 * never sees half a value, and two writers of the same value both succeed.
 * Nothing is ever deleted: clearing the directory is the owner's job (or the
 * cache's, once it manages this store).
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LargeValueStore } from "../../lib/ports/large-value-store.ts";

const REF = /^[0-9a-f]{64}$/;

/**
 * Stores values as files in `directory` (created when missing).
 *
 * @example
 * ```ts
 * const store = new DirectoryValueStore("/mnt/shared/weft-values");
 * const ref = await store.put(new Uint8Array([1, 2, 3]));
 * console.log(await store.get(ref)); // Uint8Array [1, 2, 3]
 * ```
 */
export class DirectoryValueStore implements LargeValueStore {
  readonly directory: string;

  constructor(directory: string) {
    if (typeof directory !== "string" || directory === "") throw new TypeError("DirectoryValueStore expects a directory path");
    this.directory = directory;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const ref = await sha256(bytes);
    const path = this.#path(ref);
    if (await exists(path)) return ref;
    const tmp = `${path}.${randomUUID()}.tmp`;
    try {
      await mkdir(join(this.directory, ref.slice(0, 2)), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      throw new Error(`Cannot write a value to the shared directory "${this.directory}": ${(e as Error).message}; check that it exists and is writable on this machine`, { cause: e });
    }
    return ref;
  }

  async get(ref: string): Promise<Uint8Array> {
    if (!REF.test(ref)) throw new Error(`Cannot read value "${ref}" from "${this.directory}": not a SHA-256 reference`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(this.#path(ref)));
    } catch (e) {
      throw new Error(`Cannot read value "${ref}" from the shared directory "${this.directory}": ${(e as Error).message}; every driver and worker must be given the same shared directory`, { cause: e });
    }
    // A damaged file (a full disk, a torn copy) must not pass for the value.
    if ((await sha256(bytes)) !== ref) throw new Error(`Cannot read value "${ref}" from "${this.directory}": the file is damaged (its content does not match its hash); delete it and re-run`);
    return bytes;
  }

  #path(ref: string): string {
    return join(this.directory, ref.slice(0, 2), ref.slice(2));
  }
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
