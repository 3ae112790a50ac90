/**
 * The PostgreSQL connection port: a synchronous connection, for the stores
 * whose ports are synchronous (a cache lookup sits on the path of every node
 * call). PostgreSQL clients are asynchronous, so the runtime's adapter
 * (runtime/shared/postgres-connection.ts) runs one on a worker thread and
 * blocks the calling thread until it answers.
 *
 * @module
 */

/** A value bound to a `$n` parameter. Arrays go as PostgreSQL arrays (`= ANY($1)`). */
export type PostgresParam = string | number | boolean | Uint8Array | null | readonly string[];

/** A result row, by column name. `bytea` comes back as `Uint8Array`, `bigint` and `double precision` as numbers. */
export type PostgresRow = Record<string, unknown>;

/** One statement with its parameters. */
export interface PostgresStatement {
  readonly sql: string;
  readonly params?: readonly PostgresParam[];
}

/** What a statement returned: its rows and how many rows it changed or returned. */
export interface PostgresResult {
  readonly rows: PostgresRow[];
  readonly count: number;
}

/**
 * An open, synchronous PostgreSQL connection. Every method throws a
 * `CacheError` carrying PostgreSQL's message (and its SQLSTATE as `code`)
 * when the server refuses a statement or cannot be reached.
 *
 * @example
 * ```ts
 * const { rows } = connection.query("SELECT data_version FROM cache_entries WHERE cache_key = $1", [key]);
 * connection.batch([{ sql: "INSERT INTO t VALUES ($1)", params: [1] }, { sql: "NOTIFY weft" }]);
 * ```
 */
export interface PostgresConnection {
  /** A random id of this connection: a notification carrying it as payload is its own, and not counted. */
  readonly id: string;
  /** Runs one statement (outside `transaction`, in a transaction of its own). */
  query(sql: string, params?: readonly PostgresParam[]): PostgresResult;
  /** Runs statements in one transaction and one round trip, in order; all or none take effect. */
  batch(statements: readonly PostgresStatement[]): PostgresResult[];
  /** Runs `fn` between BEGIN and COMMIT (ROLLBACK when it throws); a call inside another joins it. */
  transaction<T>(fn: () => T): T;
  /**
   * A number that changes after another connection notified `channel`, one of the `listen` channels
   * (LISTEN/NOTIFY; a notification whose payload is this connection's {@link id} is its own and not
   * counted): read from shared memory, with no round trip. 0 for a channel it does not listen on.
   */
  generation(channel: string): number;
  close(): void;
}

/** Options of {@link OpenPostgres}. */
export interface PostgresConnectionOptions {
  /** Channels to LISTEN on: {@link PostgresConnection.generation} counts each one's notifications. */
  readonly listen?: readonly string[];
  /** How long one call waits for the server, in ms (default 60 s): then it fails instead of hanging. */
  readonly timeoutMs?: number;
}

/** Opens a connection to `url` (`postgres://user:password@host:port/database`). */
export type OpenPostgres = (url: string, options?: PostgresConnectionOptions) => PostgresConnection;

/** Whether `text` is a PostgreSQL connection URL (`postgres://…` or `postgresql://…`), not a file path. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}
