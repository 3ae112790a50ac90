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
 * Opens the cache at `location` for a process that is not a driver, such as
 * `weft worker`: a SQLite file, which several processes of one machine share,
 * or a `postgres://` URL, the team store every machine shares (`directory`:
 * its shared results directory, as `postgres(url, { directory })`).
 * Imported on first use only.
 *
 * @throws {CacheError} when the cache cannot be opened or written
 * @throws {MissingPackageError} for a `postgres://` URL when the postgres package is not installed
 */
export async function openCacheAt(location: string, warn: (message: string) => void = (m) => console.warn(m), options: { readonly directory?: string } = {}): Promise<Cache> {
  const { isPostgresUrl } = await import("../lib/ports/postgres.ts");
  if (isPostgresUrl(location)) {
    const [{ checkPostgresInstalled }, { PostgresStore }] = await Promise.all([import("./shared/postgres-connection.ts"), import("./shared/postgres-store.ts")]);
    await checkPostgresInstalled();
    return new PostgresStore(location, { warn, ...(options.directory === undefined ? {} : { directory: options.directory }) });
  }
  if (options.directory !== undefined) throw new TypeError(`A results directory goes with a PostgreSQL team store (postgres://…), not with the SQLite cache "${location}", which keeps its own files beside it; drop it`);
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
