/**
 * A synchronous PostgreSQL connection (the `PostgresConnection` port) on every
 * runtime: a worker thread (postgres-worker.ts, node:worker_threads, which Bun,
 * Deno and Node all have) owns a postgres.js client; this thread posts each
 * request on a message port, blocks with `Atomics.wait` until the worker has
 * answered, and takes the answer with `receiveMessageOnPort`. Rows of any size
 * travel by structured clone, so nothing is chunked by hand. Errors come back
 * as data and are thrown here as `CacheError` with PostgreSQL's message.
 *
 * @module
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { CacheError, MissingPackageError } from "../../lib/errors.ts";
import { importOptional } from "../../lib/import-optional.ts";
import type { PostgresConnection, PostgresConnectionOptions, PostgresParam, PostgresResult, PostgresStatement } from "../../lib/ports/postgres.ts";
import type { PostgresAnswer, PostgresRequest, PostgresWorkerData } from "./postgres-worker.ts";

// Built to dist/ as .js; the source entry runs on Bun and Deno.
const ENTRY = new URL(import.meta.url.endsWith(".ts") ? "./postgres-worker.ts" : "./postgres-worker.js", import.meta.url);

/** What fails without the postgres package, as {@link MissingPackageError} says it. */
export const POSTGRES_PACKAGE = { specifier: "postgres", whatFor: "use the PostgreSQL team store" } as const;

/**
 * Loads postgres.js on this thread once, so that a missing package is a {@link MissingPackageError} where the
 * caller can await it (the worker thread reports it too, as the answer to its first request).
 *
 * @throws {MissingPackageError} `Cannot use the PostgreSQL team store: "postgres" is not installed; run "npm install postgres"`
 */
export async function checkPostgresInstalled(): Promise<void> {
  await importOptional(() => import("postgres"), POSTGRES_PACKAGE);
}

/** `host:port/database` of a URL: what messages name (never the password). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port === "" ? "" : `:${u.port}`}${u.pathname}`;
  } catch {
    return "(an unreadable URL)";
  }
}

/** An error of PostgreSQL's, as the worker sent it. */
class PostgresServerError extends Error {
  readonly code: string | undefined;
  constructor(error: { message: string; code?: string; detail?: string }) {
    super(error.detail === undefined ? error.message : `${error.message} (${error.detail})`);
    this.name = "PostgresServerError";
    this.code = error.code;
  }
}

/** A connection whose client runs on a worker thread; see the module doc. */
export class WorkerPostgresConnection implements PostgresConnection {
  readonly id: string = crypto.randomUUID();
  readonly #where: string;
  readonly #timeoutMs: number;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #channels: readonly string[];
  #id = 0;
  #depth = 0;
  #closed = false;
  /** Why the worker thread ended, when it did (seen between calls: its events arrive on this thread's loop). */
  #dead: string | undefined;

  /**
   * Starts the worker and connects; returns once the server answered (and, with `listen`, once it listens).
   *
   * @throws {CacheError} when the server cannot be reached or refuses the connection
   * @throws {MissingPackageError} when the postgres package is not installed
   */
  constructor(url: string, options: PostgresConnectionOptions = {}) {
    this.#where = describeUrl(url);
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#channels = [...(options.listen ?? [])];
    this.#signal = new Int32Array(new SharedArrayBuffer(4 * (1 + this.#channels.length)));
    const data: PostgresWorkerData = { url, port: port2, signal: this.#signal, self: this.id, listen: this.#channels };
    this.#worker = new Worker(ENTRY, { workerData: data, transferList: [port2] });
    // The connection never keeps a process alive: a driver that is not closed still lets it exit.
    this.#worker.unref();
    this.#worker.on("error", (e: unknown) => void (this.#dead ??= e instanceof Error ? e.message : String(e)));
    this.#worker.on("exit", (code) => void (this.#dead ??= `its worker thread exited with code ${code}`));
    try {
      this.#call({ id: 0, op: "open" }, "connect to");
    } catch (e) {
      void this.#worker.terminate();
      this.#closed = true;
      throw e;
    }
  }

  query(sql: string, params: readonly PostgresParam[] = []): PostgresResult {
    return this.#call({ id: 0, op: "run", statements: [{ sql, params }], atomic: false }, "query")[0]!;
  }

  batch(statements: readonly PostgresStatement[]): PostgresResult[] {
    if (statements.length === 0) return [];
    // Inside transaction() the statements join it: BEGIN was sent on the same (only) connection already.
    if (this.#depth > 0) return statements.map((s) => this.query(s.sql, s.params));
    return this.#call({ id: 0, op: "run", statements, atomic: true }, "write to");
  }

  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.query("BEGIN");
    this.#depth++;
    try {
      const result = fn();
      this.#depth--;
      this.query("COMMIT");
      return result;
    } catch (e) {
      if (this.#depth > 0) this.#depth--;
      try {
        this.query("ROLLBACK");
      } catch {
        // The error that got us here is the one to report.
      }
      throw e;
    }
  }

  generation(channel: string): number {
    const i = this.#channels.indexOf(channel);
    return i < 0 ? 0 : Atomics.load(this.#signal, 1 + i);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#call({ id: 0, op: "close" }, "close", true);
    } catch {
      // A connection that cannot say goodbye is gone anyway.
    }
    this.#port.close();
    void this.#worker.terminate();
  }

  /** Posts a request, waits for its answer, returns its results or throws its error. */
  #call(request: PostgresRequest, what: string, closing = false): PostgresResult[] {
    if (this.#closed && !closing) throw new CacheError(`Cannot ${what} the PostgreSQL store "${this.#where}": the connection is closed`);
    // A dead worker answers nothing: say so now rather than after the timeout.
    if (this.#dead !== undefined && !closing) throw new CacheError(`Cannot ${what} the PostgreSQL store "${this.#where}": the connection is gone (${this.#dead}); open the store again`);
    const id = ++this.#id;
    this.#port.postMessage({ ...request, id });
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      if (seen !== id) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new CacheError(`Cannot ${what} the PostgreSQL store "${this.#where}": no answer within ${this.#timeoutMs} ms; check that the server is up and reachable`);
        }
        Atomics.wait(this.#signal, 0, seen, left);
        continue;
      }
      // Answers to requests that timed out earlier come first: skip them.
      for (let m = receiveMessageOnPort(this.#port); m !== undefined; m = receiveMessageOnPort(this.#port)) {
        const answer = m.message as PostgresAnswer;
        if (answer.id !== id) continue;
        if (answer.ok) return answer.results;
        if (answer.error.code === "weft-missing-package") throw new MissingPackageError(POSTGRES_PACKAGE.whatFor, POSTGRES_PACKAGE.specifier);
        const cause = new PostgresServerError(answer.error);
        // Refused or unreachable at connect: the URL or the server is what to check.
        const fix = request.op === "open" ? "; check that the server is up and that the URL names it, its database and a user it accepts" : "";
        throw new CacheError(`Cannot ${what} the PostgreSQL store "${this.#where}": ${cause.message}${fix}`, { cause });
      }
      throw new CacheError(`Cannot ${what} the PostgreSQL store "${this.#where}": the connection's worker lost its answer`);
    }
  }
}

/** Opens a synchronous connection (the runtime's `OpenPostgres`). */
export function openPostgres(url: string, options?: PostgresConnectionOptions): PostgresConnection {
  return new WorkerPostgresConnection(url, options);
}
