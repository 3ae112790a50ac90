/**
 * The run before a given one of the same flow (the same modules), for the run
 * page's "compare with the previous run of this flow": the runs list is read
 * newest first, a page at a time, only when the link is followed.
 *
 * @module
 */
import type { RunHistory, RunSummary } from "../lib/ports/run-store.ts";

/** Runs read per page while looking. */
const PAGE = 500;

/**
 * The id of the latest run of `run`'s flow that started before it, if any.
 *
 * @example
 * ```ts
 * const before = previousRunOf(history, history.getRun(id)!); // "0d9c…" or undefined
 * ```
 */
export function previousRunOf(history: RunHistory, run: RunSummary): string | undefined {
  const flow = run.modules.join("\0");
  let passed = false;
  for (let offset = 0; ; offset += PAGE) {
    const page = history.listRuns({ offset, limit: PAGE });
    for (const r of page.runs) {
      if (r.id === run.id) passed = true;
      else if (passed && r.modules.join("\0") === flow) return r.id;
    }
    if (page.runs.length < PAGE || offset + PAGE >= page.total) return undefined;
  }
}
