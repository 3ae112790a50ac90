/**
 * `npx bun examples/team-store/main.ts`: two "machines" (two processes) share one cache and run history in
 * PostgreSQL, and large results in a shared directory: the second reuses what the first computed, and the
 * history holds both runs. Uses the database at POSTGRES_URL, or starts a throw-away PostgreSQL cluster on a
 * free loopback port (Debian: apt-get install postgresql).
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { postgres } from "../../postgres.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const runtime = process.versions.bun ? process.execPath : "bun";
const scratch = mkdtempSync(join(tmpdir(), "weft-team-"));

/** Runs a command to its end; as root, as the "postgres" user (initdb refuses root). */
function run(args: string[]): void {
  const asUser = userInfo().uid === 0 ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
  const done = spawnSync(asUser[0] ?? args[0]!, [...asUser.slice(1), ...(asUser.length > 0 ? args : args.slice(1))], { encoding: "utf8", timeout: 60_000 });
  if (done.status !== 0) throw new Error(`${args.join(" ")} failed: ${done.stdout}${done.stderr}`);
}

/** Starts a throw-away cluster in `dir` and returns its URL and how to stop it. */
async function startPostgres(dir: string): Promise<{ url: string; stop: () => void }> {
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  const debian = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : [];
  const bin = onPath !== "" ? join(realpathSync(onPath), "..") : debian.find((d) => existsSync(join(d, "initdb")));
  if (bin === undefined) throw new Error("PostgreSQL is not installed: apt-get install postgresql, or set POSTGRES_URL");
  if (userInfo().uid === 0) {
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  run([join(bin, "initdb"), "-D", join(dir, "data"), "-U", "weft", "--auth=trust", "--no-sync"]);
  run([join(bin, "pg_ctl"), "-D", join(dir, "data"), "-l", join(dir, "log"), "-w", "-t", "60", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  return { url: `postgres://weft@127.0.0.1:${port}/postgres`, stop: () => run([join(bin, "pg_ctl"), "-D", join(dir, "data"), "-m", "fast", "-w", "stop"]) };
}

let stop = () => {};
try {
  let url = process.env.POSTGRES_URL;
  if (url === undefined) ({ url, stop } = await startPostgres(scratch));
  // The shared directory: on several machines, one that all of them mount.
  const shared = join(scratch, "results");
  for (const name of ["alice", "bob"]) {
    const machine = spawnSync(runtime, [here("./machine.ts"), url, shared, name], { encoding: "utf8", timeout: 60_000 });
    if (machine.status !== 0) throw new Error(`${name}'s run failed: ${machine.stderr}`);
    process.stdout.write(machine.stdout);
  }
  const team = postgres(url);
  console.log(`the team's history: ${team.listRuns().total} runs, from hosts ${[...new Set(team.listRuns().runs.map((r) => r.host))].join(", ")}`);
  team.close();
} finally {
  stop();
  rmSync(scratch, { recursive: true, force: true });
}
