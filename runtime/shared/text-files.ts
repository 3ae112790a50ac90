/**
 * The {@link TextFiles} port on node:fs/promises, which Node, Bun and Deno
 * all provide, so this one adapter serves the three runtimes. The modules are
 * imported on first use: loading weft never touches the file system, and an
 * environment without it (a browser) fails only if it reads or writes a file.
 *
 * @module
 */
import type { TextFiles } from "../../lib/materialize/text-files.ts";

/** Reads and writes files relative to the current working directory. */
export const nodeTextFiles: TextFiles = {
  async readText(path) {
    const { readFile } = await import("node:fs/promises");
    return readFile(path, "utf8");
  },
  async writeText(path, text) {
    const [{ mkdir, writeFile }, { dirname }] = await Promise.all([import("node:fs/promises"), import("node:path")]);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, "utf8");
  },
};
