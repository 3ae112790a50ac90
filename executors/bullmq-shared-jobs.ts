/**
 * Jobs shared by every driver that asks for the same work. A worker node's
 * call whose run caches it has a key, the cache key of the call: equal keys
 * are equal work, so its job id is that key (prefixed with the protocol, so
 * jobs of another job shape never match). BullMQ ignores an add whose job id
 * exists, and every driver waiting on the id is settled by its one completion
 * (queue events reach every listener).
 *
 * Withdrawing a shared job must not take it from the other drivers waiting on
 * it: each submit joins a set of interested callers in Redis (callers are
 * `<driver id>-<n>`), and a job is removed or cancelled only by the caller
 * that leaves the set empty, or by the reaper (bullmq-reaper.ts) once it
 * took a dead driver's callers out and none is left. Job ids are per BullMQ
 * queue, so the sets are too: `queue` is the code set's (`<queue>.<setHash>`).
 *
 * @module
 */
import type { Redis } from "ioredis";
import { PROTOCOL } from "./bullmq-protocol.ts";

/** How long an interest set outlives its last change: far longer than any job, so a dead driver's entry cannot pin a job forever. */
const INTEREST_TTL_SECONDS = 24 * 3600;

// Takes every caller of one driver (members starting with ARGV[1]) out of an interest set; returns how many are left.
const LEAVE_DRIVER = `
for _, m in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  if string.sub(m, 1, #ARGV[1]) == ARGV[1] then redis.call("SREM", KEYS[1], m) end
end
return redis.call("SCARD", KEYS[1])`;

/** The job id of a call: the key of its work when it has one, else unique to this submit. */
export function jobIdOf(key: string | undefined, unique: () => string): string {
  return key === undefined ? unique() : `k${PROTOCOL}-${key}`;
}

/** True for the ids {@link jobIdOf} makes from keys. */
export const isSharedJobId = (jobId: string): boolean => jobId.startsWith(`k${PROTOCOL}-`);

/** The callers interested in shared jobs, in Redis. */
export class SharedJobs {
  readonly #client: Redis;
  readonly #queue: string;

  constructor(client: Redis, queue: string) {
    this.#client = client;
    this.#queue = queue;
  }

  #set(jobId: string): string {
    return `weft:${this.#queue}:wanted:${jobId}`;
  }

  /** Records that `caller` waits for `jobId`, before its add. */
  async join(jobId: string, caller: string): Promise<void> {
    await this.#client.multi().sadd(this.#set(jobId), caller).expire(this.#set(jobId), INTEREST_TTL_SECONDS).exec();
  }

  /** `caller` no longer waits for `jobId`; true when no caller waits any more (the job may go). */
  async leave(jobId: string, caller: string): Promise<boolean> {
    const replies = await this.#client.multi().srem(this.#set(jobId), caller).scard(this.#set(jobId)).exec();
    return Number(replies?.[1]?.[1] ?? 0) === 0;
  }

  /** A dead driver's callers no longer wait for `jobId`; true when no caller waits any more (the job may go). */
  async leaveDriver(jobId: string, driver: string): Promise<boolean> {
    return (await this.#client.eval(LEAVE_DRIVER, 1, this.#set(jobId), `${driver}-`)) === 0;
  }

  /** The job ended: its set goes. */
  async done(jobId: string): Promise<void> {
    await this.#client.del(this.#set(jobId));
  }
}
