/**
 * Progress of a `weft run`, as a hook: a bar on a terminal (cli-progress:
 * nodes done/total and what is running), plain lines otherwise (CI logs,
 * pipes). Both go to stderr, so stdout holds only the outputs' JSON.
 *
 * @module
 */
import { SingleBar } from "cli-progress";
import type { GraphStartEvent, Hook, NodeEndEvent, NodeStartEvent } from "../lib/hooks.ts";
import { itemPath } from "../lib/history/records.ts";
import type { CliHost } from "../runtime/shared/cli-host.ts";
import { formatDuration } from "../lib/format-duration.ts";

/** A progress hook and what the command needs from it afterwards. */
export interface RunProgress extends Hook {
  /** The id of the run, once it started. */
  readonly runId: string | undefined;
  /** Stops the bar (before the command prints anything else). */
  stop(): void;
}

/**
 * Progress on `host.stderr`: a bar when it is a terminal and `bar` is not false, lines otherwise,
 * nothing when `quiet` (`weft run --json`; the hook then only learns the run id).
 *
 * @example
 * ```ts
 * const progress = runProgress(host, { bar: true });
 * await new Builder().withModules(flow).withHooks(progress).build();
 * ```
 */
export function runProgress(host: CliHost, options: { readonly bar: boolean; readonly quiet?: boolean }): RunProgress {
  if (options.quiet) {
    let id: string | undefined;
    return {
      get runId() {
        return id;
      },
      beforeGraph: (e: GraphStartEvent) => void (id = e.runId),
      stop: () => {},
    };
  }
  const tty = options.bar && host.stderr.isTTY === true;
  const running = new Set<string>();
  const done = new Set<string>();
  let total = 0;
  let runId: string | undefined;
  let bar: SingleBar | undefined;
  const label = (e: NodeStartEvent) => (e.items.length === 0 ? e.node : `${e.node} ${itemPath(e.items)}`);
  const runningText = () => {
    const list = [...running];
    return list.length === 0 ? "-" : list.slice(0, 3).join(", ") + (list.length > 3 ? ` +${list.length - 3}` : "");
  };
  return {
    get runId() {
      return runId;
    },
    beforeGraph(e: GraphStartEvent) {
      runId = e.runId;
      total = e.nodes.length;
      if (tty) {
        bar = new SingleBar({
          format: "{bar} {value}/{total} nodes | running: {running}",
          stream: host.stderr as never,
          hideCursor: true,
          clearOnComplete: false,
          barsize: 24,
        });
        bar.start(total, 0, { running: "-" });
      } else host.stderr.write(`weft: run ${e.runId}: ${total} nodes\n`);
    },
    beforeNode(e: NodeStartEvent) {
      running.add(label(e));
      bar?.update(done.size, { running: runningText() });
    },
    afterNode(e: NodeEndEvent) {
      running.delete(label(e));
      if (e.success) done.add(e.node);
      if (bar) bar.update(Math.min(done.size, total), { running: runningText() });
      else {
        const cache = e.cache ? ` (cache ${e.cache.status}${e.cache.reason && e.cache.status !== "hit" ? `: ${e.cache.reason}` : ""})` : "";
        const took = formatDuration(e.duration);
        host.stderr.write(e.success
          ? `weft: ${label(e)} done in ${took}${cache}\n`
          : `weft: ${label(e)} failed in ${took}: ${e.error instanceof Error ? e.error.message : String(e.error)}\n`);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
