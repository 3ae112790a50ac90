/**
 * What a BullMQ job of weft holds, shared by the driver side
 * (bullmq-executor.ts) and the worker side (bullmq-worker.ts). BullMQ stores
 * job data and return values as JSON, so values travel as {@link Wire}s.
 *
 * @module
 */
import { bareRecord } from "../lib/own-property.ts";
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import { fromWire, toWire, type Wire, type WireOptions } from "./wire-codec.ts";

/** Bumped when job data changes shape: a worker refuses jobs of another protocol. */
export const PROTOCOL = 2;

/** The queue drivers and workers use unless told otherwise. */
export const DEFAULT_QUEUE = "weft";

/** The Redis channel on which drivers ask workers to stop jobs the run no longer wants. */
export const cancelChannel = (queue: string): string => `weft:${queue}:cancel`;

/** A node call as a job. */
export interface JobData {
  readonly protocol: number;
  /** The submitting executor, whose heartbeat a worker checks before it runs the job. */
  readonly driver: string;
  /** Where the node comes from, on the driver's machine. */
  readonly node: { readonly moduleUrl: string; readonly exportName: string; readonly nodeName: string };
  /** The driver's code version of the node: jobs are routed to workers with the same (see bullmq-router.ts). */
  readonly code: string;
  /**
   * The driver's runtime ("bun", "deno", "node"), when known: runtimes read a
   * function's source differently (Bun's transpiler folds constants), so only
   * versions from the same runtime (or manual ones) compare.
   */
  readonly runtime?: string;
  /** Builder config (nodes may be shaped by it). */
  readonly config: Wire;
  readonly style: "positional" | "object";
  /** One wire per argument, so each large input is stored on its own. */
  readonly args: readonly Wire[] | Readonly<Record<string, Wire>>;
  /** Milliseconds one attempt may take. */
  readonly timeout?: number;
  /**
   * Set when the driver has a store: a result whose encoding is larger than
   * this many bytes may then come back by reference. Absent: always inline.
   */
  readonly refsAbove?: number;
}

/**
 * What a finished job returns: the node's value or its error (as serialized
 * error data), or `refused` when the worker's code for the node differs (a
 * config-shaped node, or a race): the driver routes the job elsewhere.
 */
export type JobResult = { readonly value: Wire } | { readonly error: Wire } | { readonly refused: string };

/** Puts a node's arguments on the wire, one wire per argument. */
export async function encodeArgs(style: JobData["style"], args: unknown, options: WireOptions): Promise<JobData["args"]> {
  if (style === "positional") return Promise.all((args as readonly unknown[]).map((a) => toWire(a, options)));
  const entries = await Promise.all(Object.entries(args as Record<string, unknown>).map(async ([k, v]) => [k, await toWire(v, options)] as const));
  return Object.fromEntries(entries);
}

/** The arguments a job carries, in the form the node is called with. */
export async function decodeArgs(data: JobData, store: LargeValueStore | undefined, missingStore: () => Error): Promise<unknown> {
  if (Array.isArray(data.args)) return Promise.all((data.args as readonly Wire[]).map((w) => fromWire(w, store, missingStore)));
  const entries = await Promise.all(Object.entries(data.args as Record<string, Wire>).map(async ([k, w]) => [k, await fromWire(w, store, missingStore)] as const));
  // No prototype, as buildArgs makes them: a destructured default must not see Object.prototype.
  const out = bareRecord();
  for (const [k, v] of entries) out[k] = v;
  return out;
}
