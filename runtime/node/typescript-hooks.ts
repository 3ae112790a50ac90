/**
 * Module hooks (`node:module` register) that let a Node without type
 * stripping (Node 20, Node 22 before 22.18 without the flag) import a user's
 * `.ts`, `.mts` and `.tsx` files: the types are removed with oxc-transform,
 * an optional peer dependency, loaded on the first TypeScript file Node
 * refuses. Every other file is left to Node and the hooks after these.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { importOptional } from "../../lib/import-optional.ts";

interface LoadContext {
  format?: string | null;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source: string;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult> | LoadResult;

interface OxcTransform {
  transformSync(filename: string, source: string, options?: object): { code: string; errors: readonly { message: string; labels?: readonly { start: number }[] }[] };
}

const TYPESCRIPT = /\.(?:mts|tsx?)$/;
let oxc: Promise<OxcTransform> | undefined;

function loadOxc(file: string): Promise<OxcTransform> {
  oxc ??= importOptional(() => import("oxc-transform"), {
    specifier: "oxc-transform",
    whatFor: `import the TypeScript module "${file}" on Node ${process.version}`,
    otherwise: "use Node 22.18 or later (it removes types itself), Bun or Deno",
  }).then(
    (m: unknown) => ((m as { default?: OxcTransform }).default ?? m) as OxcTransform,
    (e: unknown) => {
      oxc = undefined;
      throw e;
    },
  );
  return oxc;
}

/** Line and column (1-based) of `offset` in `text`. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * The load hook. A TypeScript file that the hooks after this one or Node
 * itself can load (Node 22.18 and later, a loader such as tsx) is theirs;
 * one Node refuses by its extension has its types removed here.
 */
export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith("file:") || !TYPESCRIPT.test(new URL(url).pathname)) return nextLoad(url, context);
  try {
    return await nextLoad(url, context);
  } catch (e) {
    if ((e as { code?: unknown })?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  }
  const file = fileURLToPath(url);
  const [source, transform] = await Promise.all([readFile(file, "utf8"), loadOxc(file)]);
  const result = transform.transformSync(file, source, { sourceType: "module" });
  const error = result.errors[0];
  if (error) {
    const at = error.labels?.[0] ? `:${position(source, error.labels[0].start)}` : "";
    throw new SyntaxError(`${file}${at}: ${error.message}`);
  }
  return { format: "module", source: result.code, shortCircuit: true };
}
