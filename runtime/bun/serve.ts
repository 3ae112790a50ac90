/**
 * The HTTP server port on Bun: `Bun.serve`.
 *
 * @module
 */
import type { ServeHttp } from "../../lib/ports/http-server.ts";

const bare = (status: 400 | 500) => new Response(null, { status });

/**
 * Serves a fetch handler with `Bun.serve`.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export const serveHttp: ServeHttp = async ({ fetch, hostname, port, fallback = bare }) => {
  // idleTimeout 0: a server-sent event stream may be quiet for longer than Bun's default 10 s.
  // development false: Bun's development error page shows stacks, paths and source lines to whoever asks.
  // reusePort false, although documented as the default: out of development mode Bun 1.4 otherwise shares
  // a port in use with whoever holds it instead of failing.
  const server = Bun.serve({ fetch, hostname, port, idleTimeout: 0, development: false, reusePort: false, error: () => fallback(500) });
  return { hostname, port: server.port ?? port, close: () => server.stop(true) };
};
