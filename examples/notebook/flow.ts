/**
 * The notebook example's flow: a small analysis whose `features` step is
 * slow. Edit any function and re-run: only that node and what depends on it
 * recompute; everything else comes from the cache in .weft/weft.db.
 */

export interface Sale {
  readonly region: string;
  readonly units: number;
  readonly price: number;
}

/** Raw sales (stands in for a file or a query). */
export function sales(days: number): Sale[] {
  const regions = ["north", "south", "east", "west"];
  return Array.from({ length: days * 4 }, (_, i) => ({ region: regions[i % 4]!, units: (i * 7) % 13, price: 10 + (i % 5) }));
}

/** Drops empty sales. */
export const cleaned = (sales: Sale[]) => sales.filter((s) => s.units > 0);

/** Revenue per region: the slow step (simulated). */
export async function features(cleaned: Sale[]): Promise<Record<string, number>> {
  await new Promise((r) => setTimeout(r, 300));
  const out: Record<string, number> = {};
  for (const s of cleaned) out[s.region] = (out[s.region] ?? 0) + s.units * s.price;
  return out;
}

/** The best region and its revenue. */
export function summary(features: Record<string, number>): string {
  const [region, revenue] = Object.entries(features).sort((a, b) => b[1] - a[1])[0]!;
  return `best region: ${region} (${revenue})`;
}
