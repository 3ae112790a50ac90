/**
 * BullmqExecutor: runs worker nodes as jobs on BullMQ queues over Redis,
 * where `weft worker` processes on any machine pick them up. Each job goes to
 * the queue of a code set that holds the node at the driver's code version
 * (bullmq-router.ts), so a stale worker never sees it. The driver keeps a
 * heartbeat and lists the jobs it owns, so workers remove the jobs of a
 * driver that died. Completion comes through BullMQ's queue events, never by
 * polling. Job ids are unique per executor and each executor settles only its
 * own jobs, so several drivers can share one queue. bullmq and ioredis
 * (optional peer dependencies) are imported by `init()`.
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
import { AddBatcher } from "./bullmq-add-batcher.ts";
import { cancelChannel, type JobData, type JobResult } from "./bullmq-protocol.ts";
import { JobEncoder } from "./bullmq-job-encoder.ts";
import { resolveOptions, type BullmqExecutorDefaults, type BullmqExecutorOptions, type ResolvedOptions } from "./bullmq-options.ts";
import { loadBullmqPackages } from "./bullmq-packages.ts";
import { HEARTBEAT_MS, LIVENESS_MS, Registry } from "./bullmq-registry.ts";
import { Router } from "./bullmq-router.ts";
import { RedisLink } from "./redis-link.ts";

/** A lane of a set without live workers is closed after this long without a job, in ms. */
const LANE_IDLE_MS = 60_000;

const HINT = "start redis-server there, or pass its URL as bullmqExecutor({ connection })";

interface Started {
  readonly link: RedisLink;
  readonly encoder: JobEncoder;
  readonly registry: Registry;
  readonly router: Router;
  readonly QueueClass: QueueClass;
  readonly QueueEventsClass: QueueEventsClass;
}

/** The queue of one code set, as this driver uses it. */
interface Lane {
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly adds: AddBatcher;
}

/** What a job's outcome is, to the loop that submitted it. */
type Outcome = JobResult | { readonly reroute: true };

/** The connection to Redis was lost while a job waited for a route. */
class LostConnection extends Error {}

const lostError = (node: string, url: string, reason: string) =>
  new WorkerError(node, `Lost the connection to Redis at "${url}" while node "${node}" was queued or running: ${reason}; re-run once Redis is reachable again`);

/** A job as this driver sent it. */
interface JobRef {
  readonly jobId: string;
  readonly setHash: string;
}

interface Pending {
  readonly node: string;
  readonly setHash: string;
  readonly resolve: (outcome: Outcome) => void;
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
  /** Changes when Redis declared this driver dead (its event loop stalled past the heartbeat): its old jobs are gone. */
  #id = crypto.randomUUID();
  readonly #pending = new Map<string, Pending>();
  readonly #lanes = new Map<string, Promise<Lane>>();
  /** When each lane was last given a job (performance.now()), so that lanes of sets gone for good are closed. */
  readonly #laneUsed = new Map<string, number>();
  readonly #limit: ReturnType<typeof pLimit>;
  #settled: string[] = [];
  /** Fires (with the reason) when the connection to Redis is lost, ending waits for a route; renewed each time. */
  #lost = new AbortController();
  #seq = 0;
  #started: Promise<Started> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #disposed = false;

  constructor(options: BullmqExecutorOptions, defaults: BullmqExecutorDefaults) {
    this.#options = resolveOptions(options);
    this.#defaults = defaults;
    this.#limit = pLimit(this.#options.capacity);
  }

  /**
   * Connects to Redis (failing within `connectTimeout` when it does not answer)
   * and starts the driver's heartbeat. Warns when no worker serves the queue
   * yet: its jobs wait until one starts (at most `routeTimeout`).
   */
  async init(): Promise<void> {
    const { router, link } = await this.#start();
    const snapshot = await router.refresh().catch(() => undefined);
    if (snapshot !== undefined && snapshot.live.size === 0) {
      console.warn(`weft: no worker serves queue "${this.#options.queue}" on ${link.url} yet; jobs wait until one starts: weft worker --modules <flow> --redis ${link.url} --queue ${this.#options.queue}`);
    }
  }

  submit(task: ExecutorTask): Promise<unknown> {
    if (this.#disposed) return Promise.reject(new Error("The BullMQ executor was closed; build a new driver"));
    if (task.signal.aborted) return Promise.reject(task.signal.reason);
    return new Promise((resolve, reject) => {
      let job: JobRef | undefined;
      const onAbort = () => {
        reject(task.signal.reason);
        if (job !== undefined) void this.#withdraw(job, task.signal.reason);
      };
      task.signal.addEventListener("abort", onAbort, { once: true });
      this.#limit(() => this.#run(task, (ref) => (job = ref)))
        .then(resolve, reject)
        .finally(() => task.signal.removeEventListener("abort", onAbort));
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#heartbeat);
    const started = await this.#started?.catch(() => undefined);
    const closed = new Error("The BullMQ executor was closed while the node waited or ran");
    await Promise.all([...this.#pending].map(([jobId, p]) => this.#withdraw({ jobId, setHash: p.setHash }, closed)));
    if (started === undefined) return;
    const lanes = await Promise.all([...this.#lanes.values()].map((l) => l.catch(() => undefined)));
    const leave = started.link.client.status === "ready" ? started.registry.leaveDriver(this.#id).catch(() => {}) : Promise.resolve();
    // With Redis gone, BullMQ's close waits for it forever: it gets a moment, then the connection is dropped.
    const closing = lanes.flatMap((l) => (l === undefined ? [] : [l.events.close(), l.queue.close()]));
    await started.link.whileUp(Promise.allSettled([leave, ...closing]), 1_000);
    await started.link.close();
  }

  async #run(task: ExecutorTask, setJob: (job: JobRef) => void): Promise<unknown> {
    const node = task.locator.nodeName;
    if (this.#disposed) throw new Error("The BullMQ executor was closed; build a new driver");
    const started = await this.#start();
    const { link, encoder, router } = started;
    const data = await encoder.encode(task);
    const need = { nodeName: node, exportName: data.node.exportName, version: data.code };
    const refused = new Set<string>();
    for (;;) {
      await link.ready(this.#options.connectTimeout, HINT).catch((e: Error) => {
        throw new WorkerError(node, `Cannot run node "${node}" on BullMQ: ${e.message}`, { cause: e });
      });
      if (task.signal.aborted) throw task.signal.reason;
      const setHash = await router.route(need, refused, [task.signal, this.#lost.signal]).catch((e: unknown) => {
        throw e instanceof LostConnection ? lostError(node, link.url, e.message) : e;
      });
      const outcome = await this.#attempt(started, await this.#lane(started, setHash), setHash, { ...data, driver: this.#id }, task, setJob);
      if ("reroute" in outcome) continue;
      // A worker of a set whose config-shaped node turned out to differ: another set may hold it.
      if ("refused" in outcome) refused.add(setHash);
      else return encoder.decode(node, outcome);
    }
  }

  /** One job on one set's queue, until its outcome. */
  async #attempt(started: Started, lane: Lane, setHash: string, data: JobData, task: ExecutorTask, setJob: (job: JobRef) => void): Promise<Outcome> {
    const node = task.locator.nodeName;
    const jobId = `${data.driver}-${++this.#seq}`;
    const job = { jobId, setHash };
    setJob(job);
    const result = new Promise<Outcome>((resolve, reject) => this.#pending.set(jobId, { node, setHash, resolve, reject }));
    // It may be settled (connection lost, run cancelled) while the job is still being added: handled below, not unhandled.
    result.catch(() => {});
    const { attempts, backoff, keepFailed } = this.#options;
    const added = lane.adds.add(node, data, {
      jobId, attempts, backoff: { type: "exponential", delay: backoff },
      removeOnComplete: true, removeOnFail: { age: 3_600, count: keepFailed },
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
        throw new WorkerError(node, `Cannot queue node "${node}" on Redis at "${started.link.url}": ${(e as Error).message}`, { cause: e });
      }
    }
    // Aborted while the job was being added: the abort handler could not remove it yet.
    if (task.signal.aborted) void this.#withdraw(job, task.signal.reason);
    return result;
  }

  #start(): Promise<Started> {
    this.#started ??= this.#connect();
    return this.#started;
  }

  async #connect(): Promise<Started> {
    const { connection, connectTimeout, queue, routeTimeout } = this.#options;
    const [{ Queue, QueueEvents, Redis }, store] = await Promise.all([loadBullmqPackages("start the BullMQ executor"), this.#openStore()]);
    const link = await RedisLink.open(connection, { Redis, timeoutMs: connectTimeout, hint: HINT });
    try {
      const registry = new Registry(link.client, queue);
      // Alive before the first job: a reaper must never take this driver's jobs for a dead one's.
      await registry.beatDriver(this.#id);
      const router = new Router(registry, queue, {
        timeout: routeTimeout,
        hint: `start one: weft worker --modules <flow> --redis ${link.url} --queue ${queue}, or raise bullmqExecutor() option "routeTimeout" to wait longer`,
      });
      link.onLost((reason) => {
        const lost = this.#lost;
        this.#lost = new AbortController();
        lost.abort(new LostConnection(reason));
        this.#failAll((node) => lostError(node, link.url, reason));
      });
      const { timeout, inlineLimit } = this.#options;
      const encoder = new JobEncoder(this.#id, { store, inlineLimit }, this.#defaults.codeVersion, {
        ...(timeout === undefined ? {} : { timeout }),
        ...(this.#defaults.runtime === undefined ? {} : { runtime: this.#defaults.runtime }),
      });
      const started = { link, encoder, registry, router, QueueClass: Queue, QueueEventsClass: QueueEvents };
      this.#heartbeat = setInterval(() => void this.#beat(started), HEARTBEAT_MS);
      (this.#heartbeat as { unref?: () => void }).unref?.();
      return started;
    } catch (e) {
      await link.close();
      throw e;
    }
  }

  /** The queue of a code set, listened to before its first job is added. */
  #lane(started: Started, setHash: string): Promise<Lane> {
    this.#laneUsed.set(setHash, performance.now());
    let lane = this.#lanes.get(setHash);
    if (lane === undefined) {
      lane = this.#openLane(started, setHash);
      lane.catch(() => this.#lanes.delete(setHash));
      this.#lanes.set(setHash, lane);
    }
    return lane;
  }

  async #openLane(started: Started, setHash: string): Promise<Lane> {
    const { link, registry, QueueClass, QueueEventsClass } = started;
    const name = Registry.queueOf(this.#options.queue, setHash);
    // Listen from the server's clock now: no event of a job added later can be missed, however late the first read.
    const [seconds, micros] = await link.client.time();
    const lastEventId = `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
    const queue = new QueueClass(name, { connection: link.client, streams: { events: { maxLen: this.#options.maxEvents } } });
    const events = new QueueEventsClass(name, { connection: link.client, lastEventId });
    // Connection trouble is reported once, through the link; these would repeat it.
    queue.on("error", () => {});
    events.on("error", () => {});
    events.on("completed", ({ jobId, returnvalue }) => this.#take(jobId)?.resolve(returnvalue as unknown as JobResult));
    events.on("failed", ({ jobId, failedReason }) => {
      const p = this.#take(jobId);
      p?.reject(new WorkerError(p.node, `The job for node "${p.node}" failed on the workers: ${failedReason}`));
    });
    await events.waitUntilReady();
    const adds = new AddBatcher(queue, (ids) => registry.own(this.#id, ids.map((id) => `${setHash}:${id}`)));
    return { queue, events, adds };
  }

  /**
   * Every second: renews the heartbeat, forgets settled jobs, and takes back
   * the waiting jobs of sets whose last worker is gone, to route them again.
   */
  async #beat(started: Started): Promise<void> {
    const { link, registry, router } = started;
    if (link.client.status !== "ready" || this.#disposed) return;
    try {
      if (!(await registry.beatDriver(this.#id))) return this.#reaped();
      const settled = this.#settled;
      this.#settled = [];
      await registry.disown(this.#id, settled);
      await router.refresh();
      for (const [jobId, p] of this.#pending) {
        if (router.isLive(p.setHash)) continue;
        const lane = await this.#lanes.get(p.setHash);
        // Removed only while waiting (or once a dead worker's lock expired): then it is this driver's to send again.
        if (lane !== undefined && (await lane.queue.remove(jobId).catch(() => 0)) === 1) this.#take(jobId)?.resolve({ reroute: true });
      }
      await this.#closeIdleLanes(router);
    } catch {
      // Redis trouble: the link reports it; the next beat tries again.
    }
  }

  /**
   * Closes the lanes of sets without live workers that no job used for a minute (the old code of past
   * deploys): each holds a connection for its events.
   */
  async #closeIdleLanes(router: Router): Promise<void> {
    const now = performance.now();
    for (const [setHash, lane] of this.#lanes) {
      if (router.isLive(setHash) || now - (this.#laneUsed.get(setHash) ?? 0) < LANE_IDLE_MS) continue;
      if ([...this.#pending.values()].some((p) => p.setHash === setHash)) continue;
      this.#lanes.delete(setHash);
      this.#laneUsed.delete(setHash);
      const { queue, events } = await lane.catch(() => ({ queue: undefined, events: undefined }));
      await Promise.allSettled([events?.close(), queue?.close()]);
    }
  }

  /** Redis declared this driver dead (its event loop stalled past the heartbeat) and removed its jobs. */
  #reaped(): void {
    this.#id = crypto.randomUUID();
    this.#failAll((node) => new WorkerError(node, `The workers removed the job for node "${node}": this driver sent no heartbeat for ${LIVENESS_MS / 1000} s (its event loop was blocked); move long synchronous work to worker nodes, then re-run`));
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
    if (p === undefined) return undefined;
    this.#pending.delete(jobId);
    this.#settled.push(`${p.setHash}:${jobId}`);
    return p;
  }

  #failAll(error: (node: string) => unknown): void {
    const all = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [jobId, p] of all) {
      this.#settled.push(`${p.setHash}:${jobId}`);
      p.reject(error(p.node));
    }
  }

  /** Takes a job back: settles it with `reason`, removes it when still waiting, asks a worker running it to stop. */
  async #withdraw({ jobId, setHash }: JobRef, reason: unknown): Promise<void> {
    this.#take(jobId)?.reject(reason);
    const started = await this.#started?.catch(() => undefined);
    if (started === undefined || started.link.client.status !== "ready") return;
    const lane = await this.#lanes.get(setHash)?.catch(() => undefined);
    const removed = lane === undefined ? 0 : await lane.queue.remove(jobId).catch(() => 0);
    if (removed === 0) await started.link.client.publish(cancelChannel(this.#options.queue), jobId).catch(() => {});
  }
}
