/**
 * The HTTP server port on Node: node:http with @hono/node-server's request
 * listener.
 *
 * @module
 */
import { getRequestListener, RequestError } from "@hono/node-server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServeHttp } from "../../lib/ports/http-server.ts";

const bare = (status: 400 | 500) => new Response(null, { status });

/**
 * Serves a fetch handler on node:http.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export const serveHttp: ServeHttp = ({ fetch, hostname, port, fallback = bare }) =>
  new Promise((resolve, reject) => {
    // The listener itself, not serve(): only it takes an error handler, which also answers requests
    // the listener cannot turn into a Request (a Host header that is not a host, say).
    const listener = getRequestListener((request) => fetch(request), {
      hostname,
      errorHandler: (e) => fallback(e instanceof RequestError ? 400 : 500),
    });
    const server = createServer(listener);
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve({
        hostname,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            // Open server-sent event streams would hold close() forever.
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
