/**
 * Where the web view listens by default; a module of its own so that the CLI
 * can show these in its help without loading the server.
 *
 * @module
 */

/** The web view's default port. */
export const DEFAULT_PORT = 4319;
/** The web view's default host: this machine only. */
export const DEFAULT_HOST = "127.0.0.1";
