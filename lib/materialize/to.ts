/**
 * Materializers (Hamilton's `to.*`): what `driver.materialize(...)` writes the
 * values of nodes with. `savers(fileSystem)` makes the file ones (JSON, NDJSON,
 * CSV, or a format of your own); any object with `id`, `dependencies` and
 * `save` is a materializer too.
 *
 * @module
 */
import { describeValue } from "../modifiers/bindings.ts";
import { utf8Length, type TextFiles } from "./text-files.ts";
import { csv, json, ndjson, type CsvOptions, type Format } from "./formats.ts";

/** What a file materializer reports. */
export interface FileMetadata {
  readonly path: string;
  readonly format: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Writes the values of some nodes somewhere and says what it did. */
export interface Materializer<M = unknown> {
  /** Key of this materializer's metadata in the result of `materialize`. */
  readonly id: string;
  /** Nodes (or inputs) whose values it writes. */
  readonly dependencies: readonly string[];
  /** Writes `values` (the dependencies by name) and returns metadata. */
  save(values: Readonly<Record<string, unknown>>): Promise<M>;
}

/** Options of a file materializer. */
export interface FileSaveOptions extends CsvOptions {
  /** The nodes to write: one node's value is written as it is, several as an object by name. */
  readonly dependencies: readonly string[];
  readonly path: string;
  /** Key in the result of `materialize`; the path by default. */
  readonly id?: string;
}

/** File materializers over a {@link TextFiles}: `json`, `ndjson`, `csv`, and `file` for your own format. */
export interface Savers {
  json(options: FileSaveOptions): Materializer<FileMetadata>;
  ndjson(options: FileSaveOptions): Materializer<FileMetadata>;
  csv(options: FileSaveOptions): Materializer<FileMetadata>;
  file(options: FileSaveOptions & { readonly format: Format }): Materializer<FileMetadata>;
  /** The same materializers writing through other files (`MemoryTextFiles` in tests, say). */
  using(files: TextFiles): Savers;
}

/**
 * File materializers writing through `fs`. The package exports `to`, made with
 * the runtime's file system; `to.using(files)` writes through other files.
 *
 * @example
 * ```ts
 * const { materialized } = await dr.materialize([
 *   to.json({ dependencies: ["summary"], path: "out/summary.json" }),
 *   to.csv({ dependencies: ["rows"], path: "out/rows.csv" }),
 * ]);
 * console.log(materialized["out/rows.csv"]); // { path: "out/rows.csv", format: "csv", rows: 3, bytes: 57 }
 * ```
 */
export function savers(fs: TextFiles): Savers {
  const file = (format: Format, options: FileSaveOptions): Materializer<FileMetadata> => {
    const method = `to.${format.name}()`;
    if (typeof options !== "object" || options === null) throw new TypeError(`${method} expects an options object { dependencies, path }, got ${describeValue(options)}`);
    const { dependencies, path } = options;
    if (!Array.isArray(dependencies) || dependencies.length === 0 || dependencies.some((d) => typeof d !== "string")) {
      throw new TypeError(`${method} option "dependencies" must be a non-empty list of node names, got ${describeValue(dependencies)}`);
    }
    if (typeof path !== "string" || path === "") throw new TypeError(`${method} option "path" must be a non-empty string, got ${describeValue(path)}`);
    return {
      id: options.id ?? path,
      dependencies: [...dependencies],
      async save(values) {
        const value = dependencies.length === 1 ? values[dependencies[0]!] : Object.fromEntries(dependencies.map((d) => [d, values[d]]));
        const { text, rows } = format.encode(value, options);
        await fs.writeText(path, text);
        return { path, format: format.name, rows, bytes: utf8Length(text) };
      },
    };
  };
  return {
    json: (o) => file(json, o),
    ndjson: (o) => file(ndjson, o),
    csv: (o) => file(csv, o),
    file: (o) => file(o.format, o),
    using: savers,
  };
}
