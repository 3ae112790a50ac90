/** A flow a team shares: a slow simulation of daily prices, and a summary of it. */

/** Simulated prices for `days` days (deterministic: the same days give the same prices). */
export function prices(days: number): Float64Array {
  const out = new Float64Array(days * 10_000);
  let x = 100;
  for (let i = 0; i < out.length; i++) {
    x += Math.sin(i * 0.001) * 0.01;
    out[i] = x;
  }
  return out;
}

/** The mean and the highest price, rounded to cents. */
export function summary(prices: Float64Array): { mean: number; max: number } {
  let sum = 0;
  let max = -Infinity;
  for (const p of prices) {
    sum += p;
    if (p > max) max = p;
  }
  return { mean: Math.round((sum / prices.length) * 100) / 100, max: Math.round(max * 100) / 100 };
}
