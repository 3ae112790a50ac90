/**
 * The cache's code versions as a {@link CodeVersioner}: what the BullMQ
 * executor and `weft worker` compare, so that "the same code" means the same
 * thing to the cache and to remote workers (the syntax tree of the function
 * and of the same-module helpers it calls; comments and layout do not count).
 *
 * @module
 */
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { codeVersion } from "./code-version.ts";

/**
 * A CodeVersioner over the cache's code versions; `loadHasher` is called once, on first use.
 *
 * @example
 * ```ts
 * const versionOf = nodeCodeVersioner(async () => bunHasher);
 * await versionOf({ source: (x: number) => x * 2, options: {} }); // "sha256:…"
 * ```
 */
export function nodeCodeVersioner(loadHasher: () => Promise<Hasher>): CodeVersioner {
  let hasher: Promise<Hasher> | undefined;
  return async (spec, moduleExports) => {
    if (spec.options.version !== undefined) return `manual:${spec.options.version}`;
    const v = codeVersion(spec.source, await (hasher ??= loadHasher()), moduleExports === undefined ? {} : { module: moduleExports });
    // A function with no readable source (native, bound) cannot be compared: its text stands in, so it never matches by accident.
    return v.ok ? `sha256:${v.codeVersion}` : `unversioned:${Function.prototype.toString.call(spec.source)}`;
  };
}
