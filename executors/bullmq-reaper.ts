/**
 * The reaper every `weft worker` runs: every {@link REAP_MS} it declares
 * drivers whose heartbeat expired dead (one worker wins each, atomically) and
 * removes their jobs: waiting ones from their queues, running ones cancelled
 * on the worker that runs them (through the cancel channel), so a new
 * driver's jobs never queue behind a dead one's. A shared job (one id for
 * every driver asking for the same work, bullmq-shared-jobs.ts) belongs to
 * every driver in its interest set: the dead driver's callers are taken out,
 * and the job is removed or cancelled only when no caller is left, so a live
 * driver sharing it still gets its result. A driver's jobs are listed in
 * Redis as it adds them (bullmq-registry.ts), so nothing is scanned. It also
 * frees the jobs of workers whose heartbeat expired, for re-delivery.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { cancelChannel } from "./bullmq-protocol.ts";
import { Registry } from "./bullmq-registry.ts";
import { isSharedJobId, SharedJobs } from "./bullmq-shared-jobs.ts";

/** How often a worker looks for dead drivers, in ms. */
export const REAP_MS = 2_000;

/** Removes the jobs of dead drivers on one weft queue. */
export class Reaper {
  readonly #client: Redis;
  readonly #registry: Registry;
  readonly #queue: string;
  readonly #Queue: typeof Queue;
  readonly #queues = new Map<string, Queue>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  readonly #stalledInterval: number;

  constructor(client: Redis, queue: string, QueueClass: typeof Queue, stalledInterval: number) {
    this.#client = client;
    this.#stalledInterval = stalledInterval;
    this.#registry = new Registry(client, queue);
    this.#queue = queue;
    this.#Queue = QueueClass;
  }

  /** Reaps now, then every {@link REAP_MS}. */
  start(): void {
    const tick = () => {
      this.#running = this.reap().catch(() => {}).finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, REAP_MS);
      });
    };
    tick();
  }

  /** One pass: removes what it can of every dead driver's jobs; what is still running is asked to stop. */
  async reap(): Promise<void> {
    if (this.#client.status !== "ready") return;
    await this.#registry.buryWorkers(this.#stalledInterval);
    for (const driver of await this.#registry.reap()) {
      const members = await this.#registry.jobsOf(driver);
      const gone: string[] = [];
      const running: { readonly channel: string; readonly message: string }[] = [];
      for (const member of members) {
        const at = member.indexOf(":");
        const setHash = member.slice(0, at);
        const jobId = member.slice(at + 1);
        const name = Registry.queueOf(this.#queue, setHash);
        const shared = isSharedJobId(jobId);
        // Another driver still waits for this shared job: it stays, and is no longer this driver's.
        if (shared && !(await new SharedJobs(this.#client, name).leaveDriver(jobId, driver))) {
          gone.push(member);
          continue;
        }
        const queue = this.#queueOf(setHash);
        // A shared job's id comes back with the next run asking for the same work: its cancellation names its timestamp.
        const job = shared ? await queue.getJob(jobId).catch(() => undefined) : undefined;
        if ((await queue.remove(jobId).catch(() => 0)) === 1) gone.push(member);
        else if (["unknown", "completed", "failed"].includes(await queue.getJobState(jobId))) gone.push(member);
        else running.push({ channel: cancelChannel(name), message: job?.timestamp === undefined ? jobId : `${jobId} ${job.timestamp}` });
      }
      // Stopped after the waiting ones are gone: a thread freed earlier would take one of them first.
      for (const { channel, message } of running) await this.#client.publish(channel, message);
      if (gone.length === members.length) await this.#registry.buried(driver);
      else await this.#registry.disown(driver, gone);
    }
  }

  /** Stops reaping (a pass under way finishes). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
  }

  #queueOf(setHash: string): Queue {
    let queue = this.#queues.get(setHash);
    if (queue === undefined) {
      queue = new this.#Queue(Registry.queueOf(this.#queue, setHash), { connection: this.#client });
      queue.on("error", () => {});
      this.#queues.set(setHash, queue);
    }
    return queue;
  }
}
