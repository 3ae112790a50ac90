/**
 * Web Workers on Deno. Deno has no exit event for workers: the worker entry
 * (worker.ts) reports exits and uncaught errors itself; an "error" that still
 * reaches the main thread ends the worker.
 *
 * @module
 */
import { WebWorkerFactory } from "../shared/web-worker-factory.ts";

/** Starts Deno Web Workers running weft's worker entry. */
export class DenoWorkerFactory extends WebWorkerFactory {
  constructor() {
    super({ entry: new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url), closeEvent: false });
  }
}
