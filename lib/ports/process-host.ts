/**
 * The ProcessHost port: what a command-line program (the `weft` CLI) needs
 * from the runtime it runs on. Implemented in runtime/<name>/process-host.ts.
 *
 * @module
 */

/** The running process, as the CLI sees it. */
export interface ProcessHost {
  /** Command-line arguments after the program and script names. */
  readonly args: readonly string[];
  /** Process id and machine name, for names in messages. */
  readonly pid: number;
  readonly hostname: string;
  /** A path given on the command line (relative to the working directory), made absolute. */
  absolutePath(path: string): string;
  /** The same, as a file: URL to import. */
  moduleUrl(path: string): string;
  /** Calls `listener` once on SIGINT or SIGTERM; a second signal ends the process at once. */
  onShutdown(listener: (signal: string) => void): void;
  /** Ends the process. */
  exit(code: number): never;
}
