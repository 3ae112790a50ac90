/**
 * Entry of a Node worker thread: wires the worker handler to `parentPort`.
 * Uncaught errors and exits surface on the main thread's Worker object.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { registerTypeScriptLoader } from "./typescript-loader.ts";
import { createWorkerHandler } from "../../executors/worker-handler.ts";
import type { ToWorker } from "../../executors/worker-protocol.ts";

// Hooks are per thread on Node 20: the modules this worker imports may be TypeScript too.
registerTypeScriptLoader();

const port = parentPort!;
const handle = createWorkerHandler((message, transfer) => port.postMessage(message, transfer));
port.on("message", (message: ToWorker) => void handle(message));
