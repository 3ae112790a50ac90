/**
 * The HTTP server port: serving a fetch handler (a Hono app's `app.fetch`)
 * on a host and port. Bun.serve, Deno.serve and @hono/node-server each get a
 * thin adapter in runtime/<name>/serve.ts.
 *
 * @module
 */

/** A request handler in the web-standard shape. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A listening server. */
export interface HttpServer {
  readonly hostname: string;
  /** The port it listens on (the one chosen by the OS when 0 was asked). */
  readonly port: number;
  /** Stops listening and ends open connections (server-sent event streams included). */
  close(): Promise<void>;
}

/**
 * Serves `fetch` on `hostname`:`port` (0 for any free port).
 *
 * @throws {Error} with `code` "EADDRINUSE" when the port is taken
 */
export type ServeHttp = (options: ServeOptions) => Promise<HttpServer>;

/** Options of {@link ServeHttp}. */
export interface ServeOptions {
  readonly fetch: FetchHandler;
  readonly hostname: string;
  readonly port: number;
  /**
   * The answer when the runtime cannot make a Request of what came in (400) or `fetch` throws (500).
   * Default: a bare status. Never the runtime's development error page (stacks, paths, source lines).
   */
  readonly fallback?: (status: 400 | 500) => Response;
}
