/**
 * The HTTP server port on Deno: `Deno.serve` (needs --allow-net).
 *
 * @module
 */
import type { ServeHttp } from "../../lib/ports/http-server.ts";

const bare = (status: 400 | 500) => new Response(null, { status });

/**
 * Serves a fetch handler with `Deno.serve`.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export const serveHttp: ServeHttp = async ({ fetch, hostname, port, fallback = bare }) => {
  const controller = new AbortController();
  const server = Deno.serve({ hostname, port, signal: controller.signal, onListen: () => {}, onError: () => fallback(500) }, (request) => fetch(request));
  const addr = server.addr as Deno.NetAddr;
  return {
    hostname,
    port: addr.port,
    close: async () => {
      controller.abort();
      await server.finished;
    },
  };
};
