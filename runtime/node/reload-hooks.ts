/**
 * Module hooks (`node:module` register) for fresh imports on Node: a project
 * file imported from a module whose URL carries `?weft-gen=N` gets the same
 * query, so importing `flow.ts?weft-gen=N` evaluates the flow and every
 * project file it reaches anew (a new URL is a new module instance), while
 * packages and weft's own files resolve as always and stay shared.
 *
 * @module
 */
import { isProjectFile } from "../shared/module-files.ts";

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult> | ResolveResult;

const GENERATION = "weft-gen";

/** The resolve hook: passes the parent's generation on to the project files it imports. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const resolved = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (parent === undefined || !parent.includes(GENERATION) || !isProjectFile(resolved.url)) return resolved;
  const generation = new URL(parent).searchParams.get(GENERATION);
  if (generation === null) return resolved;
  const url = new URL(resolved.url);
  url.searchParams.set(GENERATION, generation);
  return { ...resolved, url: url.href };
}
