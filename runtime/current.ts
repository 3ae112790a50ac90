/**
 * Detects the runtime, in this one place, and loads its adapter lazily: only
 * the current runtime's code is imported (Bun's adapter must never load on
 * Deno, and so on).
 *
 * @module
 */
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import type { Platform } from "../lib/ports/platform.ts";

/** "bun", "deno" or "node". */
export function runtimeName(): "bun" | "deno" | "node" {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

/** The Platform of the runtime this code runs on. */
export async function loadPlatform(): Promise<Platform> {
  switch (runtimeName()) {
    case "bun": {
      // A computed specifier keeps Deno's and Node's type checkers out of Bun-only code
      // (Deno would need read permission for it, so the other runtimes use literals).
      const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
      return ((await import(`./bun/platform.${ext}`)) as { platform: Platform }).platform;
    }
    case "deno":
      return (await import("./deno/platform.ts")).platform;
    case "node":
      return (await import("./node/platform.ts")).platform;
  }
}

/**
 * A store for large values on a directory shared by every machine of a run.
 * One implementation serves every runtime (Bun and Deno implement the
 * `node:fs` it uses); it is imported on first use only.
 */
export async function loadDirectoryStore(directory: string): Promise<LargeValueStore> {
  const { DirectoryValueStore } = await import("./node/directory-store.ts");
  return new DirectoryValueStore(directory);
}
