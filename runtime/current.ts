/**
 * Detects the runtime, in this one place, and loads its adapter lazily: only
 * the current runtime's code is imported (Bun's adapter must never load on
 * Deno, and so on).
 *
 * @module
 */
import type { Platform } from "../lib/ports/platform.ts";

/** "bun", "deno" or "node". */
export function runtimeName(): "bun" | "deno" | "node" {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

/** The Platform of the runtime this code runs on. */
export async function loadPlatform(): Promise<Platform> {
  // A computed specifier: type checkers and bundlers must not follow into other runtimes' adapters.
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const mod = (await import(`./${runtimeName()}/platform.${ext}`)) as { platform: Platform };
  return mod.platform;
}
