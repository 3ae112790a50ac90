/**
 * One job on a remote worker: checks the protocol, that the job's driver is
 * alive and the node's code version (a job routed here by a config-shaped
 * node, or a race, whose code differs is handed back, never failed), decodes
 * the arguments, runs the node on the local executor under
 * the job's timeout and cancellation, and puts the outcome on the wire.
 *
 * A node's own error is a result, not a job failure: the job completes with
 * the serialized error, so the driver gets it with its name, stack and kind,
 * and BullMQ does not retry it (node retries are `node(fn, { retry })`).
 * Failures of the infrastructure (a job timeout, a worker thread that died)
 * are thrown, so BullMQ retries them with backoff, except on the last attempt,
 * which ends with the error itself for the same reason.
 *
 * @module
 */
import type { Job } from "bullmq";
import { serializeError } from "../lib/error-codec.ts";
import { describe, isWeftError, SerializationError, TimeoutError, WorkerError } from "../lib/errors.ts";
import type { Executor } from "../lib/ports/executor.ts";
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import { transferableBuffers } from "../lib/structured-clone.ts";
import { decodeArgs, PROTOCOL, type JobData, type JobResult } from "./bullmq-protocol.ts";
import type { LocalModules, LocalNode } from "./local-modules.ts";
import { fromWire, toWire, type Wire } from "./wire-codec.ts";

/** What every job of one worker shares. */
export interface JobContext {
  readonly modules: LocalModules;
  readonly local: Executor;
  readonly store: LargeValueStore | undefined;
  /** The worker's name, for messages. */
  readonly name: string;
  /** The runtime this worker runs on ("bun" for `weft worker`), when known. */
  readonly runtime: string | undefined;
  /** Ids of jobs cancelled before this worker started them (BullMQ only cancels jobs it tracks). */
  readonly cancelled: ReadonlySet<string>;
  /** Decoded configs by their wire, so a run's config is decoded once. */
  readonly configs: Map<string, Promise<Readonly<Record<string, unknown>>>>;
  /** Whether a driver's heartbeat is current (its jobs are removed once it is not). */
  readonly driverAlive: (driver: string) => Promise<boolean>;
}

/** Runs one job; see the module comment for what is returned and what is thrown. */
export async function runJob(job: Job<JobData>, signal: AbortSignal | undefined, ctx: JobContext): Promise<JobResult> {
  // Wired first: a cancellation that arrives while the job is being decoded must still stop it.
  const controller = new AbortController();
  const cancel = () => controller.abort(new DOMException("The run no longer needs this node", "AbortError"));
  if (signal?.aborted || ctx.cancelled.has(job.id ?? "")) cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    return await run(job, controller, ctx);
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}

async function run(job: Job<JobData>, controller: AbortController, ctx: JobContext): Promise<JobResult> {
  const data = job.data;
  const node = data.node?.nodeName ?? job.name;
  if (data.protocol !== PROTOCOL) {
    return errorResult(new WorkerError(node, `Worker "${ctx.name}" reads jobs of protocol ${PROTOCOL}, but the job for node "${node}" has protocol ${String(data.protocol)}; run the same weft version on the driver and the workers`));
  }
  const missingStore = () => new WorkerError(node, `Worker "${ctx.name}" has no shared result store, but the job for node "${node}" passes a value by reference; start weft worker with --store naming the driver's sharedDirectory`);
  let found: LocalNode;
  let config: Readonly<Record<string, unknown>>;
  let args: unknown;
  try {
    const configKey = "i" in data.config ? data.config.i : `ref:${data.config.r}`;
    let decoded = ctx.configs.get(configKey);
    if (decoded === undefined) ctx.configs.set(configKey, (decoded = fromWire(data.config, ctx.store, missingStore) as Promise<Record<string, unknown>>));
    config = await decoded;
    found = await ctx.modules.find(data.node, config, configKey);
    if (found.version !== data.code) return { refused: codeMismatch(node, data, found, ctx) };
    // Nobody would read the outcome: the reaper removes the rest of a dead driver's jobs.
    if (!(await ctx.driverAlive(data.driver))) return errorResult(new WorkerError(node, `Worker "${ctx.name}" skips node "${node}": its driver is gone`));
    args = await decodeArgs(data, ctx.store, missingStore);
  } catch (e) {
    return errorResult(e);
  }

  const timeout = data.timeout;
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    controller.abort(new TimeoutError(node, timeout, 'the limit is bullmqExecutor() option "timeout"; raise it or make the node faster'));
  }, timeout);
  let value: unknown;
  try {
    const locator = { moduleUrl: found.moduleUrl, exportName: data.node.exportName, nodeName: node, config };
    // The decoded arguments belong to this job alone: their buffers may move to the thread.
    value = await ctx.local.submit({ locator, fn: found.spec.fn, style: data.style, args, transfer: transferableBuffers(args), signal: controller.signal });
  } catch (e) {
    const attempts = job.opts.attempts ?? 1;
    if (isRetriable(e) && job.attemptsMade + 1 < attempts) throw new Error(describe(e), { cause: e });
    return errorResult(e);
  } finally {
    clearTimeout(timer);
  }
  try {
    const store = data.refsAbove === undefined ? undefined : ctx.store;
    return { value: await toWire(value, { store, inlineLimit: data.refsAbove ?? Infinity }) };
  } catch (e) {
    return errorResult(new SerializationError(node, "", `the result cannot be encoded for the driver: ${describe(e)}`, { cause: e }));
  }
}

/** Why a worker hands back a node whose code version differs from the driver's. */
function codeMismatch(node: string, data: JobData, found: LocalNode, ctx: JobContext): string {
  // Versions are read from module files, so a driver and a worker on different runtimes agree on the same code.
  return `Worker "${ctx.name}" runs node "${node}" at ${found.version}, the driver at ${data.code}`;
}

/** Failures of the infrastructure: a job timeout, a worker thread that died. */
export function isRetriable(error: unknown): boolean {
  return isWeftError(error, "timeout") || isWeftError(error, "worker");
}

/** A job result carrying `error` as data (always inline: errors are small). */
export async function errorResult(error: unknown): Promise<JobResult> {
  const wire: Wire = await toWire(serializeError(error), { store: undefined, inlineLimit: Infinity });
  return { error: wire };
}
