/**
 * One job on a remote worker: checks the protocol, the node's code version (a
 * job routed here by a config-shaped node, or a race, whose code differs is
 * handed back, never failed) and that the job's driver is alive, decodes the
 * arguments, runs the node on the local executor under the job's timeout and
 * cancellation, and puts the outcome on the wire.
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
import { describe, isWeftError, TimeoutError, WorkerError } from "../lib/errors.ts";
import { transferableBuffers } from "../lib/structured-clone.ts";
import { decodeArgs, PROTOCOL, type BlockJobData, type JobData, type JobResult } from "./bullmq-protocol.ts";
import { JobValues, MAX_INLINE_BYTES } from "./bullmq-values.ts";
import type { LocalNode } from "./local-modules.ts";
import { runBlockJob } from "./bullmq-block-job.ts";
import { driverGone, errorResult, type JobContext } from "./bullmq-job-context.ts";
import type { Wire } from "./wire-codec.ts";

/** Runs one job; see the module comment for what is returned and what is thrown. */
export async function runJob(job: Job<JobData | BlockJobData>, signal: AbortSignal | undefined, ctx: JobContext): Promise<JobResult> {
  // Wired first: a cancellation that arrives while the job is being decoded must still stop it.
  const controller = new AbortController();
  const cancel = () => controller.abort(new DOMException("The run no longer needs this node", "AbortError"));
  const id = job.id ?? "";
  if (signal?.aborted || (ctx.cancelled.has(id) && (ctx.cancelled.get(id) ?? job.timestamp) === job.timestamp)) cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    const data = job.data;
    if (data.protocol === PROTOCOL && "kind" in data && data.kind === "block") return await runBlockJob(job as Job<BlockJobData>, controller, ctx);
    return { ...(await run(job as Job<JobData>, controller, ctx)), host: ctx.name };
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
  const values = new JobValues(ctx.cache, data.refsAbove ?? Infinity);
  const read = (wire: Wire, what: string) => values.get(
    wire,
    () => new WorkerError(node, `Worker "${ctx.name}" has no cache, but the job for node "${node}" passes ${what} by data version; start weft worker with --cache naming the driver's cache`),
    (dv) => new WorkerError(node, `Worker "${ctx.name}" cannot read ${what} of node "${node}" (data version ${dv}) from its cache: not there, or damaged; start weft worker with --cache naming the driver's cache, and run again`),
  );
  let found: LocalNode;
  let config: Readonly<Record<string, unknown>>;
  let args: unknown;
  try {
    const configKey = "i" in data.config ? data.config.i : `ref:${data.config.d}`;
    let decoded = ctx.configs.get(configKey);
    if (decoded === undefined) {
      ctx.configs.set(configKey, (decoded = read(data.config, "the config") as Promise<Record<string, unknown>>));
      // A config that could not be read is not remembered: the next job tries again.
      decoded.catch(() => ctx.configs.delete(configKey));
    }
    config = await decoded;
    found = await ctx.modules.find(data.node, config, configKey);
    if (found.version !== data.code) return { refused: codeMismatch(node, data, found, ctx) };
    if (await driverGone(job, ctx)) return errorResult(new WorkerError(node, `Worker "${ctx.name}" skips node "${node}": its driver is gone`));
    args = await decodeArgs(data, read);
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
    // Stopped because no driver wants it any more: said so, for a driver that asked for the same work meanwhile.
    if (controller.signal.aborted && !isWeftError(controller.signal.reason, "timeout")) return { cancelled: true };
    const attempts = job.opts.attempts ?? 1;
    if (isRetriable(e) && job.attemptsMade + 1 < attempts) throw new Error(describe(e), { cause: e });
    return errorResult(e);
  } finally {
    clearTimeout(timer);
  }
  try {
    // Without a driver cache to read it from (no refsAbove), a large result can only travel inline.
    const out = data.refsAbove === undefined ? new JobValues(undefined, MAX_INLINE_BYTES) : values;
    const fix = data.refsAbove === undefined ? "turn on withCache() on the driver and start weft worker with --cache naming the same cache, or return a smaller value"
      : ctx.cache === undefined ? "start weft worker with --cache naming the driver's cache"
      : "return a smaller value";
    return { value: await out.put(value, { node, what: "the result", fix }) };
  } catch (e) {
    return errorResult(e);
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
