import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { formatDuration } from "../../lib/format-duration.ts";

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

describe("formatDuration()", () => {
  test("reads under a second in ms and under a minute in seconds, without trailing zeros", () => {
    expect([0.4, 0.123, 3.25, 12.4, 999.4, 1250, 1500, 30_000, 59_990].map(formatDuration))
      .toEqual(["0.4 ms", "0.12 ms", "3.3 ms", "12 ms", "999 ms", "1.25 s", "1.5 s", "30 s", "59.99 s"]);
  });

  test("reads longer durations in the two largest whole units, leaving out a zero", () => {
    expect([3 * MIN + 4000, 10 * MIN, 90 * MIN, 12 * H, 7 * D, 2 * D + 3 * H].map(formatDuration))
      .toEqual(["3 min 4 s", "10 min", "1 h 30 min", "12 h", "7 d", "2 d 3 h"]);
  });

  test("rounds into the next unit instead of showing 60 of the smaller one", () => {
    expect([59_999, H - 400, D - 20 * 1000, 3 * MIN + 59_600].map(formatDuration)).toEqual(["1 min", "1 h", "1 d", "4 min"]);
  });

  test("reads a missing or non-finite duration as a dash, and a negative one with a sign", () => {
    expect([undefined, Number.NaN, Number.POSITIVE_INFINITY, -1250].map(formatDuration)).toEqual(["–", "–", "–", "-1.25 s"]);
  });

  test("never shows a count of a smaller unit that makes up a larger one", () => {
    fc.assert(fc.property(fc.double({ min: 60_000, max: 400 * D, noNaN: true }), (ms) => {
      const m = /^(\d+) (d|h|min)(?: (\d+) (h|min|s))?$/.exec(formatDuration(ms));
      expect(m).not.toBeNull();
      const limit: Record<string, number> = { h: 24, min: 60, s: 60 };
      if (m![3] !== undefined) expect(Number(m![3])).toBeLessThan(limit[m![4]!]!);
    }));
  });
});
