/**
 * BullmqExecutor: runs worker nodes, and map items' whole blocks, as jobs on
 * BullMQ queues over Redis, where `weft worker` processes on any machine pick
 * them up. Each job goes to the queue of a code set that holds its nodes at
 * the driver's code versions (bullmq-router.ts), so a stale worker never sees
 * it. A call the run caches has the cache key of its work as job id, shared
 * by every driver asking for the same work (bullmq-shared-jobs.ts); other job
 * ids are unique per executor. The driver keeps a heartbeat and lists the
 * jobs it owns, so workers remove the jobs of a driver that died (a shared
 * one only once no other driver waits for it). Completion comes through
 * BullMQ's queue events, never by polling; each executor settles only the
 * jobs it waits for, so several drivers can share one queue. bullmq and
 * ioredis (optional peer dependencies) are imported by `init()`.
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
import { AddBatcher } from "./bullmq-add-batcher.ts";
import { BlockBatcher, allAborted } from "./bullmq-blocks.ts";
import { cancelChannel, type BlockJobData, type JobData, type JobResult, type SettledResult } from "./bullmq-protocol.ts";
import { JobEncoder } from "./bullmq-job-encoder.ts";
import { resolveOptions, type BullmqExecutorDefaults, type BullmqExecutorOptions, type ResolvedOptions } from "./bullmq-options.ts";
import { loadBullmqPackages } from "./bullmq-packages.ts";
import { HEARTBEAT_MS, LIVENESS_MS, Registry } from "./bullmq-registry.ts";
import { Router, type Need } from "./bullmq-router.ts";
import { jobIdOf, isSharedJobId, SharedJobs } from "./bullmq-shared-jobs.ts";
import { JobValues } from "./bullmq-values.ts";
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
  /** Who waits for the shared jobs of this queue (job ids are per queue). */
  readonly shared: SharedJobs;
}

/** What a job's outcome is, to the loop that submitted it. */
type Outcome = JobResult | { readonly reroute: true };

/** The connection to Redis was lost while a job waited for a route. */
class LostConnection extends Error {}

const lostError = (node: string, url: string, reason: string) =>
  new WorkerError(node, `Lost the connection to Redis at "${url}" while node "${node}" was queued or running: ${reason}; re-run once Redis is reachable again`);

/** One caller's job as this driver sent it. */
interface JobRef {
  readonly jobId: string;
  readonly setHash: string;
  /** `<driver id>-<n>`: the job id of an unshared job, a member of a shared job's interest set. */
  readonly caller: string;
}

interface Pending {
  readonly node: string;
  readonly setHash: string;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

/** How a job is sent: the `node` it is named after, the `needs` it is routed by, its data, and the key of a shared one. */
type SendJob = (node: string, needs: readonly Need[], data: JobData | BlockJobData, key: string | undefined) => Promise<SettledResult>;

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
  /** Changes when Redis declared this driver dead (its event loop stalled past the heartbeat): its old jobs are gone. */
  #id = crypto.randomUUID();
  /** Callers waiting for each job, by `setHash:jobId` then caller (several for a shared job). */
  readonly #pending = new Map<string, Map<string, Pending>>();
  readonly #lanes = new Map<string, Promise<Lane>>();
  /** When each lane was last given a job (performance.now()), so that lanes of sets gone for good are closed. */
  readonly #laneUsed = new Map<string, number>();
  readonly #limit: ReturnType<typeof pLimit>;
  /** Jobs (`setHash:jobId`) no caller of this driver waits for any more, to be disowned at the next beat. */
  #settled: string[] = [];
  /** Fires (with the reason) when the connection to Redis is lost, ending waits for a route; renewed each time. */
  #lost = new AbortController();
  /** Set when the connection is lost: the heartbeat is renewed before the next job is sent (see #renewHeartbeat). */
  #stale = false;
  #renewing: Promise<void> | undefined;
  #seq = 0;
  #started: Promise<Started> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
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
   * and starts the driver's heartbeat. Warns when no worker serves the queue
   * yet: its jobs wait until one starts (at most `routeTimeout`). Large values
   * go through the result store of `context.cache` (the driver's cache).
   */
  async init(_modules?: readonly string[], context?: ExecutorContext): Promise<void> {
    this.#cache ??= context?.cache;
    const { router, link } = await this.#start();
    const snapshot = await router.refresh().catch(() => undefined);
    if (snapshot !== undefined && snapshot.live.size === 0) {
      console.warn(`weft: no worker serves queue "${this.#options.queue}" on ${link.url} yet; jobs wait until one starts: weft worker --modules <flow> --redis ${link.url} --queue ${this.#options.queue}`);
    }
  }

  submit(task: ExecutorTask): Promise<unknown> {
    return this.#enqueue(task.signal, async (send) => {
      const { encoder } = await this.#start();
      const node = task.locator.nodeName;
      const data = await encoder.encode(task);
      const done = await send(node, [{ nodeName: node, exportName: data.node.exportName, version: data.code }], data, task.key);
      if (done.host !== undefined) task.ranOn?.(done.host);
      return encoder.decode(node, done);
    });
  }

  /**
   * Runs a map item's whole block as a job, batched with the items of the
   * same block that start in the same turn (up to `blockBatch` per job),
   * routed to a set that holds every node of the block at its version.
   */
  submitBlock(block: ExecutorBlock): Promise<BlockOutcome> {
    return this.#blocks.add(block);
  }

  readonly #blocks = new BlockBatcher(() => this.#options.blockBatch, (blocks) => this.#enqueue(allAborted(blocks.map((b) => b.signal)), async (send) => {
    const { encoder } = await this.#start();
    const data = await encoder.encodeBlocks(blocks);
    const needs = data.nodes.map((n) => ({ nodeName: n.nodeName, exportName: n.exportName, version: n.code }));
    return encoder.decodeBlocks(data.expand, await send(data.nodes[0]!.nodeName, needs, data, undefined));
  }));

  /**
   * One caller's work under `signal` and the executor's capacity: `work`
   * sends its job with the `send` it is given; a cancellation settles the
   * caller at once and takes the job back.
   */
  #enqueue<T>(signal: AbortSignal, work: (send: SendJob) => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new Error("The BullMQ executor was closed; build a new driver"));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      let job: JobRef | undefined;
      const onAbort = () => {
        reject(signal.reason);
        if (job !== undefined) void this.#withdraw(job, signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#limit(() => work((node, needs, data, key) => this.#run(node, needs, data, key, signal, (ref) => (job = ref))))
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#heartbeat);
    const started = await this.#started?.catch(() => undefined);
    const closed = new Error("The BullMQ executor was closed while the node waited or ran");
    await Promise.all([...this.#pending].flatMap(([member, callers]) => {
      const { setHash, jobId } = splitMember(member);
      return [...callers.keys()].map((caller) => this.#withdraw({ jobId, setHash, caller }, closed));
    }));
    if (started === undefined) return;
    const lanes = await Promise.all([...this.#lanes.values()].map((l) => l.catch(() => undefined)));
    const leave = started.link.client.status === "ready" ? started.registry.leaveDriver(this.#id).catch(() => {}) : Promise.resolve();
    // With Redis gone, BullMQ's close waits for it forever: it gets a moment, then the connection is dropped.
    const closing = lanes.flatMap((l) => (l === undefined ? [] : [l.events.close(), l.queue.close()]));
    await started.link.whileUp(Promise.allSettled([leave, ...closing]), 1_000);
    await started.link.close();
  }

  /**
   * Sends a job until it has an outcome: routed to a live set, sent again
   * elsewhere when its set's last worker left while it waited or a worker
   * handed it back, and asked for again when another driver's withdrawal
   * cancelled the shared job this caller joined.
   */
  async #run(
    node: string, needs: readonly Need[], data: JobData | BlockJobData, key: string | undefined, signal: AbortSignal, setJob: (job: JobRef) => void,
  ): Promise<SettledResult> {
    if (this.#disposed) throw new Error("The BullMQ executor was closed; build a new driver");
    const started = await this.#start();
    const { link, router } = started;
    const refused = new Set<string>();
    for (let cancelled = 0; ;) {
      await link.ready(this.#options.connectTimeout, HINT).catch((e: Error) => {
        throw new WorkerError(node, `Cannot run node "${node}" on BullMQ: ${e.message}`, { cause: e });
      });
      await this.#renewHeartbeat(started, node);
      if (signal.aborted) throw signal.reason;
      const setHash = await router.route(needs, refused, [signal, this.#lost.signal]).catch((e: unknown) => {
        throw e instanceof LostConnection ? lostError(node, link.url, e.message) : e;
      });
      const lane = await this.#lane(started, setHash);
      const outcome = await this.#attempt(started, lane, setHash, node, { ...data, driver: this.#id }, key, signal, setJob);
      if ("reroute" in outcome) continue;
      // A worker of a set whose config-shaped node turned out to differ: another set may hold it.
      if ("refused" in outcome) refused.add(setHash);
      // A shared job this caller did not withdraw that ended cancelled was another driver's, withdrawn just before
      // this caller asked for the same work (its completion reached this caller): the work is asked for again.
      else if ("cancelled" in outcome) {
        if (++cancelled === 3) throw new WorkerError(node, `The job for node "${node}" was cancelled by other drivers ${cancelled} times while this run waited for it; run again`);
      } else return outcome;
    }
  }

  /**
   * After a lost connection, one beat before any job is sent: a Redis restarted without persistence forgot this
   * driver's heartbeat, and until the next beat (up to 1 s later) a worker skipped its jobs as a dead driver's.
   */
  async #renewHeartbeat(started: Started, node: string): Promise<void> {
    if (this.#stale) {
      this.#stale = false;
      const renewing = this.#beat(started).finally(() => void (this.#renewing === renewing && (this.#renewing = undefined)));
      this.#renewing = renewing;
    }
    if (this.#renewing === undefined) return;
    // With Redis gone again, the beat waits for it forever: the lost connection ends the wait.
    const lost = this.#lost.signal;
    let onLost: (() => void) | undefined;
    const gone = new Promise<never>((_, reject) => lost.addEventListener("abort", (onLost = () => reject(lostError(node, started.link.url, (lost.reason as Error).message))), { once: true }));
    await Promise.race([this.#renewing, gone]).finally(() => lost.removeEventListener("abort", onLost!));
  }

  /** One job on one set's queue, until its outcome. */
  async #attempt(
    started: Started, lane: Lane, setHash: string, node: string, data: JobData | BlockJobData, key: string | undefined, signal: AbortSignal,
    setJob: (job: JobRef) => void,
  ): Promise<Outcome> {
    const caller = `${data.driver}-${++this.#seq}`;
    const jobId = jobIdOf(key, () => caller);
    const member = `${setHash}:${jobId}`;
    const ref = { jobId, setHash, caller };
    setJob(ref);
    const result = new Promise<Outcome>((resolve, reject) => this.#wait(member, caller, { node, setHash, resolve, reject }));
    // It may be settled (connection lost, run cancelled) while the job is still being added: handled below, not unhandled.
    result.catch(() => {});
    const { attempts, backoff, keepFailed } = this.#options;
    const add = () => lane.adds.add(node, data, {
      jobId, attempts, backoff: { type: "exponential", delay: backoff },
      removeOnComplete: true, removeOnFail: { age: 3_600, count: keepFailed },
    });
    // A shared job: joined before the add, so that no other driver's withdrawal takes it meanwhile; one that failed
    // earlier (kept a while in the failed set, where an add with its id is ignored) is replaced.
    const added = key === undefined ? add() : lane.shared.join(jobId, caller).then(add).then(async () => {
      if ((await lane.queue.getJobState(jobId)) !== "failed") return;
      await lane.queue.remove(jobId);
      await add();
    });
    added.catch(() => {});
    try {
      // With Redis gone, the add waits for a reconnection forever (BullMQ needs maxRetriesPerRequest: null); the
      // lost-connection notice or a cancellation settles `result`, which then ends the wait (a run hung here, with
      // the job half added, until Redis came back).
      await Promise.race([added, result]);
    } catch (e) {
      // Settled meanwhile: that outcome (the lost connection, the cancellation) is the one to report.
      if (this.#takeCaller(member, caller) !== undefined) {
        throw new WorkerError(node, `Cannot queue node "${node}" on Redis at "${started.link.url}": ${(e as Error).message}`, { cause: e });
      }
    }
    // Aborted while the job was being added: the abort handler could not remove it yet.
    if (signal.aborted) void this.#withdraw(ref, signal.reason);
    return result;
  }

  #start(): Promise<Started> {
    this.#started ??= this.#connect();
    return this.#started;
  }

  async #connect(): Promise<Started> {
    const { connection, connectTimeout, queue, routeTimeout } = this.#options;
    const { Queue, QueueEvents, Redis } = await loadBullmqPackages("start the BullMQ executor");
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
        this.#stale = true;
        this.#failAll((node) => lostError(node, link.url, reason));
      });
      const { timeout, inlineLimit } = this.#options;
      const encoder = new JobEncoder(this.#id, new JobValues(this.#cache, inlineLimit), this.#defaults.codeVersion, {
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
    const shared = new SharedJobs(link.client, name);
    events.on("completed", ({ jobId, returnvalue }) => {
      const waiting = this.#take(`${setHash}:${jobId}`);
      for (const p of waiting) p.resolve(returnvalue as unknown as JobResult);
      if (waiting.length > 0 && isSharedJobId(jobId)) void shared.done(jobId).catch(() => {});
    });
    // A shared job removed while this executor's callers still wait for it: another driver withdrew it just as they
    // joined (its check saw no one else yet), or took it back from a set whose last worker left. They ask again.
    events.on("removed", ({ jobId }) => {
      if (isSharedJobId(jobId)) for (const p of this.#take(`${setHash}:${jobId}`)) p.resolve({ cancelled: true });
    });
    events.on("failed", ({ jobId, failedReason }) => {
      for (const p of this.#take(`${setHash}:${jobId}`)) p.reject(new WorkerError(p.node, `The job for node "${p.node}" failed on the workers: ${failedReason}`));
    });
    await events.waitUntilReady();
    const adds = new AddBatcher(queue, (ids) => registry.own(this.#id, ids.map((id) => `${setHash}:${id}`)));
    return { queue, events, adds, shared };
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
      for (const member of [...this.#pending.keys()]) {
        const { setHash, jobId } = splitMember(member);
        if (router.isLive(setHash)) continue;
        const lane = await this.#lanes.get(setHash);
        // Removed only while waiting (or once a dead worker's lock expired): then it is this driver's to send again
        // (other drivers sharing it see it removed and ask again).
        if (lane === undefined || (await lane.queue.remove(jobId).catch(() => 0)) !== 1) continue;
        if (isSharedJobId(jobId)) void lane.shared.done(jobId).catch(() => {});
        for (const p of this.#take(member)) p.resolve({ reroute: true });
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
      if ([...this.#pending.keys()].some((member) => splitMember(member).setHash === setHash)) continue;
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

  #wait(member: string, caller: string, pending: Pending): void {
    let callers = this.#pending.get(member);
    if (callers === undefined) this.#pending.set(member, (callers = new Map()));
    callers.set(caller, pending);
  }

  /** Every caller waiting for the job `member` (`setHash:jobId`), no longer waiting. */
  #take(member: string): Pending[] {
    const callers = this.#pending.get(member);
    if (callers === undefined) return [];
    this.#pending.delete(member);
    this.#settled.push(member);
    return [...callers.values()];
  }

  /** One caller waiting for the job `member`, no longer waiting. */
  #takeCaller(member: string, caller: string): Pending | undefined {
    const callers = this.#pending.get(member);
    const p = callers?.get(caller);
    callers?.delete(caller);
    if (callers?.size === 0) {
      this.#pending.delete(member);
      this.#settled.push(member);
    }
    return p;
  }

  #failAll(error: (node: string) => unknown): void {
    const all = [...this.#pending];
    this.#pending.clear();
    for (const [member, callers] of all) {
      this.#settled.push(member);
      for (const p of callers.values()) p.reject(error(p.node));
    }
  }

  /**
   * Takes a caller's job back: settles it with `reason`, and when no caller
   * (of any driver) waits for it any more, removes it when still waiting or
   * asks a worker running it to stop.
   */
  async #withdraw({ jobId, setHash, caller }: JobRef, reason: unknown): Promise<void> {
    this.#takeCaller(`${setHash}:${jobId}`, caller)?.reject(reason);
    const started = await this.#started?.catch(() => undefined);
    if (started === undefined || started.link.client.status !== "ready") return;
    const lane = await this.#lanes.get(setHash)?.catch(() => undefined);
    if (lane === undefined) return;
    if (isSharedJobId(jobId) && !(await lane.shared.leave(jobId, caller).catch(() => true))) return;
    // A shared job's id comes back with the next run that asks for the same work: the cancellation names this job's
    // timestamp, so a worker does not take it for the next one.
    const job = isSharedJobId(jobId) ? await lane.queue.getJob(jobId).catch(() => undefined) : undefined;
    const removed = await lane.queue.remove(jobId).catch(() => 0);
    const message = job?.timestamp === undefined ? jobId : `${jobId} ${job.timestamp}`;
    if (removed === 0) await started.link.client.publish(cancelChannel(lane.queue.name), message).catch(() => {});
  }
}

/** A job as `setHash:jobId` (set hashes are hex), in its parts. */
function splitMember(member: string): { readonly setHash: string; readonly jobId: string } {
  const at = member.indexOf(":");
  return { setHash: member.slice(0, at), jobId: member.slice(at + 1) };
}
