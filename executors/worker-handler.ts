/**
 * The inside of a worker: receives node tasks, imports the node's module by
 * URL (once per worker), rebuilds the node with `nodeSpecsOf` and calls it.
 * Runtime-neutral: the runtime's worker entry wires it to its message port.
 *
 * @module
 */
import { Effect } from "effect";
import { serializeError } from "../lib/error-codec.ts";
import { bareRecord } from "../lib/own-property.ts";
import { SerializationError, WorkerError } from "../lib/errors.ts";
import { nodeSpecsOf } from "../lib/model/node-specs.ts";
import { findCloneProblem, transferableBuffers } from "../lib/structured-clone.ts";
import type { ToWorker, FromWorker } from "./worker-protocol.ts";

type Post = (message: FromWorker, transfer: ArrayBuffer[]) => void;

/** Makes the message handler of a worker; `post` sends a message back to the pool. */
export function createWorkerHandler(post: Post): (message: ToWorker) => Promise<void> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const running = new Map<number, AbortController>();

  const load = (url: string): Promise<Record<string, unknown>> => {
    let mod = modules.get(url);
    if (mod === undefined) modules.set(url, (mod = import(url)));
    return mod;
  };

  return async (message) => {
    if (message.type === "cancel") {
      running.get(message.id)?.abort(new DOMException("The run no longer needs this node", "AbortError"));
      return;
    }
    if (message.type === "load") {
      await load(message.moduleUrl).catch(() => modules.delete(message.moduleUrl));
      post({ type: "loaded", moduleUrl: message.moduleUrl }, []);
      return;
    }
    const { id, locator, style } = message;
    // Structured clone gives the arguments object a prototype again: take it off, as buildArgs does,
    // so that an optional `{ constructor = 1 }` left to its default does not receive `Object`.
    const args = style === "object" ? Object.assign(bareRecord(), message.args) : message.args;
    const controller = new AbortController();
    running.set(id, controller);
    try {
      let exports: Record<string, unknown>;
      try {
        exports = await load(locator.moduleUrl);
      } catch (e) {
        modules.delete(locator.moduleUrl);
        throw new WorkerError(locator.nodeName, `Cannot import module "${locator.moduleUrl}" in a worker for node "${locator.nodeName}": ${(e as Error)?.message ?? String(e)}; make sure the module loads on its own, without state set up by the main thread`, { cause: e });
      }
      const spec = nodeSpecsOf(locator.exportName, exports[locator.exportName], { module: "", config: locator.config, exports })
        .find((s) => s.name === locator.nodeName);
      if (!spec) {
        throw new WorkerError(locator.nodeName, `Cannot find node "${locator.nodeName}" in export "${locator.exportName}" of module "${locator.moduleUrl}" inside a worker; the module must define it the same way in every thread`);
      }
      // Cancelled while the module loaded: a node must never start with a signal that already fired.
      if (controller.signal.aborted) throw controller.signal.reason;
      if (spec.signalIndex >= 0) {
        if (style === "object") (args as Record<string, unknown>).abortSignal = controller.signal;
        else (args as unknown[])[spec.signalIndex] = controller.signal;
      }
      let result = style === "object" ? spec.fn(args) : spec.fn(...(args as unknown[]));
      if (Effect.isEffect(result)) result = await Effect.runPromise(result as Effect.Effect<unknown, unknown>);
      else if (result !== null && typeof (result as PromiseLike<unknown>)?.then === "function") result = await result;
      const problem = findCloneProblem(result);
      if (problem) throw new SerializationError(locator.nodeName, problem.path, `${problem.detail} (in the result returned from a worker)`);
      // The worker keeps nothing it returns: move every whole buffer instead of copying it.
      post({ type: "ok", id, value: result }, transferableBuffers(result));
    } catch (e) {
      post({ type: "error", id, error: serializeError(e) }, []);
    } finally {
      running.delete(id);
    }
  };
}
