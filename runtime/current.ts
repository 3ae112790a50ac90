/**
 * Detects the runtime, in this one place, and loads its adapter lazily: only
 * the current runtime's code is imported (Bun's adapter must never load on
 * Deno, and so on).
 *
 * @module
 */
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import type { ServeHttp } from "../lib/ports/http-server.ts";
import type { Platform } from "../lib/ports/platform.ts";

/** "bun", "deno" or "node". */
export function runtimeName(): "bun" | "deno" | "node" {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

/** The Platform of the runtime this code runs on. */
export async function loadPlatform(): Promise<Platform> {
  const name = runtimeName();
  if (name === "node") return (await import("./node/platform.ts")).platform;
  // Computed specifiers keep each type checker out of the other runtimes' code (Bun's checks
  // against Bun's types, Deno's against Deno's). Deno asks for read permission for such an
  // import; the platform is only loaded for worker nodes and the cache, which need it anyway.
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return ((await import(`./${name}/platform.${ext}`)) as { platform: Platform }).platform;
}

/**
 * A store for large values on a directory shared by every machine of a run.
 * One implementation serves every runtime (Bun and Deno implement the
 * `node:fs` it uses); it is imported on first use only.
 */
export async function loadDirectoryStore(directory: string): Promise<LargeValueStore> {
  const { DirectoryValueStore } = await import("./shared/directory-store.ts");
  return new DirectoryValueStore(directory);
}

/** The HTTP server of the runtime this code runs on (Bun.serve, Deno.serve, @hono/node-server). */
export async function loadServeHttp(): Promise<ServeHttp> {
  const name = runtimeName();
  if (name === "node") return (await import("./node/serve.ts")).serveHttp;
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return ((await import(`./${name}/serve.${ext}`)) as { serveHttp: ServeHttp }).serveHttp;
}
