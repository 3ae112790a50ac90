import { describe, expect, test } from "bun:test";
import { explainMiss } from "../../cache/explain-miss.ts";
import type { KeyParts } from "../../lib/ports/metadata-store.ts";

const base: KeyParts = {
  node: "cleaned", codeVersion: "c1", inputs: { path: "aaaaaaaa11", rawRows: "bbbbbbbb22" }, config: { region: "cccccccc33" },
  previews: { path: '"a.csv"', region: '"eu"' },
};

describe("explainMiss()", () => {
  test("explainMiss() says when a node was never cached", () => {
    expect(explainMiss(undefined, base)).toBe('no cached result for "cleaned" yet');
  });

  test("explainMiss() names a code change", () => {
    expect(explainMiss(base, { ...base, codeVersion: "c2" })).toBe('code of "cleaned" changed');
  });

  test("explainMiss() shows an input change with previews and short versions", () => {
    const now = { ...base, inputs: { ...base.inputs, path: "dddddddd44" }, previews: { ...base.previews, path: '"b.csv"' } };
    expect(explainMiss(base, now)).toBe('input "path" changed from "a.csv" (aaaaaaaa) to "b.csv" (dddddddd)');
  });

  test("explainMiss() lists every change: config, new and dropped inputs, without previews", () => {
    const now: KeyParts = { node: "cleaned", codeVersion: "c1", inputs: { path: "aaaaaaaa11", limit: "eeeeeeee55" }, config: { region: "ffffffff66" } };
    expect(explainMiss(base, now)).toBe(
      'input "limit" is new; input "rawRows" is no longer used; config "region" changed from "eu" (cccccccc) to ffffffff',
    );
  });

  test("explainMiss() reports manual versions instead of code", () => {
    expect(explainMiss({ ...base, version: "1" }, { ...base, version: "2", codeVersion: "other" })).toBe('manual version of "cleaned" changed from "1" to "2"');
    expect(explainMiss(base, { ...base, version: "1" })).toBe('"cleaned" got the manual version "1"');
  });
});
