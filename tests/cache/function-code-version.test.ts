import { beforeAll, describe, expect, test } from "bun:test";
import { functionCodeVersion } from "../../cache/code/function-code-version.ts";
import { node } from "../../lib/model/node.ts";
import { nodeMeta } from "../../lib/model/node-specs.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";
import { loadParsers } from "../../cache/code/_parsers.ts";

/** Builds a function from source, as `new Function` or eval would: no module file. */
const fnOf = (source: string): Function => new Function(`return (${source})`)();
const version = (fn: Function, module?: object): string => {
  const v = functionCodeVersion(fn, bunHasher, module);
  if (!v.ok) throw new Error(v.reason);
  return v.codeVersion;
};
const helpers = (fn: Function, module: object) => {
  const v = functionCodeVersion(fn, bunHasher, module);
  return v.ok ? v.parts.filter((p) => p.kind === "helper").map((p) => p.name) : v.reason;
};

beforeAll(loadParsers);

describe("functionCodeVersion()", () => {
  test("functionCodeVersion() ignores comments, whitespace, semicolons, quotes and parentheses", () => {
    const a = fnOf(`function cleaned(rows) { return rows.filter((r) => r !== "") }`);
    const b = fnOf(`function cleaned(rows) {
      // drop empty rows
      return rows.filter(r => r !== '');  /* done */
    }`);
    expect(version(a)).toBe(version(b));
  });

  test("functionCodeVersion() changes when the body changes", () => {
    const a = fnOf(`(rows) => rows.filter((r) => r !== "")`);
    const b = fnOf(`(rows) => rows.filter((r) => r !== " ")`);
    const c = fnOf(`(rows) => rows.filter((r) => r != "")`);
    expect(new Set([version(a), version(b), version(c)]).size).toBe(3);
  });

  test("functionCodeVersion() counts the same-module exports a function calls, also through other helpers", () => {
    const make = (round: string, unrelated: string) => {
      const mod: Record<string, Function> = { _round: fnOf(round), _scale: fnOf(`(x) => _round(x * 2)`), unrelated: fnOf(unrelated) };
      mod.total = node(fnOf(`(xs) => xs.map(_scale)`) as (xs: number[]) => number[]);
      return mod;
    };
    const base = make(`(x) => Math.round(x)`, `() => 1`);
    const inner = (m: Record<string, Function>) => nodeMeta(m.total)!.fn;
    expect(helpers(inner(base), base)).toEqual(["_round", "_scale"]);
    expect(version(inner(make(`(x) => Math.floor(x)`, `() => 1`)), make(`(x) => Math.floor(x)`, `() => 1`))).not.toBe(version(inner(base), base));
    const other = make(`(x) => Math.round(x)`, `() => 2`);
    expect(version(inner(other), other)).toBe(version(inner(base), base));
  });

  test("functionCodeVersion() does not count a parameter, a local, a property or a key named like an export", () => {
    const mod = { _round: fnOf(`(x) => x`), total: fnOf(`(x) => x`) };
    expect(helpers(fnOf(`(o, total) => { const _round = 1; return { _round: o._round, total, r: _round }; }`), mod)).toEqual([]);
  });

  test("functionCodeVersion() is not fully tracked when the function names a binding its text does not show", () => {
    expect(functionCodeVersion(fnOf(`(a) => a + RATE`), bunHasher)).toMatchObject({ ok: true, untracked: "its module file is unknown" });
  });

  test("functionCodeVersion() is fully tracked when the function uses only its parameters and globals", () => {
    const v = functionCodeVersion(fnOf(`(a) => Math.max(a, 1) + JSON.stringify(undefined ?? NaN).length`), bunHasher);
    expect(v.ok).toBe(true);
    expect(v).not.toHaveProperty("untracked");
  });

  test("functionCodeVersion() reports a function whose source cannot be read", () => {
    expect(functionCodeVersion(Math.max, bunHasher)).toEqual({
      ok: false,
      reason: "its source is not available (a native or bound function); give it a manual version with node(fn, { version })",
    });
  });

  test("functionCodeVersion() reads methods and classes", () => {
    const obj = { area(r: number) { return r * r; } };
    expect(version(obj.area)).toMatch(/^[0-9a-f]{64}$/);
    expect(version(class Box { size() { return 1; } })).not.toBe(version(class Box { size() { return 2; } }));
  });
});
