/**
 * The HTTP server port on Bun: `Bun.serve`.
 *
 * @module
 */
import type { ServeHttp } from "../../lib/ports/http-server.ts";

/**
 * Serves a fetch handler with `Bun.serve`.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export const serveHttp: ServeHttp = async ({ fetch, hostname, port }) => {
  // idleTimeout 0: a server-sent event stream may be quiet for longer than Bun's default 10 s.
  const server = Bun.serve({ fetch, hostname, port, idleTimeout: 0 });
  return { hostname, port: server.port ?? port, close: () => server.stop(true) };
};
