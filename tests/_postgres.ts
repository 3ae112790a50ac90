/**
 * A real PostgreSQL cluster for a test file: `initdb` into a temporary directory, `pg_ctl start` on a free
 * loopback port with a unix socket directory of its own and fsync off, stopped and removed at the end. The
 * binaries come from PATH or from Debian's /usr/lib/postgresql/<version>/bin (the `postgresql` package, which
 * .ci/run installs). initdb refuses to run as root, so as root the cluster runs as the unprivileged `postgres`
 * user the package creates.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import postgres from "postgres";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./executors/_processes.ts";

/** The directory holding initdb and pg_ctl, or `undefined`. */
function binaries(): string | undefined {
  const onPath = Bun.which("initdb");
  // Debian links initdb into PATH only through pg_wrapper; the real directory has pg_ctl beside it.
  if (onPath !== null) return join(realpathSync(onPath), "..");
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(base, versions[0]!, "bin");
}

/** Runs a command to its end within `timeoutMs`, as `asUser` when given; throws with its output on failure. */
function run(args: string[], asUser: string | undefined, timeoutMs: number): string {
  const argv = asUser === undefined ? args : ["setpriv", `--reuid=${asUser}`, `--regid=${asUser}`, "--init-groups", "--", ...args];
  const proc = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe", timeout: timeoutMs, env: { ...process.env, LC_ALL: "C" } });
  const out = `${proc.stdout.toString()}${proc.stderr.toString()}`;
  if (proc.exitCode !== 0) throw new Error(`${args.join(" ")} failed (exit ${proc.exitCode ?? proc.signalCode}): ${out}`);
  return out;
}

/** A PostgreSQL cluster a test file starts and stops. */
export class PostgresCluster {
  readonly port: number;
  readonly #bin: string;
  readonly #dir: string;
  readonly #user: string | undefined;
  #databases = 0;

  private constructor(bin: string, dir: string, port: number, user: string | undefined) {
    this.#bin = bin;
    this.#dir = dir;
    this.port = port;
    this.#user = user;
  }

  /** Starts a fresh cluster; fails with the way to install PostgreSQL when it is missing (CI installs it). */
  static async start(): Promise<PostgresCluster> {
    const bin = binaries();
    if (bin === undefined) {
      throw new Error("PostgreSQL is not installed: the PostgreSQL store tests need a real cluster; install it with `apt-get install -y postgresql` (.ci/run does this)");
    }
    const user = userInfo().uid === 0 ? "postgres" : undefined;
    const dir = mkdtempSync(join(tmpdir(), "weft-pg-"));
    if (user !== undefined) {
      const { uid, gid } = idsOf(user);
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
    const cluster = new PostgresCluster(bin, dir, await freePort(), user);
    try {
      run([join(bin, "initdb"), "-D", join(dir, "data"), "-U", "weft", "--auth=trust", "--no-sync", "-E", "UTF8"], user, 60_000);
      run([
        join(bin, "pg_ctl"), "-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-t", "60",
        "-o", `-p ${cluster.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        "start",
      ], user, 90_000);
    } catch (e) {
      cluster.stop();
      throw e;
    }
    // A test file that dies before its afterAll still leaves no server behind.
    process.once("exit", () => cluster.stop());
    return cluster;
  }

  /** The URL of the cluster's default database. */
  get url(): string {
    return `postgres://weft@127.0.0.1:${this.port}/postgres`;
  }

  /** Creates an empty database and returns its URL: each store of a contract suite gets its own. */
  async database(): Promise<string> {
    const name = `t${++this.#databases}`;
    const sql = postgres(this.url, { max: 1, onnotice: () => {}, connect_timeout: 30 });
    try {
      await sql.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await sql.end({ timeout: 5 });
    }
    return `postgres://weft@127.0.0.1:${this.port}/${name}`;
  }

  /** Stops the server at once (as a crash would), keeping its files: the clients' next queries fail. */
  halt(): void {
    if (existsSync(join(this.#dir, "data", "postmaster.pid"))) {
      run([join(this.#bin, "pg_ctl"), "-D", join(this.#dir, "data"), "-m", "immediate", "-w", "-t", "30", "stop"], this.#user, 45_000);
    }
  }

  /** Stops the cluster at once and removes its files. */
  stop(): void {
    try {
      this.halt();
    } finally {
      rmSync(this.#dir, { recursive: true, force: true });
    }
  }
}

/** The uid and gid of a local user, from /etc/passwd. */
function idsOf(user: string): { uid: number; gid: number } {
  const line = Bun.spawnSync(["getent", "passwd", user]).stdout.toString().trim();
  const fields = line.split(":");
  if (fields.length < 4) throw new Error(`There is no user "${user}" to run PostgreSQL as: install Debian's postgresql package, which creates it`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}
