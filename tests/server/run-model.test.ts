/** progressText(): a run's progress with graph nodes and map/reduce items apart. */
import { describe, expect, test } from "bun:test";
import type { RunSummary } from "../../lib/ports/run-store.ts";
import { progressText } from "../../server/run-model.ts";

const run = (counts: Partial<RunSummary>): RunSummary => ({
  id: "r", status: "succeeded", start: 0, outputs: [], modules: [], nodes: 6, done: 0, failed: 0, items: 0, hits: 0, batch: 1, pid: 1, host: "h", ...counts,
});

describe("progressText()", () => {
  test("progressText() counts nodes and items apart, with the failed nodes", () => {
    expect(progressText(run({ done: 5, items: 95, hits: 95 }))).toBe("5/6 nodes · 95 items (95 cache hits)");
    expect(progressText(run({ done: 3, failed: 1, items: 1, hits: 1 }))).toBe("3/6 nodes, 1 failed · 1 item (1 cache hit)");
    expect(progressText(run({}))).toBe("0/6 nodes · 0 items (0 cache hits)");
  });

  test("progressText() leaves out the item count of a run recorded before items were counted", () => {
    expect(progressText(run({ done: 4, hits: 12 }))).toBe("4/6 nodes · 12 cache hits");
  });
});
