/**
 * Web Workers on Bun. Bun fires "close" with the exit code when a worker ends
 * (process.exit, a crash); an "error" before it carries the message.
 *
 * @module
 */
import type { WorkerFactory, WorkerHandle } from "../../lib/ports/worker-factory.ts";

const ENTRY = new URL("../../executors/web-worker-entry.ts", import.meta.url).href;

/** Starts Bun Web Workers running weft's worker entry. */
export class BunWorkerFactory implements WorkerFactory {
  start(): WorkerHandle {
    const worker = new Worker(ENTRY, { type: "module" });
    let lastError: string | undefined;
    let exitListener: ((reason: Error) => void) | undefined;
    let terminated = false;
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      lastError = event.message;
    });
    worker.addEventListener("close", (event) => {
      if (terminated) return;
      const code = (event as unknown as { code?: number }).code;
      exitListener?.(new Error(lastError ?? `the worker exited with code ${code ?? "unknown"}`));
    });
    return {
      postMessage: (message, transfer) => worker.postMessage(message, [...transfer]),
      onMessage: (listener) => {
        worker.onmessage = (event) => listener(event.data);
      },
      onExit: (listener) => {
        exitListener = listener;
      },
      terminate: async () => {
        terminated = true;
        worker.terminate();
      },
    };
  }
}
