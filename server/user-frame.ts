/**
 * The user's frame of an error: the first stack frame outside weft's own files and node_modules, so a failed
 * run's top error points at the user's line (issue 15: it showed only weft's and Effect's frames).
 *
 * @module
 */

/** weft's own source folders, beside server/: a frame in one of them (or in a file at the root) is weft's. */
const OWN_DIRS = ["lib", "executors", "cache", "runtime", "history", "server", "cli", "sqlite", "dist", "bin"];

/** weft's root directory as a path, from this file's URL. */
const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/**
 * The first frame of `stacks`, in order, outside weft and node_modules: its line as the stack gives it,
 * trimmed, or `undefined` when every frame is weft's (or there is no stack).
 *
 * @example
 * ```ts
 * userFrame([node.error?.stack, run.error?.stack]); // "at square (/home/me/flow.ts:30:11)"
 * ```
 */
export function userFrame(stacks: readonly (string | undefined)[], root: string = ROOT): string | undefined {
  for (const stack of stacks) {
    if (stack === undefined) continue;
    for (const line of stack.split("\n")) {
      const frame = line.trim();
      if (!frame.startsWith("at ")) continue;
      const file = fileOf(frame);
      if (file !== undefined && !isWefts(file, root)) return frame;
    }
  }
  return undefined;
}

/** The file of a frame such as `at f (/a/b.ts:1:2)`, `at /a/b.ts:1:2` or `at f (file:///a/b.ts:1:2)`. */
function fileOf(frame: string): string | undefined {
  const inParens = /\((.*)\)$/.exec(frame);
  let location = inParens ? inParens[1]! : frame.slice(3);
  location = location.replace(/:\d+(:\d+)?$/, "");
  if (location.startsWith("file://")) location = decodeURIComponent(new URL(location).pathname);
  location = location.replaceAll("\\", "/");
  // "native", "<anonymous>", "node:internal/…", "ext:core/…": not a file of the user's.
  if (!location.includes("/") || (/^[a-z]+:(?!\/\/)/i.test(location) && !/^[a-z]:[\\/]/i.test(location))) return undefined;
  return location;
}

function isWefts(file: string, root: string): boolean {
  if (file.includes("/node_modules/")) return true;
  if (!file.startsWith(root)) return false;
  const rest = file.slice(root.length);
  return !rest.includes("/") || OWN_DIRS.includes(rest.slice(0, rest.indexOf("/")));
}
