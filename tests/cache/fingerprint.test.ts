import { describe, expect, test } from "bun:test";
import { fingerprint } from "../../cache/fingerprint.ts";
import { registerCodec } from "../../cache/codec-registry.ts";
import { bunHasher } from "../../runtime/bun/mod.ts";

const dv = (v: unknown): string => {
  const fp = fingerprint(v, bunHasher);
  if (!fp.ok) throw new Error(`unexpected failure at ${fp.path}: ${fp.reason}`);
  return fp.dataVersion;
};
const failure = (v: unknown) => {
  const fp = fingerprint(v, bunHasher);
  if (fp.ok) throw new Error("expected a failure");
  return { path: fp.path, reason: fp.reason };
};
const distinct = (...values: unknown[]) => expect(new Set(values.map(dv)).size).toBe(values.length);

describe("fingerprint()", () => {
  test("fingerprint() gives a 64-hex data version that is stable for a value", () => {
    // SHA-256 of "weft-data-v2", tag 6, length 3 (a one-byte varint) and "abc", computed outside weft: a change to
    // the encoding (which would invalidate every cache) cannot go unnoticed.
    expect(dv("abc")).toBe("28e66e3922de4f3777d766f7b2cb559b1422dfa4c4a069ef226385639461ba90");
    expect(dv({ a: [1, 2n, null] })).toMatch(/^[0-9a-f]{64}$/);
  });

  test("fingerprint() tells types apart", () => {
    distinct(1, "1", 1n, true, [1], { 0: 1 }, new Set([1]), new Map([[0, 1]]), null, undefined, new Date(1), "", 0);
  });

  test("fingerprint() counts property order, which nodes can see (Object.keys, JSON.stringify), and Map order", () => {
    distinct({ a: 1, b: 2 }, { b: 2, a: 1 });
    expect(dv({ a: 1, b: { c: 2 } })).toBe(dv({ a: 1, b: { c: 2 } }));
    // Integer-like keys come first in every object, whatever the order they were added in.
    expect(dv({ b: 1, 2: 0, 1: 0 })).toBe(dv({ 1: 0, 2: 0, b: 1 }));
    distinct(new Map([["a", 1], ["b", 2]]), new Map([["b", 2], ["a", 1]]));
    distinct(new Set([1, 2]), new Set([2, 1]));
  });

  test("fingerprint() tells a null-prototype object from a plain one, and keeps an own \"__proto__\" key", () => {
    distinct(Object.assign(Object.create(null), { a: 1 }), { a: 1 });
    distinct(JSON.parse('{"__proto__": 1}'), {}, { ["__proto_"]: 1 });
    expect(dv(JSON.parse('{"__proto__": 1}'))).toBe(dv(JSON.parse('{"__proto__": 1}')));
  });

  test("fingerprint() hashes typed arrays by kind, length and viewed bytes; a Node Buffer is a kind of its own", () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    distinct(new Int32Array(bytes.buffer), new Float32Array(bytes.buffer), new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]));
    // The bytes outside a view are not part of its value (a decoded view owns an exact buffer).
    expect(dv(bytes.subarray(2, 4))).toBe(dv(new Uint8Array([3, 4])));
    expect(dv({ v: new Int16Array(bytes.buffer, 2, 2) })).toBe(dv({ v: new Int16Array(bytes.slice(2, 6).buffer) }));
    distinct(Buffer.from([3, 4]), new Uint8Array([3, 4]));
    const big = new Float64Array(100_000).map((_, i) => i);
    const changed = big.slice();
    changed[99_999] = -1;
    distinct(big, changed, big.buffer);
    distinct(new Float64Array([0]), new Float64Array([-0]));
    distinct(new DataView(bytes.buffer), new Uint8Array(bytes.buffer));
  });

  test("fingerprint() hashes a Float16Array where the runtime has one", () => {
    const F16 = (globalThis as { Float16Array?: new (xs: number[]) => ArrayBufferView }).Float16Array;
    if (F16 === undefined) return;
    distinct(new F16([1, 2]), new Uint16Array(new F16([1, 2]).buffer));
  });

  test("fingerprint() refuses views of shared, resizable or detached buffers", () => {
    expect(failure(new Uint8Array(new SharedArrayBuffer(4))).reason).toBe("a view of a SharedArrayBuffer");
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    expect(failure(new Uint8Array(new Resizable(4, { maxByteLength: 8 }))).reason).toBe("a view of a resizable ArrayBuffer");
    expect(failure(new Resizable(4, { maxByteLength: 8 })).reason).toBe("a resizable ArrayBuffer");
    const moved = new ArrayBuffer(4);
    const view = new Uint8Array(moved);
    structuredClone(moved, { transfer: [moved] });
    expect(failure(view).reason).toBe("a view of a detached ArrayBuffer (transferred elsewhere)");
    expect(failure(moved).reason).toBe("a detached ArrayBuffer (transferred elsewhere)");
  });

  test("fingerprint() covers Date, BigInt, RegExp and nested Map and Set values", () => {
    distinct(new Date(5), new Date(6), new Date(NaN), 5, NaN);
    expect(dv(new Date(NaN))).toBe(dv(new Date("not a date")));
    distinct(2n ** 100n, 2n ** 100n + 1n, -(2n ** 100n), 0n);
    distinct(/a/g, /a/i, /a/);
    distinct({ m: new Map([["k", new Set([1, 2])]]) }, { m: new Map([["k", new Set([1, 3])]]) });
  });

  test("fingerprint() tells -0 from 0 and a lone surrogate from U+FFFD, and treats every NaN alike", () => {
    distinct(-0, 0, [-0], [0]);
    expect(dv(NaN)).toBe(dv(Number("x")));
    expect(dv(NaN)).toBe(dv(new Float64Array(Uint32Array.of(1, 0x7ff80000).buffer)[0]));
    distinct("\ud800", "\ufffd", "\udc00", "\ud800\udc00", "\udbff");
    expect(dv("\ud800\udc00")).toBe(dv("\u{10000}"));
  });

  test("fingerprint() counts RegExp lastIndex and refuses other RegExp properties", () => {
    const re = /a/g;
    re.lastIndex = 2;
    distinct(re, /a/g);
    expect(failure(Object.assign(/a/, { extra: 1 })).reason).toBe('a RegExp with an own property "extra"');
    const readOnly = Object.defineProperty(/a/, "lastIndex", { writable: false });
    expect(failure(readOnly).reason).toBe("a RegExp whose lastIndex is read-only");
    expect(failure(Object.assign(/a/, { lastIndex: "1" })).reason).toBe("a RegExp whose lastIndex is not a number");
  });

  test("fingerprint() refuses sparse arrays, also a huge one, promptly", () => {
    expect(failure([1, , 3])).toEqual({ path: "", reason: "a sparse array (it has holes)" });
    distinct([1, undefined, 3], [1, null, 3]);
    const started = performance.now();
    expect(failure({ big: new Array(2 ** 32 - 1) })).toEqual({ path: ".big", reason: "a sparse array (it has holes)" });
    const huge: unknown[] = [];
    huge[2 ** 32 - 2] = 1;
    expect(failure(huge).reason).toBe("a sparse array (it has holes)");
    // Listing what the arrays hold is microseconds; walking 2^32 slots would be minutes.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("fingerprint() refuses extra array properties, also when holes balance their count", () => {
    const rows = Object.assign([1, 2], { columns: ["a"] });
    expect(failure(rows).reason).toBe('an array with a property "columns" besides its elements');
    expect(failure("abc".match(/b/)).reason).toMatch(/^an array with a property "(index|input|groups)" besides its elements$/);
    const balanced = Object.assign([, 1], { foo: 1 });
    expect(failure(balanced)).toEqual({ path: "[0]", reason: "a hole (the array is sparse)" });
    expect(failure(Object.defineProperty([1], "hidden", { value: 1 })).reason).toBe('an array with a property "hidden" besides its elements');
    expect(failure(Object.assign([1], { [Symbol("s")]: 1 })).reason).toBe("an array with a symbol-keyed property Symbol(s)");
  });

  test("fingerprint() refuses symbol keys, non-enumerable, accessor and read-only properties, without running getters", () => {
    let ran = false;
    expect(failure({ a: { get x() { ran = true; return 1; } } })).toEqual({ path: ".a.x", reason: "an accessor property (a getter or setter)" });
    expect(ran).toBe(false);
    expect(failure({ [Symbol("s")]: 1 })).toEqual({ path: "", reason: "an object with a symbol-keyed property Symbol(s)" });
    expect(failure(Object.defineProperty({}, "h", { value: 1 }))).toEqual({ path: ".h", reason: "a non-enumerable property" });
    expect(failure(Object.defineProperty({}, "r", { value: 1, enumerable: true, configurable: true }))).toEqual({ path: ".r", reason: "a read-only or non-configurable property" });
  });

  test("fingerprint() tells frozen objects and arrays from others and refuses sealed or non-extensible ones", () => {
    distinct(Object.freeze({ a: 1 }), { a: 1 }, Object.freeze([1]), [1]);
    expect(dv(Object.freeze({ a: 1 }))).toBe(dv(Object.freeze({ a: 1 })));
    expect(failure(Object.seal({ a: 1 })).reason).toBe("a sealed or non-extensible object (frozen ones are cached, these are not)");
    expect(failure(Object.preventExtensions([1])).reason).toBe("a sealed or non-extensible array (frozen ones are cached, these are not)");
    expect(failure(Object.freeze(new Map())).reason).toBe("a frozen, sealed or non-extensible Map");
  });

  test("fingerprint() refuses own properties on Maps, Sets, Dates and buffers", () => {
    expect(failure(Object.assign(new Map(), { x: 1 })).reason).toBe('a Map with an own property "x"');
    expect(failure(Object.assign(new Set(), { [Symbol("s")]: 1 })).reason).toBe("a Set with a symbol-keyed property Symbol(s)");
    expect(failure(Object.assign(new Date(0), { tz: "UTC" })).reason).toBe('a Date with an own property "tz"');
    expect(failure(Object.assign(new ArrayBuffer(1), { x: 1 })).reason).toBe('an ArrayBuffer with an own property "x"');
    expect(failure(Object.assign(new Uint8Array(1), { [Symbol("s")]: 1 })).reason).toBe("a typed array with a symbol-keyed property");
  });

  test("fingerprint() walks values nested 200,000 deep without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(dv(deep)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("fingerprint() allows shared references but reports a cycle with its path", () => {
    const shared = { x: 1 };
    expect(dv({ a: shared, b: shared })).toBe(dv({ a: { x: 1 }, b: { x: 1 } }));
    const cyclic: { rows: { parent?: unknown }[] } = { rows: [{}] };
    cyclic.rows[0]!.parent = cyclic;
    expect(failure(cyclic)).toEqual({ path: ".rows[0].parent", reason: "a reference cycle back to the top level" });
    // Deep cycles, back to a shallow container and back to a deep one.
    const top: { next?: unknown } = {};
    let at: { next?: unknown } = top;
    for (let i = 0; i < 40; i++) at = (at.next = {}) as { next?: unknown };
    at.next = top;
    expect(failure(top)).toEqual({ path: ".next".repeat(41), reason: "a reference cycle back to the top level" });
    let deep: { next?: unknown } = top;
    for (let i = 0; i < 30; i++) deep = deep.next as { next?: unknown };
    at.next = deep;
    expect(failure(top).reason).toBe(`a reference cycle back to ${".next".repeat(30)}`);
  });

  test("fingerprint() reports what cannot be hashed with the path to it", () => {
    class Conn {}
    expect(failure({ rows: [1, { parse: () => 1 }] })).toEqual({ path: ".rows[1].parse", reason: 'a function ("parse")' });
    expect(failure(new Map([["db", new Conn()]])).path).toBe('.get("db")');
    expect(failure({ "a b": new Conn() }).reason).toContain('an instance of class "Conn" with no registered codec; register one with registerCodec(');
    expect(failure({ p: Promise.resolve(1) }).reason).toBe("a Promise; await it inside the node");
    expect(failure(Symbol("s"))).toEqual({ path: "", reason: "a symbol" });
    class Rows extends Array {}
    expect(failure(Rows.from([1])).reason).toBe("an array whose prototype is not Array.prototype (a subclass, or an array of another realm)");
  });

  test("fingerprint() hashes instances of a registered class by their encoded form, and only of that class", () => {
    class Money {
      constructor(readonly cents: bigint, readonly currency: string) {}
    }
    class Euro extends Money {}
    registerCodec({ name: "test.Money", class: Money, encode: (m) => [m.cents, m.currency], decode: ([c, cur]) => new Money(c as bigint, cur as string) });
    expect(dv(new Money(5n, "EUR"))).toBe(dv(new Money(5n, "EUR")));
    distinct(new Money(5n, "EUR"), new Money(5n, "USD"), [5n, "EUR"]);
    // A subclass instance would come back as a Money: it needs a codec of its own.
    expect(failure(new Euro(5n, "EUR")).reason).toContain('an instance of class "Euro" with no registered codec');
  });

  test("fingerprint() gives short previews of small primitives only", () => {
    expect(fingerprint("data.csv", bunHasher)).toMatchObject({ ok: true, preview: '"data.csv"' });
    expect(fingerprint(42, bunHasher)).toMatchObject({ preview: "42" });
    expect(fingerprint(-0, bunHasher)).toMatchObject({ preview: "-0" });
    expect((fingerprint("x".repeat(41), bunHasher) as { preview?: string }).preview).toBeUndefined();
    expect((fingerprint([1], bunHasher) as { preview?: string }).preview).toBeUndefined();
  });
});
