/**
 * Web Workers, for Bun and Deno: one factory, told by each runtime where its
 * worker entry is and whether the runtime says when a worker ends.
 *
 * @module
 */
import type { WorkerFactory, WorkerHandle } from "../../lib/ports/worker-factory.ts";

/** Options of {@link WebWorkerFactory}. */
export interface WebWorkerFactoryOptions {
  /** The module a worker runs: the runtime's worker entry (runtime/<name>/worker.ts). */
  readonly entry: URL;
  /**
   * True when the runtime fires "close" with the exit code once a worker has
   * ended (Bun): an "error" before it only supplies the message. Without it
   * (Deno has no exit event for workers) an "error" that reaches this thread
   * is the end of the worker; the entry reports exits itself.
   */
  readonly closeEvent: boolean;
}

/**
 * Starts Web Workers running a runtime's worker entry.
 *
 * @example
 * ```ts
 * const workers = new WebWorkerFactory({ entry: new URL("./worker.ts", import.meta.url), closeEvent: true });
 * const worker = workers.start();
 * ```
 */
export class WebWorkerFactory implements WorkerFactory {
  readonly #entry: string;
  readonly #closeEvent: boolean;

  constructor(options: WebWorkerFactoryOptions) {
    this.#entry = options.entry.href;
    this.#closeEvent = options.closeEvent;
  }

  start(): WorkerHandle {
    const worker = new Worker(this.#entry, { type: "module" });
    let lastError: string | undefined;
    let exitListener: ((reason: Error) => void) | undefined;
    let terminated = false;
    worker.addEventListener("error", (event) => {
      // Handled here, so that a worker's uncaught error cannot take this process down.
      event.preventDefault();
      if (this.#closeEvent) lastError = event.message;
      else exitListener?.(new Error(event.message));
    });
    if (this.#closeEvent) {
      worker.addEventListener("close", (event) => {
        if (terminated) return;
        const code = (event as unknown as { code?: number }).code;
        exitListener?.(new Error(lastError ?? `the worker exited with code ${code ?? "unknown"}`));
      });
    }
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
