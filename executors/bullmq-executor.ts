/**
 * BullmqExecutor: runs worker nodes as jobs on a BullMQ queue over Redis,
 * where `weft worker` processes on any machine pick them up. Completion comes
 * through BullMQ's queue events, never by polling. A call the run caches
 * has the cache key of its work as job id, shared by every driver asking for
 * the same work (bullmq-shared-jobs.ts); other job ids are unique per
 * executor, and each executor settles only the jobs it waits for, so several
 * drivers can share one queue. bullmq and ioredis (optional peer dependencies) are
 * imported by `init()`.
 *
 * @module
 */
import type { Queue, QueueEvents } from "bullmq";

type QueueClass = typeof import("bullmq").Queue;
type QueueEventsClass = typeof import("bullmq").QueueEvents;
import pLimit from "p-limit";
import { WorkerError } from "../lib/errors.ts";
import type { Cache } from "../lib/ports/cache.ts";
import type { BlockOutcome, Executor, ExecutorBlock, ExecutorContext, ExecutorTask } from "../lib/ports/executor.ts";
import { BlockBatcher, allAborted } from "./bullmq-blocks.ts";
import { cancelChannel, type BlockJobData, type JobData, type JobResult } from "./bullmq-protocol.ts";
import { JobEncoder } from "./bullmq-job-encoder.ts";
import { resolveOptions, type BullmqExecutorDefaults, type BullmqExecutorOptions, type ResolvedOptions } from "./bullmq-options.ts";
import { loadBullmqPackages } from "./bullmq-packages.ts";
import { jobIdOf, isSharedJobId, SharedJobs } from "./bullmq-shared-jobs.ts";
import { JobValues } from "./bullmq-values.ts";
import { RedisLink } from "./redis-link.ts";

const HINT = "start redis-server there, or pass its URL as bullmqExecutor({ connection })";

interface Started {
  readonly link: RedisLink;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly encoder: JobEncoder;
  readonly shared: SharedJobs;
}

interface Pending {
  readonly node: string;
  readonly resolve: (result: JobResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Worker nodes as BullMQ jobs. Made by `bullmqExecutor()` from "weft".
 *
 * @example
 * ```ts
 * import { Builder } from "weft";
 * import { bullmqExecutor } from "weft/bullmq";
 * const executor = bullmqExecutor({ connection: "redis://10.0.0.5:6379" });
 * const dr = await new Builder().withModules(flow).withCache({ path: "/mnt/weft/weft.db" }).withExecutor(executor).build();
 * ```
 */
export class BullmqExecutor implements Executor {
  readonly name = "bullmq";
  readonly #options: ResolvedOptions;
  readonly #defaults: BullmqExecutorDefaults;
  readonly #id = crypto.randomUUID();
  /** Callers waiting for each job, by job id then caller (several for a shared job). */
  readonly #pending = new Map<string, Map<string, Pending>>();
  readonly #limit: ReturnType<typeof pLimit>;
  #seq = 0;
  #started: Promise<Started> | undefined;
  #disposed = false;
  /** The driver's cache, given at init: large values travel through its result store. */
  #cache: Cache | undefined;

  constructor(options: BullmqExecutorOptions, defaults: BullmqExecutorDefaults) {
    this.#options = resolveOptions(options);
    this.#defaults = defaults;
    this.#limit = pLimit(this.#options.capacity);
  }

  /**
   * Connects to Redis (failing within `connectTimeout` when it does not answer)
   * and starts listening to the queue's events. Warns when no worker serves
   * the queue yet: its jobs would wait until one starts. Large values go
   * through the result store of `context.cache` (the driver's cache).
   */
  async init(_modules?: readonly string[], context?: ExecutorContext): Promise<void> {
    this.#cache ??= context?.cache;
    const { queue, link } = await this.#start();
    const workers = await queue.getWorkersCount().catch(() => undefined);
    if (workers === 0) {
      console.warn(`weft: no worker serves queue "${this.#options.queue}" on ${link.url} yet; jobs wait until one starts: weft worker --modules <flow> --redis ${link.url} --queue ${this.#options.queue}`);
    }
  }

  submit(task: ExecutorTask): Promise<unknown> {
    return this.#enqueue(task.signal, async (job) => {
      const { encoder } = await this.#start();
      const node = task.locator.nodeName;
      const done = await job(node, await encoder.encode(task), task.key);
      if (done.host !== undefined) task.ranOn?.(done.host);
      return encoder.decode(node, done);
    });
  }

  /**
   * Runs a map item's whole block as a job, batched with the items of the
   * same block that start in the same turn (up to `blockBatch` per job).
   */
  submitBlock(block: ExecutorBlock): Promise<BlockOutcome> {
    return this.#blocks.add(block);
  }

  readonly #blocks = new BlockBatcher(() => this.#options.blockBatch, (blocks) => this.#enqueue(allAborted(blocks.map((b) => b.signal)), async (job) => {
    const { encoder } = await this.#start();
    const expand = blocks[0]!.expand;
    return encoder.decodeBlocks(expand, await job(blocks[0]!.nodes[0]!.nodeName, await encoder.encodeBlocks(blocks), undefined));
  }));

  /**
   * One caller's work under `signal` and the executor's capacity: `work`
   * queues its job with the `job` it is given; a cancellation settles the
   * caller at once and takes the job back.
   */
  #enqueue<T>(signal: AbortSignal, work: (job: (node: string, data: JobData | BlockJobData, key: string | undefined) => Promise<Exclude<JobResult, { cancelled: true }>>) => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new Error("The BullMQ executor was closed; build a new driver"));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let jobId: string | undefined;
      const caller = `${this.#id}-${++this.#seq}`;
      const onAbort = () => {
        reject(signal.reason);
        if (jobId !== undefined) void this.#withdraw(jobId, caller, signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#limit(() => work((node, data, key) => this.#run(node, data, key, signal, caller, (id) => (jobId = id))))
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const started = await this.#started?.catch(() => undefined);
    const closed = new Error("The BullMQ executor was closed while the node waited or ran");
    await Promise.all([...this.#pending].flatMap(([id, callers]) => [...callers.keys()].map((caller) => this.#withdraw(id, caller, closed))));
    if (started === undefined) return;
    // With Redis gone, BullMQ's close waits for it forever: it gets a moment, then the connection is dropped.
    await started.link.whileUp(Promise.allSettled([started.events.close(), started.queue.close()]), 1_000);
    await started.link.close();
  }

  async #run(
    node: string, data: JobData | BlockJobData, key: string | undefined, signal: AbortSignal, caller: string, setJobId: (id: string) => void,
  ): Promise<Exclude<JobResult, { cancelled: true }>> {
    if (this.#disposed) throw new Error("The BullMQ executor was closed; build a new driver");
    const { link, queue, shared } = await this.#start();
    await link.ready(this.#options.connectTimeout, HINT).catch((e: Error) => {
      throw new WorkerError(node, `Cannot run node "${node}" on BullMQ: ${e.message}`, { cause: e });
    });
    if (signal.aborted) throw signal.reason;
    const jobId = jobIdOf(key, () => caller);
    setJobId(jobId);
    const { attempts, backoff } = this.#options;
    const once = async (): Promise<JobResult> => {
      const result = new Promise<JobResult>((resolve, reject) => this.#wait(jobId, caller, { node, resolve, reject }));
      // It may be settled (connection lost, run cancelled) while the job is still being added: handled below, not unhandled.
      result.catch(() => {});
      const add = () => queue.add(node, data, {
        jobId, attempts, backoff: { type: "exponential", delay: backoff },
        removeOnComplete: true, removeOnFail: { age: 3_600 },
      });
      // A shared job: joined before the add, so that no other driver's withdrawal takes it meanwhile; one that failed
      // earlier (kept a while in the failed set, where an add with its id is ignored) is replaced.
      const added = key === undefined ? add() : shared.join(jobId, caller).then(add).then(async (job) => {
        if ((await queue.getJobState(jobId)) !== "failed") return job;
        await queue.remove(jobId);
        return add();
      });
      added.catch(() => {});
      try {
        // With Redis gone, the add waits for a reconnection forever (BullMQ needs maxRetriesPerRequest: null); the
        // lost-connection notice or a cancellation settles `result`, which then ends the wait (a run hung here, with
        // the job half added, until Redis came back).
        await Promise.race([added, result]);
      } catch (e) {
        // Settled meanwhile: that outcome (the lost connection, the cancellation) is the one to report.
        if (this.#takeCaller(jobId, caller) !== undefined) {
          throw new WorkerError(node, `Cannot queue node "${node}" on Redis at "${link.url}": ${(e as Error).message}`, { cause: e });
        }
      }
      // Aborted while the job was being added: the abort handler could not remove it yet.
      if (signal.aborted) void this.#withdraw(jobId, caller, signal.reason);
      return result;
    };
    // A job this caller did not withdraw that ended cancelled was another driver's, withdrawn just before this caller
    // asked for the same work (its completion reached this caller): the work is asked for again.
    for (let asked = 1; ; asked++) {
      const result = await once();
      if (!("cancelled" in result)) return result;
      if (asked === 3) throw new WorkerError(node, `The job for node "${node}" was cancelled by other drivers ${asked} times while this run waited for it; run again`);
    }
  }

  #start(): Promise<Started> {
    this.#started ??= this.#connect();
    return this.#started;
  }

  async #connect(): Promise<Started> {
    const { connection, connectTimeout } = this.#options;
    const { Queue, QueueEvents, Redis } = await loadBullmqPackages("start the BullMQ executor");
    const link = await RedisLink.open(connection, { Redis, timeoutMs: connectTimeout, hint: HINT });
    try {
      return await this.#listen(link, Queue, QueueEvents);
    } catch (e) {
      await link.close();
      throw e;
    }
  }

  async #listen(link: RedisLink, Queue: QueueClass, QueueEvents: QueueEventsClass): Promise<Started> {
    const name = this.#options.queue;
    // Listen from the server's clock now: no event of a job added later can be missed, however late the first read.
    const [seconds, micros] = await link.client.time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    const queue = new Queue(name, { connection: link.client });
    const events = new QueueEvents(name, { connection: link.client, lastEventId });
    // Connection trouble is reported once, through the link; these would repeat it.
    queue.on("error", () => {});
    events.on("error", () => {});
    const shared = new SharedJobs(link.client, name);
    events.on("completed", ({ jobId, returnvalue }) => {
      const waiting = this.#take(jobId);
      for (const p of waiting) p.resolve(returnvalue as unknown as JobResult);
      if (waiting.length > 0 && isSharedJobId(jobId)) void shared.done(jobId).catch(() => {});
    });
    // A shared job removed while this executor's callers still wait for it: another driver withdrew it just as they
    // joined (its check saw no one else yet). They ask for the work again, as after a cancelled one.
    events.on("removed", ({ jobId }) => {
      if (isSharedJobId(jobId)) for (const p of this.#take(jobId)) p.resolve({ cancelled: true });
    });
    events.on("failed", ({ jobId, failedReason }) => {
      for (const p of this.#take(jobId)) p.reject(new WorkerError(p.node, `The job for node "${p.node}" failed on the workers: ${failedReason}`));
    });
    link.onLost((reason) => this.#failAll((node) => new WorkerError(node, `Lost the connection to Redis at "${link.url}" while node "${node}" was queued or running: ${reason}; re-run once Redis is reachable again`)));
    await events.waitUntilReady();
    const { timeout, inlineLimit } = this.#options;
    const encoder = new JobEncoder(this.#id, new JobValues(this.#cache, inlineLimit), this.#defaults.codeVersion, {
      ...(timeout === undefined ? {} : { timeout }),
      ...(this.#defaults.runtime === undefined ? {} : { runtime: this.#defaults.runtime }),
    });
    return { link, queue, events, encoder, shared };
  }

  #wait(jobId: string, caller: string, pending: Pending): void {
    let callers = this.#pending.get(jobId);
    if (callers === undefined) this.#pending.set(jobId, (callers = new Map()));
    callers.set(caller, pending);
  }

  /** Every caller waiting for `jobId`, no longer waiting. */
  #take(jobId: string): Pending[] {
    const callers = this.#pending.get(jobId);
    this.#pending.delete(jobId);
    return callers === undefined ? [] : [...callers.values()];
  }

  /** One caller waiting for `jobId`, no longer waiting. */
  #takeCaller(jobId: string, caller: string): Pending | undefined {
    const callers = this.#pending.get(jobId);
    const p = callers?.get(caller);
    callers?.delete(caller);
    if (callers?.size === 0) this.#pending.delete(jobId);
    return p;
  }

  #failAll(error: (node: string) => unknown): void {
    const all = [...this.#pending.values()].flatMap((callers) => [...callers.values()]);
    this.#pending.clear();
    for (const p of all) p.reject(error(p.node));
  }

  /**
   * Takes a caller's job back: settles it with `reason`, and when no caller
   * (of any driver) waits for it any more, removes it when still waiting or
   * asks a worker running it to stop.
   */
  async #withdraw(jobId: string, caller: string, reason: unknown): Promise<void> {
    this.#takeCaller(jobId, caller)?.reject(reason);
    const started = await this.#started?.catch(() => undefined);
    if (started === undefined || started.link.client.status !== "ready") return;
    if (isSharedJobId(jobId) && !(await started.shared.leave(jobId, caller).catch(() => true))) return;
    // A shared job's id comes back with the next run that asks for the same work: the cancellation names this job's
    // timestamp, so a worker does not take it for the next one.
    const job = isSharedJobId(jobId) ? await started.queue.getJob(jobId).catch(() => undefined) : undefined;
    const removed = await started.queue.remove(jobId).catch(() => 0);
    const message = job?.timestamp === undefined ? jobId : `${jobId} ${job.timestamp}`;
    if (removed === 0) await started.link.client.publish(cancelChannel(this.#options.queue), message).catch(() => {});
  }
}
