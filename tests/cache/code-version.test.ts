import { describe, expect, test } from "bun:test";
import { codeVersion } from "../../cache/code-version.ts";
import { node, nodeMeta } from "../../lib/node.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

/** Builds a function from source, as a module would define it. */
const fnOf = (source: string): Function => new Function(`return (${source})`)();
const version = (fn: Function, module?: object): string => {
  const v = codeVersion(fn, bunHasher, module === undefined ? {} : { module });
  if (!v.ok) throw new Error(v.reason);
  return v.codeVersion;
};

describe("codeVersion()", () => {
  test("codeVersion() ignores comments, whitespace, semicolons, quotes and parentheses", () => {
    const a = fnOf(`function cleaned(rows) { return rows.filter((r) => r !== "") }`);
    const b = fnOf(`function cleaned(rows) {
      // drop empty rows
      return rows.filter(r => r !== '');  /* done */
    }`);
    expect(version(a)).toBe(version(b));
  });

  test("codeVersion() changes when the body changes", () => {
    const a = fnOf(`(rows) => rows.filter((r) => r !== "")`);
    const b = fnOf(`(rows) => rows.filter((r) => r !== " ")`);
    const c = fnOf(`(rows) => rows.filter((r) => r != "")`);
    expect(new Set([version(a), version(b), version(c)]).size).toBe(3);
  });

  test("codeVersion() counts the same-module helpers a function calls, also through other helpers", () => {
    const make = (round: string, unrelated: string) => {
      const mod: Record<string, Function> = {
        _round: fnOf(round),
        _scale: fnOf(`(x) => _round(x * 2)`),
        unrelated: fnOf(unrelated),
      };
      mod.total = node(fnOf(`(xs) => xs.map(_scale)`) as (xs: number[]) => number[]);
      return mod;
    };
    const base = make(`(x) => Math.round(x)`, `() => 1`);
    const helperChanged = make(`(x) => Math.floor(x)`, `() => 1`);
    const otherChanged = make(`(x) => Math.round(x)`, `() => 2`);
    const inner = (m: Record<string, Function>) => nodeMeta(m.total)!.fn;
    const v = codeVersion(inner(base), bunHasher, { module: base });
    expect(v).toMatchObject({ ok: true, helpers: ["_round", "_scale"] });
    expect(version(inner(helperChanged), helperChanged)).not.toBe(version(inner(base), base));
    expect(version(inner(otherChanged), otherChanged)).toBe(version(inner(base), base));
  });

  test("codeVersion() does not count a property or key that shares an export's name", () => {
    const mod = { _round: fnOf(`(x) => x`) };
    const fn = fnOf(`(o) => ({ _round: o._round })`);
    expect(codeVersion(fn, bunHasher, { module: mod })).toMatchObject({ ok: true, helpers: [] });
  });

  test("codeVersion() reports a function whose source cannot be read", () => {
    expect(codeVersion(Math.max, bunHasher)).toEqual({
      ok: false,
      reason: "its source is not available (a native or bound function); give it a manual version with node(fn, { version })",
    });
  });

  test("codeVersion() is computed once per function", () => {
    const fn = fnOf(`(a) => a + 1`);
    expect(codeVersion(fn, bunHasher)).toBe(codeVersion(fn, bunHasher));
  });

  test("codeVersion() reads methods and classes", () => {
    const obj = { area(r: number) { return r * r; } };
    expect(version(obj.area)).toMatch(/^[0-9a-f]{64}$/);
    expect(version(class Box { size() { return 1; } })).not.toBe(version(class Box { size() { return 2; } }));
  });
});
