/** Shared timing helpers for benchmarks: median of repeated runs after a warm-up, and the spread over rounds. */

/** Median wall time in milliseconds of `fn` over `runs` runs, after `warmup` runs. */
export async function medianMs(fn: () => unknown, runs = 15, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** The median of `xs` (the lower middle for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Median and range of `xs`, as `median (min–max)`. */
export function spread(xs: readonly number[], digits = 2): string {
  return `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;
}

/**
 * Repeats a measurement `rounds` times in this process (rounds interleave
 * baseline and weft, so a noisy neighbour hits both): each round's figures.
 */
export async function rounds<T>(count: number, measure: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(await measure());
  return out;
}

/** Formats a number with a fixed number of decimals. */
export const fmt = (n: number, digits = 2): string => n.toFixed(digits);
