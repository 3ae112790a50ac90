/**
 * `weft watch <module> --outputs a,b`: runs a flow module with the cache and
 * run tracking, then again on every save of it or of the project files it
 * imports relatively; prints each run's nodes (`from cache` or
 * `computed (reason)`) and the outputs. Ctrl-C ends it.
 *
 * @module
 */
import type { Command } from "commander";
import type { CliHost } from "../../runtime/shared/cli-host.ts";
import type { WatchRun } from "../../lib/driver/watch.ts";
import { CliError, DB_OPTION, UsageError, weftCommand } from "../cli-error.ts";
import { loadFlowModule, parseOutputs, readValues, valueOptions, type ValueFlags } from "../flow-options.ts";
import { JSON_OPTION, toJson } from "../json-output.ts";
import { loadPlatform } from "../../runtime/current.ts";

interface WatchFlags extends ValueFlags {
  readonly outputs: string;
  readonly cache: boolean;
  readonly db: string;
  readonly debounce: string;
  readonly json?: boolean;
}

/**
 * The `watch` command.
 *
 * @example
 * ```sh
 * weft watch flow.ts --outputs report --input day=2026-11-22
 * ```
 */
export function watchCommand(host: CliHost): Command {
  const cmd = weftCommand(host, "watch")
    .description("Run a flow module, then again on every save of it or of the files it imports relatively: each run prints its nodes (from cache or computed, and why) and the outputs; runs are recorded for weft ui; Ctrl-C stops")
    .argument("<module>", "the module file, relative to the working directory")
    .requiredOption("-o, --outputs <names>", "comma-separated nodes to compute");
  return valueOptions(cmd, "an input")
    .option("--no-cache", "compute every node on every run (the cache is on by default)")
    .option(...DB_OPTION)
    .option("--debounce <ms>", "wait this long after a save for more saves before running", "80")
    .option(JSON_OPTION[0], "machine output: one JSON line per run on stdout ({ runId, changed, nodes, ok, results | error })")
    .action(async (module: string, opts: WatchFlags) => {
      const outputs = parseOutputs(opts.outputs);
      const debounceMs = Number(opts.debounce);
      if (!Number.isFinite(debounceMs) || debounceMs < 0) throw new UsageError(`Option "--debounce" must be a number of milliseconds, got "${opts.debounce}"; such as --debounce 100`);
      const { inputs, config } = await readValues(host, opts);
      const flow = await loadOnceItLoads(host, module, { json: opts.json === true });
      if (flow === undefined) return; // Ctrl-C before it loaded
      // Loaded here, not at the top: `weft --help` and the other commands start without the engine.
      const { Builder } = await import("../../mod.ts");
      const db = host.resolvePath(opts.db);
      let builder = new Builder().withModules(flow).withConfig(config).withTracking({ path: db });
      if (opts.cache) builder = builder.withCache({ path: db });
      let driver;
      try {
        driver = await builder.build();
      } catch (e) {
        throw new CliError(`Cannot build the flow "${module}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const controller = new AbortController();
      const off = host.onInterrupt(() => controller.abort());
      try {
        const runs = driver.watch(outputs, { inputs, signal: controller.signal, debounceMs });
        if (!opts.json) host.stderr.write(`weft: watching ${module} and the files it imports; Ctrl-C stops\n`);
        for await (const run of runs) {
          if (opts.json) host.stdout.write(`${JSON.stringify(jsonOf(run))}\n`);
          else printRun(host, run, host.cwd(), opts.db);
        }
      } catch (e) {
        throw new CliError(e instanceof Error ? e.message : String(e), { cause: e });
      } finally {
        off();
        await driver.close();
      }
    });
}

/**
 * The flow module, as `weft run` loads it; while it does not load (a syntax
 * error, a throw at its top level), the error with its file and line, and a
 * fresh import after each save. `undefined` on Ctrl-C.
 */
async function loadOnceItLoads(host: CliHost, module: string, options: { json: boolean }): Promise<Awaited<ReturnType<typeof loadFlowModule>> | undefined> {
  try {
    return await loadFlowModule(host, module);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  const reloader = await (await loadPlatform()).moduleReloader!();
  const url = host.moduleUrl(module);
  const name = module.replace(/^.*[\\/]/, "").replace(/\.[cm]?[jt]sx?$/, "");
  try {
    for (;;) {
      const scan = await reloader.scan([url]);
      // Watching before the message: a save right after it must not go unseen.
      let quiet: ReturnType<typeof setTimeout> | undefined;
      let wake: (again: boolean) => void = () => undefined;
      const saved = new Promise<boolean>((resolve) => (wake = resolve));
      // Once the saves stop, as driver.watch waits: an editor's save can be several writes.
      const watch = reloader.watch(scan.files, () => {
        clearTimeout(quiet);
        quiet = setTimeout(() => wake(true), 80);
      });
      const off = host.onInterrupt(() => wake(false));
      try {
        let problem: string;
        if (scan.syntaxError !== undefined) {
          const { file, line, column, message } = scan.syntaxError;
          problem = `Cannot load the module "${file}:${line}:${column}": ${message}`;
        } else {
          try {
            const [exports] = await reloader.importFresh([url], scan.files);
            return { name, exports: { ...exports }, url };
          } catch (e) {
            problem = `Cannot load the module "${module}": ${e instanceof Error ? e.message : String(e)}`;
          }
        }
        if (options.json) host.stdout.write(`${JSON.stringify({ runId: null, changed: [], nodes: [], ok: false, error: { message: problem } })}\n`);
        host.stderr.write(`weft: ${problem}; waiting for the next save\n`);
        // A save between the scan and the watch: try again now.
        if ((await reloader.scan([url])).stamp !== scan.stamp) continue;
        if (!(await saved)) return undefined;
      } finally {
        clearTimeout(quiet);
        watch.close();
        off();
      }
    }
  } finally {
    reloader.dispose();
  }
}

/** A run for people: what changed, a line per node, then the outputs as JSON (or the error). */
function printRun(host: CliHost, run: WatchRun, cwd: string, db: string): void {
  const changed = run.changed.map((f) => (f.startsWith(`${cwd}/`) ? f.slice(cwd.length + 1) : f));
  const header = run.runId === undefined ? "not loaded" : `run ${run.runId}`;
  host.stdout.write(`${header}${changed.length > 0 ? ` (${changed.join(", ")} changed)` : ""}\n`);
  const width = Math.max(0, ...run.nodes.map((n) => n.node.length));
  for (const n of run.nodes) {
    const how = n.status === "computed" ? `computed (${n.reason})` : n.status;
    host.stdout.write(`  ${n.node.padEnd(width)}  ${how}\n`);
  }
  if (run.ok) host.stdout.write(`${toJson(run.results)}\n`);
  else {
    const message = run.error instanceof Error ? run.error.message : String(run.error);
    const recorded = run.runId === undefined ? "" : `; run ${run.runId} is recorded, see it with weft ui --db ${db}`;
    host.stderr.write(`weft: ${message}${recorded}; waiting for the next save\n`);
  }
}

function jsonOf(run: WatchRun): object {
  const base = { runId: run.runId ?? null, changed: run.changed, nodes: run.nodes, ok: run.ok };
  if (run.ok) return { ...base, results: JSON.parse(toJson(run.results)) };
  const e = run.error as { message?: unknown; kind?: unknown; file?: unknown; line?: unknown } | undefined;
  return { ...base, error: { message: e instanceof Error ? e.message : String(run.error), ...(typeof e?.kind === "string" ? { kind: e.kind } : {}), ...(e?.file === undefined ? {} : { file: e.file, line: e.line ?? null }) } };
}
