/**
 * The WorkerFactory port: how to start a worker thread on this runtime
 * (Web Workers on Bun and Deno, worker_threads on Node). Implemented in
 * runtime/<name>/worker-factory.ts.
 *
 * @module
 */

/** A running worker thread, whatever the runtime. */
export interface WorkerHandle {
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
  /** Sets the one listener for messages from the worker. */
  onMessage(listener: (message: unknown) => void): void;
  /** Sets the one listener for the worker dying: an uncaught error, an exit, a crash. */
  onExit(listener: (reason: Error) => void): void;
  /** Stops the worker at once. */
  terminate(): Promise<void>;
}

/** Starts workers that run weft's worker entry. */
export interface WorkerFactory {
  start(): WorkerHandle;
}
