/**
 * Entry of a Web Worker (Bun and Deno): wires the worker handler to the
 * worker's global message port, and reports a crash (an uncaught error or
 * rejection from stray async code) before the worker dies, so the pool can
 * fail the node with the cause and replace the worker.
 *
 * @module
 */
import { createWorkerHandler } from "./worker-handler.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  addEventListener(type: string, listener: (event: Event & { message?: string; reason?: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const handle = createWorkerHandler((message, transfer) => scope.postMessage(message, transfer));
scope.onmessage = (event) => void handle(event.data);
scope.addEventListener("error", (event) => {
  event.preventDefault();
  scope.postMessage({ type: "crashed", message: `uncaught error: ${event.message ?? "unknown"}` });
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  const reason = event.reason;
  scope.postMessage({ type: "crashed", message: `unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}` });
});
