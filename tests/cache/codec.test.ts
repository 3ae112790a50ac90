import { describe, expect, test } from "bun:test";
import { decodeValue, encodeValue, joinParts } from "../../cache/codec.ts";
import { registerCodec } from "../../cache/codec-registry.ts";

const roundTrip = (v: unknown): unknown => decodeValue(joinParts(encodeValue(v)).slice());

describe("encodeValue() and decodeValue()", () => {
  test("decodeValue() restores every kind the fingerprint accepts, nested", () => {
    const value = {
      n: [1, -2.5, 2 ** 60, NaN, Infinity], s: "é\u{1F600}", b: [1n, -(2n ** 70n), 2n ** 63n], u: undefined, z: null,
      m: new Map<unknown, unknown>([[1, "one"], ["k", { deep: new Set([1, "1"]) }]]), d: new Date(1234), re: /x+/gi,
      t: { f64: new Float64Array([1.5, 2]), i8: new Int8Array([-1]), u64: new BigUint64Array([2n ** 64n - 1n]) },
      ab: new Uint8Array([1, 2, 3]).buffer, nested: [[[{ a: [] }]]], empty: {},
    };
    expect(roundTrip(value)).toEqual(value);
    const back = roundTrip(value) as typeof value;
    expect(back.m).toBeInstanceOf(Map);
    expect(back.empty).not.toBeInstanceOf(Map);
    expect(typeof back.b[0]).toBe("bigint");
    expect(back.t.u64).toBeInstanceOf(BigUint64Array);
  });

  test("decodeValue() keeps numbers and BigInts apart", () => {
    expect(roundTrip([1, 1n])).toEqual([1, 1n]);
    expect(typeof (roundTrip(5n) as unknown)).toBe("bigint");
  });

  test("encodeValue() writes a top-level typed array as a header and the bytes themselves, without a copy", () => {
    const arr = new Float64Array([1, 2, 3]);
    const enc = encodeValue(arr);
    expect(enc.size).toBe(16 + 24);
    expect(enc.parts[1]!.buffer).toBe(arr.buffer);
    const back = roundTrip(arr) as Float64Array;
    expect(back).toEqual(arr);
    expect([back.byteOffset, back.buffer.byteLength]).toEqual([0, 24]);
    const view = new Int16Array(new ArrayBuffer(16), 4, 3);
    view.set([7, 8, 9]);
    expect(roundTrip(view)).toEqual(new Int16Array([7, 8, 9]));
    expect(roundTrip(new ArrayBuffer(5))).toEqual(new ArrayBuffer(5));
    expect(roundTrip(new DataView(new Uint8Array([1, 2]).buffer))).toEqual(new DataView(new Uint8Array([1, 2]).buffer));
  });

  test("decodeValue() gives a raw value a buffer of its own, also from a Node Buffer (whose slice() does not copy)", () => {
    const stored = Buffer.concat([Buffer.alloc(3), joinParts(encodeValue(new Uint8Array([1, 2, 3, 250]).buffer))]).subarray(3);
    expect(decodeValue(stored)).toEqual(new Uint8Array([1, 2, 3, 250]).buffer);
  });

  test("decodeValue() rebuilds instances of a registered class", () => {
    class Point {
      constructor(readonly x: number, readonly y: number) {}
      norm() { return Math.hypot(this.x, this.y); }
    }
    registerCodec({ name: "test.Point", class: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x!, y!) });
    const back = roundTrip({ at: [new Point(3, 4)] }) as { at: Point[] };
    expect(back.at[0]).toBeInstanceOf(Point);
    expect(back.at[0]!.norm()).toBe(5);
  });

  test("decodeValue() fails for bytes no encoder wrote", () => {
    expect(() => decodeValue(new Uint8Array([9, 1, 2]))).toThrow("it does not start with a weft codec header");
    const bytes = joinParts(encodeValue(new Float64Array(4))).slice(0, 30);
    expect(() => decodeValue(bytes)).toThrow("its raw body has 14 bytes, its header says 32");
  });

  test("registerCodec() rejects a codec without a name or a class", () => {
    expect(() => registerCodec({ name: "", class: Date, encode: String, decode: (s) => new Date(s) })).toThrow(TypeError);
    expect(() => registerCodec({ name: "x", class: 1 as never, encode: String, decode: String })).toThrow('registerCodec() option "class" of codec "x" must be a class');
  });
});
