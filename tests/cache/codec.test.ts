import { describe, expect, test } from "bun:test";
import { dataVersionOfEncoding, decodeValue, encodeValue, joinParts } from "../../cache/codec.ts";
import { fingerprint } from "../../cache/fingerprint.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";
import { registerCodec } from "../../cache/codec-registry.ts";
import { why } from "./_same-value.ts";

const roundTrip = (v: unknown): unknown => decodeValue(joinParts(encodeValue(v)).slice());
/** Asserts the round trip gives back a value no node can tell from `v`. */
const exact = (v: unknown) => expect(why(v, roundTrip(v), "")).toBeUndefined();

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

  test("decodeValue() gives back -0, NaN, lone surrogates and a leading BOM exactly", () => {
    exact([-0, 0, NaN, -Infinity, 5e-324, -(2 ** 53)]);
    exact(["\ud800", "x\udc00y", "\ufeffbom", "\u{1F600}", "é".repeat(40), "\ud800".repeat(50_000)]);
  });

  test("decodeValue() gives back strings and arrays of every length class (one-byte to multi-byte lengths)", () => {
    const lengths = [0, 1, 41, 42, 43, 127, 128, 129, 16_383, 16_384, 30_000];
    const strings = lengths.flatMap((n) => ["a".repeat(n), "é".repeat(n), "\u{1F600}".repeat(Math.ceil(n / 2)), "€".repeat(n)]);
    exact(strings);
    exact(Object.fromEntries(strings.map((x, i) => [x, i])));
    exact(lengths.map((n) => Array.from({ length: n }, (_, i) => i)));
    exact([2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 0.5]);
  });

  test("decodeValue() gives back null prototypes, own \"__proto__\" keys and property order", () => {
    exact(Object.assign(Object.create(null), { b: 1, a: { c: Object.create(null) } }));
    exact(JSON.parse('{"z": 1, "__proto__": { "polluted": true }, "a": 2}'));
    const back = roundTrip(JSON.parse('{"__proto__": { "polluted": true }}')) as object;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    exact({ b: 1, a: 2, 10: 3, 2: 4 });
  });

  test("decodeValue() gives back frozen objects and arrays frozen, and RegExp lastIndex", () => {
    exact(Object.freeze({ a: Object.freeze([1, { b: 2 }]) }));
    const re = /x/gy;
    re.lastIndex = 7;
    exact({ re });
    exact(new Date(NaN));
  });

  test("decodeValue() gives back views with an offset as views of their bytes only, Buffers as Buffers", () => {
    const buffer = new Uint8Array([9, 9, 1, 0, 2, 0, 9]).buffer;
    const nested = roundTrip({ v: new Int16Array(buffer, 2, 2) }) as { v: Int16Array };
    expect([...nested.v]).toEqual([1, 2]);
    expect([nested.v.byteOffset, nested.v.buffer.byteLength]).toEqual([0, 4]);
    exact({ b: Buffer.from("hi"), u: new Uint8Array([1]), d: new DataView(buffer, 1, 3) });
    exact(Buffer.from("top level"));
    expect(roundTrip(Buffer.from("x"))).toBeInstanceOf(Buffer);
  });

  test("decodeValue() is not fooled by a Node Buffer reused after decoding (its keys are remembered by copy)", () => {
    // A key of the same length whose bytes land in the same slot of the reader's cache (its hash, replicated).
    const slot = (k: string) => [...k].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, k.length) & 1023;
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const other = [...letters].flatMap((a) => [...letters].flatMap((b) => [...letters].map((c) => a + b + c))).find((k) => k !== "key" && slot(k) === slot("key"))!;
    const row = Buffer.from(joinParts(encodeValue({ key: 1 })));
    expect(decodeValue(row)).toEqual({ key: 1 });
    row.set(new TextEncoder().encode(other), row.indexOf("key"));
    expect(decodeValue(row)).toEqual({ [other]: 1 });
  });

  test("decodeValue() gives back shared parts as separate copies: sharing is not part of a value", () => {
    const shared = { x: [1] };
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    const back = roundTrip({ a: shared, b: shared, lo: new Uint8Array(buffer, 0, 2), hi: new Uint8Array(buffer, 2, 2) }) as { a: object; b: object; lo: Uint8Array; hi: Uint8Array };
    expect(back.a).toEqual(shared);
    expect(back.a).not.toBe(back.b);
    expect(back.lo.buffer).not.toBe(back.hi.buffer);
    expect([[...back.lo], [...back.hi]]).toEqual([[1, 2], [3, 4]]);
  });

  test("decodeValue() gives back a Float16Array where the runtime has one", () => {
    const F16 = (globalThis as { Float16Array?: new (xs: number[]) => ArrayBufferView }).Float16Array;
    if (F16 === undefined) return;
    exact({ h: new F16([1.5, -0, NaN]) });
    exact(new F16([2]));
  });

  test("encodeValue() refuses what the fingerprint refuses, with the path", () => {
    expect(() => encodeValue({ rows: [1, , 3] })).toThrow("at .rows: a sparse array (it has holes)");
    expect(() => encodeValue({ get x() { return 1; } })).toThrow("at .x: an accessor property (a getter or setter)");
    expect(() => encodeValue(new Uint8Array(new SharedArrayBuffer(2)))).toThrow("a view of a SharedArrayBuffer");
  });

  test("decodeValue() decodes values nested 100,000 deep without recursion", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { d: deep };
    let back = roundTrip(deep);
    for (let i = 0; i < 100_000; i++) back = Array.isArray(back) ? back[0] : (back as { d: unknown }).d;
    expect(back).toBe("leaf");
  });

  test("decodeValue() refuses the formats of earlier weft versions, truncated bytes and trailing bytes", () => {
    expect(() => decodeValue(new Uint8Array([0x01, 0x90]))).toThrow("it is in the MessagePack format of an earlier weft version, which this version does not read");
    expect(() => decodeValue(new Uint8Array([0x02, ...new Uint8Array(15)]))).toThrow("it is in the raw format of an earlier weft version");
    const bytes = joinParts(encodeValue({ a: [1, 2, "three"] }));
    for (let n = 1; n < bytes.length; n++) expect(() => decodeValue(bytes.slice(0, n))).toThrow();
    expect(() => decodeValue(Uint8Array.of(...bytes, 0))).toThrow("1 bytes follow the value");
    expect(() => decodeValue(Uint8Array.of(0x03, 16, 0xff, 0xff, 0xff, 0xff, 0x0f))).toThrow("a count of 4294967295 is larger than the bytes left");
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

  test("decodeValue() fails for a registered class this process does not know", () => {
    class Temp {
      constructor(readonly v: number) {}
    }
    registerCodec({ name: "test.Temp", class: Temp, encode: (t) => t.v, decode: (v) => new Temp(v) });
    const renamed = joinParts(encodeValue(new Temp(1))).slice();
    // The codec's name is stored as ASCII: rename it in place to one nobody registered.
    renamed.set(new TextEncoder().encode("test.Tmpx"), Buffer.from(renamed).indexOf("test.Temp"));
    expect(() => decodeValue(renamed)).toThrow('no codec named "test.Tmpx" is registered in this process');
  });

  test("dataVersionOfEncoding() gives the value's data version from its stored bytes, raw ones included", () => {
    const values = [1, "abc", { a: [1, 2n] }, new Float64Array([1, -0]), new Int16Array(new ArrayBuffer(8), 2, 2), new ArrayBuffer(3), Buffer.from("b"), new DataView(new ArrayBuffer(4), 1, 2), new Float64Array(10_000)];
    for (const v of values) {
      const fp = fingerprint(v, bunHasher);
      expect(fp.ok && dataVersionOfEncoding(joinParts(encodeValue(v)), bunHasher)).toBe(fp.ok && fp.dataVersion);
    }
    const bytes = joinParts(encodeValue({ a: 1 })).slice();
    bytes[bytes.length - 1]! ^= 1;
    expect(dataVersionOfEncoding(bytes, bunHasher)).not.toBe((fingerprint({ a: 1 }, bunHasher) as { dataVersion: string }).dataVersion);
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
