/**
 * Web Workers on Deno. Deno has no exit event for workers: the worker entry
 * reports exits and uncaught errors itself; an "error" that still reaches the
 * main thread is handled here so it cannot take the process down.
 *
 * @module
 */
import type { WorkerFactory, WorkerHandle } from "../../lib/ports/worker-factory.ts";

const ENTRY = new URL("./worker.ts", import.meta.url).href;

/** Starts Deno Web Workers running weft's worker entry. */
export class DenoWorkerFactory implements WorkerFactory {
  start(): WorkerHandle {
    const worker = new Worker(ENTRY, { type: "module" });
    let exitListener: ((reason: Error) => void) | undefined;
    worker.onerror = (event) => {
      event.preventDefault();
      exitListener?.(new Error(event.message));
    };
    return {
      postMessage: (message, transfer) => worker.postMessage(message, [...transfer]),
      onMessage: (listener) => {
        worker.onmessage = (event) => listener(event.data);
      },
      onExit: (listener) => {
        exitListener = listener;
      },
      terminate: async () => worker.terminate(),
    };
  }
}
