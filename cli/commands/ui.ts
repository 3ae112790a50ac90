/**
 * `weft ui`: serves the run history web view until Ctrl-C.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import { DEFAULT_HOST, DEFAULT_PORT } from "../../server/defaults.ts";
import { parseHost } from "../../server/host-check.ts";
import { CliError, DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { JSON_OPTION } from "../json-output.ts";
import { isPostgresUrl } from "../../lib/ports/postgres.ts";

/**
 * The `ui` command.
 *
 * @example
 * ```sh
 * weft ui --port 4319 --db .weft/weft.db
 * weft ui --db postgres://weft@db.internal:5432/weft   # a team's runs, from the PostgreSQL team store
 * weft ui --allow-run   # prints a URL with the session token that re-runs need
 * ```
 */
export function uiCommand(host: CliHost): Command {
  return weftCommand(host, "ui")
    .description(`Serve the run history web view (runs, DAGs, timelines, live progress, run diffs) on http://${DEFAULT_HOST}:${DEFAULT_PORT}/`)
    .option("-p, --port <port>", "the port (0 picks a free one)", String(DEFAULT_PORT))
    .option("--host <host>", "the address to listen on; anything but loopback is reachable from other machines", DEFAULT_HOST)
    .option("--allow-host <name>", "also answer to this Host name (repeatable); loopback names always work, the machine's other names only if listed", (name: string, names: string[]) => [...names, name], [] as string[])
    .option("--allow-run", "allow re-runs from the web view (\"re-run from here\" on a run's nodes), each in a weft rerun child process, for a browser that opens the printed URL with its session token; anyone who has the token can run this database's flows")
    .option(DB_OPTION[0], `${DB_OPTION[1]}, or a postgres:// URL of a team store (weft/postgres)`, DB_OPTION[2])
    .option(JSON_OPTION[0], 'print {"url": ...} on stdout once it serves (for scripts that pass --port 0), with "token" under --allow-run')
    .action(async (opts: { port: string; host: string; allowHost: string[]; allowRun?: boolean; db: string; json?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`Option "--port" must be an integer from 0 to 65535, got "${opts.port}"`);
      const bad = opts.allowHost.find((name) => name.trim() === "" || parseHost(name) === undefined);
      if (bad !== undefined) throw new UsageError(`Option "--allow-host" must be a host name, optionally with ":port", got "${bad}"`);
      // Loaded here, not at the top: `weft --help` and the other commands start without the server.
      const { startHistoryServer } = await import("../../server/start-server.ts");
      let server;
      try {
        server = await startHistoryServer({ path: isPostgresUrl(opts.db) ? opts.db : host.resolvePath(opts.db), port, hostname: opts.host, allowedHosts: opts.allowHost, allowRun: opts.allowRun === true, warn: (m) => void host.stderr.write(`weft: ${m}\n`) });
      } catch (e) {
        throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
      }
      if (server.problem !== undefined) {
        await server.close();
        throw new CliError(server.problem);
      }
      // One line: the server keeps running, so a script reads the first line rather than waiting for the end.
      if (server.token !== undefined) {
        // On stderr, not in the page: only who started the server (and reads its terminal) holds the token.
        host.stderr.write(`weft: re-runs are allowed: open ${server.url}?token=${server.token} to re-run from this browser; the token is required on every POST, and anyone who has it can run this database's flows on this machine\n`);
      }
      if (opts.json) host.stdout.write(`${JSON.stringify({ url: server.url, ...(server.token === undefined ? {} : { token: server.token }) })}\n`);
      else host.stdout.write(`weft: run history at ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const off = host.onInterrupt(() => {
          off();
          resolve();
        });
      });
      await server.close();
    });
}
