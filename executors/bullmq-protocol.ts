/**
 * What a BullMQ job of weft holds, shared by the driver side
 * (bullmq-executor.ts) and the worker side (bullmq-worker.ts). BullMQ stores
 * job data and return values as JSON, so values travel as {@link Wire}s.
 *
 * @module
 */
import { bareRecord } from "../lib/own-property.ts";
import type { JobValues } from "./bullmq-values.ts";
import type { Wire } from "./wire-codec.ts";

/** Bumped when job data changes shape: a worker refuses jobs of another protocol. */
export const PROTOCOL = 3;

/** The queue drivers and workers use unless told otherwise. */
export const DEFAULT_QUEUE = "weft";

/**
 * The Redis channel on which drivers (and reapers) ask the workers of one
 * BullMQ queue (a code set's, `<queue>.<setHash>`) to stop jobs no one wants.
 */
export const cancelChannel = (queue: string): string => `weft:${queue}:cancel`;

/** A node call as a job. */
export interface JobData {
  readonly protocol: number;
  /**
   * The submitting executor, whose heartbeat a worker checks before it runs
   * the job (not for a shared job: other drivers may wait for it too).
   */
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
   * Set when the driver has a cache: a result whose encoding is larger than
   * this many bytes then comes back by data version, through the cache's
   * result store. Absent: always inline (up to `MAX_INLINE_BYTES`).
   */
  readonly refsAbove?: number;
}

/**
 * A batch of map items as one job: each item's whole block runs on the
 * worker (executors/bullmq-block-job.ts), and only what the collect gathers
 * comes back, with every node's outcome.
 */
export interface BlockJobData {
  readonly protocol: number;
  readonly kind: "block";
  readonly driver: string;
  /** The parallelizable whose items these are. */
  readonly expand: string;
  /** The block's nodes, each with the driver's code version: routed to a set holding every one (a worker with other code hands the job back). */
  readonly nodes: readonly (JobData["node"] & { readonly code: string })[];
  readonly runtime?: string;
  readonly config: Wire;
  /** The nodes whose values the collect gathers. */
  readonly outputs: readonly string[];
  /** Per item: what its block reads, by name (the item under `expand`). */
  readonly items: readonly Readonly<Record<string, Wire>>[];
  readonly timeout?: number;
  /** As in {@link JobData}: gathered values above this many bytes come back through the cache. */
  readonly refsAbove?: number;
}

/** One item of a block job, as it comes back: every node's outcome (errors serialized) and the gathered values. */
export interface BlockItemResult {
  readonly nodes: readonly { readonly node: string; readonly ok: boolean; readonly duration: number; readonly error?: unknown; readonly host?: string }[];
  readonly values?: Readonly<Record<string, Wire>>;
}

/**
 * What a finished job returns: the node's value or its error (as serialized
 * error data); that it was cancelled (every driver that wanted it withdrew);
 * or `refused` when the worker's code for a node differs (a config-shaped
 * node, or a race), so the driver routes the job elsewhere. With the name of
 * the worker that ran it (`host:pid`), which the run history records as
 * where the node ran.
 */
export type JobResult = ({ readonly value: Wire } | { readonly error: Wire } | { readonly cancelled: true } | { readonly refused: string }) & { readonly host?: string };

/** A result that carries the node's outcome (not cancelled, not handed back). */
export type SettledResult = Exclude<JobResult, { readonly cancelled: true } | { readonly refused: string }>;

/** What the driver tells a worker to do about large values it cannot pass. */
const DRIVER_FIX = "turn on withCache() on the driver (withCache({ disable: true }) caches nothing) and start weft worker with --cache naming the same cache, or pass a smaller value";

/** Puts a node's arguments on the wire, one wire per argument (each large one stored on its own). */
export async function encodeArgs(node: string, style: JobData["style"], args: unknown, values: JobValues): Promise<JobData["args"]> {
  const put = (v: unknown, what: string) => values.put(v, { node, what, fix: DRIVER_FIX });
  if (style === "positional") return Promise.all((args as readonly unknown[]).map((a, i) => put(a, `argument ${i}`)));
  const entries = await Promise.all(Object.entries(args as Record<string, unknown>).map(async ([k, v]) => [k, await put(v, `input "${k}"`)] as const));
  return Object.fromEntries(entries);
}

/** The arguments a job carries, in the form the node is called with. */
export async function decodeArgs(data: JobData, read: (wire: Wire, what: string) => Promise<unknown>): Promise<unknown> {
  if (Array.isArray(data.args)) return Promise.all((data.args as readonly Wire[]).map((w, i) => read(w, `argument ${i}`)));
  const entries = await Promise.all(Object.entries(data.args as Record<string, Wire>).map(async ([k, w]) => [k, await read(w, `input "${k}"`)] as const));
  // No prototype, as buildArgs makes them: a destructured default must not see Object.prototype.
  const out = bareRecord();
  for (const [k, v] of entries) out[k] = v;
  return out;
}
