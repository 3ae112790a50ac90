/** Shared timing helpers for benchmarks: median of repeated runs after a warm-up. */

/** Median wall time in milliseconds of `fn` over `runs` runs, after `warmup` runs. */
export async function medianMs(fn: () => unknown, runs = 15, warmup = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Formats a number with a fixed number of decimals. */
export const fmt = (n: number, digits = 2): string => n.toFixed(digits);
