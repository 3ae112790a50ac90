import { describe, expect, test } from "bun:test";
import { previewOf } from "../../lib/history/preview.ts";

describe("previewOf()", () => {
  test("previews plain values readably", () => {
    expect(previewOf({ rows: [1, 2, 3], name: "a", "odd key": null })).toBe('{ rows: [1, 2, 3], name: "a", "odd key": null }');
    expect(previewOf([1n, true, undefined, new Date(0)])).toBe("[1n, true, undefined, 1970-01-01T00:00:00.000Z]");
    expect(previewOf(new Map([["k", new Set([1])]]))).toBe('Map(1) { "k" => Set(1) {1} }');
  });
  test("stops at the budget, ending in an ellipsis, however large the value", () => {
    const big = new Float64Array(10_000_000);
    const t = performance.now();
    const text = previewOf(big, 50);
    expect(performance.now() - t).toBeLessThan(50);
    expect(text.length).toBe(50);
    expect(text).toStartWith("Float64Array(10000000) [0, 0,");
    expect(text).toEndWith("…");
  });
  test("shows nesting past three levels by type only, and class instances by name", () => {
    class Point { x = 1; }
    expect(previewOf({ a: { b: { c: { d: 1 } } } })).toBe("{ a: { b: { c: [Object] } } }");
    expect(previewOf(new Point())).toBe("Point { x: 1 }");
  });
  test("never throws: a getter that throws shows as <error>", () => {
    const hostile = { get boom() { throw new Error("no"); } };
    expect(previewOf(hostile)).toBe("{ boom: <error> }");
  });
  test("keeps markup as text for the page to escape", () => {
    expect(previewOf("<script>alert(1)</script>")).toBe('"<script>alert(1)</script>"');
  });
});
