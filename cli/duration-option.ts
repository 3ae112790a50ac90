/**
 * Durations on the command line, one syntax for every option that takes one
 * (`weft cache gc --max-age`, `weft history prune --older-than`): a number
 * and a unit, `500ms`, `30s`, `10m`, `12h`, `7d`.
 *
 * @module
 */
import { UsageError } from "./cli-error.ts";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

/**
 * The milliseconds of a duration given to `option`.
 *
 * @throws {UsageError} when `text` is not a duration
 * @example
 * ```ts
 * durationOption("--max-age", "7d"); // 604800000
 * ```
 */
export function durationOption(option: string, text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new UsageError(`Option "${option}" must be a duration such as 30s, 10m, 12h or 7d, got "${text}"`);
  return Number(m[1]) * UNIT[m[2]!]!;
}
