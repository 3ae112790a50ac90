/**
 * BullmqExecutor: runs worker nodes as jobs on a BullMQ queue over Redis,
 * where `weft worker` processes on any machine pick them up. Completion comes
 * through BullMQ's queue events, never by polling. Job ids are unique per
 * executor and each executor settles only its own jobs, so several drivers
 * can share one queue. bullmq and ioredis (optional peer dependencies) are
 * imported by `init()`.
 *
 * @module
 */
import type { Queue, QueueEvents } from "bullmq";

type QueueClass = typeof import("bullmq").Queue;
type QueueEventsClass = typeof import("bullmq").QueueEvents;
import pLimit from "p-limit";
import { WorkerError } from "../lib/errors.ts";
import type { Executor, ExecutorTask } from "../lib/ports/executor.ts";
import type { LargeValueStore } from "../lib/ports/large-value-store.ts";
import { cancelChannel, type JobResult } from "./bullmq-protocol.ts";
import { JobEncoder } from "./bullmq-job-encoder.ts";
import { resolveOptions, type BullmqExecutorDefaults, type BullmqExecutorOptions, type ResolvedOptions } from "./bullmq-options.ts";
import { loadBullmqPackages } from "./bullmq-packages.ts";
import { RedisLink } from "./redis-link.ts";

const HINT = "start redis-server there, or pass its URL as bullmqExecutor({ connection })";

interface Started {
  readonly link: RedisLink;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly encoder: JobEncoder;
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
 * const executor = bullmqExecutor({ connection: "redis://10.0.0.5:6379", sharedDirectory: "/mnt/weft" });
 * const dr = await new Builder().withModules(flow).withExecutor(executor).build();
 * ```
 */
export class BullmqExecutor implements Executor {
  readonly name = "bullmq";
  readonly #options: ResolvedOptions;
  readonly #defaults: BullmqExecutorDefaults;
  readonly #id = crypto.randomUUID();
  readonly #pending = new Map<string, Pending>();
  readonly #limit: ReturnType<typeof pLimit>;
  #seq = 0;
  #started: Promise<Started> | undefined;
  #disposed = false;

  constructor(options: BullmqExecutorOptions, defaults: BullmqExecutorDefaults) {
    this.#options = resolveOptions(options);
    this.#defaults = defaults;
    this.#limit = pLimit(this.#options.capacity);
  }

  /**
   * Connects to Redis (failing within `connectTimeout` when it does not answer)
   * and starts listening to the queue's events. Warns when no worker serves
   * the queue yet: its jobs would wait until one starts.
   */
  async init(): Promise<void> {
    const { queue, link } = await this.#start();
    const workers = await queue.getWorkersCount().catch(() => undefined);
    if (workers === 0) {
      console.warn(`weft: no worker serves queue "${this.#options.queue}" on ${link.url} yet; jobs wait until one starts: weft worker --modules <flow> --redis ${link.url} --queue ${this.#options.queue}`);
    }
  }

  submit(task: ExecutorTask): Promise<unknown> {
    if (this.#disposed) return Promise.reject(new Error("The BullMQ executor was closed; build a new driver"));
    if (task.signal.aborted) return Promise.reject(task.signal.reason);
    return new Promise((resolve, reject) => {
      let jobId: string | undefined;
      const onAbort = () => {
        reject(task.signal.reason);
        if (jobId !== undefined) void this.#withdraw(jobId, task.signal.reason);
      };
      task.signal.addEventListener("abort", onAbort, { once: true });
      this.#limit(() => this.#run(task, (id) => (jobId = id)))
        .then(resolve, reject)
        .finally(() => task.signal.removeEventListener("abort", onAbort));
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const started = await this.#started?.catch(() => undefined);
    const closed = new Error("The BullMQ executor was closed while the node waited or ran");
    await Promise.all([...this.#pending.keys()].map((id) => this.#withdraw(id, closed)));
    if (started === undefined) return;
    // With Redis gone, BullMQ's close waits for it forever: it gets a moment, then the connection is dropped.
    await started.link.whileUp(Promise.allSettled([started.events.close(), started.queue.close()]), 1_000);
    await started.link.close();
  }

  async #run(task: ExecutorTask, setJobId: (id: string) => void): Promise<unknown> {
    const node = task.locator.nodeName;
    if (this.#disposed) throw new Error("The BullMQ executor was closed; build a new driver");
    const { link, queue, encoder } = await this.#start();
    const data = await encoder.encode(task);
    await link.ready(this.#options.connectTimeout, HINT).catch((e: Error) => {
      throw new WorkerError(node, `Cannot run node "${node}" on BullMQ: ${e.message}`, { cause: e });
    });
    if (task.signal.aborted) throw task.signal.reason;
    const jobId = `${this.#id}-${++this.#seq}`;
    setJobId(jobId);
    const result = new Promise<JobResult>((resolve, reject) => this.#pending.set(jobId, { node, resolve, reject }));
    // It may be settled (connection lost, run cancelled) while the job is still being added: handled below, not unhandled.
    result.catch(() => {});
    const { attempts, backoff } = this.#options;
    const added = queue.add(node, data, {
      jobId, attempts, backoff: { type: "exponential", delay: backoff },
      removeOnComplete: true, removeOnFail: { age: 3_600 },
    });
    added.catch(() => {});
    try {
      // With Redis gone, the add waits for a reconnection forever (BullMQ needs maxRetriesPerRequest: null); the
      // lost-connection notice or a cancellation settles `result`, which then ends the wait (a run hung here, with
      // the job half added, until Redis came back).
      await Promise.race([added, result]);
    } catch (e) {
      // Settled meanwhile: that outcome (the lost connection, the cancellation) is the one to report.
      if (this.#take(jobId) !== undefined) {
        throw new WorkerError(node, `Cannot queue node "${node}" on Redis at "${link.url}": ${(e as Error).message}`, { cause: e });
      }
    }
    // Aborted while the job was being added: the abort handler could not remove it yet.
    if (task.signal.aborted) void this.#withdraw(jobId, task.signal.reason);
    const done = await result;
    if (done.host !== undefined) task.ranOn?.(done.host);
    return encoder.decode(node, done);
  }

  #start(): Promise<Started> {
    this.#started ??= this.#connect();
    return this.#started;
  }

  async #connect(): Promise<Started> {
    const { connection, connectTimeout } = this.#options;
    const [{ Queue, QueueEvents, Redis }, store] = await Promise.all([loadBullmqPackages("start the BullMQ executor"), this.#openStore()]);
    const link = await RedisLink.open(connection, { Redis, timeoutMs: connectTimeout, hint: HINT });
    try {
      return await this.#listen(link, store, Queue, QueueEvents);
    } catch (e) {
      await link.close();
      throw e;
    }
  }

  async #listen(link: RedisLink, store: LargeValueStore | undefined, Queue: QueueClass, QueueEvents: QueueEventsClass): Promise<Started> {
    const name = this.#options.queue;
    // Listen from the server's clock now: no event of a job added later can be missed, however late the first read.
    const [seconds, micros] = await link.client.time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    const queue = new Queue(name, { connection: link.client });
    const events = new QueueEvents(name, { connection: link.client, lastEventId });
    // Connection trouble is reported once, through the link; these would repeat it.
    queue.on("error", () => {});
    events.on("error", () => {});
    events.on("completed", ({ jobId, returnvalue }) => this.#take(jobId)?.resolve(returnvalue as unknown as JobResult));
    events.on("failed", ({ jobId, failedReason }) => {
      const p = this.#take(jobId);
      p?.reject(new WorkerError(p.node, `The job for node "${p.node}" failed on the workers: ${failedReason}`));
    });
    link.onLost((reason) => this.#failAll((node) => new WorkerError(node, `Lost the connection to Redis at "${link.url}" while node "${node}" was queued or running: ${reason}; re-run once Redis is reachable again`)));
    await events.waitUntilReady();
    const { timeout, inlineLimit } = this.#options;
    const encoder = new JobEncoder(this.#id, { store, inlineLimit }, this.#defaults.codeVersion, {
      ...(timeout === undefined ? {} : { timeout }),
      ...(this.#defaults.runtime === undefined ? {} : { runtime: this.#defaults.runtime }),
    });
    return { link, queue, events, encoder };
  }

  async #openStore(): Promise<LargeValueStore | undefined> {
    const { store, sharedDirectory } = this.#options;
    if (store !== undefined || sharedDirectory === undefined) return store;
    if (this.#defaults.openDirectory === undefined) {
      throw new TypeError('bullmqExecutor() option "sharedDirectory" needs the composition root; use bullmqExecutor() from "weft", or pass a store');
    }
    return this.#defaults.openDirectory(sharedDirectory);
  }

  #take(jobId: string): Pending | undefined {
    const p = this.#pending.get(jobId);
    this.#pending.delete(jobId);
    return p;
  }

  #failAll(error: (node: string) => unknown): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) p.reject(error(p.node));
  }

  /** Takes a job back: settles it with `reason`, removes it when still waiting, asks a worker running it to stop. */
  async #withdraw(jobId: string, reason: unknown): Promise<void> {
    this.#take(jobId)?.reject(reason);
    const started = await this.#started?.catch(() => undefined);
    if (started === undefined || started.link.client.status !== "ready") return;
    const removed = await started.queue.remove(jobId).catch(() => 0);
    if (removed === 0) await started.link.client.publish(cancelChannel(this.#options.queue), jobId).catch(() => {});
  }
}
