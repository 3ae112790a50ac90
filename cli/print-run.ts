/**
 * How `weft run` and `weft rerun` run a built driver: once, Ctrl-C cancelling
 * it (exit 130), the outputs' JSON alone on stdout (with `--json`, what
 * nodes print goes to stderr), the run's id in the message either way, and
 * the driver closed after.
 *
 * @module
 */
import type { Driver } from "../lib/driver/driver.ts";
import type { CliHost } from "../runtime/shared/cli-host.ts";
import { CliError } from "./cli-error.ts";
import { consoleToStderr } from "./console-to-stderr.ts";
import { toJson } from "./json-output.ts";
import type { RunProgress } from "./run-progress.ts";

/** What {@link printRun} runs and how it reports. */
export interface PrintRunOptions {
  readonly outputs: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** The progress hook the driver was built with. */
  readonly progress: RunProgress;
  readonly json: boolean;
  /** The `--db` option as given, for the messages. */
  readonly db: string;
  /** The run as the success message names it: `run <id>`, or `run <id> (a rerun of …)`. */
  readonly describe: (runId: string | undefined) => string;
}

/**
 * Runs `driver` once and prints the outputs; closes the driver.
 *
 * @throws {CliError} with the run's error in words and the recorded run's id (exit 1, 130 when interrupted)
 */
export async function printRun(host: CliHost, driver: Driver, o: PrintRunOptions): Promise<void> {
  const controller = new AbortController();
  const off = host.onInterrupt(() => controller.abort(new Error("Interrupted (Ctrl-C)")));
  // With --json, stdout holds the outputs' JSON alone: what nodes print goes to stderr.
  const restoreConsole = o.json ? consoleToStderr() : () => {};
  try {
    const result = await driver.execute(o.outputs, { inputs: o.inputs, ...(o.overrides === undefined ? {} : { overrides: o.overrides }), signal: controller.signal });
    o.progress.stop();
    host.stdout.write(`${toJson(result)}\n`);
    if (!o.json) host.stderr.write(`weft: ${o.describe(o.progress.runId)} succeeded; see it with weft ui --db ${o.db}\n`);
  } catch (e) {
    o.progress.stop();
    const where = o.progress.runId ? `; run ${o.progress.runId} is recorded, see it with weft ui --db ${o.db}` : "";
    throw new CliError(`${e instanceof Error ? e.message : String(e)}${where}`, { exitCode: controller.signal.aborted ? 130 : 1, cause: e });
  } finally {
    restoreConsole();
    off();
    await driver.close();
  }
}
