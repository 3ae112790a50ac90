/**
 * The worker side of the BullMQ executor, run by `weft worker`: advertises
 * its code set (every node of its modules at its code version) and takes jobs
 * from that set's queue only, so drivers route to it just the nodes it runs
 * at their version; finds each job's node in its own modules by name; reaps
 * the jobs of dead drivers (bullmq-reaper.ts); and runs the node on a local
 * executor (the CLI gives it a pool of worker threads, which keeps this
 * event loop free to renew BullMQ's job locks however long a node computes).
 * Runtime-neutral: the CLI supplies module URLs, the local executor and the cache.
 *
 * @module
 */
import type { Job, Worker } from "bullmq";
import type { Executor } from "../lib/ports/executor.ts";
import type { CodeVersioner } from "../lib/ports/code-versioner.ts";
import type { Cache } from "../lib/ports/cache.ts";
import type { JobContext } from "./bullmq-job-context.ts";
import { runJob } from "./bullmq-job-runner.ts";
import { BlockRunner, type BlockDriverFactory } from "./block-runner.ts";
import { cancelChannel, DEFAULT_QUEUE, type JobData, type JobResult } from "./bullmq-protocol.ts";
import { loadBullmqPackages } from "./bullmq-packages.ts";
import { Reaper } from "./bullmq-reaper.ts";
import { codeSetHash, HEARTBEAT_MS, Registry } from "./bullmq-registry.ts";
import { LocalModules } from "./local-modules.ts";
import { RedisLink } from "./redis-link.ts";
import { encodeWire } from "./wire-codec.ts";

/** Options of {@link startBullmqWorker}. */
export interface BullmqWorkerOptions {
  /** Redis URL. */
  readonly redis: string;
  /** URLs of the modules whose nodes this worker runs. */
  readonly modules: readonly string[];
  /** Where nodes run in this process; disposed by `close()`. */
  readonly local: Executor;
  /** Jobs taken from the queue at once: the local executor's own limit (e.g. its pool size). Default 1. */
  readonly concurrency?: number;
  /** Code versions to compare with the driver's: the same CodeVersioner the driver's executor uses. */
  readonly codeVersion: CodeVersioner;
  /** Queue name; default `"weft"`. */
  readonly queue?: string;
  /**
   * The drivers' cache (`weft worker --cache`): large inputs are read from its
   * result store and large results written to it, by data version. Not closed by `close()`.
   */
  readonly cache?: Cache;
  /**
   * Builds the small drivers that run map items' whole blocks (the composition
   * root's Builder); without it this worker refuses block jobs.
   */
  readonly blocks?: BlockDriverFactory;
  /** Shown in messages, e.g. `host:pid`. */
  readonly name?: string;
  /** The runtime this process runs on, to explain a code version mismatch with a driver on another one. */
  readonly runtime?: string;
  /** A job whose lock is not renewed for this long (its worker died) is taken over by another worker, in ms. Default 30,000. */
  readonly lockDuration?: number;
  /** How often this worker looks for such jobs, in ms. Default 30,000. */
  readonly stalledInterval?: number;
  /** How many times a job may be taken over before it fails. Default 1. */
  readonly maxStalledCount?: number;
  /** How long to wait for Redis at start, in ms. Default 5,000. */
  readonly connectTimeout?: number;
  /** Where problems are reported (lost connection). Default: console.error. */
  readonly log?: (line: string) => void;
}

/** A running worker. */
export interface BullmqWorkerHandle {
  /** The Redis URL, password hidden. */
  readonly url: string;
  /** The hash of this worker's code set; its jobs come from the BullMQ queue `<queue>.<setHash>`. */
  readonly setHash: string;
  /**
   * Stops taking jobs, lets running ones finish, and closes connections and
   * the local executor. When Redis is not reachable, stops at once.
   */
  close(): Promise<void>;
}

/**
 * Connects to Redis and runs jobs until closed.
 *
 * @throws {MissingPackageError} when bullmq or ioredis is not installed
 * @throws {Error} when Redis does not answer within `connectTimeout`, or a module cannot be imported
 * @example
 * ```ts
 * const worker = await startBullmqWorker({ redis: "redis://127.0.0.1:6379", modules: [flowUrl], local: pool });
 * // ... later
 * await worker.close();
 * ```
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorkerHandle> {
  const queue = options.queue ?? DEFAULT_QUEUE;
  const log = options.log ?? ((line: string) => console.error(line));
  // First: without the packages nothing else is worth starting.
  const { Worker, Queue, Redis } = await loadBullmqPackages("start a BullMQ worker");
  const modules = await LocalModules.load(options.modules, options.codeVersion);
  const codeSet = await modules.codeSet();
  const setHash = await codeSetHash(codeSet);
  await encodeWire(null); // loads the codec now, not during the first job
  await options.local.init(modules.urls);
  const link = await RedisLink.open(options.redis, {
    Redis,
    timeoutMs: options.connectTimeout ?? 5_000,
    hint: "start redis-server there, or pass its URL with --redis",
  });
  const cancelled = new Map<string, number | undefined>();
  const blocks = options.blocks === undefined ? undefined : new BlockRunner(options.blocks);
  const registry = new Registry(link.client, queue);
  const driverAlive = aliveCache(registry);
  const context: JobContext = { modules, local: options.local, cache: options.cache, blocks, name: options.name ?? "worker", runtime: options.runtime, configs: new Map(), cancelled, driverAlive };
  await registry.advertise(setHash, codeSet);
  const threads = options.concurrency ?? 1;
  const prefetch = new Prefetch(threads);
  const routed = Registry.queueOf(queue, setHash);
  const worker: Worker = new Worker(routed, async (job: Job, _token?: string, signal?: AbortSignal): Promise<JobResult> => {
    const began = performance.now();
    try {
      return await runJob(job as Job<JobData>, signal, context);
    } finally {
      worker.concurrency = prefetch.after(performance.now() - began);
    }
  }, {
    connection: link.client,
    concurrency: threads,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 1,
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  // BullMQ repeats a connection error for every command; say it once per outage.
  let reported = false;
  worker.on("error", (e) => {
    if (!reported) log(`weft worker: Redis at "${link.url}" failed: ${e.message}; retrying until it answers`);
    reported = true;
  });
  link.client.on("ready", () => void (reported = false));
  // Drivers and reapers publish the ids of jobs no one wants, on the channel of this set's queue; the one running here stops it.
  const subscriber = link.client.duplicate();
  subscriber.on("error", () => {});
  subscriber.on("message", (_channel: string, message: string) => {
    // "<jobId>" or, for a shared job (whose id a later run reuses), "<jobId> <its timestamp>".
    const [jobId = "", at] = message.split(" ");
    if (worker.cancelJob(jobId, "the run no longer needs this node")) return;
    // Not started here yet (or taken by another worker): remembered a while, in case it is about to start here.
    cancelled.set(jobId, at === undefined ? undefined : Number(at));
    setTimeout(() => cancelled.delete(jobId), 60_000).unref?.();
  });
  await Promise.all([subscriber.subscribe(cancelChannel(routed)), worker.waitUntilReady()]);
  // Advertised once it takes jobs: drivers route to live workers only.
  // BullMQ's lock tokens start with its worker id: the reaper frees this worker's jobs by it once it is dead.
  const member = `${setHash}:${worker.id}`;
  const beat = async () => {
    if (!(await registry.beatWorker(member))) await registry.advertise(setHash, codeSet);
  };
  await beat();
  const heartbeat = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
  const reaper = new Reaper(link.client, queue, Queue, options.stalledInterval ?? 30_000);
  reaper.start();
  let closing: Promise<void> | undefined;
  return {
    url: link.url,
    setHash,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        // Takes no job from now on (running ones finish), and leaves routing: drivers send the waiting jobs of a
        // set without live workers elsewhere.
        const finishing = worker.close();
        await link.whileUp(registry.leaveWorker(member), 1_000);
        await link.whileUp(reaper.stop(), 1_000);
        // Running jobs may take long; but with Redis gone, BullMQ's close would wait for it forever.
        await link.whileUp(finishing, 1_000);
        subscriber.disconnect();
        await link.close();
        await blocks?.close();
        await options.local.dispose();
      })();
      return closing;
    },
  };
}

/** A driver's liveness as a worker sees it: read at most once a second per live driver. */
function aliveCache(registry: Registry): (driver: string) => Promise<boolean> {
  const seen = new Map<string, { alive: Promise<boolean>; at: number }>();
  return (driver) => {
    const now = performance.now();
    const entry = seen.get(driver);
    if (entry !== undefined && now - entry.at < HEARTBEAT_MS) return entry.alive;
    if (seen.size > 1_000) seen.clear();
    // A Redis error is not a verdict: the job runs.
    const alive = registry.driverAlive(driver).catch(() => true);
    seen.set(driver, { alive, at: now });
    // Only "alive" is kept: a read sent before Redis restarted without persistence is answered by the empty Redis,
    // before the driver's next beat, and must not make the driver's next jobs (its re-run's) skipped for a second.
    void alive.then((yes) => void (!yes && seen.get(driver)?.alive === alive && seen.delete(driver)));
    return alive;
  };
}

/**
 * How many jobs to hold at once. With jobs that take a few milliseconds, the round trips to Redis (take a job,
 * report it) dominate: holding {@link PREFETCH}× the threads keeps them busy while the next jobs arrive. With
 * longer jobs, holding more than the threads would keep jobs from idle workers on other machines, so the worker
 * takes one job per thread.
 */
class Prefetch {
  readonly #threads: number;
  #average = Infinity;

  constructor(threads: number) {
    this.#threads = threads;
  }

  /** The concurrency to use after a job that took `ms`. */
  after(ms: number): number {
    this.#average = this.#average === Infinity ? ms : 0.8 * this.#average + 0.2 * ms;
    return this.#average < SHORT_JOB_MS ? this.#threads * PREFETCH : this.#threads;
  }
}

/** A job shorter than this on average is short (see {@link Prefetch}), in ms. */
const SHORT_JOB_MS = 20;
/** Jobs held per thread while jobs are short. */
const PREFETCH = 4;
