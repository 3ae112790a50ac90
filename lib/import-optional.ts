/**
 * Loading an optional peer dependency (bullmq and ioredis, better-sqlite3,
 * @viz-js/viz, apache-arrow): the one place where "module not found" becomes a
 * {@link MissingPackageError} that names the package and the command that
 * installs it. Any other failure (a package that is there but broken, a
 * missing module of its own) is passed on as it is.
 *
 * @module
 */
import { MissingPackageError } from "./errors.ts";

/** An optional package, and what cannot be done without it. */
export interface OptionalPackage {
  /** The specifier that `load` imports, e.g. `"@viz-js/viz"`: only its absence is explained. */
  readonly specifier: string;
  /** What fails without it, read after "Cannot ": `"draw SVG"`. */
  readonly whatFor: string;
  /** The packages the message says to install; default: the specifier's package. */
  readonly install?: readonly string[];
  /** Another way out, read after ", or ": `"use Bun or Deno"`. */
  readonly otherwise?: string;
}

/**
 * Runs `load` (an `import()`, or a `require` where loading must be
 * synchronous) and returns what it returns; when the package is not installed,
 * throws (or rejects with) a {@link MissingPackageError} instead. The caller
 * writes the `import("…")` itself, with a literal specifier, so that type
 * checkers, Deno, JSR and bundlers see the dependency.
 *
 * @throws {MissingPackageError} `Cannot draw SVG: "@viz-js/viz" is not installed; run "npm install @viz-js/viz"`
 * @example
 * ```ts
 * const { instance } = await importOptional(() => import("@viz-js/viz"), { specifier: "@viz-js/viz", whatFor: "draw SVG" });
 * ```
 */
export function importOptional<T>(load: () => T, pkg: OptionalPackage): T {
  let loaded: T;
  try {
    loaded = load();
  } catch (e) {
    throw explained(e, pkg);
  }
  if (loaded instanceof Promise) return loaded.catch((e: unknown) => Promise.reject(explained(e, pkg))) as T;
  return loaded;
}

/** The package a specifier belongs to: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.replace(/^npm:/, "").split("/");
  return specifier.replace(/^npm:/, "").startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/**
 * True when `error` says that `specifier`'s package cannot be found: Node's
 * `ERR_MODULE_NOT_FOUND` (import) or `MODULE_NOT_FOUND` (require), which Bun
 * and Deno use too, with the package named in quotes. A module missing inside
 * an installed package names a path instead, and is not this.
 */
export function isPackageNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  const name = packageOf(specifier).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`["'\`](?:npm:)?${name}(?:/[^"'\`]*)?["'\`]`).test(String((error as { message?: unknown }).message));
}

function explained(error: unknown, pkg: OptionalPackage): unknown {
  if (!isPackageNotFound(error, pkg.specifier)) return error;
  return new MissingPackageError(pkg.whatFor, packageOf(pkg.specifier), {
    ...(pkg.install === undefined ? {} : { install: pkg.install }),
    ...(pkg.otherwise === undefined ? {} : { otherwise: pkg.otherwise }),
    cause: error,
  });
}
