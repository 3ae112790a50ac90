/**
 * Statistics of one node across runs, from its latest executions, the same
 * for every store (each store only fetches the samples): durations (p50, p95),
 * cache hit rate, its own failures told apart from executions stopped because
 * something else failed or the run was cancelled, the bytes its results take
 * in the cache, and a regression flag when its recent computed runs are slower
 * than before.
 *
 * @module
 */
import { formatBytes } from "../format-bytes.ts";
import { formatDuration } from "../format-duration.ts";
import { median } from "../ports/run-store.ts";
import type { NodeExecutionSample, NodeStats } from "../ports/run-store.ts";

/** Computed executions that make "recent" for the regression flag; at least as many earlier ones are needed. */
export const RECENT_SAMPLES = 5;
/** The recent median must exceed the earlier one by more than this fraction to flag a regression. */
export const REGRESSION_FACTOR = 1.3;

/** The nearest-rank percentile `p` (0–100) of sorted numbers. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * The statistics of `node` from its executions, newest first.
 *
 * @example
 * ```ts
 * nodeStatsOf("total", [{ status: "succeeded", duration: 12, start: 2 }, { status: "failed", start: 1 }], 0).failureRate; // 0.5
 * ```
 */
export function nodeStatsOf(node: string, samples: readonly NodeExecutionSample[], bytes: number): NodeStats {
  let hits = 0;
  let cached = 0;
  let failures = 0;
  let stopped = 0;
  let ended = 0;
  const computed: number[] = []; // newest first
  for (const s of samples) {
    if (s.status === "running") continue;
    ended++;
    if (s.status === "failed") failures++;
    else if (s.status === "cancelled" || s.status === "interrupted") stopped++;
    else {
      if (s.cache !== undefined) cached++;
      if (s.cache === "hit") hits++;
      else if (s.duration !== undefined) computed.push(s.duration);
    }
  }
  const sorted = [...computed].sort((a, b) => a - b);
  const recent = computed.slice(0, RECENT_SAMPLES);
  const earlier = computed.slice(RECENT_SAMPLES);
  const recentMs = median([...recent]);
  const earlierMs = median([...earlier]);
  const regression = recent.length === RECENT_SAMPLES && earlier.length >= RECENT_SAMPLES && recentMs! > earlierMs! * REGRESSION_FACTOR;
  return {
    node,
    executions: samples.length,
    computed: computed.length,
    hits,
    ...(cached === 0 ? {} : { hitRate: hits / cached }),
    failures,
    stopped,
    failureRate: ended === 0 ? 0 : failures / ended,
    ...(sorted.length === 0 ? {} : { p50Ms: percentile(sorted, 50)!, p95Ms: percentile(sorted, 95)! }),
    ...(recentMs === undefined ? {} : { recentMs }),
    ...(earlierMs === undefined ? {} : { earlierMs }),
    regression,
    bytes,
    durations: computed.reverse(),
    ...(samples.length === 0 ? {} : { lastAt: samples[0]!.start }),
  };
}

/** A node's statistics as people read them, one string per column: what `weft stats` and the nodes page show. */
export interface NodeStatsText {
  readonly executions: string;
  readonly p50: string;
  readonly p95: string;
  readonly hitRate: string;
  readonly failures: string;
  readonly stored: string;
  /** `slower: 35 ms vs 12 ms`, or "" when not slower. */
  readonly trend: string;
}

/** A fraction as a whole percentage, "–" when there is none. */
export function percentText(x: number | undefined): string {
  return x === undefined ? "–" : `${Math.round(x * 100)} %`;
}

/**
 * The columns of a node's statistics for people.
 *
 * @example
 * ```ts
 * statsText(stats).trend; // "slower: 35 ms vs 12 ms"
 * ```
 */
export function statsText(s: NodeStats): NodeStatsText {
  return {
    executions: String(s.executions),
    p50: formatDuration(s.p50Ms),
    p95: formatDuration(s.p95Ms),
    hitRate: percentText(s.hitRate),
    failures: s.failures === 0 ? "0" : `${s.failures} (${percentText(s.failureRate)})`,
    stored: formatBytes(s.bytes),
    trend: s.regression ? `slower: ${formatDuration(s.recentMs)} vs ${formatDuration(s.earlierMs)}` : "",
  };
}
