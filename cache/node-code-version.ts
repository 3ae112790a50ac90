/**
 * The cache's code versions as a {@link CodeVersioner}: what the BullMQ
 * executor and `weft worker` compare, so that "the same code" means the same
 * thing to the cache and to remote workers (read from the module's file, so
 * a Node driver and Bun workers agree).
 *
 * @module
 */
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import type { FileSystem } from "../lib/ports/file-system.ts";
import type { Hasher } from "../lib/ports/hasher.ts";
import { nodeCodeVersions } from "./code/node-code-versions.ts";

/**
 * A CodeVersioner over the cache's code versions; `loadDrivers` is called once, on first use.
 *
 * @example
 * ```ts
 * const versionOf = nodeCodeVersioner(async () => ({ fs, hasher }));
 * await versionOf({ source: flow.doubled, exportName: "doubled", options: {} }, { exports: flow, url }); // "sha256:…"
 * ```
 */
export function nodeCodeVersioner(loadDrivers: () => Promise<{ readonly fs?: FileSystem; readonly hasher: Hasher }>): CodeVersioner {
  let drivers: Promise<{ readonly fs?: FileSystem; readonly hasher: Hasher }> | undefined;
  return async (spec, module = {}) => {
    if (spec.options.version !== undefined) return `manual:${spec.options.version}`;
    const { fs, hasher } = await (drivers ??= loadDrivers());
    const file = { exports: module.exports ?? {}, ...(module.url === undefined ? {} : { url: module.url }) };
    const [v] = await nodeCodeVersions([{ node: spec.exportName, exportName: spec.exportName, source: spec.source, module: file }], { fs, hasher });
    // A function with no readable source (native, bound) cannot be compared: its text stands in, so it never matches by accident.
    return v!.ok ? `sha256:${v!.codeVersion}` : `unversioned:${Function.prototype.toString.call(spec.source)}`;
  };
}
