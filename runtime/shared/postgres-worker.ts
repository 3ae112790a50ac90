/**
 * The worker thread behind a synchronous PostgreSQL connection
 * (postgres-connection.ts): it owns a postgres.js client with one connection
 * (the calling thread sends one request at a time, so BEGIN … COMMIT from it
 * run on that connection in order), answers each request on its message port
 * and then wakes the calling thread, which waits with `Atomics.wait`. With a
 * channel to listen on, each notification increments a counter in shared
 * memory that the calling thread reads without a round trip.
 *
 * @module
 */
import { workerData, type MessagePort } from "node:worker_threads";
import type postgres from "postgres";
import { isWeftError } from "../../lib/errors.ts";
import { importOptional } from "../../lib/import-optional.ts";

/** What the calling thread hands over when it starts this worker. */
export interface PostgresWorkerData {
  readonly url: string;
  readonly port: MessagePort;
  /** [0]: the id of the last answer posted; [1 + i]: notifications seen on `listen[i]`. */
  readonly signal: Int32Array;
  readonly listen: readonly string[];
  /** The connection's id: notifications carrying it are its own. */
  readonly self: string;
}

/** A request: open (connect, listen), run statements (in one transaction when there are several), or close. */
export type PostgresRequest =
  | { readonly id: number; readonly op: "open" }
  | { readonly id: number; readonly op: "close" }
  | { readonly id: number; readonly op: "run"; readonly statements: readonly { readonly sql: string; readonly params?: readonly unknown[] }[]; readonly atomic: boolean };

/** An answer: one result per statement, or PostgreSQL's error as data. */
export type PostgresAnswer =
  | { readonly id: number; readonly ok: true; readonly results: { rows: Record<string, unknown>[]; count: number }[] }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string; readonly code?: string; readonly detail?: string } };

const data = workerData as PostgresWorkerData;
// Loaded here rather than imported, so that a missing package is an answer to "open", not a dead worker.
let connect: typeof postgres | undefined;
let missing: string | undefined;
try {
  connect = (await importOptional(() => import("postgres"), { specifier: "postgres", whatFor: "use the PostgreSQL team store" })).default;
} catch (e) {
  missing = isWeftError(e, "missing-package") ? (e as Error).message : undefined;
  if (missing === undefined) throw e;
}
const sql = connect?.(data.url, {
  max: 1,
  onnotice: () => {},
  // int8 (counts, sizes, serials) as numbers: every value weft keeps there is far below 2^53.
  types: { int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) } },
  connection: { application_name: "weft" },
});

function answer(message: PostgresAnswer): void {
  data.port.postMessage(message);
  // Posted before the wake-up, so the message is there when the caller looks.
  Atomics.store(data.signal, 0, message.id);
  Atomics.notify(data.signal, 0);
}

function failure(id: number, e: unknown): PostgresAnswer {
  const error = e as { message?: string; code?: string; detail?: string };
  return {
    id, ok: false,
    error: {
      message: typeof error?.message === "string" ? error.message : String(e),
      ...(typeof error?.code === "string" ? { code: error.code } : {}),
      ...(typeof error?.detail === "string" ? { detail: error.detail } : {}),
    },
  };
}

async function run(sql: postgres.Sql, statements: Extract<PostgresRequest, { op: "run" }>["statements"], atomic: boolean) {
  const one = async (q: postgres.Sql | postgres.TransactionSql, s: (typeof statements)[number]) => {
    // Prepared (named) statements: a lookup repeats the same few statements, and a prepared one answers in a third of the time (measured with postgres.js 3.4 on loopback: 42 against 138 µs).
    const rows = await q.unsafe(s.sql, (s.params ?? []) as postgres.ParameterOrJSON<never>[], { prepare: true });
    return { rows: [...rows] as Record<string, unknown>[], count: rows.count ?? rows.length };
  };
  // One statement is a transaction of its own: BEGIN and COMMIT would add two round trips to the server.
  if (!atomic || statements.length === 1) return [await one(sql, statements[0]!)];
  return await sql.begin(async (tx) => {
    const results = [];
    for (const s of statements) results.push(await one(tx, s));
    return results;
  });
}

data.port.on("message", async (request: PostgresRequest) => {
  try {
    if (sql === undefined) {
      answer({ id: request.id, ok: false, error: { message: missing ?? "postgres is not installed", code: "weft-missing-package" } });
      return;
    }
    if (request.op === "open") {
      await sql`SELECT 1`;
      for (const [i, channel] of data.listen.entries()) {
        await sql.listen(channel, (payload) => {
          if (payload !== data.self) Atomics.add(data.signal, 1 + i, 1);
        });
      }
      answer({ id: request.id, ok: true, results: [] });
    } else if (request.op === "close") {
      await sql.end({ timeout: 5 });
      answer({ id: request.id, ok: true, results: [] });
      data.port.close();
    } else {
      answer({ id: request.id, ok: true, results: await run(sql, request.statements, request.atomic) });
    }
  } catch (e) {
    answer(failure(request.id, e));
  }
});
