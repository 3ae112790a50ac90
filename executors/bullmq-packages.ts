/**
 * bullmq and ioredis, the optional peer dependencies of the distributed
 * executor and `weft worker`: imported together when one of them starts (never
 * by importing "weft" or "weft/bullmq"), each through importOptional, so that
 * a missing one is a MissingPackageError that says to install both.
 *
 * @module
 */
import type { Queue, QueueEvents, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { importOptional } from "../lib/import-optional.ts";

/** The classes weft uses from the two packages. */
export interface BullmqPackages {
  readonly Queue: typeof Queue;
  readonly QueueEvents: typeof QueueEvents;
  readonly Worker: typeof Worker;
  readonly Redis: typeof Redis;
}

const INSTALL = ["bullmq", "ioredis"] as const;

/**
 * Imports bullmq, then ioredis (in this order, so the message names the same
 * package every time when both are missing).
 *
 * @throws {MissingPackageError} `Cannot <whatFor>: "bullmq" is not installed; run "npm install bullmq ioredis"`
 * @example
 * ```ts
 * const { Queue, Redis } = await loadBullmqPackages("start the BullMQ executor");
 * ```
 */
export async function loadBullmqPackages(whatFor: string): Promise<BullmqPackages> {
  const { Queue, QueueEvents, Worker } = await importOptional(() => import("bullmq"), { specifier: "bullmq", whatFor, install: INSTALL });
  const { Redis } = await importOptional(() => import("ioredis"), { specifier: "ioredis", whatFor, install: INSTALL });
  return { Queue, QueueEvents, Worker, Redis };
}
