/**
 * Who is alive on a weft queue, kept in Redis beside BullMQ's own keys:
 * workers advertise their code set (node name → code version) and renew a
 * heartbeat; drivers renew theirs and list the jobs they own, so that the
 * workers' reaper can remove the jobs of a driver that died. Heartbeats are
 * scores in sorted sets, stamped with Redis's clock (TIME inside a script),
 * so machines with skewed clocks agree on who expired.
 *
 * Keys, for queue `q`: `weft:q:sets` (hash: set hash → JSON list of
 * `name@version`), `weft:q:workers` (zset: `setHash:bullmqWorkerId` → expiry),
 * `weft:q:drivers` (zset: driver id → expiry), `weft:q:dead` (set: drivers
 * whose jobs are being removed), `weft:q:driver:<id>` (set: `setHash:jobId`
 * of the jobs a driver owns).
 *
 * @module
 */
import type { Redis } from "ioredis";

/** How often heartbeats are renewed, in ms. */
export const HEARTBEAT_MS = 1_000;
/** A worker or driver whose heartbeat is older than this is dead, in ms. */
export const LIVENESS_MS = 5_000;

// Renews a heartbeat; a driver already reaped gets -1 instead (its jobs are gone).
const BEAT = `
if ARGV[3] == "1" and redis.call("SISMEMBER", KEYS[2], ARGV[1]) == 1 then return -1 end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now`;

// Renews a worker's heartbeat; 0 when its code set is not advertised (Redis lost its data: restarted without
// persistence), so that the worker advertises it again.
const WORKER_BEAT = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return redis.call("HEXISTS", KEYS[2], ARGV[3])`;

// Members whose heartbeat has not expired.
const LIVE = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call("ZRANGEBYSCORE", KEYS[1], now, "+inf")`;

// Moves drivers whose heartbeat expired to the dead set, and returns that whole set.
const REAP = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", "(" .. now)
for _, id in ipairs(expired) do
  redis.call("ZREM", KEYS[1], id)
  redis.call("SADD", KEYS[2], id)
end
return redis.call("SMEMBERS", KEYS[2])`;

// Workers whose heartbeat expired: the locks of the jobs they held are dropped, so BullMQ's stalled-job check
// (that of the live workers, whose stalled-check throttle is cut to their own interval) re-delivers them now,
// rather than when the dead worker's lock (its own --lock-duration, 30 s by default) runs out.
const BURY = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", "(" .. now)
for _, member in ipairs(dead) do
  local at = string.find(member, ":", 1, true)
  local id = string.sub(member, at + 1)
  local q = ARGV[1] .. string.sub(member, 1, at - 1) .. ":"
  for _, jobId in ipairs(redis.call("LRANGE", q .. "active", 0, -1)) do
    local lock = redis.call("GET", q .. jobId .. ":lock")
    if lock and string.sub(lock, 1, #id + 1) == id .. ":" then redis.call("DEL", q .. jobId .. ":lock") end
  end
  local ttl = redis.call("PTTL", q .. "stalled-check")
  if ttl > tonumber(ARGV[2]) then redis.call("PEXPIRE", q .. "stalled-check", ARGV[2]) end
  redis.call("ZREM", KEYS[1], member)
end
return #dead`;

// 1 when the driver's heartbeat is current.
const ALIVE = `
local score = redis.call("ZSCORE", KEYS[1], ARGV[1])
if not score then return 0 end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(score) >= now then return 1 end
return 0`;

/** The Redis side of liveness and routing for one queue. */
export class Registry {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #queue: string;

  constructor(client: Redis, queue: string) {
    this.#client = client;
    this.#queue = queue;
    this.#prefix = `weft:${queue}:`;
  }

  /** The BullMQ queue of one code set. */
  static queueOf(queue: string, setHash: string): string {
    return `${queue}.${setHash}`;
  }

  /** Advertises a code set (idempotent: the same set from every worker that runs it). */
  async advertise(setHash: string, entries: readonly string[]): Promise<void> {
    await this.#client.hset(`${this.#prefix}sets`, setHash, JSON.stringify(entries));
  }

  /** Renews a worker's heartbeat (`member` is `setHash:workerId`); false when its code set must be advertised again. */
  async beatWorker(member: string): Promise<boolean> {
    const setHash = member.slice(0, member.indexOf(":"));
    return (await this.#client.eval(WORKER_BEAT, 2, `${this.#prefix}workers`, `${this.#prefix}sets`, member, LIVENESS_MS, setHash)) === 1;
  }

  /** Takes a worker out of routing at once (it is closing). */
  async leaveWorker(member: string): Promise<void> {
    await this.#client.zrem(`${this.#prefix}workers`, member);
  }

  /** Renews a driver's heartbeat; false once the driver was declared dead and its jobs removed. */
  async beatDriver(driver: string): Promise<boolean> {
    const r = await this.#client.eval(BEAT, 2, `${this.#prefix}drivers`, `${this.#prefix}dead`, driver, LIVENESS_MS, "1");
    return r !== -1;
  }

  /** A driver that closes: its jobs were settled by itself. */
  async leaveDriver(driver: string): Promise<void> {
    await this.#client.multi().zrem(`${this.#prefix}drivers`, driver).del(this.#jobsKey(driver)).exec();
  }

  /** Whether a driver's heartbeat is current. */
  async driverAlive(driver: string): Promise<boolean> {
    return (await this.#client.eval(ALIVE, 1, `${this.#prefix}drivers`, driver)) === 1;
  }

  /** The live workers' set hashes, with how many live workers run each. */
  async liveSets(): Promise<Map<string, number>> {
    const members = (await this.#client.eval(LIVE, 1, `${this.#prefix}workers`)) as string[];
    const counts = new Map<string, number>();
    for (const m of members) {
      const hash = m.slice(0, m.indexOf(":"));
      counts.set(hash, (counts.get(hash) ?? 0) + 1);
    }
    return counts;
  }

  /** The entries (`name@version`) of code sets, by hash; an unknown hash is absent. */
  async sets(hashes: readonly string[]): Promise<Map<string, readonly string[]>> {
    const out = new Map<string, readonly string[]>();
    if (hashes.length === 0) return out;
    const values = await this.#client.hmget(`${this.#prefix}sets`, ...hashes);
    hashes.forEach((h, i) => {
      const v = values[i];
      if (typeof v === "string") out.set(h, JSON.parse(v) as string[]);
    });
    return out;
  }

  /** Records jobs (`setHash:jobId`) as owned by `driver`. */
  async own(driver: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.#client.sadd(this.#jobsKey(driver), ...members);
  }

  /** Forgets settled jobs of `driver`. */
  async disown(driver: string, members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.#client.srem(this.#jobsKey(driver), ...members);
  }

  /** Declares drivers with expired heartbeats dead; returns every driver whose jobs are still being removed. */
  async reap(): Promise<string[]> {
    return (await this.#client.eval(REAP, 2, `${this.#prefix}drivers`, `${this.#prefix}dead`)) as string[];
  }

  /**
   * Forgets workers whose heartbeat expired and frees the jobs they held (see BURY); `stalledInterval` is the
   * caller's. Returns how many workers were found dead.
   */
  async buryWorkers(stalledInterval: number): Promise<number> {
    return (await this.#client.eval(BURY, 1, `${this.#prefix}workers`, `bull:${this.#queue}.`, stalledInterval)) as number;
  }

  /** The jobs (`setHash:jobId`) a driver owns. */
  async jobsOf(driver: string): Promise<string[]> {
    return this.#client.smembers(this.#jobsKey(driver));
  }

  /** A dead driver whose jobs are all gone. */
  async buried(driver: string): Promise<void> {
    await this.#client.multi().srem(`${this.#prefix}dead`, driver).del(this.#jobsKey(driver)).exec();
  }

  #jobsKey(driver: string): string {
    return `${this.#prefix}driver:${driver}`;
  }
}

/** A short hash of a code set: the same entries give the same hash on every machine. */
export async function codeSetHash(entries: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode([...entries].sort().join("\n"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}
