/**
 * A block job on a remote worker: checks every node's code version (one that
 * differs hands the job back, to be routed elsewhere), decodes
 * each item's inputs, runs each item's whole block (block-runner.ts), and
 * sends back per item every node's outcome and the values the driver asked
 * for (the gathered ones, or every node's when the driver caches: it stores
 * them itself), large ones through the cache, as any result. Items of one job run at once.
 *
 * @module
 */
import type { Job } from "bullmq";
import { serializeError } from "../lib/error-codec.ts";
import { TimeoutError, WorkerError } from "../lib/errors.ts";
import { setOwn } from "../lib/own-property.ts";
import type { BlockModule } from "./block-runner.ts";
import { driverGone, errorResult, type JobContext } from "./bullmq-job-context.ts";
import type { BlockItemResult, BlockJobData, JobResult } from "./bullmq-protocol.ts";
import { JobValues, MAX_INLINE_BYTES } from "./bullmq-values.ts";
import { inlineWire, type Wire } from "./wire-codec.ts";

/** Runs a block job; a failure of the job as a whole (no cache, a dead driver) is an error result for every item. */
export async function runBlockJob(job: Job<BlockJobData>, controller: AbortController, ctx: JobContext): Promise<JobResult> {
  const data = job.data;
  const first = data.nodes[0]?.nodeName ?? job.name;
  const runner = ctx.blocks;
  if (runner === undefined) return errorResult(new WorkerError(first, `Worker "${ctx.name}" cannot run map items' blocks; start it with weft worker`));
  const values = new JobValues(ctx.cache, data.refsAbove ?? Infinity);
  const read = (node: string) => (wire: Wire, what: string) => values.get(
    wire,
    () => new WorkerError(node, `Worker "${ctx.name}" has no cache, but the job for the block of "${data.expand}" passes ${what} by data version; start weft worker with --cache naming the driver's cache`),
    (dv) => new WorkerError(node, `Worker "${ctx.name}" cannot read ${what} of the block of "${data.expand}" (data version ${dv}) from its cache: not there, or damaged; start weft worker with --cache naming the driver's cache, and run again`),
  );
  let modules: BlockModule[];
  let config: Readonly<Record<string, unknown>>;
  const configKey = "i" in data.config ? data.config.i : `ref:${data.config.d}`;
  try {
    config = (await read(first)(data.config, "the config")) as Record<string, unknown>;
    const byUrl = new Map<string, Record<string, unknown>>();
    for (const n of data.nodes) {
      const found = await ctx.modules.find(n, config, configKey);
      // Routed here by a config-shaped node, or a race: handed back, so the driver routes it to a set that holds it.
      if (found.version !== n.code) return { refused: `Worker "${ctx.name}" runs node "${n.nodeName}" at ${found.version}, the driver at ${n.code}` };
      let exports = byUrl.get(found.moduleUrl);
      if (exports === undefined) byUrl.set(found.moduleUrl, (exports = {}));
      exports[n.exportName] = ctx.modules.exportsOf(found.moduleUrl)[n.exportName];
    }
    modules = [...byUrl].map(([url, exports]) => ({ name: url, exports, url }));
    if (await driverGone(job, ctx)) return errorResult(new WorkerError(first, `Worker "${ctx.name}" skips the block of "${data.expand}": its driver is gone`));
  } catch (e) {
    return errorResult(e);
  }
  const shape = `${configKey}\0${data.nodes.map((n) => `${n.moduleUrl}\0${n.exportName}\0${n.nodeName}`).join("\0")}`;
  const out = data.refsAbove === undefined ? new JobValues(undefined, MAX_INLINE_BYTES) : values;
  const timeout = data.timeout;
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    controller.abort(new TimeoutError(first, timeout, 'the limit is bullmqExecutor() option "timeout", for a whole job of map items; raise it or make the nodes faster'));
  }, timeout);
  const items = await Promise.all(data.items.map(async (wires): Promise<BlockItemResult> => {
    let inputs: Record<string, unknown>;
    try {
      inputs = Object.fromEntries(await Promise.all(Object.entries(wires).map(async ([k, w]) => [k, await read(first)(w, `input "${k}"`)] as const)));
    } catch (e) {
      return { nodes: [{ node: first, ok: false, duration: 0, error: serializeError(e) }] };
    }
    try {
      const outcome = await runner.run(shape, () => ({ modules, config }), data.outputs, inputs, controller.signal);
      const nodes = outcome.nodes.map((o) => (o.ok ? { ...o, host: ctx.name } : { ...o, error: serializeError(o.error), host: ctx.name }));
      if (outcome.values === undefined) return { nodes };
      const encoded: Record<string, Wire> = {};
      for (const name of data.outputs) {
        setOwn(encoded, name, await out.put(outcome.values[name], { node: name, what: "the result", fix: "return a smaller value, or turn on withCache() on the driver and start weft worker with --cache naming the same cache" }));
      }
      return { nodes, values: encoded };
    } catch (e) {
      return { nodes: [{ node: first, ok: false, duration: 0, error: serializeError(e) }] };
    }
  })).finally(() => clearTimeout(timer));
  return { value: await inlineWire(items) };
}
