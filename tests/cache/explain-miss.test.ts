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

  test("explainMiss() names the bindings whose code changed, in source terms", () => {
    const own = { id: "#cleaned", kind: "code" as const, name: "cleaned", where: "flow.ts:21", version: "o1" };
    const helper = { id: "#normalize", kind: "helper" as const, name: "normalize", where: "flow.ts:42", version: "h1" };
    const lodash = { id: "package:lodash", kind: "package" as const, name: "lodash", version: "4.17.20" };
    const other = { id: "./other.ts#load", kind: "function" as const, name: "load", file: "./other.ts", where: "other.ts:5", version: "l1" };
    const before = { ...base, codeParts: [own, helper, lodash, other] };
    const after = (parts: object[]) => ({ ...base, codeVersion: "c2", codeParts: parts as never });
    expect(explainMiss(before, after([{ ...own, version: "o2", where: "flow.ts:22" }, helper, lodash, other]))).toBe('code of "cleaned" changed (flow.ts:22)');
    expect(explainMiss(before, after([own, { ...helper, version: "h2" }, { ...lodash, version: "4.17.21" }, other]))).toBe(
      'helper "normalize" changed (flow.ts:42); package "lodash" changed from 4.17.20 to 4.17.21',
    );
    expect(explainMiss(before, after([own, lodash, { ...other, version: "l2" }]))).toBe(
      'function "load" of ./other.ts changed (other.ts:5); helper "normalize" is no longer used',
    );
    const rate = { id: "#RATE", kind: "constant" as const, name: "RATE", where: "flow.ts:3", version: "r1" };
    expect(explainMiss(before, after([own, helper, lodash, other, rate]))).toBe('constant "RATE" is now used (flow.ts:3)');
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
