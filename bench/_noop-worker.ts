/**
 * A plain BullMQ worker doing no-op jobs, no weft: the baseline of
 * bench/distributed.ts. Prints `ready` once it takes jobs; stops on SIGTERM.
 *
 *   bun bench/_noop-worker.ts <redis-url> <queue> <concurrency>
 */
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const [url, queue, concurrency] = process.argv.slice(2) as [string, string, string];
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(queue, async () => null, { connection, concurrency: Number(concurrency) });
await worker.waitUntilReady();
console.log(`ready: raw worker on ${queue}`);
process.on("SIGTERM", () => void worker.close().then(() => connection.quit()).then(() => process.exit(0)));
