/**
 * The parser (oxc-parser) and scope analysis (@typescript-eslint/scope-manager),
 * loaded on first need only: they cost about 100 ms to load, a new process
 * whose files' analyses are all stored never needs them, and oxc-parser is a
 * native addon (Deno allows it only with --allow-ffi).
 *
 * @module
 */
import type { analyze } from "@typescript-eslint/scope-manager";
import type { parseSync } from "oxc-parser";

/** What analysing code needs. */
export interface Parsers {
  readonly parseSync: typeof parseSync;
  readonly analyze: typeof analyze;
}

let loaded: Parsers | undefined;

/** Thrown by {@link parsers} before {@link loadParsers}: load them, then try again. */
export class ParsersNotLoaded extends Error {
  constructor() {
    super("The code parser is not loaded yet; await loadParsers() first");
  }
}

/** Loads the parsers (once). Rejects when the native addon cannot load. */
export async function loadParsers(): Promise<void> {
  if (loaded !== undefined) return;
  const [oxc, scopes] = await Promise.all([import("oxc-parser"), import("@typescript-eslint/scope-manager")]);
  loaded = { parseSync: oxc.parseSync, analyze: scopes.analyze };
}

/** Whether the parsers are loaded (tests: a process whose analyses are all stored never loads them). */
export function parsersLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * The loaded parsers.
 *
 * @throws {ParsersNotLoaded} before {@link loadParsers} has finished
 */
export function parsers(): Parsers {
  if (loaded === undefined) throw new ParsersNotLoaded();
  return loaded;
}
