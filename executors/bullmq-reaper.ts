/**
 * The reaper every `weft worker` runs: every {@link REAP_MS} it declares
 * drivers whose heartbeat expired dead (one worker wins each, atomically) and
 * removes their jobs: waiting ones from their queues, running ones cancelled
 * on the worker that runs them (through the cancel channel), so a new
 * driver's jobs never queue behind a dead one's. A driver's jobs are listed in
 * Redis as it adds them (bullmq-registry.ts), so nothing is scanned. It also
 * frees the jobs of workers whose heartbeat expired, for re-delivery.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { cancelChannel } from "./bullmq-protocol.ts";
import { Registry } from "./bullmq-registry.ts";

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
      const running: string[] = [];
      for (const member of members) {
        const at = member.indexOf(":");
        const jobId = member.slice(at + 1);
        const queue = this.#queueOf(member.slice(0, at));
        if ((await queue.remove(jobId).catch(() => 0)) === 1) gone.push(member);
        else if (["unknown", "completed", "failed"].includes(await queue.getJobState(jobId))) gone.push(member);
        else running.push(member);
      }
      // Stopped after the waiting ones are gone: a thread freed earlier would take one of them first.
      for (const member of running) {
        const at = member.indexOf(":");
        // Workers listen on the channel of their own set's queue.
        await this.#client.publish(cancelChannel(Registry.queueOf(this.#queue, member.slice(0, at))), member.slice(at + 1));
      }
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
