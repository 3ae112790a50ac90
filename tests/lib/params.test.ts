import { describe, expect, test } from "bun:test";
import { ParamReadError, readParams } from "../../lib/params.ts";

describe("readParams()", () => {
  test("reads positional parameters in order", () => {
    function f(a: number, b: string) {
      return [a, b];
    }
    expect(readParams(f)).toEqual({
      style: "positional",
      deps: [{ name: "a", optional: false }, { name: "b", optional: false }],
      signalIndex: -1,
    });
  });

  test("marks a parameter with a default as optional and keeps the default's source", () => {
    const base = { factor: 3 };
    const f = (a: number, factor = base.factor) => a * factor;
    expect(readParams(f).deps).toEqual([
      { name: "a", optional: false },
      { name: "factor", optional: true, defaultSource: "base.factor" },
    ]);
  });

  test("reads one destructured object parameter, with defaults and renamed keys", () => {
    const f = ({ a, b = "x", c: renamed }: { a: number; b?: string; c: number }) => [a, b, renamed];
    expect(readParams(f)).toEqual({
      style: "object",
      deps: [
        { name: "a", optional: false },
        { name: "b", optional: true, defaultSource: '"x"' },
        { name: "c", optional: false },
      ],
      signalIndex: -1,
    });
  });

  test("reads async functions, async arrows, generators and object methods", () => {
    expect(readParams(async function g(x: number) { return x; }).deps.map((d) => d.name)).toEqual(["x"]);
    expect(readParams(async (y: number) => y).deps.map((d) => d.name)).toEqual(["y"]);
    expect(readParams(function* gen(z: number) { yield z; }).deps.map((d) => d.name)).toEqual(["z"]);
    const obj = { method(w: number) { return w; } };
    expect(readParams(obj.method).deps.map((d) => d.name)).toEqual(["w"]);
    expect(readParams(() => 1)).toEqual({ style: "positional", deps: [], signalIndex: -1 });
  });

  test("finds the reserved abortSignal parameter in both forms", () => {
    expect(readParams((a: number, abortSignal: AbortSignal) => [a, abortSignal]).signalIndex).toBe(1);
    const o = readParams(({ a, abortSignal }: { a: number; abortSignal: AbortSignal }) => [a, abortSignal]);
    expect(o.signalIndex).toBe(0);
    expect(o.deps.map((d) => d.name)).toEqual(["a"]);
  });

  test("rejects a rest parameter", () => {
    expect(() => readParams((...xs: number[]) => xs)).toThrow(new ParamReadError("it uses a rest parameter"));
  });

  test("rejects a rest element in a destructured parameter", () => {
    expect(() => readParams(({ a, ...rest }: Record<string, number>) => [a, rest])).toThrow(/rest element/);
  });

  test("rejects nested destructuring", () => {
    expect(() => readParams(({ a: { b } }: { a: { b: number } }) => b)).toThrow(/nested pattern/);
    expect(() => readParams((x: number, { y }: { y: number }) => x + y)).toThrow(/destructuring pattern next to other parameters/);
  });

  test("rejects native and bound functions", () => {
    expect(() => readParams(Math.max)).toThrow(/native or bound/);
    expect(() => readParams(((a: number) => a).bind(null))).toThrow(/native or bound/);
  });

  test("rejects abortSignal anywhere but last", () => {
    expect(() => readParams((abortSignal: AbortSignal, a: number) => [abortSignal, a])).toThrow(/must come last/);
  });
});
