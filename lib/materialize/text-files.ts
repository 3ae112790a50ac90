/**
 * The file-system port: the little that loaders and materializers need from a
 * file system. `lib/` only knows this interface; `runtime/node/` implements it
 * (node:fs/promises, which Bun and Deno also provide) and `mod.ts` wires it in.
 * Tests and browsers can hand in their own (an in-memory one, say).
 *
 * @module
 */

/** Reads and writes whole text files. */
export interface TextFiles {
  /** The file's text (UTF-8). */
  readText(path: string): Promise<string>;
  /** Writes `text` (UTF-8) to `path`, creating missing parent folders and replacing the file. */
  writeText(path: string, text: string): Promise<void>;
}

/** An in-memory {@link TextFiles}: for tests, and for runtimes without files. */
export class MemoryTextFiles implements TextFiles {
  readonly files: Map<string, string> = new Map();

  readText(path: string): Promise<string> {
    const text = this.files.get(path);
    return text === undefined ? Promise.reject(new Error(`No such file: "${path}"`)) : Promise.resolve(text);
  }

  writeText(path: string, text: string): Promise<void> {
    this.files.set(path, text);
    return Promise.resolve();
  }
}

/** Bytes of `text` once encoded as UTF-8. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
