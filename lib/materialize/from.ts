/**
 * File loaders (Hamilton's `from_.*`): `loaders(fileSystem)` makes data-loader
 * nodes that read JSON, NDJSON or CSV. The node holds the data and
 * `<node>.metadata` says what was read (`{ path, format, rows, bytes }`).
 *
 * @module
 */
import { dataloader, type DataLoader } from "../modifiers/loaders.ts";
import { defineModifier, innerSpecs } from "../modifiers/_modifier.ts";
import { inject } from "../modifiers/parameterize.ts";
import { describeValue, isBinding, value, type SourceBinding } from "../modifiers/bindings.ts";
import { utf8Length, type TextFiles } from "./text-files.ts";
import { csv, json, ndjson, type Format } from "./formats.ts";
import type { FileMetadata } from "./to.ts";

/** Options of a file loader. */
export interface FileLoadOptions {
  /** The file: a fixed path, or `source("input")` to take it from a node or input. */
  readonly path: string | SourceBinding;
  /** CSV: turn cells that look like numbers into numbers. */
  readonly numbers?: boolean;
  /**
   * For `driver.materialize(...)`: the node or input whose value the loaded data is (Hamilton's `from_.x(target=)`).
   * The loader then also works as a node export, as without it.
   */
  readonly target?: string;
  /** For `driver.materialize(...)`: the key of the loader's metadata in its result; the target by default. */
  readonly id?: string;
}

const TARGETED: unique symbol = Symbol.for("weft.targetedLoad");

/** What `materialize` reads of a loader made with a `target`. */
export interface TargetedLoad {
  readonly id: string;
  readonly target: string;
  readonly path: string | SourceBinding;
  read(path: string): Promise<readonly [unknown, FileMetadata]>;
}

/** The load a `from.*({ target })` loader stands for in `materialize`, if `x` is one. */
export function targetedLoad(x: unknown): TargetedLoad | undefined {
  return typeof x === "function" ? (x as { [TARGETED]?: TargetedLoad })[TARGETED] : undefined;
}

type Loader<T> = DataLoader<(path: string) => Promise<readonly [T, FileMetadata]>>;

/** CSV rows: header -> cell. */
export type CsvRow = Record<string, string | number>;

/** File loaders over a {@link TextFiles}: `json`, `ndjson`, `csv`, and `file` for your own format. */
export interface Loaders {
  json<T = unknown>(options: FileLoadOptions): Loader<T>;
  ndjson<T = unknown>(options: FileLoadOptions): Loader<T[]>;
  csv(options: FileLoadOptions): Loader<CsvRow[]>;
  file<T = unknown>(options: FileLoadOptions & { readonly format: Format }): Loader<T>;
  /** The same loaders reading through other files (`MemoryTextFiles` in tests, say). */
  using(files: TextFiles): Loaders;
}

/**
 * File loaders reading through `fs`. The package exports `from`, made with the
 * runtime's file system; `from.using(files)` reads through other files.
 *
 * @example
 * ```ts
 * export const spendRows = from.csv({ path: source("spendPath"), numbers: true });
 * // nodes: spendRows (the rows), spendRows.metadata ({ path, format, rows, bytes }), spendRows.raw
 * ```
 */
export function loaders(fs: TextFiles): Loaders {
  const load = (format: Format, options: FileLoadOptions): Loader<any> => {
    if (typeof options !== "object" || options === null) throw new TypeError(`from.${format.name}() expects an options object { path }, got ${describeValue(options)}`);
    const path = options.path;
    if (!(typeof path === "string" && path !== "") && !isBinding(path)) {
      throw new TypeError(`from.${format.name}() option "path" must be a path or source("nodeName"), got ${describeValue(path)}`);
    }
    const read = async (path: string) => {
      const text = await fs.readText(path);
      const { value: data, rows } = format.decode(text, options, path);
      return [data, { path, format: format.name, rows, bytes: utf8Length(text) }] as const;
    };
    const { target } = options;
    if (target !== undefined && (typeof target !== "string" || target === "")) {
      throw new TypeError(`from.${format.name}() option "target" must be a node or input name, got ${describeValue(target)}`);
    }
    const loader = dataloader(inject({ path: typeof path === "string" ? value(path) : path }, read));
    // Shown as "from.csv" (say) rather than the inject and dataloader it is made of.
    const fn = defineModifier(loader, (ctx) => innerSpecs(ctx, loader).map((s) => ({ ...s, modifiers: [`from.${format.name}`] }))) as Loader<any>;
    if (target !== undefined) {
      const load: TargetedLoad = { id: options.id ?? target, target, path, read };
      Object.defineProperty(fn, TARGETED, { value: load });
    }
    return fn;
  };
  return {
    json: (o) => load(json, o),
    ndjson: (o) => load(ndjson, o),
    csv: (o) => load(csv, o),
    file: (o) => load(o.format, o),
    using: loaders,
  };
}
