/**
 * The HTTP server port on Node: @hono/node-server.
 *
 * @module
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { ServeHttp } from "../../lib/ports/http-server.ts";

/**
 * Serves a fetch handler with @hono/node-server.
 *
 * @example
 * ```ts
 * const server = await serveHttp({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
 * ```
 */
export const serveHttp: ServeHttp = ({ fetch, hostname, port }) =>
  new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info: AddressInfo) => {
      server.off("error", reject);
      resolve({
        hostname,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // Open server-sent event streams would hold close() forever.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once("error", reject);
  });
