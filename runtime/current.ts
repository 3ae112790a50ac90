/**
 * Detects the runtime, in this one place, and loads its adapter lazily: only
 * the current runtime's code is imported (Bun's adapter must never load on
 * Deno, and so on).
 *
 * @module
 */
import type { Cache } from "../lib/ports/cache.ts";
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
 * Opens the cache at `location` (a SQLite file, which several processes of one
 * machine share) for a process that is not a driver, such as `weft worker`.
 * Imported on first use only.
 *
 * @throws {CacheError} when the cache cannot be opened or written
 */
export async function openCacheAt(location: string, warn: (message: string) => void = (m) => console.warn(m)): Promise<Cache> {
  const [{ openCache }, platform] = await Promise.all([import("../cache/open-cache.ts"), loadPlatform()]);
  let unavailable: string | undefined;
  const cache = openCache({ path: location }, await platform.cacheDrivers(), (m) => {
    unavailable = m;
    warn(m);
  });
  if (cache === undefined) {
    const { CacheError } = await import("../lib/errors.ts");
    throw new CacheError(`Cannot open the cache "${location}": ${unavailable ?? "it is not available"}`);
  }
  return cache;
}

/** The HTTP server of the runtime this code runs on (Bun.serve, Deno.serve, @hono/node-server). */
export async function loadServeHttp(): Promise<ServeHttp> {
  const name = runtimeName();
  if (name === "node") return (await import("./node/serve.ts")).serveHttp;
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  return ((await import(`./${name}/serve.${ext}`)) as { serveHttp: ServeHttp }).serveHttp;
}
