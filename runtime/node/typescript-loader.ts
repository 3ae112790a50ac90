/**
 * Lets this Node process import TypeScript modules (a flow file given to the
 * CLI, the modules a worker thread loads) when the running Node does not
 * strip types itself. Node 22.18 and later (and 23.6 and later) do, and then
 * this does nothing.
 *
 * @module
 */
import { register } from "node:module";
import process from "node:process";

let registered = false;

/** True when this Node imports `.ts` files by itself. */
export function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}

/** Registers the hooks of typescript-hooks.ts once per thread (hooks are per thread on Node 20). */
export function registerTypeScriptLoader(): void {
  if (registered || nodeStripsTypes()) return;
  registered = true;
  const hooks = import.meta.url.endsWith(".ts") ? "./typescript-hooks.ts" : "./typescript-hooks.js";
  register(new URL(hooks, import.meta.url));
}
