/**
 * Messages between the Worker pool and its workers.
 *
 * @module
 */
import type { SerializedError } from "../lib/error-codec.ts";
import type { NodeLocator } from "../lib/ports/executor.ts";

/** From the pool to a worker. */
export type ToWorker =
  | { readonly type: "run"; readonly id: number; readonly locator: NodeLocator; readonly style: "positional" | "object"; readonly args: unknown }
  | { readonly type: "cancel"; readonly id: number }
  /** Import a module now, so the first task does not pay for it. */
  | { readonly type: "load"; readonly moduleUrl: string };

/** From a worker to the pool. */
export type FromWorker =
  | { readonly type: "ok"; readonly id: number; readonly value: unknown }
  | { readonly type: "error"; readonly id: number; readonly error: SerializedError }
  /** Answer to "load" (a failure is left for the first task to report, with its node's name). */
  | { readonly type: "loaded"; readonly moduleUrl: string }
  /** The worker is about to die (uncaught error, exit): the pool replaces it. */
  | { readonly type: "crashed"; readonly message: string };
