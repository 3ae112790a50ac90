import { describe, expect, test } from "bun:test";
import { closestNames } from "../../lib/closest-names.ts";

describe("closestNames()", () => {
  test("lists the names within a typo, closest first, ties in the given order", () => {
    expect(closestNames("regionTotl", ["orders", "regions", "regionTotal", "regionTotals"])).toEqual(["regionTotal", "regionTotals"]);
  });

  test("keeps at most max names", () => {
    expect(closestNames("ab", ["aa", "ac", "ad", "ae"], { max: 2 })).toEqual(["aa", "ac"]);
  });

  test("takes a name differing only in case as the closest, however long", () => {
    expect(closestNames("REVENUEBYREGION", ["revenueByRegion", "revenue"])).toEqual(["revenueByRegion"]);
  });

  test("finds nothing for a name far from every known one", () => {
    expect(closestNames("zzzzzz", ["orders", "rates"])).toEqual([]);
  });
});
