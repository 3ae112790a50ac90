/**
 * worker_threads on Node: "error" carries an uncaught error (or running out
 * of memory), "exit" the exit code.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { WorkerFactory, WorkerHandle } from "../../lib/ports/worker-factory.ts";

// Built to dist/ as .js; the source entry is only for type checking.
const ENTRY = new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);

/** Starts Node worker threads running weft's worker entry. */
export class NodeWorkerFactory implements WorkerFactory {
  start(): WorkerHandle {
    const worker = new Worker(ENTRY);
    let lastError: Error | undefined;
    let exitListener: ((reason: Error) => void) | undefined;
    let terminated = false;
    worker.on("error", (error: unknown) => {
      lastError = error instanceof Error ? error : new Error(String(error));
    });
    worker.on("exit", (code) => {
      if (!terminated) exitListener?.(lastError ?? new Error(`the worker exited with code ${code}`));
    });
    return {
      postMessage: (message, transfer) => worker.postMessage(message, [...transfer]),
      onMessage: (listener) => {
        worker.on("message", listener);
      },
      onExit: (listener) => {
        exitListener = listener;
      },
      terminate: async () => {
        terminated = true;
        await worker.terminate();
      },
    };
  }
}
