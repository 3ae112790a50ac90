/**
 * One Redis connection (ioredis, as BullMQ expects) for the distributed
 * executor or a worker. ioredis reconnects forever by default, which turns an
 * unreachable Redis into a silent hang; here every wait for the connection is
 * bounded and ends in an error that names the URL, while reconnection goes on
 * in the background, so a Redis that comes back is used again.
 *
 * ioredis is handed in by the caller (see bullmq-packages.ts), so that
 * importing weft does not load it.
 *
 * @module
 */
import type { Redis } from "ioredis";

/** How {@link RedisLink.open} connects. */
export interface RedisLinkOptions {
  /** ioredis's client class. */
  readonly Redis: typeof Redis;
  /** How long to wait for the first connection. */
  readonly timeoutMs: number;
  /** The end of the message when Redis does not answer: how to make it answer. */
  readonly hint: string;
}

/** A Redis connection with bounded waits and a notice when an established connection is lost. */
export class RedisLink {
  readonly client: Redis;
  /** The URL with any password hidden: safe for messages. */
  readonly url: string;
  /** The last connection error, for messages. */
  lastError: string | undefined;
  #wasReady = false;
  #onLost: ((reason: string) => void) | undefined;

  private constructor(client: Redis, url: string) {
    this.client = client;
    this.url = url;
    client.on("error", (e: Error) => void (this.lastError = e.message || e.name));
    client.on("ready", () => void (this.#wasReady = true));
    client.on("close", () => {
      if (!this.#wasReady) return;
      this.#wasReady = false;
      this.#onLost?.(this.lastError ?? "the connection was closed");
    });
  }

  /**
   * Connects to `url`, waiting at most `timeoutMs`.
   *
   * @throws {Error} `Cannot connect to Redis at "<url>": <reason> ...; <hint>` when it does not answer in time
   */
  static async open(url: string, { Redis, timeoutMs, hint }: RedisLinkOptions): Promise<RedisLink> {
    const client = new Redis(url, {
      lazyConnect: true,
      // BullMQ's blocking commands need it; requests wait for a reconnection, bounded by our own waits.
      maxRetriesPerRequest: null,
      connectTimeout: Math.min(timeoutMs, 10_000),
      retryStrategy: (times: number) => Math.min(100 * times, 1_000),
    });
    const link = new RedisLink(client, redact(url));
    client.connect().catch(() => {}); // failures arrive as "error" events; ready() bounds the wait
    try {
      await link.ready(timeoutMs, hint);
    } catch (e) {
      client.disconnect();
      throw e;
    }
    return link;
  }

  /** Called once per loss of an established connection. */
  onLost(listener: (reason: string) => void): void {
    this.#onLost = listener;
  }

  /** Resolves once connected (at once when connected now); rejects after `timeoutMs`. */
  ready(timeoutMs: number, hint: string): Promise<void> {
    if (this.client.status === "ready") return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.off("ready", done);
        reject(new Error(`Cannot connect to Redis at "${this.url}": ${this.lastError ?? "no answer"} (waited ${timeoutMs} ms); ${hint}`));
      }, timeoutMs);
      this.client.once("ready", done);
    });
  }

  /**
   * Waits for `work` while the connection is up; once it is down (or was
   * already), waits `graceMs` more at most. For closing BullMQ objects,
   * which wait for Redis forever.
   */
  async whileUp(work: Promise<unknown>, graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onClose: (() => void) | undefined;
    const down = new Promise<void>((resolve) => {
      const grace = () => void (timer = setTimeout(resolve, graceMs));
      if (this.client.status !== "ready") grace();
      else this.client.once("close", (onClose = grace));
    });
    await Promise.race([work.catch(() => {}), down]);
    clearTimeout(timer);
    if (onClose) this.client.off("close", onClose);
  }

  /** Closes the connection; safe to call twice. */
  async close(): Promise<void> {
    this.#onLost = undefined;
    if (this.client.status === "ready") {
      // QUIT lets pending replies arrive; a Redis that stopped answering must not hold close() up.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.client.quit().catch(() => {}), new Promise((r) => (timer = setTimeout(r, 1_000)))]);
      clearTimeout(timer);
    }
    this.client.disconnect();
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.href.replace(/\/$/, "");
  } catch {
    return url;
  }
}
