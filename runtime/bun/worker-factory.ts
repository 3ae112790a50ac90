/**
 * Web Workers on Bun. Bun fires "close" with the exit code when a worker ends
 * (process.exit, a crash); an "error" before it carries the message.
 *
 * @module
 */
import { WebWorkerFactory } from "../shared/web-worker-factory.ts";

/** Starts Bun Web Workers running weft's worker entry. */
export class BunWorkerFactory extends WebWorkerFactory {
  constructor() {
    super({ entry: new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url), closeEvent: true });
  }
}
