/**
 * Durations for people, in the units a person would say: the one function
 * every duration weft prints goes through (the CLI's progress and messages,
 * the run history pages).
 *
 * @module
 */

/** From the largest unit down: under a minute reads in seconds, above in two whole units. */
const UNITS: readonly (readonly [label: string, ms: number])[] = [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000]];

/**
 * A duration in milliseconds for people: "0.4 ms", "12 ms", "1.25 s", "30 s",
 * "3 min 4 s", "1 h 30 min", "7 d". Up to a minute it keeps two decimals
 * (fewer when they are zeros); past a minute it shows the two largest units,
 * the smaller rounded, and leaves out a smaller unit that is zero.
 * `undefined` and non-finite numbers read "–".
 *
 * @example
 * ```ts
 * formatDuration(1250);        // "1.25 s"
 * formatDuration(5_400_000);   // "1 h 30 min"
 * formatDuration(604_800_000); // "7 d"
 * ```
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1) return `${decimals(ms, 2)} ms`;
  if (ms < 9.95) return `${decimals(ms, 1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_995) return `${decimals(ms / 1000, 2)} s`;
  // The largest unit the duration fills, after rounding to the unit below it: 59 min 59.6 s reads "1 h".
  for (let i = 0; i < UNITS.length - 1; i++) {
    const [big, bigMs] = UNITS[i]!;
    const [small, smallMs] = UNITS[i + 1]!;
    const smalls = Math.round(ms / smallMs);
    const perBig = bigMs / smallMs;
    if (smalls < perBig) continue;
    const whole = Math.floor(smalls / perBig);
    const rest = smalls % perBig;
    return rest === 0 ? `${whole} ${big}` : `${whole} ${big} ${rest} ${small}`;
  }
  return `${Math.round(ms / 1000)} s`;
}

/** `n` to at most `places` decimals, without trailing zeros: 1.50 -> "1.5", 30.00 -> "30". */
const decimals = (n: number, places: number) => String(Number(n.toFixed(places)));
