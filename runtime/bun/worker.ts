/**
 * Entry of a Bun Web Worker: the shared Web Worker entry as it is. Bun tells
 * the main thread when a worker ends (see worker-factory.ts), so unlike
 * Deno's entry this one reports nothing itself.
 *
 * @module
 */
import "../../executors/web-worker-entry.ts";
