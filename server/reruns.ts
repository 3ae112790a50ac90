/**
 * Re-runs started from the web view, each in a `weft rerun` child process
 * (user code never runs in the server's process): the new run's id is read
 * from the first line the child writes (`weft: run <id>: N nodes`), and the
 * child is left to finish while its run shows live. Children still running
 * when the server closes are interrupted (their runs are recorded as such).
 *
 * @module
 */
import type { WeftProcess, WeftProcessOptions } from "../runtime/shared/weft-process.ts";
import type { RerunAccess } from "./rerun-access.ts";

/** What a re-run is asked for: the recorded run, the node to recompute from, input values as `name=value`. */
export interface RerunOrder {
  readonly run: string;
  readonly from?: string;
  readonly inputs: readonly string[];
}

/** The new run's id, or why the re-run did not start (the CLI's words). */
export type RerunStart = { readonly runId: string } | { readonly problem: string };

/** What the app needs to offer re-runs: the access checks and a way to start one. */
export interface Reruns {
  readonly access: RerunAccess;
  start(order: RerunOrder): Promise<RerunStart>;
  close(): Promise<void>;
}

/** Starts a `weft` process (runtime/shared/weft-process.ts in a server; anything with its shape in a test). */
export type StartWeftProcess = (args: readonly string[], options: WeftProcessOptions) => WeftProcess;

/** The first line of a run's progress, which names it. */
const RUN_LINE = /^weft: run (\S+): \d+ nodes?$/;
/** How long close() waits for interrupted children before it ends them. */
const STOP_MS = 10_000;

/**
 * Re-runs as child processes of the `weft` CLI on the database `db`.
 *
 * @example
 * ```ts
 * const reruns = new CliReruns(".weft/weft.db", new RerunAccess(), startWeftProcess);
 * const started = await reruns.start({ run: id, from: "doubled", inputs: ["n=4"] });
 * ```
 */
export class CliReruns implements Reruns {
  readonly #db: string;
  readonly #spawn: StartWeftProcess;
  readonly #running = new Set<WeftProcess>();
  readonly access: RerunAccess;

  constructor(db: string, access: RerunAccess, spawn: StartWeftProcess) {
    this.#db = db;
    this.access = access;
    this.#spawn = spawn;
  }

  start(order: RerunOrder): Promise<RerunStart> {
    const args = ["rerun", order.run, ...(order.from === undefined ? [] : ["--from", order.from]), ...order.inputs.flatMap((i) => ["--input", i]), "--db", this.#db, "--no-progress"];
    return new Promise((resolve) => {
      const said: string[] = [];
      let named = false;
      const child = this.#spawn(args, {
        onLine: (line) => {
          const m = named ? null : RUN_LINE.exec(line);
          if (m !== null) {
            named = true;
            resolve({ runId: m[1]! });
          } else if (!named && said.length < 20) said.push(line.replace(/^weft: /, ""));
        },
      });
      this.#running.add(child);
      void child.exited.then(({ code, error }) => {
        this.#running.delete(child);
        if (!named) resolve({ problem: error ?? (said.join("\n").trim() || `weft rerun ended with exit code ${String(code)} before its run started`) });
      });
    });
  }

  async close(): Promise<void> {
    const children = [...this.#running];
    for (const c of children) c.interrupt();
    await Promise.all(children.map(async (c) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), STOP_MS)));
      if ((await Promise.race([c.exited, late])) === "late") c.kill();
      clearTimeout(timer);
      await c.exited;
    }));
  }
}
